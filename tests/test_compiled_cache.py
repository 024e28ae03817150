"""The cache of compiled dataclass methods (`lambdalint.compiled_cache`): the classes it helps make
behave exactly as without it, it is kept where the user's cache lives, and it can be turned off."""

from __future__ import annotations

import dataclasses
import inspect
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
    assert any("def __init__(self" in source and "tags" in source for source in cache.code)  # it went through the cache


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
    for junk in (b"not marshal at all", marshal.dumps({"source": "not code"}), marshal.dumps([1, 2])):
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
    stale = {f"x = {n}\n": compile(f"x = {n}\n", "<string>", "exec") for n in range(5)}
    path.write_bytes(marshal.dumps(stale))
    monkeypatch.setattr(compiled_cache, "MAX_ENTRIES", 5)
    cache = CompiledCache(path)
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
    _declare()
    cache.save()
    kept = CompiledCache(path).code
    assert kept.keys() == cache.used and not kept.keys() & stale.keys()


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
    assert len(files) == 1 and files[0].name.startswith(f"dataclasses-{sys.implementation.cache_tag}-")
    sources = marshal.loads(files[0].read_bytes())
    # LibCST's `Name(value, lpar, rpar)`: the handler code was read with the cache installed
    assert any("def __init__(self" in source and "lpar" in source for source in sources)
    warm = _check(project, env)
    assert warm.returncode == cold.returncode == 0
    assert warm.stdout == cold.stdout and '"LL101"' in cold.stdout


def test_an_empty_cache_dir_setting_turns_the_cache_off(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env.update(LAMBDALINT_CACHE_DIR="", HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert _check(project, env).returncode == 0
    assert not (tmp_path / "home").exists() and not (tmp_path / "xdg").exists()
