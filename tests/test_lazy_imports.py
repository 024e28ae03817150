"""The editor path stays fast: a template-only run imports neither LibCST nor cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.8
"""

PROBE = """
import json, sys
from lambdalint.cli import main
try:
    main(["check", ".", "--format", "json", "--exit-zero"])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "cfnlint", "samtranslator", "tree_sitter", "tree_sitter_hcl"))
print("MODULES " + json.dumps(heavy), file=sys.stderr)
"""


def test_template_only_run_imports_neither_libcst_nor_cfnlint(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True)
    report = json.loads(run.stdout)
    # the run did real work, including the rule that reads cfn-lint's runtime data
    assert {f["code"] for f in report["findings"]} >= {"LL201", "LL206"}
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert json.loads(line[len("MODULES "):]) == []


def test_a_cdk_app_in_another_language_imports_no_libcst(tmp_path: Path) -> None:
    # only a Python CDK app is read with LibCST; a TypeScript one next to a SAM template is not
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "cdk/cdk.json": '{"app": "npx ts-node bin/app.ts"}',
                          "cdk/bin/app.ts": "// app\n"})
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert {f["code"] for f in json.loads(run.stdout)["findings"]} >= {"LL201", "LL206"}
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert json.loads(line[len("MODULES "):]) == []


HANDLER = """\
import boto3


def handler(event, context):
    client = boto3.client("s3")
    return client.list_buckets()
"""

EDITOR_PROBE = """
import io, json, sys
at_start = set(sys.modules)  # what the interpreter's site setup loaded is not lambdalint's doing
from lambdalint.cli import main
sys.stdin = io.StringIO(open("app.py").read())
try:
    main(["check", "--stdin-filename", "app.py", "--format", "json", "--exit-zero"])
except SystemExit:
    pass
template_side = sorted(m for m in set(sys.modules) - at_start if m in (
    "importlib.metadata", "hashlib", "lambdalint.packages", "lambdalint.package_size",
    "lambdalint.schedule", "lambdalint.loaders.cdk", "lambdalint.cdkout", "lambdalint.loaders.terraform", "tree_sitter"))
print("MODULES " + json.dumps(template_side), file=sys.stderr)
print("RULES " + json.dumps(sorted(m for m in sys.modules if m.startswith("lambdalint.rules."))), file=sys.stderr)
"""


def test_saving_a_handler_loads_no_template_side_analysis(tmp_path: Path) -> None:
    """An editor's save of a handler runs the code rules only (`Rule.reports_in`), so package
    sizing, schedule parsing and the CDK and Terraform loaders (a SAM project has neither) are never
    imported; nor is importlib.metadata (the registry reads
    entry points itself) or hashlib. The execution role (`lambdalint.iam`) is: LL321 judges the
    handler's AWS calls against it."""
    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("python3.8", "python3.12"), "app.py": HANDLER})
    run = subprocess.run([sys.executable, "-c", EDITOR_PROBE], cwd=tmp_path, capture_output=True, text=True)
    report = json.loads(run.stdout)
    # list_buckets is s3:ListAllMyBuckets (iam-dataset), which SAM's default role does not allow
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("LL101", 5), ("LL321", 6)]
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert json.loads(line[len("MODULES "):]) == []


