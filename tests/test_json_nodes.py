"""JSON read without PyYAML (`loaders.jsonnodes`) gives the tree the YAML path gives for it:
values, spans, key spans and problems, on every JSON file of the fixtures and the shared corpus,
and on the edge cases where the two could part."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED, located_tree, requires_shared
from lambdalint.loaders.jsonnodes import MAX_DEPTH, LoadError, load_json
from lambdalint.loaders.yamlnodes import load_json_as_yaml


def _read(load: object, text: str) -> object:
    problems: list[LoadError] = []
    try:
        tree = located_tree(load(text, "t.json", problems))  # type: ignore[operator]
    except LoadError as error:
        return "error", error.message, error.line, error.column, error.bounded
    return tree, [(p.message, p.line, p.column) for p in problems]


def _same_as_yaml(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _read(load_json, text) == _read(load_json_as_yaml, text), path


def test_every_json_file_of_the_fixtures_reads_as_the_yaml_path_reads_it() -> None:
    _same_as_yaml(sorted(FIXTURES.rglob("*.json")))


@requires_shared
def test_every_json_file_of_the_shared_corpus_and_projects_reads_as_the_yaml_path_reads_it() -> None:
    _same_as_yaml(sorted((SHARED / "corpus").rglob("*.json")) + sorted((SHARED / "projects").rglob("*.json")))


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}',  # a duplicate key: reported where the second one is, the last value kept
    '{\n  "x": "y",\n  "x": {"z": [1, 2]}\n}',
    '[1e5, 1.5e3, 1.0e+3, -0, 0.5, 12, -7, true, null, false, "1"]',  # numbers as YAML 1.1 reads them
    '{"a": [1, 2,], }',  # not JSON, but YAML reads it: still read
    '{"a":\t"x\ty"}',  # a raw tab in a string: YAML's reading of it
    '[' * (MAX_DEPTH + 5) + ']' * (MAX_DEPTH + 5),  # past the depth limit: the same bounded error
    '{"k": "v"} trailing', '[1, 2', 'nul', '{"a" 1}', '', '   ', '\ufeff{"a": 1}',  # errors and BOMs
    '{"a": {"b": {}}, "c": [], "d": "\\u00e9\\n\\"q\\""}',
])
def test_json_reads_as_the_yaml_path_reads_it(text: str) -> None:
    assert _read(load_json, text) == _read(load_json_as_yaml, text)


def test_the_spans_are_the_values_own_text() -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": 5}\n  ]\n}\n'
    lines = text.splitlines()

    def written(span: object) -> str:
        line, column, end_line, end_column = span.line, span.column, span.end_line, span.end_column  # type: ignore[attr-defined]
        if line == end_line:
            return lines[line - 1][column - 1:end_column - 1]
        return "\n".join([lines[line - 1][column - 1:], *lines[line:end_line - 1], lines[end_line - 1][:end_column - 1]])

    root = load_json(text, "p.json")
    statement = root.get("Statement").value[0]  # type: ignore[union-attr]
    assert written(statement.get("Action").value[0].span) == '"s3:GetObject"'
    assert written(statement.get("Resource").key_span) == '"Resource"' and written(statement.get("Resource").span) == "5"
    assert written(statement.span) == lines[2].strip()
    assert written(root.span) == text.rstrip("\n") and root.span.path == "p.json"


def test_a_duplicate_key_is_raised_when_no_list_takes_problems() -> None:
    with pytest.raises(LoadError, match="duplicate key `a` \\(first defined on line 1"):
        load_json('{"a": 1,\n "a": 2}', "t.json")
