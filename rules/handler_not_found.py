"""
## What it does
Reports a Python function whose `Handler` does not resolve: no module file for it under the code
folder (`CodeUri`, else the template's folder as `sam build` takes it; the Serverless service
folder, or the function's `module:` folder under serverless-python-requirements), or a module that
binds no top-level name of that function (a `def`, an assignment such as `handler = Mangum(app)` or
`handler = Service().handle`, or an import).

It only fires when the code is there: a missing module is reported when the folder it would live in
exists and holds other Python files, or when one file of the module's name one or two folders
further down defines the function (code moved into `src/` without updating the handler; the hint
names it). A template checked without its code (a checkout of the infrastructure alone, code built
elsewhere, a Serverless service folder with no Python in it) is not reported. A SAM function built by its Makefile (`BuildMethod: makefile`) is skipped when the
handler is not in its source folder: the Makefile may put it in the package. Modules that
deployment plugins generate (`wsgi_handler` of serverless-wsgi) are skipped. Functions whose code is
not local (S3 artifacts, inline `ZipFile`, container images) and non-Python runtimes are skipped, as
are handlers built from intrinsics. A module that does not parse is reported as LL001 instead.
A Python zip function that sets no handler at all (commented out) is reported at the function.

## Why is this bad?
The deployment succeeds, then every invocation fails with `Runtime.ImportModuleError` or
`Runtime.HandlerNotFound`. A renamed file or function is the usual cause.

## Example
```yaml
Properties:
  CodeUri: src/
  Handler: app.lambda_handler   # src/app.py defines `handler`
```

## How to fix
Point `Handler` at `<module path>.<function>` relative to the code folder (`pkg/mod.fn` and
`pkg.mod.fn` both work), or rename the function.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
- https://repost.aws/knowledge-center/lambda-import-module-error-python
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from lambdalint.rulekit import Context, Finding, Function, Related, Rule, Span, bad, code_analysis, good, key_name


# Modules that deployment plugins write at package time (serverless-wsgi, serverless-python-requirements).
_GENERATED = {"wsgi_handler", "serverless_sdk", "unzip_requirements"}


def _holds_python(folder: Path) -> bool:
    """The folder exists and has Python files: the code is here, only this module is not."""
    try:
        # names, not `Path`s: a folder of a few hundred files is one Path each otherwise
        # (`len(name) > 3`: a file named only `.py` has no suffix, as `Path.suffix` says)
        return any(name.endswith(".py") and len(name) > 3 for name in os.listdir(folder))
    except OSError:
        return False


_NOT_CODE = frozenset({"tests", "test", "node_modules", "venv", "env", "site-packages", "build", "dist"})


def _module_not_package(file: Path, code_dir: Path) -> str | None:
    """The module file of the code folder that a package of the handler's module path is
    (`handler.py` for `handler/handler.py`), relative to the folder; None when there is none."""
    if code_dir not in file.parents:
        return None
    parts = file.relative_to(code_dir).parts
    for end in range(1, len(parts)):
        candidate = code_dir.joinpath(*parts[:end - 1], parts[end - 1] + ".py")
        if candidate.is_file() and not code_dir.joinpath(*parts[:end]).is_dir():
            return candidate.relative_to(code_dir).as_posix()
    return None


def _defines(path: Path, name: str) -> bool:
    """Whether the module at `path` defines `name` at its top level (`def name(`, `name = ...`)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(rf"^(?:async\s+def\s+|def\s+){re.escape(name)}\s*\(|^{re.escape(name)}\s*=", text,
                     re.MULTILINE) is not None


def _moved(file: Path, name: str, code_dir: Path) -> str | None:
    """Where a module went when its folder holds no Python at all: the one file of its name one or
    two folders further down (`src/handler.py` after a "move code to src" commit) that defines the
    handler's function, relative to the code folder. None when there is none, or several."""
    found = []
    for candidate in (*file.parent.glob(f"*/{file.name}"), *file.parent.glob(f"*/*/{file.name}")):
        between = candidate.relative_to(file.parent).parts[:-1]
        if any(part.startswith((".", "_")) or part in _NOT_CODE for part in between):
            continue
        if _defines(candidate, name):
            found.append(candidate)
    if len(found) != 1 or code_dir not in found[0].parents:
        return None
    return found[0].relative_to(code_dir).as_posix()


def _not_a_python_handler(function: Function, handler: str | None) -> bool:
    """A wrapper script (`AWS_LAMBDA_EXEC_WRAPPER`, e.g. the Lambda Web Adapter) starts the code
    instead of the Python runtime, and its `Handler` is often a file such as `run.sh`."""
    if "AWS_LAMBDA_EXEC_WRAPPER" in function.environment:
        return True
    return bool(handler) and function.code_dir is not None and os.path.isfile(function.code_dir / handler)