def test_saving_a_handler_imports_only_the_rules_that_can_report_there(tmp_path: Path) -> None:
    """The registry chooses rules from the generated index (`rules/_index.py`): the module of a
    rule that cannot report in a handler (a template-only rule) is never imported on its save."""
    from lambdalint.registry import builtin_modules, builtin_rules

    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("python3.8", "python3.12"), "app.py": HANDLER})
    run = subprocess.run([sys.executable, "-c", EDITOR_PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["LL101", "LL321"]
    line = next(l for l in run.stderr.splitlines() if l.startswith("RULES "))
    imported = set(json.loads(line[len("RULES "):]))
    can_report = {module for module, rule in zip(builtin_modules(), builtin_rules())
                  if not rule.preview and ("python" in rule.reports_in or rule.needs_code)}
    assert imported - {"lambdalint.rules._index"} == can_report
    assert "lambdalint.rules.missing_timeout" not in imported  # LL201 reads templates only


def test_a_run_over_handler_code_alone_does_not_import_pyyaml(tmp_path: Path) -> None:
    # no template to read: handlers found by their shape, as in a Terraform-less code folder
    write_tree(tmp_path, {"app.py": HANDLER})
    probe = PROBE.replace('("libcst", "cfnlint"', '("yaml", "cfnlint"')
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["LL101"]
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert json.loads(line[len("MODULES "):]) == []


def test_every_name_rulekit_exports_resolves() -> None:
    """The names rulekit hands out on first use (PEP 562) are the ones `__all__` promises."""
    import lambdalint.rulekit as rulekit

    missing = [name for name in rulekit.__all__ if not hasattr(rulekit, name)]
    assert missing == []
    assert set(rulekit._LAZY_HOME) <= set(rulekit.__all__)
    for name, module in rulekit._LAZY_HOME.items():
        assert getattr(rulekit, name) is getattr(__import__(module, fromlist=[name]), name)


def _loader_imports(path: Path) -> set[str]:
    """The `lambdalint.loaders.*` modules a loader module imports, at the top or inside a function."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lambdalint.loaders."):
            found.add(node.module.rsplit(".", 1)[-1])
        elif isinstance(node, ast.Import):
            found |= {a.name.rsplit(".", 1)[-1] for a in node.names if a.name.startswith("lambdalint.loaders.")}
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph, or []."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[name] = 2
        path.pop()
        return []

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return []


def test_loader_modules_import_one_way() -> None:
    """No cycle among the loader modules, deferred imports included: the Terraform folder loader
    imports the role, trigger and lambda module readers, which share `terraform_module` and never
    import the folder loader back."""
    folder = Path(__file__).resolve().parent.parent / "lambdalint" / "loaders"
    graph = {p.stem: _loader_imports(p) for p in folder.glob("*.py")}
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # the check can fail
    assert _cycle(graph) == []
    assert not any("terraform" in graph[name] for name in graph if name.startswith("terraform_"))


PATTERN_PROBE = """
import io, json, sys
from lambdalint.cli import main
from lambdalint.lazy_pattern import LazyPattern
sys.stdin = io.StringIO(open("app.py").read())
try:
    main(["check", "--stdin-filename", "app.py", "--format", "json", "--exit-zero"])
except SystemExit:
    pass
lazy = {f"{name}.{attr}": value.compiled for name, module in list(sys.modules.items())
        if name.startswith("lambdalint") for attr, value in vars(module).items() if isinstance(value, LazyPattern)}
print("PATTERNS " + json.dumps(lazy), file=sys.stderr)
"""


def test_saving_a_handler_compiles_none_of_the_patterns_it_does_not_use(tmp_path: Path) -> None:
    """Module-level patterns a save asks nothing of (suppression comments when the file has none,
    IAM ARNs, database drivers) are `LazyPattern`s: compiled on first use, not on import."""
    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("python3.8", "python3.12"), "app.py": HANDLER})
    run = subprocess.run([sys.executable, "-c", PATTERN_PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["LL101", "LL321"]
    line = next(l for l in run.stderr.splitlines() if l.startswith("PATTERNS "))
    patterns = json.loads(line[len("PATTERNS "):])
    assert {"lambdalint.suppress._NOQA_COMMENT", "lambdalint.iam._AWS_MANAGED_ARN",
            "lambdalint.code.connections._DRIVER"} <= set(patterns)
    assert [name for name, compiled in patterns.items() if compiled] == []
    # a suppression comment is read with them
    write_tree(tmp_path, {"app.py": HANDLER.replace("list_buckets()", "list_buckets()  # noqa: LL321")})
    run = subprocess.run([sys.executable, "-c", PATTERN_PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert [f["code"] for f in json.loads(run.stdout)["findings"] if not f.get("suppressed")] == ["LL101"]


def test_the_code_fixes_are_imported_only_for_a_finding_that_has_one(tmp_path: Path) -> None:
    """`lambdalint.code.fix` (moving a client to module scope) is loaded by `to_module_scope` when
    LL101/LL102 report; a save without such a finding does not import it."""
    probe = PATTERN_PROBE.replace('print("PATTERNS "', 'print("FIX", "lambdalint.code.fix" in sys.modules, file=sys.stderr)\nprint("PATTERNS "')
    outside = HANDLER.replace('def handler(event, context):\n    client = boto3.client("s3")\n',
                              'client = boto3.client("s3")\n\n\ndef handler(event, context):\n')
    assert outside != HANDLER
    for text, codes, imported in ((outside, ["LL321"], "False"), (HANDLER, ["LL101", "LL321"], "True")):
        write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("python3.8", "python3.12"), "app.py": text})
        run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
        assert [f["code"] for f in json.loads(run.stdout)["findings"]] == codes
        assert f"FIX {imported}" in run.stderr.splitlines()


def test_terraform_with_json_policies_and_a_json_template_imports_no_pyyaml(tmp_path: Path) -> None:
    # JSON (a heredoc policy, a `file()` policy, a JSON template) is read without PyYAML (~12 ms)
    write_tree(tmp_path, {
        "infra/main.tf": 'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n'
                         'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.r.id\n  policy = <<EOF\n'
                         '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n'
                         'EOF\n}\n'
                         'resource "aws_iam_role_policy" "q" {\n  role = aws_iam_role.r.id\n'
                         '  policy = file("${path.module}/policy.json")\n}\n'
                         'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role = aws_iam_role.r.arn\n'
                         '  handler = "app.handler"\n  runtime = "python3.12"\n  filename = "f.zip"\n}\n',
        "infra/policy.json": '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}\n',
        "cfn/template.json": json.dumps({"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Handler": "app.handler", "Runtime": "python3.12", "Role": "arn:aws:iam::1:role/r",
            "Code": {"ZipFile": "def handler(e, c): pass"}}}}}, indent=2),
    })
    probe = PROBE.replace('"tree_sitter_hcl")', '"tree_sitter_hcl", "yaml")')
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    findings = {(f["code"], f["path"], f["line"]) for f in json.loads(run.stdout)["findings"]}
    # both policies were read, at their lines: `*` in the heredoc, `s3:*` in the file
    assert ("LL301", "infra/main.tf", 8) in findings and ("LL301", "infra/policy.json", 1) in findings
    assert any(code == "LL201" and path == "cfn/template.json" for code, path, _ in findings)
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert "yaml" not in json.loads(line[len("MODULES "):])
