"""What each function ships (lambdalint.packages) and the LL401-LL404 rules over real-looking projects.

The fixtures under tests/fixtures/projects/ are small skeletons; `inflate` copies one into
tmp_path and adds its big files there (sparse files for size, random bytes where compression
matters), so nothing large is ever committed.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from lambdalint import packages
from lambdalint.config import Config, load_file
from lambdalint.package_size import MB
from lambdalint.packages import ServerlessPatterns, package_analysis, serverless_layer_logical_id

from conftest import FIXTURES, run_lint, write_tree

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
Inflate = Callable[..., Path]


@pytest.fixture
def inflate(tmp_path: Path) -> Inflate:
    """Copy a fixture project to tmp_path and add big files: {relpath: bytes} sparse or random."""
    def make(name: str, sparse: dict[str, int] | None = None, random: dict[str, int] | None = None) -> Path:
        root = tmp_path / name
        shutil.copytree(FIXTURES / "projects" / name, root, symlinks=True)
        for rel, size in (sparse or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.truncate(size)  # apparent size only: no disk, no time
        for rel, size in (random or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(size))  # incompressible, so a zip estimate stays big
        return root
    return make


@pytest.fixture
def count_measure(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, bool]]:
    calls: list[tuple[Path, bool]] = []
    real = packages.measure

    def counting(path: Path, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((Path(path), kwargs.get("estimate_zip", True)))
        return real(path, **kwargs)

    monkeypatch.setattr(packages, "measure", counting)
    return calls


def lint4(root: Path, codes: tuple[str, ...] = ("LL401", "LL402", "LL403", "LL404"),
          options: dict[str, dict[str, object]] | None = None):  # type: ignore[no-untyped-def]
    result = run_lint(root, config=Config(select=codes, root=root, rule_options=options or {}))
    assert not result.internal_errors
    return result


def found(result, code: str | None = None) -> list[tuple[str, str, int, str | None]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.span.path, f.span.line, f.function) for f in result.visible
            if code is None or f.code == code]


# -- build output, shared code, layers, patterns, CDK ---------------------------------------------

def test_sam_build_output_wins_over_source(inflate: Inflate) -> None:
    root = inflate("sam-build-output",
                   sparse={".aws-sam/build/ApiFunction/pandas/_libs.so": 60 * MB,
                           "api/local-only-data.bin": 300 * MB})
    result = lint4(root, ("LL401",))
    assert found(result) == [("LL401", "template.yaml", 16, "ApiFunction")]
    finding = result.visible[0]
    assert finding.severity == "warning"  # 60 MB built, not the 300 MB source folder
    assert "pandas/ 60 MB" in finding.message


def test_without_build_output_the_source_is_measured(inflate: Inflate) -> None:
    root = inflate("sam-build-output", sparse={"api/local-only-data.bin": 300 * MB})
    shutil.rmtree(root / ".aws-sam")
    result = lint4(root, ("LL401",))
    assert found(result) == [("LL401", "template.yaml", 16, "ApiFunction")]
    assert result.visible[0].severity == "error"
    assert "local-only-data.bin 300 MB" in result.visible[0].message


def test_shared_code_uri_measured_once_reported_per_function(
        inflate: Inflate, count_measure: list[tuple[Path, bool]]) -> None:
    root = inflate("sam-build-output", sparse={"orders/vendor/geo.dat": 70 * MB})
    result = lint4(root, ("LL401",))
    # Both functions inherit `CodeUri: orders/` from Globals (line 10); each gets its finding.
    assert sorted(found(result)) == [("LL401", "template.yaml", 10, "GetOrderFunction"),
                                     ("LL401", "template.yaml", 10, "ListOrdersFunction")]
    orders = (root / "orders").resolve()
    assert [c for c in count_measure if c[0] == orders] == [(orders, False)]
    assert package_analysis(result.project).measured == 2  # orders/ and the ApiFunction build


def test_all_size_rules_share_measurements(inflate: Inflate, count_measure: list[tuple[Path, bool]]) -> None:
    root = inflate("sam-build-output", sparse={"orders/vendor/geo.dat": 70 * MB})
    lint4(root)
    # LL401 sizes without the estimate, LL402 needs it once (70 MB of zeros could zip small),
    # LL404 reuses nothing but its own bloat walk; no (path, estimate) pair is measured twice.
    assert len(count_measure) == len(set(count_measure))
    orders = (root / "orders").resolve()
    assert sorted(e for p, e in count_measure if p == orders) == [False, True]


def test_local_layers_push_function_over_250_mb(inflate: Inflate) -> None:
    root = inflate("sam-local-layers",
                   sparse={"layers/numpy/python/numpy/core/_multiarray.so": 130 * MB,
                           "layers/pandas/python/pandas/_libs/lib.so": 130 * MB})
    result = lint4(root)
    assert found(result) == [
        ("LL401", "template.yaml", 21, "ReportFunction"),
        ("LL401", "template.yaml", 33, "KitchenSinkFunction"),
        ("LL403", "template.yaml", 38, "KitchenSinkFunction"),
    ]
    report = result.visible[0]
    assert report.severity == "error"
    assert "with its layers" in report.message
    assert "layer `NumpyLayer` 130 MB" in report.message and "layer `PandasLayer` 130 MB" in report.message
    assert [(r.span.line, r.message) for r in report.related] == [(26, "layers add 260 MB")]
    # The four ARNs count toward LL403 but cannot be sized; the run says so.
    assert any("`KitchenSinkFunction`: 4 layer(s)" in note for note in result.notes)


def test_layers_alone_under_the_limit(inflate: Inflate) -> None:
    root = inflate("sam-local-layers", sparse={"layers/numpy/python/numpy/core/_multiarray.so": 100 * MB})
    result = lint4(root, ("LL401",))
    assert {f.severity for f in result.visible} == {"warning"}


def test_sam_layer_build_output_wins(inflate: Inflate) -> None:
    root = inflate("sam-local-layers",
                   sparse={"layers/numpy/python/numpy/core/_multiarray.so": 300 * MB,
                           ".aws-sam/build/NumpyLayer/python/numpy/core.so": 1 * MB})
    assert found(lint4(root, ("LL401",))) == []


def test_serverless_patterns_exclude_big_folder(inflate: Inflate) -> None:
    root = inflate("serverless-patterns",
                   sparse={"data/raw/2024.parquet": 300 * MB, "tests/fixtures/dump.sql": 80 * MB})
    result = lint4(root)
    assert found(result) == []  # excluded files do not count, and tests/ is not bloat when excluded
    analysis = package_analysis(result.project)
    package = analysis.package(result.project.functions[0])
    size = analysis.size(package.code)  # type: ignore[arg-type]
    assert size.unzipped_bytes < 4096
    assert {c.name for c in size.contributors} == {"handler.py", "data/"}  # data/schema.json re-included


def test_serverless_without_patterns_counts_everything(inflate: Inflate) -> None:
    root = inflate("serverless-patterns", sparse={"data/raw/2024.parquet": 300 * MB})
    text = (root / "serverless.yml").read_text()
    (root / "serverless.yml").write_text(text.replace('    - "!data/**"\n', ""))
    result = lint4(root, ("LL401",))
    assert found(result) == [("LL401", "serverless.yml", 8, "ingest")]  # the `package:` line
    assert result.visible[0].severity == "error" and "data/ 300 MB" in result.visible[0].message


def test_cdk_asset_folder(inflate: Inflate) -> None:
    root = inflate("cdk-synth", sparse={"cdk.out/asset.5f2c1d0e9a/PIL/_imaging.so": 60 * MB})
    result = lint4(root, ("LL401",))
    assert found(result) == [("LL401", "cdk.out/ThumbnailStack.template.json", 16,
                              "ThumbnailFunction4E5F6A7B")]
    assert "PIL/ 60 MB" in result.visible[0].message


def test_serverless_build_zip_wins(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": "service: ingest-svc\nprovider: {name: aws, runtime: python3.12}\n"
                                            "functions:\n  ingest:\n    handler: handler.ingest\n",
                          "handler.py": "def ingest(e, c):\n    return 1\n"})
    artifact = tmp_path / ".serverless" / "ingest-svc.zip"  # not packaged individually: the service zip
    artifact.parent.mkdir()
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("handler.py", "def ingest(e, c):\n    return 1\n")
        zf.writestr("vendor/blob.bin", os.urandom(51 * MB))
    result = lint4(tmp_path, ("LL401", "LL402"))
    assert found(result) == [("LL401", "serverless.yml", 4, "ingest"), ("LL402", "serverless.yml", 4, "ingest")]
    ll402 = next(f for f in result.visible if f.code == "LL402")
    assert "estimated" not in ll402.message  # the artifact's real size


def test_serverless_individually_and_artifact(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "serverless.yml": """\
service: ingest
provider: {name: aws, runtime: python3.12}
package:
  individually: true
