"""Handler code that reaches shared modules through `sys.path` (jonkyops/serverless-python-notetaking:
each `api/<name>/handler.py` runs `sys.path.append(os.path.join(os.path.dirname(os.path.realpath(
__file__)), "../"))` and then `import lib`, with `lib/` beside the handler folders). Before, `lib`
resolved nowhere: the calls made there were never read, and nothing said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_lint, write_tree
from lambdalint.code.sys_path import added_paths

SERVERLESS = """\
service: notes
provider:
  name: aws
  runtime: python3.12
  timeout: 10
  iamRoleStatements:
    - Effect: Allow
      Action: [dynamodb:PutItem, sqs:SendMessage]
      Resource: "*"
functions:
  createNote:
    handler: api/create_note/handler.handler
    reservedConcurrency: 5
"""

HANDLER = """\
import os
import sys
sys.path.append(os.path.join(os.path.dirname(os.path.realpath(__file__)), "../"))
import lib


def handler(event, context):
    return lib.create_note(event, context)
"""

LIB_INIT = "from lib.notes import create_note\n"

NOTES = """\
import boto3


def create_note(event, context):
    table = boto3.client("dynamodb")
    table.put_item(TableName="notes", Item={"id": {"S": event["id"]}})
    return {"statusCode": 201}
"""


def _project(tmp_path: Path, handler: str = HANDLER) -> Path:
    write_tree(tmp_path, {
        "serverless.yml": SERVERLESS,
        "api/create_note/handler.py": handler,
        "api/lib/__init__.py": LIB_INIT,
        "api/lib/notes.py": NOTES,
    })
    return tmp_path


def test_modules_on_an_added_path_are_read(tmp_path: Path) -> None:
    result = run_lint(_project(tmp_path))
    # the client made on every call inside the module `import lib` loads through the added path,
    # reported at the handler's call that leads there
    clients = [f for f in result.findings if f.code == "LL101"]
    assert [(f.span.path, f.span.line) for f in clients] == [("api/create_note/handler.py", 8)]
    assert [(r.span.path, r.span.line) for r in clients[0].related][0] == ("api/lib/notes.py", 5)
    # its calls count: sqs:SendMessage is unused, dynamodb:PutItem is not
    unused = [f for f in result.findings if f.code == "LL322"]
    assert len(unused) == 1 and "sqs" in unused[0].message and "dynamodb" not in unused[0].message


def test_an_addition_that_cannot_be_worked_out_is_noted(tmp_path: Path) -> None:
    handler = HANDLER.replace('os.path.join(os.path.dirname(os.path.realpath(__file__)), "../")',
                              'os.environ["SHARED_CODE"]')
    result = run_lint(_project(tmp_path, handler))
    assert not [f for f in result.findings if f.code in ("LL101", "LL322")]
    assert any("api/create_note/handler.py:3: adds a folder to `sys.path` that lambdalint cannot work out" in note
               for note in result.notes)


@pytest.mark.parametrize(("expression", "expected"), [
    ('os.path.join(os.path.dirname(os.path.realpath(__file__)), "../")', "api"),
    ("os.path.dirname(os.path.dirname(os.path.abspath(__file__)))", "api"),
    ('str(Path(__file__).parent.parent / "lib")', "api/lib"),
    ('str(Path(__file__).resolve().parents[1])', "api"),
    ('os.path.join(os.environ["LAMBDA_TASK_ROOT"], "api")', "api"),
    ('f"{os.getcwd()}/api/lib"', "api/lib"),
    ('"api"', "api"),
    ('join(dirname(__file__), "..")', "api"),
])
def test_path_spellings(tmp_path: Path, expression: str, expected: str) -> None:
    write_tree(tmp_path, {"api/lib/__init__.py": "", "api/h/handler.py": ""})
    file = tmp_path / "api/h/handler.py"
    text = f"import os\nfrom os.path import join, dirname\nfrom pathlib import Path\nimport sys\n" \
           f"sys.path.insert(0, {expression})\n"
    added = added_paths(file, text, tmp_path)
    assert added.front == (tmp_path / expected,) and not added.back and not added.unknown


def test_names_assigned_above_the_call(tmp_path: Path) -> None:
    # the vendored-folder spelling of many Serverless services, split over names
    write_tree(tmp_path, {"api/vendored/requests/__init__.py": "", "api/lib/__init__.py": ""})
    file = tmp_path / "api/lib/__init__.py"
    text = ('import os, sys\nLIBS_PATH = "../vendored"\nHERE = os.path.dirname(os.path.realpath(__file__))\n'
            "sys.path.append(os.path.join(HERE, LIBS_PATH))\n")
    assert added_paths(file, text, tmp_path).back == (tmp_path / "api/vendored",)


def test_folders_outside_the_project_or_not_built_add_nothing(tmp_path: Path) -> None:
    file = tmp_path / "handler.py"
    text = 'import sys\nsys.path.insert(0, "/opt/python")\nsys.path.append("vendored")\n'
    added = added_paths(file, text, tmp_path)
    assert added == type(added)()  # neither exists here: nothing to read, nothing unknown
