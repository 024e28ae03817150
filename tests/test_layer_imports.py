"""Handler code that imports a module from a local layer of the project (aws-samples/
serverless-python-demo's `from utils import ProductStore`, with `utils.py` in a SAM layer built by
`BuildMethod: python3.9`): the layer's folder is on the import path, so the calls made there count
(before, LL322 called the table permissions unused because no reachable code called DynamoDB)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
  GetProductsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/get_products
      Handler: app.lambda_handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 5
      Environment:
        Variables:
          TABLE: !Ref Table
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:Scan, sqs:SendMessage]
              Resource: "*"
      Layers:
        - !Ref PyUtils
  PyUtils:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: LAYER_FOLDER
      CompatibleRuntimes: [python3.12]
METADATA"""

HANDLER = """\
import os

from utils import ProductStore

product_store = ProductStore(os.getenv("TABLE"))


def lambda_handler(event, context):
    return {"statusCode": 200, "body": str(product_store.get_products())}
"""

UTILS = """\
import boto3

dynamodb = boto3.resource("dynamodb")


class ProductStore:
    def __init__(self, table_name):
        self._table = dynamodb.Table(table_name)

    def get_products(self):
        return self._table.scan(Limit=20)["Items"]
"""

BUILT = "    Metadata:\n      BuildMethod: python3.12\n"


def unused(tmp_path: Path, layer_folder: str, utils_path: str, metadata: str) -> list[str]:
    template = TEMPLATE.replace("LAYER_FOLDER", layer_folder).replace("METADATA", metadata)
    write_tree(tmp_path, {"template.yaml": template, "src/get_products/app.py": HANDLER, utils_path: UTILS})
    # a whole run: the handler module is then analysed in full, as every rule needs it
    return [f.message for f in run_lint(tmp_path).visible if f.code == "LL322"]


def test_a_layer_built_by_sam_puts_its_folder_on_the_import_path(tmp_path: Path) -> None:
    # the scan in the layer is used; only the queue nobody sends to is reported
    found = unused(tmp_path, "src/pyutils", "src/pyutils/utils.py", BUILT)
    assert len(found) == 1 and "sqs:SendMessage" in found[0]


def test_a_layer_in_the_python_folder_layout(tmp_path: Path) -> None:
    found = unused(tmp_path, "layers/common", "layers/common/python/utils.py", "")
    assert len(found) == 1 and "sqs:SendMessage" in found[0]


def test_a_layer_not_built_and_not_in_python_is_not_importable(tmp_path: Path) -> None:
    # zipped as it is, `utils.py` sits at the layer's root, not under /opt/python: not on the path
    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("LAYER_FOLDER", "src/pyutils").replace("METADATA", ""),
                          "src/get_products/app.py": HANDLER, "src/pyutils/utils.py": UTILS})
    found = [f.message for f in run_lint(tmp_path).visible if f.code == "LL322"]
    assert any("dynamodb:Scan" in m for m in found) and any("sqs:SendMessage" in m for m in found)


REMOTE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 2
      Layers:
        - LAYER_ARN
      Environment:
        Variables:
          TABLE: !Ref Orders
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:PutItem, sqs:SendMessage]
              Resource: "*"
"""

SHARED_HANDLER = """\
import os

from aws_lambda_powertools import Logger
IMPORT

logger = Logger()


def handler(event, context):
    CALL
    return {"ok": True}
"""


def remote(tmp_path: Path, arn: str, imported: str, call: str) -> list[str]:
    write_tree(tmp_path, {"template.yaml": REMOTE.replace("LAYER_ARN", arn),
                          "src/app.py": SHARED_HANDLER.replace("IMPORT", imported).replace("CALL", call)})
    return [f.message for f in run_lint(tmp_path).visible if f.code == "LL322"]


def test_code_from_a_layer_outside_the_project_may_call_anything(tmp_path: Path) -> None:
    # `shared_utils` ships in the company layer: what it calls is not known, nothing is unused
    arn = "arn:aws:lambda:eu-west-1:123456789012:layer:shared-utils:3"
    assert remote(tmp_path, arn, "from shared_utils import save_order",
                  'save_order(os.environ["TABLE"], event)') == []


def test_the_powertools_layer_alone_keeps_the_call_set_complete(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
    found = remote(tmp_path, arn, "import boto3", 'boto3.resource("dynamodb").Table(os.environ["TABLE"]).put_item(Item=event)')
    assert len(found) == 1 and "sqs:SendMessage" in found[0]