functions:
  small:
    handler: small.handler
  prebuilt:
    handler: big.handler
    package:
      artifact: dist/prebuilt.zip
""", "small.py": "x = 1\n"})
    (tmp_path / ".serverless").mkdir()
    with zipfile.ZipFile(tmp_path / ".serverless" / "small.zip", "w") as zf:
        zf.writestr("small.py", "x = 1\n")
    (tmp_path / "dist").mkdir()
    with zipfile.ZipFile(tmp_path / "dist" / "prebuilt.zip", "w") as zf:
        zf.writestr("big.py", "y = 2\n")
    result = lint4(tmp_path, ("LL401",))
    analysis = package_analysis(result.project)
    small, prebuilt = (analysis.package(f) for f in result.project.functions)
    assert small.code is not None and small.code.path.name == "small.zip" and small.code.kind == "build"
    assert prebuilt.code is not None and prebuilt.code.path.name == "prebuilt.zip"
    assert prebuilt.code_span.line == 11  # `artifact:` line


def test_serverless_local_layer(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "serverless.yml": """\
service: ingest
provider: {name: aws, runtime: python3.12}
layers:
  sci-deps:
    path: layer
functions:
  ingest:
    handler: handler.ingest
    layers:
      - {Ref: SciDashdepsLambdaLayer}
