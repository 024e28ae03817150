"""SAM connectors add statements to the source function's role (the `web-conn` template of
aws/aws-sam-cli-app-templates grants its table this way): LL321 reads them from the profiles
aws-sam-translator ships, and a connector it cannot expand leaves the role not fully known."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE: !Ref Orders
"""

CONNECTOR = """\
  ReaderToOrders:
    Type: AWS::Serverless::Connector
    Properties:
      Source:
        Id: Reader
      Destination:
        DESTINATION
      Permissions:
        - Read
"""

# `Connectors` is a resource attribute beside `Properties` (aws-sam-translator reads it there)
EMBEDDED = """\
    Connectors:
      OrdersConnector:
        Properties:
          Destination:
            Id: Orders
          Permissions:
            - Read
            - Write
"""

HANDLER = """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    item = table.get_item(Key={"id": event["id"]}).get("Item")
    table.put_item(Item={"id": event["id"], "seen": True})
    return item
"""


def ll321(tmp_path: Path, template: str) -> list[int]:
    write_tree(tmp_path, {"template.yaml": template, "src/app.py": HANDLER})
    return [line for code, _, line in codes_at(run_lint(tmp_path, select=("LL321",)))]


def test_without_a_connector_both_calls_are_missing(tmp_path: Path) -> None:
    assert ll321(tmp_path, TEMPLATE) == [9, 10]


def test_a_read_connector_grants_the_read_and_not_the_write(tmp_path: Path) -> None:
    assert ll321(tmp_path, TEMPLATE + CONNECTOR.replace("DESTINATION", "Id: Orders")) == [10]


def test_an_embedded_connector_with_read_and_write_grants_both(tmp_path: Path) -> None:
    # as aws-samples/serverless-samples (owasp-api-security-controls-demo) writes it: before `Properties`
    embedded = TEMPLATE.replace("    Type: AWS::Serverless::Function\n",
                                "    Type: AWS::Serverless::Function\n" + EMBEDDED)
    assert ll321(tmp_path, embedded) == []


def test_connectors_inside_properties_are_not_read(tmp_path: Path) -> None:
    # SAM rejects `Connectors` as a property, so it grants nothing there
    inside = "".join("  " + line + "\n" for line in EMBEDDED.splitlines())
    assert ll321(tmp_path, TEMPLATE.replace("      Environment:", inside + "      Environment:")) == [9, 10]


def test_a_connector_to_a_destination_by_arn_leaves_the_role_unknown(tmp_path: Path) -> None:
    by_arn = "Type: AWS::DynamoDB::Table\n        Arn: !ImportValue shared-orders-arn"
    assert ll321(tmp_path, TEMPLATE + CONNECTOR.replace("DESTINATION", by_arn)) == []
