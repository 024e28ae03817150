"""The cache of compiled code (`lambdalint.compiled_cache`): the dataclasses, named tuples and
regular expressions it helps make behave exactly as without it, it is kept where the user's cache
lives, and it can be turned off."""

from __future__ import annotations

import dataclasses
import inspect
import typing
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree
from lambdalint import compiled_cache
from lambdalint.compiled_cache import CompiledCache, cache_dir


_DECLARED = """
import dataclasses

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = ()

@dataclasses.dataclass
class Bag:
    name: str
    items: list = dataclasses.field(default_factory=list)
"""


def _declare() -> tuple[type, type]:
    """Two dataclasses with most of what `@dataclass` generates: `__init__` with defaults and a
    factory, `__repr__`, `__eq__`, ordering, frozen `__setattr__`/`__delattr__`, `__hash__`;
    declared without this module's `from __future__ import annotations`, as LibCST's are."""
    namespace: dict[str, object] = {}
    exec(compile(_DECLARED, "<declared>", "exec", dont_inherit=True), namespace)  # noqa: S102
    return namespace["Point"], namespace["Bag"]  # type: ignore[return-value]


def _behaviour(point: type, bag: type) -> list[object]:
    made = point(1, 2, ("a",))
    facts: list[object] = [repr(made), made == point(1, 2, ("a",)), made < point(2), hash(made) == hash(point(1, 2, ("a",))),
                           repr(bag("b")), bag("b").items is not bag("b").items]
    try:
        made.x = 5  # type: ignore[misc]
    except dataclasses.FrozenInstanceError as exc:
        facts.append(type(exc).__name__)
    # the annotations exec gives the generated __init__: objects, not strings (no inherited
    # `from __future__ import annotations`, which the cache's module has)
    facts.append({name: parameter.annotation for name, parameter in inspect.signature(point.__init__).parameters.items()})
    return facts


def test_classes_made_through_the_cache_behave_as_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without = _behaviour(*_declare())
    cache = CompiledCache(tmp_path / "compiled.marshal")
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
    with_cache = _behaviour(*_declare())
    assert with_cache == without
    assert with_cache[-1]["x"] is int  # a string here would mean the future flag leaked in
    assert any("def __init__(self" in key[2] and "tags" in key[2] for key in cache.code)  # it went through the cache