""", "handler.py": "x = 1\n"})
    big = tmp_path / "layer" / "python" / "numpy.so"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as handle:
        handle.truncate(260 * MB)
    result = lint4(tmp_path, ("LL401",))
    assert [(f.code, f.severity, f.span.line) for f in result.visible] == [("LL401", "error", 7)]  # `ingest:`
    assert "layer `SciDashdepsLambdaLayer` 260 MB" in result.visible[0].message
    assert serverless_layer_logical_id("sci-deps") == "SciDashdepsLambdaLayer"


# -- LL402 estimate ------------------------------------------------------------------------------

_CFN_FOLDER = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReportFunction:
    Type: AWS::Lambda::Function
    Properties:
      Code: report/
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/report
"""


@pytest.fixture
def random_package(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER, "report/app.py": "x = 1\n"})
    (tmp_path / "report" / "model.bin").write_bytes(os.urandom(51 * MB))
    return tmp_path


def test_zip_estimate_on_random_bytes(random_package: Path) -> None:
    result = lint4(random_package, ("LL402",))
    assert found(result) == [("LL402", "template.yaml", 6, "ReportFunction")]
    assert "estimated 51 MB zip" in result.visible[0].message


def test_zip_estimate_can_be_switched_off_or_capped(random_package: Path,
                                                     count_measure: list[tuple[Path, bool]]) -> None:
    assert found(lint4(random_package, ("LL402",), {"LL402": {"estimate-zip": False}})) == []
    assert count_measure == []  # not even the unzipped size is needed
    capped = lint4(random_package, ("LL402",), {"LL402": {"estimate-max-mb": 40}})
    assert found(capped) == []
    assert all(not estimate for _, estimate in count_measure)
    assert any("zip size not estimated" in note for note in capped.project.notes)


def test_zeros_compress_below_the_limit(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER, "report/app.py": "x = 1\n"})
    with open(tmp_path / "report" / "zeros.bin", "wb") as handle:
        handle.truncate(60 * MB)
    assert found(lint4(tmp_path, ("LL402",))) == []


# -- skipping and robustness ---------------------------------------------------------------------

def test_missing_code_folder_is_skipped_silently(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER.replace("report/", "not-built-yet/")})
    result = lint4(tmp_path, options={"LL401": {"cold-start-threshold": 0.0}})
    assert found(result) == [] and result.project.notes == []


def test_template_only_run_never_walks_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER.replace("report/", "{S3Bucket: b, S3Key: k.zip}")})

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("measured a package in a template-only run")

    monkeypatch.setattr(packages, "measure", boom)
    monkeypatch.setattr(packages, "find_bloat", boom)
    assert found(lint4(tmp_path)) == []


