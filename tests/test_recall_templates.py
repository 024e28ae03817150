"""Recall on real project layouts (issue 11): what the loaders and the package resolution used to
skip silently. The fixture projects under tests/fixtures/projects/ carry the snapshots; these tests
pin the model and the findings behind them, with the traps that must stay silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.model import Function, Project
from lambdalint.package_size import MB
from lambdalint.packages import package_analysis

from conftest import FIXTURES, codes_at, run_lint, write_tree

PROJECTS = FIXTURES / "projects"


def copy_project(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root, symlinks=True)
    return root


def load(root: Path) -> Project:
    return load_project([root], Config(root=root), cwd=root)


def function(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


# ------------------------------------------------------------------ SAM: CodeUri defaults to "."

DEFAULT_CODE_URI = PROJECTS / "sam-default-codeuri"


def test_a_sam_function_without_code_uri_is_linked_to_the_template_folder() -> None:
    project = load(DEFAULT_CODE_URI)
    create = function(project, "CreateOrderFunction")
    assert (create.code_location.value, create.code_location.origin) == (".", "default")
    assert create.code_location.span == create.span  # no line names it: the function's key
    assert create.code_dir == DEFAULT_CODE_URI
    assert create.handler_file == DEFAULT_CODE_URI / "orders" / "api.py"
    assert create.handler_function == "create_order"
    worker = function(project, "ProcessOrderFunction")
    assert worker.handler_file == DEFAULT_CODE_URI / "orders" / "worker.py"


@pytest.mark.parametrize("name", ["HealthFunction", "ThumbnailFunction"])
def test_inline_code_and_images_get_no_default_code_folder(name: str) -> None:
    found = function(load(DEFAULT_CODE_URI), name)
    assert found.code_location.value is None
    assert found.code_dir is None and found.handler_file is None


def test_globals_code_uri_still_wins_over_the_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: src/
    Runtime: python3.12
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
""", "src/app.py": "def handler(event, context):\n    return event\n"})
    project = load(tmp_path)
    fn = function(project, "Fn")
    assert (fn.code_location.value, fn.code_location.origin) == ("src/", "globals")
    assert fn.code_dir == tmp_path / "src"
    plain = function(project, "Plain")  # CloudFormation has no default code location
    assert plain.code_location.value is None and plain.code_dir is None


