"""Two CDK apps in one repository: a test-harness app in a subfolder of the main app's package
(as aws-samples/serverless-test-samples' cns427 project has it). Each app reads its own modules:
`cdk synth` runs the nested app in its own folder, so its relative assets resolve there, even when
a package `__init__` of the outer app imports the nested stack. Asset `exclude` globs are honoured
when the package is sized."""

from __future__ import annotations

from pathlib import Path

from lambdalint.config import Config
from lambdalint.load import load_project

from conftest import codes_at, run_lint, write_tree

CDK_JSON = '{"app": "python3 app.py"}'

HARNESS_STACK = '''\
from aws_cdk import Duration, Stack
from aws_cdk import aws_lambda as lambda_


class TestInfrastructureStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        lambda_.Function(
            self,
            "HarnessLambda",
            runtime=lambda_.Runtime.PYTHON_3_13,
            code=lambda_.Code.from_asset(".", exclude=EXCLUDE),
            handler="test_event_subscriber.handler",
            timeout=Duration.seconds(30),
            reserved_concurrent_executions=1,
        )
''' + "# the test resources this stack also defines\n" * 200

FILES = {
    "cdk.json": CDK_JSON,
    "app.py": "import aws_cdk as cdk\nfrom infrastructure.core.api_stack import ApiStack\n\n"
              "app = cdk.App()\nApiStack(app, 'Api')\napp.synth()\n",
    "infrastructure/__init__.py": "",
    "infrastructure/core/__init__.py": "",
    "infrastructure/core/api_stack.py": (
        "from aws_cdk import Duration, Stack\nfrom aws_cdk import aws_lambda as lambda_\n\n\n"
        "class ApiStack(Stack):\n    def __init__(self, scope, construct_id, **kwargs):\n"
        "        super().__init__(scope, construct_id, **kwargs)\n"
        "        lambda_.Function(self, 'ApiFunction', runtime=lambda_.Runtime.PYTHON_3_13,\n"
        "                         code=lambda_.Code.from_asset('services/api'), handler='handler.main',\n"
        "                         timeout=Duration.seconds(10), reserved_concurrent_executions=5)\n"),
    "services/api/handler.py": "def main(event, context):\n    return {'statusCode': 200}\n",
    # the outer package imports the nested app's stack: Python would run it only if imported
    "infrastructure/test_harness/__init__.py":
        "from infrastructure.test_harness.test_infrastructure_stack import TestInfrastructureStack\n",
    "infrastructure/test_harness/cdk.json": CDK_JSON,
    "infrastructure/test_harness/app.py":
        "import aws_cdk as cdk\nfrom infrastructure.test_harness.test_infrastructure_stack import TestInfrastructureStack\n\n"
        "app = cdk.App()\nTestInfrastructureStack(app, 'Harness')\napp.synth()\n",
    "infrastructure/test_harness/test_event_subscriber.py": "def handler(event, context):\n    return event\n",
    "tests/unit/test_api.py": "def test_api():\n    assert True\n" + "# padding\n" * 4000,
}


def project(tmp_path: Path, exclude: str) -> Path:
    stack = HARNESS_STACK.replace("EXCLUDE", exclude)
    return write_tree(tmp_path, {**FILES, "infrastructure/test_harness/test_infrastructure_stack.py": stack})


def test_each_app_reads_its_own_modules_and_assets_resolve_in_its_folder(tmp_path: Path) -> None:
    root = project(tmp_path, "['*.md', 'cdk.out', 'app.py', 'cdk.json', 'test_infrastructure_stack.py']")
    loaded = load_project([root], Config(root=root), cwd=root)
    functions = {f.name: f for f in loaded.functions}
    assert sorted(functions) == ["ApiFunction", "HarnessLambda"]
    harness = functions["HarnessLambda"]
    assert harness.code_dir == (root / "infrastructure/test_harness").absolute()
    assert harness.handler_file is not None and harness.handler_file.name == "test_event_subscriber.py"
    # nothing wrong: the handler exists where the nested app's asset is, and the excluded stack
    # file is not shipped (the outer app's tests/ folder is not part of this asset)
    assert codes_at(run_lint(root, select=("LL108", "LL404"))) == []


def test_an_asset_without_its_exclude_ships_the_stack_file(tmp_path: Path) -> None:
    root = project(tmp_path, "['*.md']")
    found = [(code, path) for code, path, _ in codes_at(run_lint(root, select=("LL108", "LL404")))]
    assert found == [("LL404", "infrastructure/test_harness/test_infrastructure_stack.py")]


def test_an_exclude_that_does_not_resolve_leaves_the_package_unsized(tmp_path: Path) -> None:
    root = project(tmp_path, "EXCLUDES_FROM_CONFIG")
    assert codes_at(run_lint(root, select=("LL108", "LL404"))) == []


COOKBOOK = {  # the layout of ran-isenberg/aws-lambda-handler-cookbook
    "cdk.json": '{"app": "uv run python app.py"}',
    "app.py": "import aws_cdk as cdk\nfrom cdk.service.service_stack import ServiceStack\n\n"
              "app = cdk.App()\nServiceStack(app, 'Service')\napp.synth()\n",
    "cdk/__init__.py": "",
    "cdk/service/__init__.py": "",
    "cdk/service/constants.py": "CREATE_LAMBDA = 'CreateOrder'\nBUILD_FOLDER = '.build/lambdas/'\n",
    "cdk/service/service_stack.py": (
        "from aws_cdk import Duration, Stack\nfrom aws_cdk import aws_lambda as _lambda\n\n"
        "import cdk.service.constants as constants\n\n\n"
        "class ServiceStack(Stack):\n    def __init__(self, scope, construct_id, **kwargs):\n"
        "        super().__init__(scope, construct_id, **kwargs)\n"
        "        _lambda.Function(self, constants.CREATE_LAMBDA, runtime=_lambda.Runtime.PYTHON_3_13,\n"
        "                         code=_lambda.Code.from_asset(constants.BUILD_FOLDER),\n"
        "                         handler='service.handlers.create.lambda_handler', timeout=Duration.seconds(10))\n"),
    "service/handlers/create.py": "def lambda_handler(event, context):\n    return event\n",
}


def test_a_module_imported_with_an_alias_gives_its_constants(tmp_path: Path) -> None:
    root = write_tree(tmp_path, COOKBOOK)
    loaded = load_project([root], Config(root=root), cwd=root)
    assert [f.name for f in loaded.functions] == ["CreateOrder"]


def test_an_asset_a_build_step_makes_is_said_to_be_unchecked(tmp_path: Path) -> None:
    root = write_tree(tmp_path, COOKBOOK)
    loaded = load_project([root], Config(root=root), cwd=root)
    assert loaded.unchecked == [".build/lambdas: the code of `CreateOrder` is not in the checkout (a build step "
                                "makes it?): its handler code was not checked"]
    (root / ".build/lambdas/service/handlers").mkdir(parents=True)
    assert load_project([root], Config(root=root), cwd=root).unchecked == []