def check(ctx: Context) -> Iterator[Finding]:
    for function in ctx.project.functions:
        handler_node = function.handler
        if function.package_type == "Zip" and function.is_python and handler_node.value is None \
                and handler_node.origin == "default":
            # not written anywhere (commented out): the deployment stops on it
            key = key_name(function, "Handler")
            yield ctx.finding(function.span, f"`{function.name}` sets no `{key}`: a Python function deployed as a "
                              "zip cannot run without one",
                              f"Set `{key}` to `<module path>.<function>` of the handler.", function=function.name)
    for handler in code_analysis(ctx).handlers:
        function = handler.entry.template_function
        if function is None or function.code_dir is None or not function.code_dir.is_dir():
            continue
        if function.package_type != "Zip" or handler.bound:
            continue
        if handler.module is not None and handler.module.error is not None:
            continue
        handler_text = function.handler.str_value()
        if _not_a_python_handler(function, handler_text):
            continue
        folder = ctx.project.display(function.code_dir) or "."
        key = key_name(function, "Handler")
        if handler.module is None:
            file = handler.entry.file  # a `Path` already: not built again for each question
            if file.stem in _GENERATED or file.stem in function.generated_modules or os.path.lexists(file):
                continue  # there, but unreadable or undecodable: that is an LL001 on the file
            module = file.relative_to(function.code_dir).as_posix() \
                if function.code_dir in file.parents else file.name
            shadow = _module_not_package(file, function.code_dir)
            if shadow is not None:
                # `handler.handler.lambda_handler` with a `handler.py`: Python imports that module
                # first (the code folder leads `sys.path`), and a module holds no submodules
                defines = _defines(function.code_dir / shadow, handler.entry.function)
                dotted = shadow[:-3].replace("/", ".")
                yield ctx.finding(
                    function.handler.span,
                    f"`{handler_text}`: `{shadow}` is a module, not a package, so there is no module `{module}` "
                    f"in `{folder}`",
                    f"`{shadow}` defines `{handler.entry.function}`: the handler must be "
                    f"`{dotted}.{handler.entry.function}`." if defines else
                    f"Point `{key}` at `<module path>.<function>` relative to `{folder}`.",
                    function=function.name)
                continue
            moved = None if _holds_python(file.parent) else _moved(file, handler.entry.function, function.code_dir)
            if moved is None and not _holds_python(file.parent):
                continue
            hint = f"Point `{key}` at `<module path>.<function>` relative to `{folder}`."
            if moved is not None:
                hint = f"`{moved}` defines `{handler.entry.function}`: point `{key}` at " \
                       f"`{moved[:-3]}.{handler.entry.function}`, or move the module back."
            yield ctx.finding(
                function.handler.span, f"`{handler_text}`: no module `{module}` in `{folder}`", hint,
                function=function.name)
        else:
            yield ctx.finding(
                function.handler.span,
                f"`{handler_text}`: `{handler.module.display}` defines no `{handler.entry.function}`",
                f"Rename the function or point `{key}` at one the module defines.",
                function=function.name,
                related=[Related(f"module `{handler.module.display}`", Span.point(handler.module.display, 1))])


_SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: {handler}
      Runtime: python3.12
"""


def _sam(handler: str, marker: str = "") -> str:
    text = _SAM.format(handler=handler)
    return text.replace(f"Handler: {handler}\n", f"Handler: {handler}{marker}\n")


RULE = Rule(
    code="LL108",
    slug="handler-not-found",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="The template's handler names no module or function",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=(),  # reads handler definitions only
    tags=("correctness",),
    examples=(
        bad(files={"serverless.yml": """\
service: users
provider:
  name: aws
  runtime: python3.12
functions:
  getUser:
    handler: wsgi_handler.handler
  createUser:  # [handler-not-found]
#    handler: wsgi_handler.handler
    events:
      - http: {path: /users, method: POST}
  resize:
    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/resize:latest
