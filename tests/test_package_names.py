"""Handler code that reaches its AWS calls the way a real SAM app (a card-game WebSocket backend)
does: the table is made in the package's `__init__.py` and taken with `from . import db`, and the
routes are functions kept in a table of `Route(function=...)` values, called as `route.function()`.
Before, all three functions' DynamoDB permissions were reported unused (LL322) and the policy
command gave an empty, "complete" policy."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

from lambdalint.api import least_privilege
from lambdalint.config import Config

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 3
    Runtime: python3.12
    Environment:
      Variables:
        TABLE_NAME: !Ref GameTable
Resources:
  GameTable:
    Type: AWS::DynamoDB::Table
  UserFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/users
      Handler: user_service.handler.handle
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref GameTable
  GamesFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/games
      Handler: meta_service.handler.handle
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref GameTable
"""
PACKAGE_INIT = """\
import os
import boto3

if 'ENV' not in os.environ:
    # running locally
    db_resource = boto3.resource('dynamodb', endpoint_url='http://localhost:8000/')
else:
    db_resource = boto3.resource('dynamodb')

table = os.environ.get('TABLE_NAME', 'cards-app-table')
db = db_resource.Table(table)
"""
USER_ROUTES = """\
from . import db


def get_user(user_id: str) -> dict:
    return db.get_item(Key={'pk': f'USER#{user_id}'}).get('Item', {})


def create_user(user_id: str, body: dict) -> dict:
    db.put_item(Item={'pk': f'USER#{user_id}', **body})
    return body
"""
USER_HANDLER = """\
import json
from dataclasses import dataclass, field
from typing import Any, List

import boto3
from boto3.exceptions import Boto3Error

from user_service.routes import create_user, get_user


@dataclass
class Route:
    method: str = None
    function: Any = None
    args: List[Any] = field(default_factory=list)


def handle(event, context):
    user_id = event['requestContext']['authorizer']['claims']['cognito:username']
    body = json.loads(event['body']) if event['body'] else None
    routes = [
        Route(method='GET', function=get_user, args=[user_id]),
        Route(method='POST', function=create_user, args=[user_id, body]),
    ]
    route = next((r for r in routes if r.method == event['httpMethod']), None)
    if route is None:
        return {'statusCode': 404}
    return {'statusCode': 200, 'body': json.dumps(route.function(*route.args))}
"""
GAMES_HANDLER = """\
import json

import boto3

from . import db


def handle(event, context):
    result = db.get_item(Key={'pk': f"GAME#{event['pathParameters']['game_id']}"})
    return {'statusCode': 200, 'body': json.dumps(result.get('Item', {}))}
"""


def write_app(root: Path) -> Path:
    return write_tree(root, {
        "template.yaml": TEMPLATE,
        "services/users/user_service/__init__.py": PACKAGE_INIT,
        "services/users/user_service/routes.py": USER_ROUTES,
        "services/users/user_service/handler.py": USER_HANDLER,
        "services/games/meta_service/__init__.py": PACKAGE_INIT,
        "services/games/meta_service/handler.py": GAMES_HANDLER,
    })


def test_calls_through_the_packages_own_names_and_a_route_table_count(tmp_path: Path) -> None:
    root = write_app(tmp_path)
    result = run_lint(root, select=("LL322",))
    # both call DynamoDB through the package's `db`: the CRUD policy template is not unused (its
    # actions are listed, not `dynamodb:*`, so the rule says nothing of the ones not called)
    assert codes_at(result) == []
    assert not any("could not all be determined" in note for note in result.notes)


def test_the_policy_lists_the_calls_of_functions_kept_as_values(tmp_path: Path) -> None:
    root = write_app(tmp_path)
    policies = {p["function"]: p for p in least_privilege([root], Config(root=root), cwd=root)}
    actions = {name: sorted(a for s in p["policy"]["Statement"] for a in s["Action"]) for name, p in policies.items()}
    assert actions == {"UserFunction": ["dynamodb:GetItem", "dynamodb:PutItem"],
                       "GamesFunction": ["dynamodb:GetItem"]}