def test_damaged_package_still_yields_a_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER, "report/app.py": "x = 1\n" * 400,
                          "report/lib/secret.bin": "s" * 100, "report/lib/gone.py": "y = 2\n"})
    os.symlink("..", tmp_path / "report" / "lib" / "loop")
    os.symlink("loop2", tmp_path / "report" / "loop1")
    os.symlink("loop1", tmp_path / "report" / "loop2")
    secret = tmp_path / "report" / "lib" / "secret.bin"
    if IS_ROOT:  # root reads anything: simulate the unreadable file instead
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, m: not str(p).endswith("secret.bin") and real_access(p, m))
    secret.chmod(0)
    gone = tmp_path / "report" / "lib" / "gone.py"
    real_scandir = os.scandir

    class Vanishing:
        """Lists a folder, then deletes gone.py before anyone can stat it."""

        def __init__(self, arg):  # type: ignore[no-untyped-def]
            self.it = real_scandir(arg)
            self.entries = list(self.it)
            self.rest = iter(self.entries)
            if armed and gone.exists() and any(e.name == "gone.py" for e in self.entries):
                gone.unlink()

        def __enter__(self):  # type: ignore[no-untyped-def]
            return iter(self.entries)

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.it.close()

        def __iter__(self):  # type: ignore[no-untyped-def]
            return self

        def __next__(self):  # type: ignore[no-untyped-def]
            return next(self.rest)

        def close(self) -> None:
            self.it.close()

    armed: list[bool] = []  # discovery lists folders too; only the package walk may lose the file
    real_measure = packages.measure

    def arming_measure(*args, **kwargs):  # type: ignore[no-untyped-def]
        armed.append(True)
        return real_measure(*args, **kwargs)

    monkeypatch.setattr(os, "scandir", Vanishing)
    monkeypatch.setattr(packages, "measure", arming_measure)
    try:
        result = lint4(tmp_path, options={"LL401": {"cold-start-threshold": 0.001},
                                          "LL402": {"max-zip-mb": 0.0001}})
    finally:
        secret.chmod(0o644)
    assert ("LL401", "template.yaml", 6, "ReportFunction") in found(result)
    assert ("LL402", "template.yaml", 6, "ReportFunction") in found(result)
    analysis = package_analysis(result.project)
    problems = " | ".join(analysis.size(analysis.package(result.project.functions[0]).code)  # type: ignore[arg-type]
                          .problems)
    for expected in ("symlink loop: loop1", "symlink loop: lib/loop", "unreadable file: lib/secret.bin",
                     "vanished during walk: lib/gone.py"):
        assert expected in problems, problems


# -- Serverless glob semantics -------------------------------------------------------------------

@pytest.mark.parametrize(("patterns", "path", "excluded"), [
    (["!data/**"], "data/a/b.csv", True),
    (["!data/**"], "database.py", False),
    (["!data/**", "data/keep.json"], "data/keep.json", False),  # later patterns win
    (["data/keep.json", "!data/**"], "data/keep.json", True),
    (["!node_modules"], "node_modules/x/index.js", False),  # a bare folder name excludes no file
    (["!*.txt"], "notes.txt", True),
    (["!*.txt"], "docs/notes.txt", False),  # anchored at the service folder
    (["!**/*.txt"], "docs/notes.txt", True),
    (["!**/*.txt"], "notes.txt", True),
    (["!**/{tests,test}/**"], "pkg/tests/test_a.py", True),
    (["!src/?.py"], "src/a.py", True),
    (["!src/?.py"], "src/ab.py", False),
    (["!**", "handler.py"], "handler.py", False),
    (["!**", "handler.py"], "lib/x.py", True),
    (["!.env*"], ".env.local", True),  # dot files match like any other
])
def test_serverless_pattern_semantics(patterns: list[str], path: str, excluded: bool) -> None:
    assert ServerlessPatterns(patterns).excluded(path) is excluded


def test_folder_pruned_only_when_nothing_can_come_back() -> None:
    assert ServerlessPatterns(["!data/**"]).excluded("data/") is True
    assert ServerlessPatterns(["!data/**", "data/keep.json"]).excluded("data/") is False
    assert ServerlessPatterns(["!data/*"]).excluded("data/") is False  # data/sub/x still ships
    assert ServerlessPatterns(["!**"]).excluded("lib/") is True