def test_code_saved_by_one_process_is_not_compiled_again_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "cache" / "compiled.marshal"
    first = CompiledCache(path)
    monkeypatch.setattr(dataclasses, "exec", first.exec, raising=False)
    _declare()
    first.save()
    assert path.is_file()
    second = CompiledCache(path)
    assert set(second.code) == set(first.code)

    compiled: list[str] = []
    real_compile = compile

    def counting_compile(source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return real_compile(source, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(compiled_cache, "compile", counting_compile, raising=False)
    monkeypatch.setattr(dataclasses, "exec", second.exec, raising=False)
    assert _behaviour(*_declare()) == _behaviour(*_declare())
    assert compiled == []
    modified = path.stat().st_mtime_ns
    second.save()  # nothing new: nothing written
    assert path.stat().st_mtime_ns == modified


def test_a_cache_file_that_is_not_one_is_ignored_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "compiled.marshal"
    for junk in (b"not marshal at all", marshal.dumps({("exec", "<string>", "x"): "not code"}), marshal.dumps([1, 2]),
                 marshal.dumps({"x = 1\n": compile("x = 1\n", "<string>", "exec")})):  # an older layout
        path.write_bytes(junk)
        cache = CompiledCache(path)
        assert cache.code == {}
        monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
        _declare()
        cache.save()
        assert CompiledCache(path).code.keys() == cache.code.keys() != set()


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = CompiledCache(tmp_path / "compiled.marshal")
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
    _declare()
    cache.save()
    assert list(tmp_path.iterdir()) == []


def test_a_cache_grown_past_its_bound_keeps_what_this_process_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "compiled.marshal"
    stale = {("exec", "<string>", f"x = {n}\n"): compile(f"x = {n}\n", "<string>", "exec") for n in range(5)}
    path.write_bytes(marshal.dumps(stale))
    monkeypatch.setattr(compiled_cache, "MAX_ENTRIES", 5)
    cache = CompiledCache(path)
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
    _declare()
    cache.save()
    kept = CompiledCache(path).code
    assert kept.keys() == cache.used and not kept.keys() & stale.keys()


_TUPLES = """
import collections
import typing

Pair = collections.namedtuple("Pair", "left right", defaults=(0,))

class Span(typing.NamedTuple):
    path: "str"
    line: "int" = 1
"""


def _tuples(namespace_of: dict[str, object]) -> list[object]:
    pair, span = namespace_of["Pair"], namespace_of["Span"]
    made = span("a.tf")
    return [repr(pair(1)), pair(1, 2) == (1, 2), pair._fields, repr(made), made._replace(line=3),
            typing.get_type_hints(span)]


def test_named_tuples_made_through_the_cache_behave_as_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import collections
    import typing

    def declare() -> dict[str, object]:
        namespace: dict[str, object] = {}
        exec(compile(_TUPLES, "<declared>", "exec", dont_inherit=True), namespace)  # noqa: S102
        return namespace

    without = _tuples(declare())
    cache = CompiledCache(tmp_path / "compiled.marshal")
    monkeypatch.setattr(collections, "eval", cache.eval, raising=False)
    monkeypatch.setattr(typing, "compile", cache.compile, raising=False)
    assert _tuples(declare()) == without
    kinds = {(key[0], key[2]) for key in cache.code}
    assert ("eval", "lambda _cls, left, right: _tuple_new(_cls, (left, right))") in kinds  # namedtuple's __new__
    assert ("eval", "int") in kinds  # typing's forward reference to `int`


_PATTERNS = """
import re

from lambdalint.lazy_pattern import LazyPattern

WORD = re.compile(r"(?i)(?P<first>[a-z]+)-(\\d+)")
RAW = re.compile(rb"^key=(.*)$", re.MULTILINE)
LAZY = LazyPattern(r"(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}")  # compiled on its first use


def made_from(name):
    return re.compile(rf"^def {re.escape(name)}\\b")
"""


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10's `re` has no `_compiler` step to route")
def test_patterns_a_module_compiles_at_its_top_level_are_kept_and_match_as_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    from re import _compiler

    real = _compiler.compile
    calls: list[object] = []

    def counting(pattern: object, flags: int = 0) -> object:
        calls.append(pattern)
        return real(pattern, flags)

    def load(cache: CompiledCache) -> dict[str, object]:
        re.purge()  # `re`'s own per-process memo would answer before the compile step is asked
        monkeypatch.setattr(_compiler, "compile", cache.regex_step(counting))
        namespace: dict[str, object] = {"__name__": "declared"}
        exec(compile(_PATTERNS, "<declared>", "exec", dont_inherit=True), namespace)  # noqa: S102
        return namespace

    def behaviour(namespace: dict[str, object]) -> list[object]:
        word, raw, made_from = namespace["WORD"], namespace["RAW"], namespace["made_from"]
        found = word.search("x ABC-12 y")  # type: ignore[attr-defined]
        lazy = namespace["LAZY"].search("token: xoxb-1234567890-abc")  # type: ignore[attr-defined]
        return [found.group("first"), found.group(2), found.span(), word.groupindex, word.flags,  # type: ignore[union-attr]
                raw.findall(b"key=1\nkey=2"), lazy.span(),  # type: ignore[union-attr]
                made_from("handler").match("def handler(e, c)") is not None]  # type: ignore[attr-defined,operator]

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "compiled.marshal"
    first = CompiledCache(path)
    expected = behaviour(load(first))
    assert expected[:2] == ["ABC", "12"] and expected[-1] is True
    patterns = {key[1] for key in first.code if key[0] == "re"}
    assert patterns == {r"(?i)(?P<first>[a-z]+)-(\d+)", rb"^key=(.*)$",
                        r"(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}"}  # not the one made from a name
    first.save()

    calls.clear()
    second = CompiledCache(path)
    assert behaviour(load(second)) == expected
    assert calls == [r"^def handler\b"]  # the three top-level ones came from the cache


def test_where_the_cache_lives() -> None:
    assert cache_dir({"LAMBDALINT_CACHE_DIR": "/somewhere/else", "XDG_CACHE_HOME": "/xdg"}) == Path("/somewhere/else")
    assert cache_dir({"LAMBDALINT_CACHE_DIR": ""}) is None
    assert cache_dir({"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg/lambdalint")
    assert cache_dir({}) == Path(os.path.expanduser("~")) / ".cache" / "lambdalint"


def test_the_library_entry_leaves_dataclasses_alone(tmp_path: Path) -> None:
    """Only the command installs the cache: a program that calls `api.lint` keeps its own `exec`."""
    write_tree(tmp_path, {"app.py": "def handler(event, context):\n    return 1\n"})
    script = ("import dataclasses, sys; from lambdalint.api import lint; lint([sys.argv[1]]); "
              "print(hasattr(dataclasses, 'exec'))")
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def _project(root: Path) -> Path:
    return write_tree(root, {
        "main.tf": 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  handler = "app.handler"\n'
                   '  runtime = "python3.12"\n  filename = "build.zip"\n  role = "arn:aws:iam::1:role/r"\n}\n',
        **{f"src/mod{n}.py": "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n"
           for n in range(10)},
    })


def _check(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "check", ".", "--format", "json", "--exit-zero"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_command_keeps_libcsts_compiled_methods_and_reports_the_same_with_them(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["LAMBDALINT_CACHE_DIR"] = str(tmp_path / "cache")
    cold = _check(project, env)
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1 and files[0].name.startswith(f"compiled-{sys.implementation.cache_tag}-")
    keys = marshal.loads(files[0].read_bytes()).keys()
    # LibCST's `Name(value, lpar, rpar)`: the handler code was read with the cache installed
    assert any(key[0] == "exec" and "def __init__(self" in key[2] and "lpar" in key[2] for key in keys)
    # named tuples' constructors, and the patterns lambdalint's modules compile as they are imported
    assert any(key[0] == "eval" and key[2].startswith("lambda _cls") for key in keys)
    if sys.version_info >= (3, 11):  # where `re` has the compile step the cache routes
        assert ("re", r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}", 0) in keys  # loaders/hcl.py's _TEMPLATE_VAR
    warm = _check(project, env)
    assert warm.returncode == cold.returncode == 0
    assert warm.stdout == cold.stdout and '"LL101"' in cold.stdout


def test_an_empty_cache_dir_setting_turns_the_cache_off(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env.update(LAMBDALINT_CACHE_DIR="", HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert _check(project, env).returncode == 0
    assert not (tmp_path / "home").exists() and not (tmp_path / "xdg").exists()
