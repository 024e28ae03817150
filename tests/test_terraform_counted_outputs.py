"""A counted function reached through what modules output and pass on: an item of a module output
that lists its instances (`module.fn.arns[0]`, `element(module.fn.arns, 0)` of `aws_lambda_function.f.*.arn`),
and a block that names it with the same expression its own block writes (`var.names[count.index]`).
Found on Archana-Vadde/Terraform and vladcenan/aws_serverless: the queue that feeds the function
and the topics it sends results to were not linked, so LL322 called their permissions unused."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

ROOT = '''\
module "sns_module" {
  source = "./modules/sns"
}

module "sqs_module" {
  source        = "./modules/sqs"
  lambda_op_arn = module.lambda_module.lambda_op[0]
}

module "lambda_module" {
  source        = "./modules/lambda"
  s_sns1_op_arn = module.sns_module.sns_op[0]
  f_sns_op_arn  = module.sns_module.sns_op[1]
}
'''

SNS = '''\
resource "aws_sns_topic" "processed" {
  name = "processed"
}

resource "aws_sns_topic" "failed" {
  name = "failed"
}

output "sns_op" {
  value = [aws_sns_topic.processed.arn, aws_sns_topic.failed.arn]
}
'''

SQS = '''\
variable "lambda_op_arn" {}

resource "aws_sqs_queue" "queue" {
  name                       = "orders"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue" "dlq" {
  name = "orders-dlq"
}

resource "aws_lambda_event_source_mapping" "orders" {
  event_source_arn = aws_sqs_queue.queue.arn
  function_name    = var.lambda_op_arn
}
'''

LAMBDA = '''\
variable "name" {
  type    = list(string)
  default = ["process-orders"]
}
variable "s_sns1_op_arn" {}
variable "f_sns_op_arn" {}

data "archive_file" "lambda" {
  type        = "zip"
  source_file = "${path.module}/src/process_sqs.py"
  output_path = "${path.module}/process_sqs.zip"
}

resource "aws_lambda_function" "test_lambda" {
  count         = length(var.name)
  function_name = var.name[count.index]
  filename      = data.archive_file.lambda.output_path
  role          = aws_iam_role.iam_for_lambda.arn
  handler       = "process_sqs.lambda_handler"
  runtime       = "python3.12"
  timeout       = 30
}

resource "aws_lambda_function_event_invoke_config" "example" {
  count         = length(var.name)
  function_name = var.name[count.index]
  destination_config {
    on_failure {
      destination = var.f_sns_op_arn
    }
    on_success {
      destination = var.s_sns1_op_arn
    }
  }
}

resource "aws_iam_role" "iam_for_lambda" {
  name = "iam_for_lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "policy" {
  role = aws_iam_role.iam_for_lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = "*" },
      { Effect = "Allow", Action = ["sns:Publish"], Resource = "*" },
      { Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = "*" },
    ]
  })
}

output "lambda_op" {
  value = aws_lambda_function.test_lambda.*.arn
}
'''

HANDLER = '''\
import json


def lambda_handler(event, context):
    for record in event["Records"]:
        print(json.loads(record["body"]))
    return {"statusCode": 200}
'''


def _project(tmp_path: Path, root: str = ROOT) -> Path:
    return write_tree(tmp_path, {
        "main.tf": root, "modules/sns/sns.tf": SNS, "modules/sqs/sqs.tf": SQS,
        "modules/lambda/lambda.tf": LAMBDA, "modules/lambda/src/process_sqs.py": HANDLER,
    })


def _found(tmp_path: Path, *codes: str) -> list[tuple[str, str, int, str]]:
    result = run_lint(tmp_path, select=codes)
    return [(f.code, f.span.path, f.span.line, f.message) for f in result.findings]


def test_an_item_of_a_module_output_listing_a_counted_functions_arns_names_that_function(tmp_path: Path) -> None:
    found = _found(_project(tmp_path), "LL202", "LL322")
    # the queue that feeds it: polled (its permissions are used) and consumed without a cap
    assert [(code, path, line) for code, path, line, _ in found if code == "LL202"] == [
        ("LL202", "modules/lambda/lambda.tf", 14)]
    assert "consumes `aws_sqs_queue.queue`" in next(m for code, _, _, m in found if code == "LL202")
    # only what neither the code, the queue's poller nor the destinations use is unused
    assert [m.split("`")[1] for code, _, _, m in found if code == "LL322"] == ["dynamodb:PutItem"]


def test_element_of_a_module_output_names_the_function_as_its_index_does(tmp_path: Path) -> None:
    _project(tmp_path, ROOT.replace("module.lambda_module.lambda_op[0]", "element(module.lambda_module.lambda_op, 0)"))
    found = _found(tmp_path, "LL202", "LL322")
    assert [code for code, _, _, _ in found] == ["LL202", "LL322"]
    assert "consumes `aws_sqs_queue.queue`" in found[0][3]


def test_a_block_writing_the_functions_own_name_expression_names_it(tmp_path: Path) -> None:
    # the invoke config's destinations are the function's: sending to them is `sns:Publish`
    found = _found(_project(tmp_path), "LL322")
    assert not [m for _, _, _, m in found if "sns:" in m]
    # a different expression (another list) names some other function: the destinations are not its
    _project(tmp_path, ROOT)
    lambda_tf = tmp_path / "modules" / "lambda" / "lambda.tf"
    lambda_tf.write_text(LAMBDA.replace('''  count         = length(var.name)
  function_name = var.name[count.index]
  destination_config''', '''  count         = length(var.others)
  function_name = var.others[count.index]
  destination_config''').replace('variable "s_sns1_op_arn" {}', 'variable "others" {\n  type = list(string)\n}\n'
                                 'variable "s_sns1_op_arn" {}'))
    found = _found(tmp_path, "LL322")
    assert [m.split("`")[1] for _, _, _, m in found] == ["sns:Publish", "dynamodb:PutItem"]


def test_element_of_a_known_list_wraps_round_as_terraform_does(tmp_path: Path) -> None:
    from lambdalint.loaders.hcl import Scope, parse

    hcl_file = parse(tmp_path / "main.tf", "main.tf", 'locals {\n  zones = ["a", "b"]\n}\n'
                     'x = element(local.zones, 3)\ny = element(var.unknown, 0)\nz = element(module.fn.arns, 1)\n')
    scope = Scope(tmp_path)
    scope.locals.update(hcl_file.body.blocks[0].attributes)
    values = {name: a.evaluate(scope) for name, a in hcl_file.body.attributes.items()}
    assert (values["x"].value, values["x"].origin, values["x"].span.line) == ("b", "explicit", 4)
    assert (values["y"].value, values["y"].origin) == ("element(var.unknown, 0)", "unresolved")
    assert (values["z"].value, values["z"].origin) == ("module.fn.arns[1]", "unresolved")
