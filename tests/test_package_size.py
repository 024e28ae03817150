"""Tests for lambdalint.package_size; every input is built on the fly in tmp_path."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from lambdalint import package_size as ps
from lambdalint.package_size import (
    MB, Bloat, Contributor, find_bloat, format_bytes, measure, parse_requirements,
    top_contributors_text,
)
from lambdalint.registry import Registry

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# the bloated-package rule's default list, as users get it
DEV_PACKAGES = Registry.installed().get("bloated-package").options["dev-packages"].default


def sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)  # apparent size only; takes no disk
    return path


def write(path: Path, data: bytes | str = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    sparse(root / "pandas" / "core.so", 61 * MB)
    sparse(root / "pandas" / "io" / "parsers.so", 3 * MB)
    sparse(root / "numpy" / "core.so", 38 * MB)
    write(root / "app.py", b"a" * 2048)
    return root


# sizes and contributors

def test_sizes_and_contributor_order(pkg: Path) -> None:
    size = measure(pkg, estimate_zip=False)
    assert size.unzipped_bytes == 102 * MB + 2048
    assert size.files == 4
    assert size.zipped_bytes is None
    assert size.contributors == (
        Contributor("pandas/", 64 * MB), Contributor("numpy/", 38 * MB), Contributor("app.py", 2048))
    assert top_contributors_text(size) == "pandas/ 64 MB, numpy/ 38 MB, app.py 2 KB"
    assert top_contributors_text(size, 1) == "pandas/ 64 MB"
    assert size.problems == ()


def test_over_250_mb_sparse(tmp_path: Path) -> None:
    sparse(tmp_path / "big" / "torch" / "lib.so", 251 * MB)
    size = measure(tmp_path / "big", estimate_zip=False)
    assert size.unzipped_bytes > 262_144_000  # the byte limit AWS reports for "250 MB"


def test_exclude_files_and_pruned_folders(pkg: Path) -> None:
    calls: list[str] = []

    def exclude(rel: str) -> bool:
        calls.append(rel)
        return rel == "numpy/" or rel.endswith("parsers.so")

    size = measure(pkg, exclude=exclude, estimate_zip=False)
    assert size.unzipped_bytes == 61 * MB + 2048
    assert [c.name for c in size.contributors] == ["pandas/", "app.py"]
    assert "numpy/core.so" not in calls  # a folder excluded as a whole is not walked
    assert "pandas/io/parsers.so" in calls  # files get posix paths relative to the package


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    size = measure(tmp_path / "nope")
    assert size.unzipped_bytes == 0 and size.problems and "does not exist" in size.problems[0]


# links

def test_hard_link_counted_once(tmp_path: Path) -> None:
    a = sparse(tmp_path / "p" / "a" / "lib.so", 5 * MB)
    os.link(a, tmp_path / "p" / "b.so")
    size = measure(tmp_path / "p", estimate_zip=False)
    assert size.unzipped_bytes == 5 * MB
    assert size.files == 1


def test_symlink_to_file_inside_counts_target_once(tmp_path: Path) -> None:
    sparse(tmp_path / "p" / "vendor" / "lib.so", 4 * MB)
    os.symlink("vendor/lib.so", tmp_path / "p" / "lib.so")
    os.symlink("vendor", tmp_path / "p" / "vendor_link")  # folder link inside: not walked twice
    size = measure(tmp_path / "p", estimate_zip=False)
    assert size.unzipped_bytes == 4 * MB
    assert size.contributors == (Contributor("vendor/", 4 * MB),)
    assert size.problems == ()


def test_symlink_to_excluded_file_inside_counts_via_link(tmp_path: Path) -> None:
    sparse(tmp_path / "p" / "build" / "lib.so", 4 * MB)
    os.symlink("build/lib.so", tmp_path / "p" / "lib.so")
    size = measure(tmp_path / "p", exclude=lambda rel: rel.startswith("build/"), estimate_zip=False)
    assert size.unzipped_bytes == 4 * MB
    assert size.contributors == (Contributor("lib.so", 4 * MB),)


def test_symlink_out_of_package_not_followed(tmp_path: Path) -> None:
    sparse(tmp_path / "outside" / "huge.bin", 100 * MB)
    write(tmp_path / "p" / "app.py")
    os.symlink(tmp_path / "outside" / "huge.bin", tmp_path / "p" / "huge.bin")
    os.symlink(tmp_path / "outside", tmp_path / "p" / "ext")
    size = measure(tmp_path / "p", estimate_zip=False)
    assert size.unzipped_bytes == 1
    assert sum("out of package" in p for p in size.problems) == 2


def test_symlink_loop_and_dangling_are_problems(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "sub" / "app.py", b"12345")
    os.symlink("b", p / "a")
    os.symlink("a", p / "b")
    os.symlink("..", p / "sub" / "up")  # folder loop: a following walker would never end
    os.symlink("missing.txt", p / "dangling")
    size = measure(p)
    assert size.unzipped_bytes == 5
    joined = "\n".join(size.problems)
    assert joined.count("symlink loop") == 3
    assert "dangling symlink: dangling -> missing.txt" in joined


# unreadable / vanishing

@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod 000 does not stop root reading; "
                    "see the monkeypatched variants below")
def test_unreadable_file_and_dir_real_chmod(tmp_path: Path) -> None:
    p = tmp_path / "p"
    f = write(p / "secret.py", b"abc")
    d = p / "locked"
    write(d / "x.py")
    f.chmod(0)
    d.chmod(0)
    try:
        size = measure(p)
    finally:
        d.chmod(0o755)
        f.chmod(0o644)
    assert any("unreadable file: secret.py" in x for x in size.problems)
    assert any("unreadable directory: locked/" in x for x in size.problems)


def test_unreadable_dir_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "p"
    write(p / "ok.py", b"ok")
    write(p / "locked" / "x.py", b"xxx")
    real_scandir, real_open = os.scandir, os.open

    def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_scandir(path="."):  # type: ignore[no-untyped-def]
        if isinstance(path, str) and path.endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    size = measure(p)
    assert size.unzipped_bytes == 2
    assert size.problems == ("unreadable directory: locked/ (Permission denied)",)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "p"
    write(p / "ok.py", b"ok")
    secret = write(p / "lib" / "secret.bin", os.urandom(1000))
    secret.chmod(0o200)  # mode bits alone make it suspicious; os.access decides
    monkeypatch.setattr(os, "access", lambda path, mode: not str(path).endswith("secret.bin"))
    size = measure(p)
    assert size.unzipped_bytes == 1002  # it still ships (and would break the build)
    assert size.problems == ("unreadable file: lib/secret.bin",)
    assert size.zipped_bytes is not None and size.zipped_bytes >= 1000  # counted as incompressible


def _vanishing_scandir(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    """scandir that lists a folder, then deletes `victim` before anyone can stat it."""
    real = os.scandir

    class Listing:
        def __init__(self, arg):  # type: ignore[no-untyped-def]
            self.it = real(arg)
            self.entries = list(self.it)
            if victim.exists() and any(e.name == victim.name for e in self.entries):
                victim.unlink()

        def __enter__(self):  # type: ignore[no-untyped-def]
            return iter(self.entries)

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.it.close()

    monkeypatch.setattr(os, "scandir", Listing)


@pytest.mark.parametrize("estimate", [False, True])
def test_file_vanishing_mid_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 estimate: bool) -> None:
    p = tmp_path / "p"
    write(p / "stay.py", b"12")
    gone = write(p / "lib" / "gone.py", b"123456")
    _vanishing_scandir(monkeypatch, gone)
    size = measure(p, estimate_zip=estimate)
    assert size.unzipped_bytes == 2 and size.files == 1
    assert size.problems == ("vanished during walk: lib/gone.py",)


def test_file_vanishing_between_stat_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "p"
    write(p / "stay.py", b"12")
    write(p / "gone.py", b"123456")
    real_open = open

    def fake_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("gone.py"):
            raise FileNotFoundError(2, "No such file or directory", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    size = measure(p)
    assert size.unzipped_bytes == 2 and size.files == 1
    assert size.problems == ("vanished during walk: gone.py",)


# zip artifacts and estimate

def test_zip_artifact(tmp_path: Path) -> None:
    art = tmp_path / "fn.zip"
    with zipfile.ZipFile(art, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("app.py", "x" * 1000)
        zf.writestr("numpy/core.py", "y" * 5000)
        zf.writestr("numpy/sub/", "")
    size = measure(art)
    assert size.unzipped_bytes == 6000
    assert size.zipped_bytes == art.stat().st_size and not size.zipped_is_estimate
    assert size.files == 2
    assert size.contributors == (Contributor("numpy/", 5000), Contributor("app.py", 1000))


def test_broken_zip_is_a_problem(tmp_path: Path) -> None:
    art = write(tmp_path / "fn.zip", b"PK\x03\x04 this is not really a zip")
    size = measure(art)
    assert size.unzipped_bytes == 0
    assert size.zipped_bytes == art.stat().st_size
    assert len(size.problems) == 1 and size.problems[0].startswith("broken zip: fn.zip")


def test_estimate_random_bytes_close_to_raw(tmp_path: Path) -> None:
    p = tmp_path / "p"
    for i in range(4):
        write(p / "lib" / f"blob{i}.bin", os.urandom(700_000))  # spans chunk boundaries
    size = measure(p)
    raw = 4 * 700_000
    assert size.zipped_is_estimate and size.zipped_bytes is not None
    assert raw <= size.zipped_bytes <= raw * 1.01
    # matches a real zip of the same files within a fraction of a percent
    art = tmp_path / "real.zip"
    with zipfile.ZipFile(art, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for f in sorted((p / "lib").iterdir()):
            zf.write(f, f"lib/{f.name}")
    assert abs(size.zipped_bytes - art.stat().st_size) / art.stat().st_size < 0.005


def test_estimate_zeros_much_smaller(tmp_path: Path) -> None:
    sparse(tmp_path / "p" / "zeros.bin", 20 * MB)
    size = measure(tmp_path / "p")
    assert size.zipped_bytes is not None and size.zipped_bytes < 100_000


# formatting

@pytest.mark.parametrize("n,text", [
    (0, "0 B"), (1023, "1023 B"), (2048, "2 KB"), (int(2.5 * MB), "2.5 MB"), (38 * MB, "38 MB"),
    (262_144_000, "250 MB"), (3 * 1024 * MB, "3 GB"),
])
def test_format_bytes(n: int, text: str) -> None:
    assert format_bytes(n) == text


# requirements and bloat

def test_parse_requirements() -> None:
    reqs = parse_requirements(
        "# tools\n"
        "pytest==8.0  # tests only\n"
        "moto[s3]>=5\n"
        "-r other.txt\n"
        "--index-url https://example.com\n"
        "-e ./local\n"
        "\n"
        "# botocore bug 1234: need the fix from this exact version\n"
        "boto3==1.34.0\n"
        "Mypy_Boto3.S3 ; python_version >= '3.9'\n"
        "requests @ https://example.com/requests.whl\n"
        "urllib3 == 2.0.7 \\\n"
        "    --hash=sha256:abc\n"
    )
    by = {r.name: r for r in reqs}
    assert list(by) == ["pytest", "moto", "boto3", "mypy-boto3-s3", "requests", "urllib3"]
    assert by["pytest"].pinned and by["pytest"].comment == "tests only" and by["pytest"].line == 2
    assert not by["moto"].pinned and by["moto"].comment == ""
    assert by["boto3"].pinned and "botocore bug" in by["boto3"].comment and by["boto3"].line == 9
    assert by["urllib3"].pinned and by["urllib3"].line == 12


def test_a_line_pip_cannot_read_is_no_requirement() -> None:
    # imransayyed-scm/patch-pilot-ai: `boto3, requests` on one line stops pip's install there
    reqs = parse_requirements("boto3, requests\nrequests==2.31.0\nboto3>=1.34,<2\npkg (>=1.0)\n")
    assert [(r.name, r.line) for r in reqs] == [("requests", 2), ("boto3", 3), ("pkg", 4)]


def kinds(found: list[Bloat]) -> dict[str, str]:
    return {b.path: b.kind for b in found}


def test_bloat_folders(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "app.py")
    write(p / "tests" / "test_app.py", b"t" * 100)
    write(p / "test" / "fixtures.csv", b"a,b\n")  # a test suite's data alone (quinceleaf/cgc-event-driven-python)
    write(p / "reports" / "test" / "__init__.py")  # a package of the code that happens to be named so
    write(p / "reports" / "test" / "checks.py")
    write(p / "pkg" / "__pycache__" / "m.cpython-312.pyc", b"c" * 50)
    write(p / ".git" / "HEAD", b"ref")
    write(p / ".venv" / "pyvenv.cfg", b"home = /usr")
    write(p / ".venv" / "lib" / "site.py", b"s" * 10)
    write(p / "node_modules" / ".cache" / "x", b"n")
    write(p / ".mypy_cache" / "x", b"m")
    write(p / "lib" / "conftest.py")
    write(p / "lib" / "test" / "conftest.py")
    found = find_bloat(p, DEV_PACKAGES)
    assert kinds(found) == {
        "tests/": "tests", "pkg/__pycache__/": "pycache", ".git/": "git", ".venv/": "virtualenv",
        "node_modules/.cache/": "cache", ".mypy_cache/": "cache", "lib/test/": "tests", "test/": "tests"}
    assert found[0] == Bloat("tests", "tests/", 100)  # largest first
    assert next(b for b in found if b.kind == "virtualenv").bytes == len("home = /usr") + 10


def test_bloat_respects_exclude(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "tests" / "test_app.py", b"t")
    write(p / "pkg" / "__pycache__" / "m.pyc", b"c")
    found = find_bloat(p, DEV_PACKAGES, exclude=lambda rel: "__pycache__" in rel or rel == "tests/")
    assert found == []


def test_dev_packages_installed_and_listed(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "pytest-8.0.0.dist-info" / "METADATA", b"m" * 10)
    write(p / "_pytest" / "__init__.py", b"p" * 300)
    write(p / "mypy_boto3_s3-1.34.0.dist-info" / "RECORD", b"r")
    write(p / "black" / "__init__.py", b"b" * 20)
    write(p / "requests" / "__init__.py")  # runtime dependency: fine
    write(p / "requests-2.31.0.dist-info" / "METADATA")
    write(p / "docs" / "black" / "__init__.py")  # not an install location
    write(p / "requirements.txt", "requests==2.31\nmoto[s3]>=5\nBoto3-Stubs[s3]\n")
    found = find_bloat(p, DEV_PACKAGES)
    installed = {(b.path, b.name) for b in found if b.kind == "dev-package" and b.line is None}
    assert installed == {("pytest-8.0.0.dist-info/", "pytest"), ("_pytest/", "pytest"),
                         ("mypy_boto3_s3-1.34.0.dist-info/", "mypy-boto3-s3"), ("black/", "black")}
    listed = [(b.name, b.line) for b in found if b.path == "requirements.txt"]
    assert listed == [("moto", 2), ("boto3-stubs", 3)]
    # the dev list is an option: narrowing it silences the others
    assert {b.name for b in find_bloat(p, ["moto"])} == {"moto"}


def test_dev_packages_in_layer_site_packages(tmp_path: Path) -> None:
    site = tmp_path / "layer" / "python" / "lib" / "python3.12" / "site-packages"
    write(site / "ruff-0.3.0.dist-info" / "METADATA")
    write(site / "ruff" / "__init__.py")
    write(site / "IPython" / "__init__.py")
    found = find_bloat(tmp_path / "layer", DEV_PACKAGES)
    prefix = "python/lib/python3.12/site-packages/"
    assert {(b.path, b.name) for b in found} == {
        (prefix + "ruff-0.3.0.dist-info/", "ruff"), (prefix + "ruff/", "ruff"),
        (prefix + "IPython/", "ipython")}


def test_vendored_sdk_unjustified(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "boto3" / "__init__.py", b"b" * 10)
    write(p / "botocore-1.34.0.dist-info" / "METADATA")
    write(p / "requirements.txt", "boto3\n")
    found = [b for b in find_bloat(p, DEV_PACKAGES) if b.kind == "vendored-sdk"]
    assert {(b.path, b.name) for b in found} == {
        ("boto3/", "boto3"), ("botocore-1.34.0.dist-info/", "botocore"), ("requirements.txt", "boto3")}
    assert not any(b.justified for b in found)


def test_vendored_sdk_justified_by_commented_pin(tmp_path: Path) -> None:
    p = tmp_path / "p"
    write(p / "boto3" / "__init__.py")
    write(p / "botocore" / "__init__.py")
    write(p / "requirements.txt",
          "boto3==1.34.0  # need bedrock-agent API newer than the runtime's boto3\nbotocore==1.34.0\n")
    found = {b.path: b for b in find_bloat(p, DEV_PACKAGES) if b.kind == "vendored-sdk"}
    assert found["boto3/"].justified
    assert not found["botocore/"].justified  # pinned but no comment saying why


def test_find_bloat_on_zip_or_missing_is_empty(tmp_path: Path) -> None:
    art = tmp_path / "a.zip"
    with zipfile.ZipFile(art, "w") as zf:
        zf.writestr("tests/test_x.py", "x")
    assert find_bloat(art, DEV_PACKAGES) == [] and find_bloat(tmp_path / "missing", DEV_PACKAGES) == []


def test_module_has_no_walk_state_between_calls(pkg: Path) -> None:
    assert measure(pkg, estimate_zip=False) == measure(pkg, estimate_zip=False)
    assert not any(isinstance(v, (list, dict, set)) for k, v in vars(ps).items() if not k.startswith("__"))


def test_what_pip_compile_and_uv_write_is_no_reason_for_a_pin() -> None:
    """Their header and `# via` annotations are the tool's words: a pinned boto3 they list is
    still bundled for no stated reason; a person's comment between them still counts."""
    pip_compile = (
        "#\n"
        "# This file is autogenerated by pip-compile with Python 3.12\n"
        "# by the following command:\n"
        "#\n"
        "#    pip-compile requirements.in\n"
        "#\n"
        "boto3==1.34.0\n"
        "    # via -r requirements.in\n"
        "botocore==1.34.0\n"
        "    # via\n"
        "    #   boto3\n"
        "    #   s3transfer\n"
        "# botocore bug 1234: the fix is in this exact version\n"
        "urllib3==2.0.7\n"
        "s3transfer==0.10.0        # via boto3\n"
    )
    by = {r.name: r for r in parse_requirements(pip_compile)}
    assert by["boto3"].comment == "" and by["botocore"].comment == "" and by["s3transfer"].comment == ""
    assert by["urllib3"].comment == "botocore bug 1234: the fix is in this exact version"
    uv = ("# This file was autogenerated by uv via the following command:\n"
          "#    uv pip compile requirements.in -o requirements.txt\n"
          "boto3==1.34.0\n"
          "    # via -r requirements.in\n"
          "# pinned: pip-compile would upgrade it past the version our layer ships\n"
          "botocore==1.34.0\n")
    by = {r.name: r for r in parse_requirements(uv)}
    assert by["boto3"].comment == ""
    assert by["botocore"].comment.startswith("pinned: pip-compile would upgrade")


def test_vendored_sdk_justified_by_a_comment_block_over_a_floor(tmp_path: Path) -> None:
    """amplify-genai-backend, judged: a block comment saying why the runtime's SDK is too old, over
    `boto3>=1.35.0` and `botocore>=1.35.0` on consecutive lines: both chosen on purpose."""
    write(tmp_path / "boto3" / "__init__.py")
    write(tmp_path / "botocore" / "__init__.py")
    write(tmp_path / "requirements.txt",
           "requests==2.32.3\n"
           "# The Bedrock AgentCore connector gateway target type is newer than the boto3/botocore\n"
           "# bundled in the Lambda python3.11 runtime. Bundle a current SDK so it is recognized.\n"
           "boto3>=1.35.0\nbotocore>=1.35.0\n")
    found = {b.path: b for b in find_bloat(tmp_path, []) if b.kind == "vendored-sdk"}
    assert found["boto3/"].justified and found["botocore/"].justified
    # an unrelated comment over the line before does not carry over to the SDK
    write(tmp_path / "requirements.txt", "# web framework\nflask==3.0.0\nboto3>=1.35.0\n")
    found = {b.path: b for b in find_bloat(tmp_path, []) if b.kind == "vendored-sdk"}
    assert not found["boto3/"].justified
