"""A local module's inputs as its callers leave or give them (Yusaku-KASAI/serverless-terraform,
Ian-Soares/ugf-terraform-lambdas): a `reserved_concurrent_executions` variable left at its
`default = -1`, `runtime = try(var.runtime, ...)`, an object input read by attribute
(`var.schedule_target.target_arn`), a `for_each` over an input left at `[]` and a
`count = length(var.extra_policy_arns)` of an empty list. Before, each of these hid a finding
(LL202, LL206, LL207) or made a note claim a policy lambdalint could not read."""

from __future__ import annotations

from conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "projects" / "terraform-module-inputs"


def _found() -> tuple[list[tuple[str, str, int, str]], list[str]]:
    result = run_lint(PROJECT)
    findings = sorted((f.code, f.span.path, f.span.line, f.function or "") for f in result.findings)
    return findings, result.notes


def test_what_the_callers_left_at_the_modules_defaults_is_judged() -> None:
    findings, _ = _found()
    assert findings == [
        # -1 is the module variable's default, which the caller never chose
        ("LL202", "modules/lambda/main.tf", 25, "module.report.aws_lambda_function.this"),
        # `try(var.runtime, "python3.12")` with the caller's "python3.8"
        ("LL206", "modules/lambda/main.tf", 29, "module.report.aws_lambda_function.this"),
        # the schedule's target is an attribute of an object input, the report function's ARN
        ("LL207", "modules/lambda/main.tf", 25, "module.report.aws_lambda_function.this"),
    ]  # orders: reserved 5, python3.12


def test_resources_over_empty_inputs_do_not_exist() -> None:
    _, notes = _found()
    # `count = length([])`: no attachment, so no policy that "cannot be read statically"
    assert not [n for n in notes if "aws_iam_role_policy_attachment.extra" in n]
    # and the report function consumes no queue: its LL202 is the plain one, not the SQS warning
    result = run_lint(PROJECT, select=("LL202",))
    assert [f.severity for f in result.findings] == ["info"]


def test_one_line_of_a_module_holds_each_calls_own_value() -> None:
    # `runtime = try(var.runtime, ...)` is one span for both calls: only the report's is python3.8
    result = run_lint(PROJECT, select=("LL206",))
    assert [(f.function, "used by" in f.message) for f in result.findings] == \
        [("module.report.aws_lambda_function.this", False)]


def test_registry_module_layers_lists_of_mappings_and_set_functions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # mgvalverde/terraform-serverless-vector-ingestion, Kaiohenriqueps/terraform-lambda-dynamodb
    from conftest import write_tree

    write_tree(tmp_path, {
        "main.tf": """\
module "layer_qdrant" {
  source              = "terraform-aws-modules/lambda/aws"
  create_layer        = true
  layer_name          = "qdrant"
  compatible_runtimes = ["python3.12"]
  source_path         = "${path.module}/layers/qdrant"
}

resource "aws_sqs_queue" "chunks" {
  name                       = "chunks"
  visibility_timeout_seconds = 300
}

module "ingest" {
  source                         = "terraform-aws-modules/lambda/aws"
  function_name                  = "ingest"
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = 150
  reserved_concurrent_executions = 5
  source_path                    = "${path.module}/src"
  layers                         = [module.layer_qdrant.lambda_layer_arn]
  attach_policy_json             = true
  policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = setunion(var.queue_actions, var.table_actions)
      Resource = "*"
    }]
  })
  event_source_mapping = [
    {
      event_source_arn = aws_sqs_queue.chunks.arn
      batch_size       = 10
    }
  ]
}

variable "queue_actions" {
  default = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
}

variable "table_actions" {
  default = ["dynamodb:*", "sqs:ReceiveMessage"]
}
""",
        "src/app.py": "def handler(event, context):\n    return len(event['Records'])\n",
        "layers/qdrant/requirements.txt": "qdrant-client\n",
    })
    result = run_lint(tmp_path, select=("LL201", "LL203", "LL301"))
    found = sorted((f.code, f.span.line, f.function or "") for f in result.findings)
    assert result.functions == 1  # the layer-only call makes no function
    # the mapping written as a list is the queue's trigger (150 s x 6 > its 300 s visibility)
    assert ("LL203", 19, "module.ingest") in found
    # `setunion` of known lists: the wildcard from the second variable is read
    assert [c for c, _, _ in found if c == "LL301"] == ["LL301"]


def test_a_registry_modules_policies_read_the_callers_own_policy_documents(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`policies = [..., aws_iam_policy.ddb.arn]` with `attach_policies = true` (judged on
    semperfitodd/styrkr): the policy the caller defines was reported unreadable, so the role went
    unchecked and the `PutItem` it does not allow was not reported."""
    from conftest import codes_at, write_tree

    write_tree(tmp_path, {
        "main.tf": 'data "aws_iam_policy_document" "ddb" {\n  statement {\n    actions   = ["dynamodb:GetItem"]\n'
                   '    resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/profiles"]\n  }\n}\n\n'
                   'resource "aws_iam_policy" "ddb" {\n  name   = "ddb"\n'
                   '  policy = data.aws_iam_policy_document.ddb.json\n}\n\n'
                   'module "profile" {\n  source             = "terraform-aws-modules/lambda/aws"\n'
                   '  function_name      = "profile"\n  handler            = "app.handler"\n'
                   '  runtime            = "python3.12"\n  source_path        = "${path.module}/src"\n'
                   '  timeout            = 10\n  attach_policies    = true\n  number_of_policies = 2\n'
                   '  policies = [\n    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",\n'
                   '    aws_iam_policy.ddb.arn,\n  ]\n}\n',
        "src/app.py": 'import boto3\n\ntable = boto3.resource("dynamodb").Table("profiles")\n\n\n'
                      'def handler(event, context):\n    table.put_item(Item={"id": event["id"]})\n'
                      '    return table.get_item(Key={"id": event["id"]})\n',
    })
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert codes_at(result) == [("LL321", "src/app.py", 7)]
    assert "`dynamodb:PutItem`" in result.visible[0].message
    assert not any("cannot read" in note for note in result.notes)