def test_legacy_include_exclude_and_function_patterns(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "serverless.yml": """\
service: legacy
provider: {name: aws, runtime: python3.12}
package:
  individually: true
  exclude:
    - "fixtures/**"
  include:
    - "fixtures/seed.json"
functions:
  one:
    handler: one.handler
    package:
      patterns:
        - "!two.py"
  two:
    handler: two.handler
""", "one.py": "1\n", "two.py": "22\n", "fixtures/seed.json": "{}\n", "fixtures/big.sql": "x" * 1000})
    result = lint4(tmp_path, ("LL401",))
    analysis = package_analysis(result.project)
    one, two = (analysis.size(analysis.package(f).code) for f in result.project.functions)  # type: ignore[arg-type]
    assert one.unzipped_bytes == 2 + 3  # one.py + fixtures/seed.json; two.py and big.sql excluded
    assert two.unzipped_bytes == 2 + 3 + 3


def test_config_file_options(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER, "report/app.py": "x = 1\n" * 400,
                          "pyproject.toml": '[tool.lambdalint.rules.LL401]\ncold-start-threshold = 0.001\n'})
    config = load_file(tmp_path / "pyproject.toml").with_overrides(select=("LL401",))  # type: ignore[union-attr]
    result = run_lint(tmp_path, config=config)
    assert found(result) == [("LL401", "template.yaml", 6, "ReportFunction")]


