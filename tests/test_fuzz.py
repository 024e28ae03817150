"""Fuzzing every loader with mutations of real files (issue 13).

Seeds are the fixture projects' templates, serverless.yml files, handlers and config files, plus
(when `../shared/corpus` is there) a fixed sample of the real corpus. Each example mutates one seed,
structurally (a line duplicated: duplicate keys; an alias, a merge key, deep brackets, a tab, a
coding cookie inserted at a line's indentation) or byte by byte (cut, flip, insert hostile bytes,
truncate), writes it beside a good template and checks, with every rule selected:

- no exception escapes `api.lint` and no rule or loader reports an internal error;
- no hang: each example runs under a watchdog (and hypothesis's per-example deadline);
- the good function beside the mutant keeps its finding.

CI runs a few dozen examples per loader (well under a minute in all); `--fuzz-long` runs 50x.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SHARED, codes_at, fuzz_examples, run_lint, write_tree

GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GoodFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: good/
      Handler: app.handler
      Runtime: python3.12
"""
GOOD_FINDING = ("LL201", "template.yaml", 4)
EXAMPLE_SECONDS = 60  # a watchdog, not a speed test: a hang is the bug it catches


def _seeds(patterns: tuple[str, ...], corpus_sample: int) -> list[tuple[str, bytes]]:
    files = sorted(p for pattern in patterns for p in (FIXTURES / "projects").rglob(pattern))
    corpus = SHARED / "corpus"
    if corpus.is_dir() and corpus_sample:
        found = sorted(p for pattern in patterns for p in corpus.rglob(pattern))
        files += found[:: max(1, len(found) // corpus_sample)][:corpus_sample]
    return [(p.name, p.read_bytes()) for p in files if p.is_file() and p.stat().st_size < 200_000]


TEMPLATE_SEEDS = _seeds(("template.yaml", "*.template.json", "stack.yaml", "broken.yaml"), 24)
SERVERLESS_SEEDS = _seeds(("serverless.yml",), 12)
PYTHON_SEEDS = _seeds(("*.py",), 0)
CONFIG_SEEDS = _seeds(("pyproject.toml", "lambdalint.toml"), 0) + [("lambdalint.toml", b"""\
select = ["LL"]
ignore = ["LL202"]
fail-on = "warning"
exclude = ["legacy/", "*.generated.yaml"]
respect-gitignore = true
handler-patterns = ["handler", "*_handler"]
max-template-mb = 10
[per-file-ignores]
"tests/**" = ["LL101"]
[severity]
missing-reserved-concurrency = "info"
[rules.LL401]
dev-packages = ["pytest"]
""")]

HOSTILE = [b"\x00", b"\xff\xfe", b"\t", b"\r", b"&a ", b"*a", b"<<: *a\n", b"<<: [*a, *b]\n", b"[" * 120,
           b"{" * 60, b"!Ref ", b"!GetAtt ", b"!Sub ${", b"${self:", b"---\n", b"%YAML 1.1\n", b"\\", b"\"",
           b"'", b": ", b"- ", b"? ", b"#", b"\xef\xbb\xbf", b"# -*- coding: latin-1 -*-\n", b"lambda: " * 50,
           b"(" * 300, b"x" * 5000, b"\n" * 3, "\u2028é\U0001f600".encode(), b"Type: AWS::Lambda::Function\n",
           b"Handler: ", b"Runtime: python3.12\n", b"Events:\n", b"def handler(event, context):\n", b"    ",
           b"import boto3\n", b"async ", b"Content-Length: 9\r\n\r\n"]


@st.composite
def mutants(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.one_of(_structured(data), _bytewise(data)))
    return name, data


def _structured(data: bytes) -> st.SearchStrategy[bytes]:
    lines = data.splitlines(keepends=True) or [b""]

    def duplicate(i: int) -> bytes:  # the same key twice: a duplicate-key LL001, never a lost file
        i %= len(lines)
        return b"".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])

    def insert(i: int, piece: bytes) -> bytes:  # at the indentation of the line it lands on
        i %= len(lines)
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        return b"".join(lines[:i] + [indent + piece + b"\n"] + lines[i:])

    def anchor_and_alias(i: int, j: int) -> bytes:
        i, j = i % len(lines), j % len(lines)
        out = list(lines)
        out[i] = out[i].rstrip(b"\r\n") + b" &a\n" if b":" in out[i] and not out[i].rstrip().endswith(b":") else out[i]
        out[j] = out[j].split(b":")[0] + b": *a\n" if b":" in out[j] else out[j]
        return b"".join(out)

    index = st.integers(0, 10_000)
    return st.one_of(
        st.builds(duplicate, index),
        st.builds(insert, index, st.sampled_from(HOSTILE)),
        st.builds(anchor_and_alias, index, index),
        st.builds(lambda i: b"".join(lines[: i % len(lines)]), index),  # truncated at a line
    )


