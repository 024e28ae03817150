"""PynamoDB models make DynamoDB calls for the code: a `Model` subclass's classmethods (`get`,
`query`, `scan`, `batch_get`, `batch_write`) and its instances' methods (`save`, `delete`,
`update`, `refresh`) map to the DynamoDB actions on the table `Meta.table_name` names. The set
stays incomplete wherever PynamoDB is used: its objects travel where the walk does not type them."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree
from test_aws_calls import calls_of

MODELS = '''\
import os

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model


class Order(Model):
    class Meta:
        table_name = os.environ["ORDERS_TABLE"]
        region = os.environ.get("AWS_REGION", "eu-west-1")

    id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(default="new")
    total = NumberAttribute(default=0)

    def close(self):
        self.update(actions=[Order.status.set("closed")])


class AuditEntry(Model):
    class Meta:
        table_name = "audit-log"

    id = UnicodeAttribute(hash_key=True)


class Settings:
    """Not a model: its `get` is a dict lookup."""

    def __init__(self):
        self.values = {}

    def get(self, key):
        return self.values.get(key)
'''

APP = '''\
import requests

from common.models import AuditEntry, Order, Settings

SETTINGS = Settings()


def _archive(order):
    order.delete()          # a parameter: not typed, never guessed


def handler(event, context):
    order = Order.get(event["id"])
    order.total = SETTINGS.get("fee") or 0
    order.save()
    for stale in Order.query(event["customer"]):
        _archive(stale)
    with AuditEntry.batch_write() as batch:
        batch.save(AuditEntry(id=event["id"]))
    order.close()
    requests.get("https://example.com/hook").raise_for_status()
    return {"status": event.get("status")}
'''

FILES = {"src/app.py": APP, "src/common/__init__.py": "", "src/common/models.py": MODELS}


def test_model_calls_map_to_dynamodb_actions_on_the_models_table(tmp_path: Path) -> None:
    found = calls_of(tmp_path, FILES)
    named = {(c.service, c.method, c.client.identifier) for c in found.calls}
    orders, audit = ("env", "ORDERS_TABLE"), ("str", "audit-log")
    # `order.close()` runs `self.update(...)`, but a method of an object a classmethod returned is
    # not followed: one more reason the set stays incomplete
    assert named == {("dynamodb", "get_item", orders), ("dynamodb", "put_item", orders),
                     ("dynamodb", "query", orders), ("dynamodb", "batch_write_item", audit)}
    (put,) = [c for c in found.calls if c.method == "put_item"]
    assert dict(put.call.keywords)["TableName"] == orders
    # `_archive`'s `order.delete()` is not listed: so the set says it is not complete
    assert not found.complete
    assert any("`pynamodb` makes AWS calls of its own" in u.reason for u in found.unknown)


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          ORDERS_TABLE: !Ref Orders
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
        - Statement:
            - Effect: Allow
              Action: ["dynamodb:BatchWriteItem"]
              Resource: "arn:aws:dynamodb:*:*:table/audit-log"
            - Effect: Allow
              Action: ["sqs:*"]
              Resource: "*"
"""


def test_a_read_only_role_misses_the_models_writes_and_nothing_is_called_unused(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, **FILES})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    # save -> PutItem on `Orders`; the audit log's batch write is allowed; `sqs:*` is not called
    # unused: PynamoDB leaves the set incomplete
    assert codes_at(result) == [("LL321", "src/app.py", 15)]
    (missing,) = result.findings
    assert "`dynamodb:PutItem` on `Orders`" in missing.message