def test_local_zip_code_uri_uses_the_artifact_size(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": _CFN_FOLDER.replace("Code: report/", "Code: dist/report.zip")})
    (tmp_path / "dist").mkdir()
    with zipfile.ZipFile(tmp_path / "dist" / "report.zip", "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("app.py", "x = 1\n")
        zf.writestr("model.bin", os.urandom(51 * MB))
    result = lint4(tmp_path, ("LL401", "LL402", "LL404"), {"LL401": {"cold-start-threshold": 40.0}})
    assert found(result) == [("LL401", "template.yaml", 6, "ReportFunction"),
                             ("LL402", "template.yaml", 6, "ReportFunction")]  # LL404 never opens a zip
    assert "model.bin 51 MB" in result.visible[0].message


def test_bloat_in_build_output(inflate: Inflate) -> None:
    root = inflate("sam-build-output")
    build = root / ".aws-sam" / "build" / "ApiFunction"
    write_tree(build, {"boto3/__init__.py": "x" * 2048, "boto3-1.35.0.dist-info/METADATA": "m",
                       "pytest/__init__.py": "y" * 1024, "pytest-8.2.0.dist-info/METADATA": "m"})
    result = lint4(root, ("LL404",))
    assert [(f.severity, f.span.line) for f in result.visible] == [("warning", 16), ("info", 16)]
    warning, info = result.visible
    assert "pytest/" in warning.message and "pytest-8.2.0.dist-info/" in warning.message
    assert "`boto3`" in info.message
    justified = lint4(root, ("LL404",), {"LL404": {"report-vendored-sdk": False}})
    assert [f.severity for f in justified.visible] == ["warning"]


def test_bad_dev_packages_option_is_a_config_error(tmp_path: Path) -> None:
    from lambdalint.config import ConfigError
    with pytest.raises(ConfigError, match="dev-packages"):
        lint4(tmp_path, ("LL404",), {"LL404": {"dev-packages": ["pytest", 3]}})


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


@pytest.mark.parametrize(("manifest", "expected"), [
    (None, 0),  # a Python service: node_modules holds the framework and plugins only
    ('{"devDependencies": {"serverless": "^3"}}', 0),
    ('{"dependencies": {"uuid": "^9"}, "devDependencies": {"serverless": "^3"}}', 60 * MB),
])
def test_serverless_node_modules_dev_dependencies(tmp_path: Path, manifest: str | None, expected: int) -> None:
    write_tree(tmp_path, {"serverless.yml": "service: api\nprovider: {name: aws, runtime: python3.12}\n"
                                            "functions:\n  api:\n    handler: handler.api\n",
                          "handler.py": ""})
    if manifest is not None:
        (tmp_path / "package.json").write_text(manifest)
    _sparse(tmp_path / "node_modules" / "serverless" / "bin.js", 120 * MB)
    _sparse(tmp_path / "node_modules" / "uuid" / "index.js", 60 * MB)
    result = lint4(tmp_path, ("LL401",))
    analysis = package_analysis(result.project)
    size = analysis.size(analysis.package(result.project.functions[0]).code)  # type: ignore[arg-type]
    manifest_bytes = len(manifest) if manifest is not None else 0
    assert size.unzipped_bytes - manifest_bytes == expected


def test_serverless_exclude_dev_dependencies_off(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": "service: api\nprovider: {name: aws, runtime: nodejs20.x}\n"
                                            "package: {excludeDevDependencies: false}\n"
                                            "functions:\n  api:\n    handler: handler.api\n",
                          "handler.js": ""})
    _sparse(tmp_path / "node_modules" / "serverless" / "bin.js", 260 * MB)
    assert [f.severity for f in lint4(tmp_path, ("LL401",)).visible] == ["error"]


@pytest.mark.parametrize("names", [packages.SAM_BUILD_EXCLUDES, ("*.md", "docs", "te?t", "[ab]c", "*x*", "a*", "*.p[yx]")])
def test_skip_names_match_as_fnmatch_does(names: tuple[str, ...]) -> None:
    """A build's skip list compares plain names and `*.ext` globs as strings and compiles only the
    other globs: the same answers as fnmatch's patterns for every name."""
    import fnmatch
    import re

    whole = re.compile("|".join(fnmatch.translate(n) for n in names))
    matches = packages._name_matcher(names)
    candidates = [*names, "x.pyc", ".pyc", "pyc", "a.so", "lib.egg-info", "egg", "ENV", "Env", "venv.bak",
                  "README.md", "md", "test", "text", "tet", "ac", "bc", "abc", "axb", "a", "ab.px", "ab.pz",
                  "", "__pycache__", "x.so\n", ".gitignore.bak"]
    assert [matches(c) for c in candidates] == [whole.match(c) is not None for c in candidates]


def test_one_serverless_package_is_one_bloat_finding(tmp_path: Path) -> None:
    """Two functions of a Serverless service ship the service's one package (TeodorRussu/url-shortener-
    aws-serverless-python and matt-sm/serverless-python-dynamo, judged: its `tests/` was reported
    once per function, five times for one folder); functions packaged with patterns of their own
    ship what their patterns say, and are judged apart."""
    service = """\
service: shortener
provider:
  name: aws
  runtime: python3.12
functions:
  create:
    handler: functions/create.handler
  get:
    handler: functions/get.handler
"""
    code = {"functions/create.py": "def handler(event, context):\n    return event\n",
            "functions/get.py": "def handler(event, context):\n    return event\n",
            "tests/test_create.py": "def test_create():\n    assert True\n" * 40}
    write_tree(tmp_path / "shared", {"serverless.yml": service, **code})
    found = [f for f in run_lint(tmp_path / "shared", select=("LL404",)).findings if "ships" in f.message]
    assert [(f.span.line, f.message.split(" ships")[0]) for f in found] == [(6, "the package of `create` and `get`")]
    individually = service.replace("    handler: functions/get.handler\n",
                                   "    handler: functions/get.handler\n    package:\n      patterns: ['!docs/**']\n") \
        + "package:\n  individually: true\n"
    write_tree(tmp_path / "apart", {"serverless.yml": individually, **code})
    found = [f for f in run_lint(tmp_path / "apart", select=("LL404",)).findings if "ships" in f.message]
    assert sorted(f.message.split(" ships")[0] for f in found) == ["the package of `create`", "the package of `get`"]


def test_a_pinned_sdk_without_a_reason_is_asked_for_the_reason_not_a_pin(tmp_path: Path) -> None:
    # bahrmichael/aws-scheduler pins `boto3==1.9.248` with no comment: "pin it" would be no help
    sam = _CFN_FOLDER.replace("AWS::Lambda::Function", "AWS::Serverless::Function").replace("Code: report/",
                                                                                          "CodeUri: report/")
    sam = sam.replace('AWSTemplateFormatVersion: "2010-09-09"\n',
                      'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n')
    write_tree(tmp_path, {"template.yaml": sam, "report/app.py": "x = 1\n",
                          "report/requirements.txt": "boto3==1.9.248\nbotocore\n"})
    result = lint4(tmp_path, ("LL404",))
    hints = {f.message.split("`")[1]: f.hint for f in result.visible}
    assert hints["boto3"] is not None and "why it is pinned" in hints["boto3"] and "pin it" not in hints["boto3"]
    assert hints["botocore"] is not None and "pin it with `==`" in hints["botocore"]