""", "app.py": "def app(environ, start_response):\n    return []\n"},
            title="a handler commented out (krcourville/serverless-python-flask); an image needs none"),
        bad(files={"template.yaml": _sam("app.lambda_handler", "  # [handler-not-found]"),
                   "src/app.py": "def handler(event, context):\n    return event\n"},
            title="function renamed"),
        bad(files={"template.yaml": _sam("main.handler", "  # [handler-not-found]"),
                   "src/app.py": "def handler(event, context):\n    return event\n"},
            title="module missing"),
        bad(files={"template.yaml": _sam("orders/create.handler", "  # [handler-not-found]"),
                   "src/orders/__init__.py": "", "src/orders/create_order.py": "def handler(e, c):\n    pass\n"},
            title="module missing in a package"),
        bad(files={"template.yaml": _sam("handler.handler.lambda_handler", "  # [handler-not-found]"),
                   "src/handler.py": "def lambda_handler(event, context):\n    return event\n"},
            title="a module taken for a package: PythonFunction's `index` + `handler` (mbhatt1/threat)",
            message="`handler.handler.lambda_handler`: `handler.py` is a module, not a package, so there is no module "
                    "`handler/handler.py` in `src`"),
        good(files={"template.yaml": _sam("datadog_lambda.handler.handler"),
                    "src/app.py": "def handler(event, context):\n    return event\n"},
             title="a handler a layer provides (Datadog's wrapper): no module of the code folder in its way"),
        bad(files={"template.yaml": _sam("orders.api.handler", "  # [handler-not-found]"),
                   "src/orders/__init__.py": "",
                   "src/orders/api.py": "class Handler:\n    def handler(self, event, context):\n        return event\n"},
            title="method, not a module-level function"),
        bad(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  create:
    handler: handlers/create.main  # [handler-not-found]
""", "handlers/create.py": "def handle(event, context):\n    return event\n"},
            title="Serverless function"),
        bad(files={"serverless.yml": """\
service: cleanup-cron
provider:
  name: aws
  runtime: python3.12
functions:
  cleanupCron:
    handler: handler.run  # [handler-not-found]
""", "src/handler.py": "def run(event, context):\n    return event\n",
                   "tests/handler.py": "def run(event, context):\n    return None\n"},
            title="code moved into src/, the handler left behind"),
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler  # [handler-not-found]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
""", "src/app.py": "def lambda_handler(event, context):\n    return event\n"},
            title="handler from Globals"),
        bad(files={"template.yaml": _sam("app.handler", "  # [handler-not-found]").replace("      CodeUri: src/\n", ""),
                   "app.py": "def lambda_handler(event, context):\n    return event\n"},
            title="no CodeUri: the handler is looked up in the template's folder"),
        good(files={"template.yaml": _sam("app.handler"),
                    "src/app.py": "def handler(event, context):\n    return event\n"},
             title="resolves"),
        good(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  create:
    handler: src/handlers/orders.create
  cancel:
    handler: src.handlers.orders.cancel
""", "src/handlers/orders.py": "def create(event, context):\n    return event\n\n\n"
                                "def cancel(event, context):\n    return event\n"},
             title="Serverless handlers in folders, with slashes or dots"),
        good(files={"template.yaml": _sam("orders/api.handler"),
                    "src/orders/__init__.py": "",
                    "src/orders/api.py": "from mangum import Mangum\nfrom .asgi import app\n\nhandler = Mangum(app)\n"},
             title="handler bound by assignment"),
        good(files={"template.yaml": _sam("orders/api.lambda_handler"),
                    "src/orders/__init__.py": "",
                    "src/orders/api.py": """\
class OrdersApi:
    def handler(self, event, context):
        return {"statusCode": 200}


app = OrdersApi()
lambda_handler = app.handler
"""},
             title="handler bound to a method of a module-level instance"),
        good(files={"template.yaml": _sam("app.handler")}, title="code folder absent (infrastructure-only checkout)"),
        good(files={"serverless.yml": """\
service: reports
provider:
  name: aws
  runtime: python3.12
functions:
  report:
    handler: bundle.handler
""", "src/report.py": "def handler(event, context):\n    return event\n",
                    "build/bundle.py": "def handler(event, context):\n    return event\n"},
             title="the handler's module is written by the build (no Python in the service folder)"),
        good(files={"template.yaml": _sam("orders.handler"),
                    "src/orders/__init__.py": "from .api import handler\n",
                    "src/orders/api.py": "def handler(event, context):\n    return event\n"},
             title="package __init__ re-exports"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: |
          def handler(event, context):
              return event
"""}, title="inline code"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
""", "src/app.py": "print('unrelated')\n"}, title="not a Python runtime"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ExampleFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: index.lambda_handler
      Runtime: python3.13
      InlineCode: |
        def lambda_handler(event, context):
            return {"statusCode": 200}
""", "__init__.py": "", "handlers/verify.py": "def verify(token):\n    return bool(token)\n"},
             title="SAM InlineCode next to a leftover CodeUri"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  StreamingFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: run.sh
      Runtime: python3.13
      Layers:
        - !Sub arn:aws:lambda:${AWS::Region}:753240598075:layer:LambdaAdapterLayerArm64:25
      Environment:
        Variables:
          AWS_LAMBDA_EXEC_WRAPPER: /opt/bootstrap
          PORT: 8080
""", "src/run.sh": "#!/bin/bash\nexec python -m uvicorn app:app --port $PORT\n",
             "src/app.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
             title="Lambda Web Adapter starts a script"),
    ),
)