def _bytewise(data: bytes) -> st.SearchStrategy[bytes]:
    size = max(len(data), 1)
    position = st.integers(0, size)

    def cut(a: int, n: int) -> bytes:
        return data[:a] + data[a + n:]

    def put(a: int, piece: bytes) -> bytes:
        return data[:a] + piece + data[a:]

    def flip(a: int, bit: int) -> bytes:
        if not data:
            return data
        a %= len(data)
        return data[:a] + bytes([data[a] ^ (1 << bit)]) + data[a + 1:]

    return st.one_of(
        st.builds(cut, position, st.integers(1, 200)),
        st.builds(put, position, st.sampled_from(HOSTILE) | st.binary(max_size=16)),
        st.builds(flip, position, st.integers(0, 7)),
    )


class Hang(Exception):
    pass


@contextlib.contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Turn a hang into a failure (main thread, POSIX); elsewhere hypothesis's deadline remains."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


FUZZ = dict(deadline=timedelta(seconds=EXAMPLE_SECONDS), derandomize=True, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                   HealthCheck.data_too_large, HealthCheck.filter_too_much])


def _lint_beside_good(tmp_path: Path, files: dict[str, bytes | str]) -> None:
    root = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    write_tree(root, {"template.yaml": GOOD, "good/app.py": "def handler(event, context):\n    return 1\n",
                      **files})
    with watchdog(EXAMPLE_SECONDS):
        result = run_lint(root)  # every rule: they all read the mutant's model
    assert result.internal_errors == []
    assert GOOD_FINDING in codes_at(result)


@pytest.mark.skipif(not TEMPLATE_SEEDS, reason="no template seeds")
@settings(max_examples=fuzz_examples(150), **FUZZ)
@given(mutant=mutants(TEMPLATE_SEEDS))
def test_fuzz_templates(tmp_path: Path, mutant: tuple[str, bytes]) -> None:
    name, data = mutant
    suffix = ".json" if name.endswith(".json") else ".yaml"
    _lint_beside_good(tmp_path, {f"mutant/template{suffix}": data})


@settings(max_examples=fuzz_examples(80), **FUZZ)
@given(mutant=mutants(SERVERLESS_SEEDS))
def test_fuzz_serverless(tmp_path: Path, mutant: tuple[str, bytes]) -> None:
    _lint_beside_good(tmp_path, {"svc/serverless.yml": mutant[1],
                                 "svc/handler.py": "def hello(event, context):\n    return 1\n"})


HANDLER_TEMPLATE = GOOD.replace("GoodFunction", "MutantFunction").replace("good/", "mutant/") \
    .replace("app.handler", "app.handler\n      Timeout: 5")


@settings(max_examples=fuzz_examples(80), **FUZZ)
@given(mutant=mutants(PYTHON_SEEDS))
def test_fuzz_python_handlers(tmp_path: Path, mutant: tuple[str, bytes]) -> None:
    _lint_beside_good(tmp_path, {"mutant/template.yaml": HANDLER_TEMPLATE, "mutant/app.py": mutant[1]})


@settings(max_examples=fuzz_examples(40), **FUZZ)
@given(mutant=mutants(CONFIG_SEEDS), name=st.sampled_from(["lambdalint.toml", "pyproject.toml"]))
def test_fuzz_config_files(tmp_path: Path, mutant: tuple[str, bytes], name: str) -> None:
    from lambdalint.api import lint
    from lambdalint.config import ConfigError, find_config

    root = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    data = mutant[1]
    if name == "pyproject.toml" and b"[tool.lambdalint" not in data:
        data = b"[tool.lambdalint]\n" + data
    write_tree(root, {name: data, "template.yaml": GOOD})
    with watchdog(EXAMPLE_SECONDS):
        try:
            config = find_config(root)
            result = lint([root], config, cwd=root)
        except ConfigError as error:  # exit 2 with one line: the accepted outcome for a bad file
            assert "\n" not in str(error).strip()
            return
    assert result.internal_errors == []


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