def test_the_default_package_is_the_template_folder_as_sam_build_copies_it(tmp_path: Path) -> None:
    root = copy_project("sam-default-codeuri", tmp_path)
    # A developer virtualenv and the SAM CLI's dependency cache next to the template: big, and
    # never copied by `sam build`, so they must not count toward the package.
    for rel in ("venv/lib/python3.12/site-packages/torch/lib/libtorch.so.bin",
                ".aws-sam/deps/3f1c/torch/lib/libtorch.so.bin"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        with open(root / rel, "wb") as handle:
            handle.truncate(300 * MB)
    project = load(root)
    analysis = package_analysis(project)
    package = analysis.package(function(project, "CreateOrderFunction"))
    assert package.code is not None and package.code.path == root and package.default_code_uri
    assert package.code_span == function(project, "CreateOrderFunction").span
    names = {c.name for c in analysis.size(package.code).contributors}
    assert {"orders/", "tests/", "events/", "requirements.txt", "template.yaml"} <= names
    assert not names & {"venv/", ".aws-sam/"}
    # the explicit CodeUri of the report function is a package of its own
    report = analysis.package(function(project, "ReportFunction"))
    assert report.code is not None and report.code.path == root / "reports" and not report.default_code_uri
    result = run_lint(root, select=["LL4"])
    assert [f for f in result.visible if f.code in ("LL401", "LL402")] == []


def test_default_code_uri_findings() -> None:
    result = run_lint(DEFAULT_CODE_URI)
    found = codes_at(result)
    assert ("LL101", "orders/api.py", 10) in found  # code rules run on the handler
    assert ("LL109", "orders/api.py", 13) in found  # ORDERS_TOPIC_ARN is not set
    assert ("LL108", "template.yaml", 35) in found  # orders/worker.py defines `handle`, not `process`
    bloat = [f for f in result.visible if f.code == "LL404"]
    # one finding for the folder both functions share, at the first one's key, saying why
    folder = [f for f in bloat if f.span.path == "template.yaml"]
    assert [(f.span.line, f.function) for f in folder] == [(18, None)]
    assert "`CreateOrderFunction` and `ProcessOrderFunction` (no `CodeUri`" in folder[0].message
    assert "tests/" in folder[0].message and "venv" not in folder[0].message
    assert "Set `CodeUri`" in folder[0].hint
    assert sorted((f.span.path, f.span.line) for f in bloat if f.span.path != "template.yaml") == [
        ("requirements.txt", 3), ("requirements.txt", 4)]  # pytest and moto, not requests
    # traps: InlineCode, the image function and the resolving handler stay silent
    # (the image function does inherit `Runtime` from `Globals.Function`, which SAM rejects: LL215's)
    assert [(f.code, f.span.line) for f in result.visible if f.function in ("HealthFunction", "ThumbnailFunction")] \
        == [("LL215", 8)]
    assert [f.span.line for f in result.visible if f.code == "LL108"] == [35]


def test_a_template_without_its_code_is_not_sized_or_reported(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_CODE_URI / "template.yaml", tmp_path / "template.yaml")
    write_tree(tmp_path, {"requirements.txt": "pytest==8.3.3\n", "tests/test_x.py": "def test_x():\n    pass\n"})
    project = load(tmp_path)
    assert package_analysis(project).package(function(project, "CreateOrderFunction")).code is None
    assert [c for c, _, _ in codes_at(run_lint(tmp_path)) if c in ("LL108", "LL404")] == []


def test_a_non_python_default_code_uri_function_is_not_sized(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
""", "app.js": "exports.handler = async () => 1;\n", "tests/test_app.py": "def test_x():\n    pass\n"})
    project = load(tmp_path)
    assert package_analysis(project).package(function(project, "Fn")).code is None


def test_sam_build_output_wins_over_the_default_folder(tmp_path: Path) -> None:
    root = copy_project("sam-default-codeuri", tmp_path)
    write_tree(root, {".aws-sam/build/CreateOrderFunction/orders/api.py": "def create_order(e, c):\n    pass\n"})
    project = load(root)
    package = package_analysis(project).package(function(project, "CreateOrderFunction"))
    assert package.code is not None and package.code.kind == "build"
    assert package.code.path == root / ".aws-sam" / "build" / "CreateOrderFunction"


# ------------------------------------------------------------------ Serverless semantics

SERVICE = PROJECTS / "serverless-service-layout"

_PER_FUNCTION = """\
service: media
{plugins}
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::media-in/*
{custom}
functions:
  publish:
    handler: publish.handler
    iamRoleStatements:
      - Effect: Allow
        Action: sns:Publish
        Resource: arn:aws:sns:eu-west-1:123456789012:media
"""


def _publish_role(tmp_path: Path, plugins: str, custom: str = "", inherit: str = ""):
    from lambdalint.iam import execution_role

    text = _PER_FUNCTION.format(plugins=plugins, custom=custom)
    if inherit:
        text = text.replace("    iamRoleStatements:\n", f"    iamRoleStatementsInherit: {inherit}\n    iamRoleStatements:\n")
    write_tree(tmp_path, {"serverless.yml": text})
    role = execution_role(function(load(tmp_path), "publish"))
    return role.role, sorted(a.value.lower() for s in role.statements for a in s.actions)


@pytest.mark.parametrize(("plugins", "custom", "inherit", "expected"), [
    ("", "", "", ("the provider's default role", ["s3:getobject"])),
    ("plugins:\n  - serverless-offline", "", "", ("the provider's default role", ["s3:getobject"])),
    ("plugins:\n  - serverless-iam-roles-per-function", "", "",
     ("per-function role of `publish`", ["sns:publish"])),
    ("plugins:\n  localPath: ./plugins\n  modules:\n    - serverless-iam-roles-per-function", "", "",
     ("per-function role of `publish`", ["sns:publish"])),
    ("plugins:\n  - serverless-iam-roles-per-function", "", "true",
     ("per-function role of `publish`", ["s3:getobject", "sns:publish"])),
    ("plugins:\n  - serverless-iam-roles-per-function",
     "custom:\n  serverless-iam-roles-per-function:\n    defaultInherit: true", "",
     ("per-function role of `publish`", ["s3:getobject", "sns:publish"])),
    ("plugins:\n  - serverless-iam-roles-per-function",
     "custom:\n  serverless-iam-roles-per-function:\n    defaultInherit: true", "false",
     ("per-function role of `publish`", ["sns:publish"])),
    ("plugins:\n  - serverless-plugin-custom-roles", "", "",
     ("per-function role of `publish`", ["s3:getobject", "sns:publish"])),
], ids=["no-plugins", "other-plugin", "roles-per-function", "modules-form", "inherit",
        "default-inherit", "inherit-false-wins", "custom-roles"])
def test_function_iam_role_statements_need_a_plugin(tmp_path: Path, plugins: str, custom: str,
                                                     inherit: str, expected: tuple) -> None:
    assert _publish_role(tmp_path, plugins, custom, inherit) == expected


def test_ignored_function_statements_do_not_fire_but_the_plugin_makes_them_count(tmp_path: Path) -> None:
    result = run_lint(SERVICE, select=["LL301", "LL302"])
    assert result.visible == []  # `dynamodb:*` on `*` is ignored by the framework without a plugin
    root = copy_project("serverless-service-layout", tmp_path)
    text = (root / "serverless.yml").read_text()
    (root / "serverless.yml").write_text(text.replace(
        "  - serverless-python-requirements\n",
        "  - serverless-python-requirements\n  - serverless-iam-roles-per-function\n"))
    assert sorted(c for c, _, _ in codes_at(run_lint(root, select=["LL301", "LL302"]))) == ["LL301", "LL302"]


def test_image_functions_have_no_runtime() -> None:
    project = load(SERVICE)
    predict = function(project, "predict")
    assert predict.runtime.value is None and predict.runtime.origin == "default"
    assert predict.package_type == "Image" and predict.handler_file is None
    assert function(project, "createOrder").runtime.value == "python3.8"
    deprecated = [f for f in run_lint(SERVICE, select=["LL206"]).visible]
    assert [(f.span.line, "predict" in f.message) for f in deprecated] == [(9, False)]


@pytest.mark.parametrize(("name", "file", "handler_function"), [
    ("createOrder", "src/handlers/orders.py", "create"),
    ("chargePayment", "src/handlers/payments.py", "charge"),
])
def test_folder_handlers_resolve_against_the_service_folder(name: str, file: str, handler_function: str) -> None:
    found = function(load(SERVICE), name)
    assert found.handler_file == SERVICE / file and found.handler_function == handler_function


def test_serverless_service_layout_findings() -> None:
    found = codes_at(run_lint(SERVICE))
    assert ("LL101", "src/handlers/orders.py", 10) in found  # reached through `src/handlers/orders.create`
    # only the misspelt function is missing; both spellings of the folder path resolve
    assert [(c, line) for c, path, line in found if c == "LL108"] == [("LL108", 57)]


# ------------------------------------------------------------------ LL404 beyond test folders

TEST_FILES = PROJECTS / "sam-package-test-files"


def test_root_test_files_are_bloat_and_code_named_like_tests_is_not() -> None:
    result = run_lint(TEST_FILES, select=["LL404"])
    by_function = {f.function: f.message for f in result.visible}
    assert set(by_function) == {"ScoringFunction", "IngestFunction"}
    assert "test_app.py" in by_function["ScoringFunction"]
    assert "conftest.py" in by_function["ScoringFunction"] and "pytest.ini" in by_function["ScoringFunction"]
    assert "ab_test.py" not in by_function["ScoringFunction"]  # the code's own module
    # the build output ships tox.ini; numpy's own test suite and conftest are the dependency's
    assert "tox.ini" in by_function["IngestFunction"]
    assert "numpy" not in by_function["IngestFunction"]
    # a handler module named like a test (`test_connection.handler`) is the function itself
    assert "ConnectivityFunction" not in by_function


def _bloat(root: Path, files: dict[str, str], exclude=None) -> dict[str, str]:
    from lambdalint.package_size import find_bloat

    write_tree(root, files)
    return {b.path: b.kind for b in find_bloat(root, ["pytest"], exclude=exclude)}


@pytest.mark.parametrize(("name", "text", "bloat"), [
    ("test_app.py", "def test_ok():\n    assert True\n", True),
    ("app_test.py", "import unittest\n\nclass AppTest(unittest.TestCase):\n    pass\n", True),
    ("app.test.py", "async def test_handler():\n    pass\n", True),
    ("test_orders.py", "class TestOrders:\n    def check(self):\n        pass\n", True),
    ("conftest.py", "", True),
    ("pytest.ini", "[pytest]\n", True),
    ("tox.ini", "[tox]\n", True),
    ("ab_test.py", "def variant_for(user):\n    return 'control'\n", False),
    ("test_connection.py", "def handler(event, context):\n    return {'ok': True}\n", False),
    ("latest.py", "def test_x():\n    pass\n", False),
    ("setup.cfg", "[tool:pytest]\n", False),
])
def test_root_test_file_names_and_contents(tmp_path: Path, name: str, text: str, bloat: bool) -> None:
    found = _bloat(tmp_path, {"app.py": "x = 1\n", name: text})
    assert (found.get(name) == "tests") is bloat


def test_test_files_below_the_root_and_excluded_ones_stay_silent(tmp_path: Path) -> None:
    found = _bloat(tmp_path, {"app.py": "", "lib/conftest.py": "", "lib/test_util.py": "def test_x():\n    pass\n",
                              "test_app.py": "def test_x():\n    pass\n"},
                   exclude=lambda rel: rel == "test_app.py")
    assert found == {}


def test_an_installed_distributions_tests_are_not_reported_but_first_party_tests_are(tmp_path: Path) -> None:
    found = _bloat(tmp_path, {
        "handler.py": "",
        "pandas/__init__.py": "", "pandas/tests/test_frame.py": "def test_x():\n    pass\n",
        "pandas-2.2.3.dist-info/RECORD": "pandas/__init__.py,sha256=x,0\npandas/tests/test_frame.py,sha256=y,0\n",
        "yaml/__init__.py": "", "yaml/tests/test_load.py": "def test_x():\n    pass\n",
        "PyYAML-6.0.2.egg-info/top_level.txt": "yaml\n_yaml\n",
        "orders/__init__.py": "", "orders/tests/test_api.py": "def test_x():\n    pass\n",
    })
    assert found == {"orders/tests/": "tests"}


def test_requirements_included_with_r_are_installed_too(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Timeout: 5
""",
        "app.py": "def handler(event, context):\n    return event\n",
        "requirements.txt": "-r requirements/base.txt\n--requirement=requirements/extra.txt\n"
                            "-c requirements/constraints.txt\nrequests==2.32.3\n",
        "requirements/base.txt": "-r base.txt\naws-lambda-powertools==3.3.0\nmoto==5.0.18\n",
        "requirements/extra.txt": "-r ../shared/tools.txt\n",
        "shared/tools.txt": "black==24.8.0\n",
        "requirements/constraints.txt": "pytest==8.3.3\n",
        "requirements-dev.txt": "-r requirements.txt\nruff==0.7.0\n",
    })
    result = run_lint(tmp_path, select=["LL404"])
    assert sorted((f.span.path, f.span.line) for f in result.visible) == [
        ("requirements/base.txt", 3), ("shared/tools.txt", 1)]


_MODULES = """\
service: shop
plugins:
  - serverless-python-requirements
provider:
  name: aws
  runtime: python3.12
  timeout: 10
package:
  individually: true
  patterns:
    - "!orders/fixtures/**"  # anchored at the service folder, as the framework applies it
functions:
  createOrder:
    handler: api.create
    module: orders
    reservedConcurrency: 5
  nightly:
    handler: reports/nightly.run
    reservedConcurrency: 1
"""
_MODULE_FILES = {
    "orders/api.py": "def create(event, context):\n    return event\n",
    "orders/requirements.txt": "requests==2.32.3\npytest==8.3.3\n",
    "orders/tests/test_api.py": "def test_create():\n    pass\n",
    "orders/fixtures/big.json": "{}" * 1000,
    "reports/nightly.py": "def run(event, context):\n    return event\n",
    "tests/test_reports.py": "def test_run():\n    pass\n",
}


def test_python_requirements_module_is_the_functions_code_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": _MODULES, **_MODULE_FILES})
    project = load(tmp_path)
    create = function(project, "createOrder")
    assert create.code_dir == tmp_path / "orders" and create.handler_file == tmp_path / "orders" / "api.py"
    assert function(project, "nightly").handler_file == tmp_path / "reports" / "nightly.py"
    analysis = package_analysis(project)
    package = analysis.package(create)
    assert package.code is not None and package.code.path == tmp_path / "orders"
    assert {c.name for c in analysis.size(package.code).contributors} == {"api.py", "requirements.txt", "tests/"}
    found = codes_at(run_lint(tmp_path))
    assert [c for c, _, _ in found if c == "LL108"] == []
    assert ("LL404", "orders/requirements.txt", 2) in found


@pytest.mark.parametrize("change", [
    ("  individually: true\n", ""),  # the plugin moves a module up only when packaging individually
    ("  - serverless-python-requirements\n", "  - serverless-offline\n"),  # `module:` means nothing then
])
def test_module_without_the_plugin_or_individual_packaging_is_the_service_folder(tmp_path: Path, change) -> None:
    write_tree(tmp_path, {"serverless.yml": _MODULES.replace(*change), **_MODULE_FILES})
    create = function(load(tmp_path), "createOrder")
    assert create.code_dir == tmp_path and create.handler_file == tmp_path / "api.py"


@pytest.mark.parametrize("code_uri", ["", "      CodeUri: src/\n"])
def test_a_makefile_build_is_not_sized_from_its_source(tmp_path: Path, code_uri: str) -> None:
    template = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
{code_uri}      Handler: app.handler
      Runtime: python3.12
      Timeout: 5
    Metadata:
      BuildMethod: makefile
"""
    folder = "src/" if code_uri else ""
    write_tree(tmp_path, {"template.yaml": template, f"{folder}app.py": "def handler(e, c):\n    return e\n",
                          f"{folder}Makefile": "build-Fn:\n\tcp app.py $(ARTIFACTS_DIR)\n",
                          f"{folder}tests/test_app.py": "def test_x():\n    pass\n"})
    project = load(tmp_path)
    assert package_analysis(project).package(function(project, "Fn")).code is None
    assert codes_at(run_lint(tmp_path, select=["LL404"])) == []
    # the handler is still linked: code rules run on it
    assert function(project, "Fn").handler_file == tmp_path / folder / "app.py"


def test_a_makefile_build_with_its_handler_elsewhere_is_not_handler_not_found(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Timeout: 5
    Metadata:
      BuildMethod: makefile
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      Handler: main.handler
      Runtime: python3.12
      Timeout: 5
""", "Makefile": "build-Fn:\n\tcp src/app.py $(ARTIFACTS_DIR)\n",
        "src/app.py": "def handler(event, context):\n    return event\n", "setup.py": "\n"})
    found = codes_at(run_lint(tmp_path, select=["LL108"]))
    assert found == [("LL108", "template.yaml", 15)]  # only the function that `sam build` copies
