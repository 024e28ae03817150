"""Generated Python modules, valid and broken, never make the code analysis raise."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lambdalint.code.extract import definition_facts, full_facts
from lambdalint.code.fix import move_statements

NAMES = st.sampled_from(["boto3", "client", "s3", "CACHE", "event", "context", "_c", "os", "json", "x"])
CALLEES = st.sampled_from(["boto3.client('s3')", "boto3.Session().client('sqs')", "json.load(open('f'))",
                           "psycopg2.connect('db')", "CACHE.append(event)", "os.environ.get('A')",
                           "ssm.get_parameter(Name='p')", "helper()", "pickle.load(f)", "x"])
LINES = st.one_of(
    st.builds(lambda n, c: f"{n} = {c}", NAMES, CALLEES),
    st.builds(lambda n: f"global {n}", NAMES),
    st.builds(lambda n, c: f"if {n} is None:\n        {n} = {c}", NAMES, CALLEES),
    st.builds(lambda n: f"{n}[event] = 1", NAMES),
    st.builds(lambda n: f"{n} += 1", NAMES),
    st.just("with open('m') as f:\n        data = json.load(f)"),
    st.just("return (("), st.just("def nested(a):\n        return a"), st.just("async with x: pass"),
    st.text(alphabet="()[]{}:=.,'\"#\\ abc\t", max_size=12),
)
MODULES = st.builds(
    lambda imports, asyncness, params, body, tail: (
        f"{imports}\nCACHE = []\n\n{asyncness}def handler({params}):\n"
        + "".join(f"    {line}\n" for line in body) + tail),
    st.sampled_from(["import boto3", "import boto3 as b\nfrom boto3 import client", "from . import helper",
                     "import json, pickle, os", ""]),
    st.sampled_from(["", "async "]),
    st.sampled_from(["event, context", "event", "", "*a", "e, c, *, k"]),
    st.lists(LINES, max_size=6),
    st.sampled_from(["", "if __name__ == '__main__':\n    handler({}, None)\n", "class A:\n    x = boto3.client('s3')\n"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MODULES, st.text(max_size=200)))
@example("\U00031350")  # found by this test: LibCST raises CSTValidationError, not a syntax error
def test_analysis_never_raises(text: str) -> None:
    full = full_facts("/p/app.py", "app.py", text)
    definitions = definition_facts("/p/app.py", "app.py", text)
    assert (full.error is None) == (definitions.error is None)
    if full.error is None:
        for function in full.functions.values():
            for call in function.calls:
                if call.assigned_to and call.statement_line:
                    move_statements(text, {call.statement_line: call.assigned_to})
    else:
        assert full.error[0] >= 1


def test_whole_engine_on_generated_projects(tmp_path: Path) -> None:
    from conftest import run_lint, write_tree

    write_tree(tmp_path, {"app.py": "def handler(event, context):\n    return ((\n", "b.py": b"\xff\xfe\x00bin"})
    result = run_lint(tmp_path)
    assert not result.internal_errors


STRING_PREFIXES = st.sampled_from(["", "r", "R", "u", "U", "b", "rb", "Br"])
QUOTES = st.sampled_from(["'", '"', "'''", '"""'])


@settings(max_examples=300, deadline=None)
@given(prefix=STRING_PREFIXES, quote=QUOTES, body=st.text(alphabet="ab \\'\"\n\r\tné{}", max_size=10))
def test_string_values_read_without_compile_match_python(prefix: str, quote: str, body: str) -> None:
    """`_string_value` reads plain literals by slicing; it must agree with Python's own reading."""
    import ast
    import warnings

    import libcst as cst

    from lambdalint.code.bindings import string_value as _string_value

    source = f"{prefix}{quote}{body}{quote}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes such as "\\d" are still literals
        try:
            expected = ast.literal_eval(source)
            node = cst.parse_expression(source)
        except (SyntaxError, ValueError, cst.ParserSyntaxError):
            return  # not a literal at all (an unescaped quote, a lone backslash before the end)
        if not isinstance(node, cst.SimpleString):
            return  # `'a''b'` parses as two concatenated literals
        assert _string_value(node) == (expected if isinstance(expected, str) else None)