CONFIG_KEYS = ["select", "ignore", "extend-select", "exclude", "extend-exclude", "fail-on", "respect-gitignore",
               "handler-patterns", "per-file-ignores", "severity", "rules", "max-template-mb", "max-python-mb"]
TOML_VALUES = st.recursive(
    st.none().map(lambda _: "LL201") | st.booleans() | st.integers(-10**20, 10**20) | st.floats()
    | st.text(max_size=12) | st.sampled_from(["LL", "LL401", "info", "ALL", "tests/**", "\\", "!"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["LL401", "LL101", "dev-packages", "tests/**", "x", ""]), inner, max_size=3),
    max_leaves=10)


@settings(max_examples=fuzz_examples(100), **FUZZ)
@given(table=st.dictionaries(st.sampled_from(CONFIG_KEYS), TOML_VALUES, max_size=5))
def test_fuzz_config_types(tmp_path: Path, table: dict[str, object]) -> None:
    from lambdalint.api import lint
    from lambdalint.config import ConfigError, find_config

    root = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    text = "".join(f"{json.dumps(k)} = {_toml(v)}\n" for k, v in table.items())
    write_tree(root, {"lambdalint.toml": text, "template.yaml": GOOD})
    with watchdog(EXAMPLE_SECONDS):
        try:
            result = lint([root], find_config(root), cwd=root)
        except ConfigError as error:
            assert "\n" not in str(error).strip()
            return
    assert result.internal_errors == []


@settings(max_examples=fuzz_examples(200), **FUZZ)
@given(chunks=st.lists(st.one_of(
    st.builds(lambda body: b"Content-Length: %d\r\n\r\n%s" % (len(body), body),
              st.binary(max_size=64)),
    st.sampled_from([b"Content-Length: x\r\n", b"Content-Length: 99999999999999999\r\n", b"\r\n",
                     b"Content-Length: 3\r\n\r\n", b"Content-Type: a\r\n", b"\x00" * 70_000]),
    st.binary(max_size=64)), max_size=12))
def test_fuzz_language_server_framing(chunks: list[bytes]) -> None:
    import io

    from lambdalint.lsp_stream import MAX_MESSAGE_BYTES, CheckedInput

    good = b'{"jsonrpc": "2.0", "id": 7, "method": "shutdown"}'
    stream = b"".join(chunks)
    reader = CheckedInput(io.BufferedReader(io.BytesIO(stream + b"\r\n\r\n")))
    frames = []
    with watchdog(EXAMPLE_SECONDS):
        while True:
            header = reader.readline()
            if not header:
                break
            assert header.startswith(b"Content-Length: ") and reader.readline() == b"\r\n"
            body = reader.read(int(header[16:]))
            assert len(body) == int(header[16:]) <= MAX_MESSAGE_BYTES
            frames.append(body)
    # a well-formed frame after a frame boundary always survives what came before it
    tail = CheckedInput(io.BufferedReader(io.BytesIO(
        b"Content-Length: 5\r\n\r\nabcde" + b"Content-Length: %d\r\n\r\n%s" % (len(good), good))))
    assert [tail.readline(), tail.readline(), tail.read(5), tail.readline(), tail.readline(), tail.read(len(good))][-1] == good


@settings(max_examples=fuzz_examples(2), **FUZZ)
@given(messages=st.lists(st.fixed_dictionaries({
    "jsonrpc": st.just("2.0"),
    "method": st.sampled_from(["textDocument/didOpen", "textDocument/didChange", "textDocument/didSave",
                               "textDocument/didClose", "textDocument/codeAction", "$/unknown", "initialized"]),
    "params": st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                               st.sampled_from(["textDocument", "uri", "text", "version", "range",
                                                "contentChanges", "context", "languageId"]), inner, max_size=4),
                           max_leaves=12)}), max_size=15))
def test_fuzz_language_server_messages(tmp_path: Path, messages: list[dict[str, object]]) -> None:
    """Malformed notifications of every kind, then a request that must still be answered."""
    import subprocess
    import sys

    def frame(message: dict[str, object]) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    stream = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    stream += b"".join(frame(m) for m in messages)
    stream += frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"})
    run = subprocess.run([sys.executable, "-m", "lambdalint", "server"], input=stream, capture_output=True,
                         timeout=EXAMPLE_SECONDS, cwd=tmp_path)
    assert b'"id": 2' in run.stdout or b'"id":2' in run.stdout
    assert b"Traceback" not in run.stderr or b"Unable to handle message" in run.stderr or \
        b"Failed to handle notification" in run.stderr
