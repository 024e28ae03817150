"""Measure what a Lambda function ships: unzipped size, zipped size, biggest entries, bloat.

Pure measurement layer for LL401-LL404: no rules, no configuration, stdlib only. Nothing here
raises for a damaged package; damage is reported in ``PackageSize.problems`` instead.

Symlink policy (a package folder, not a zip): a link is never followed out of the package (noted
as a problem, counts 0 bytes); a dangling link or a link loop is a problem; a link to a file inside
the package counts that file once (normally at its real location, so the link adds nothing); a
link to a folder inside the package is not descended, because the real folder is walked anyway
and descending could loop. Hard links count once (keyed by device and inode), like ``du``.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import posixpath
import re
import stat as stat_mod
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

MB = 1024 * 1024
"""AWS's "MB" in Lambda quotas is binary: 250 MB is rejected as 262,144,000 bytes (= 250 * 2**20)."""

SDK_PACKAGES: tuple[str, ...] = ("boto3", "botocore")
# Per-entry zip overhead: local header (30) + central directory entry (46), each repeating the name.
_ZIP_ENTRY_OVERHEAD = 30 + 46
_ZIP_END_RECORD = 22
_CHUNK = 1 << 20
_FD_SCAN = os.scandir in os.supports_fd
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_CACHE_DIRS = frozenset({".pytest_cache", ".mypy_cache", ".ruff_cache"})
_TEST_FILE = re.compile(r"(test_.*|.*_test)\.py|conftest\.py")
# Test modules and test-runner settings at a package's root (the module that `pytest` runs next to
# the code). A name alone does not make a test module: `ab_test.py` may be the code's own, so a
# module counts only when it reads like a test.
_ROOT_TEST_MODULE = re.compile(r"test_.*\.py|.*_test\.py|.*\.test\.py")
_ROOT_TEST_SETTINGS = frozenset({"conftest.py", "pytest.ini", "tox.ini"})
_LOOKS_LIKE_TESTS = re.compile(
    rb"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+test|class[ \t]+Test|import[ \t]+(?:pytest|unittest)\b"
    rb"|from[ \t]+(?:pytest|unittest)\b)", re.MULTILINE)
_SNIFF_BYTES = 1 << 16
_INCLUDE = re.compile(r"\s*(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s=-]))(\S+)")
_MAX_INCLUDES = 20  # `-r` chains in real projects are a few files deep; a cycle must end somewhere
_REQ_NAME = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)")
# what may follow a requirement's name (PEP 508): a version (`==`, `>=`, `~=`, `(>=1)`), a URL, a marker
_SPEC_STARTS = frozenset("=!<>~(@;")

Exclude = Callable[[str], bool]


class Contributor(NamedTuple):
    name: str  # top-level entry: "app.py", or "numpy/" for a folder
    bytes: int


class PackageSize(NamedTuple):
    root: Path
    unzipped_bytes: int
    zipped_bytes: int | None  # artifact size (zip) or estimate; None when the estimate was skipped
    zipped_is_estimate: bool
    files: int
    contributors: tuple[Contributor, ...]  # largest first
    problems: tuple[str, ...]  # non-fatal: unreadable, vanished, symlink loop, link out of package


class Bloat(NamedTuple):
    kind: str  # tests, pycache, git, virtualenv, cache, dev-package, vendored-sdk
    path: str  # posix path relative to the package (the requirements file for a listed requirement)
    bytes: int  # 0 for a requirement that is only listed
    name: str = ""  # distribution name for dev-package / vendored-sdk
    line: int | None = None  # requirements.txt line when the finding comes from it
    justified: bool = False  # vendored SDK pinned (==) in requirements.txt with a comment saying why
    pinned: bool = False  # a listed requirement pinned (`==`) or given a floor, with or without a comment


class Requirement(NamedTuple):
    name: str  # normalized (PEP 503): lower case, runs of -_. become "-"
    line: int
    pinned: bool  # "==" or "===" specifier
    comment: str  # inline comment, or the comment line(s) directly above
    file: str = "requirements.txt"  # posix path from the package root (`-r` includes may leave it)
    floor: bool = False  # a lone ">=" specifier: a version chosen, not fixed


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def format_bytes(n: int) -> str:
    """Human size in AWS's units: KB/MB/GB are powers of 1024 (see ``MB``).

    Below 10 units one decimal is kept ("2.5 MB"), otherwise whole units ("38 MB"); rules that
    compare against a limit should compare bytes, not these strings.
    """
    value, unit = float(n), "B"
    for next_unit in ("KB", "MB", "GB", "TB"):
        if abs(value) < 1024:
            break
        value, unit = value / 1024, next_unit
    if unit == "B":
        return f"{n} B"
    text = f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"
    return f"{text.removesuffix('.0')} {unit}"


def top_contributors_text(size: PackageSize, n: int = 3) -> str:
    return ", ".join(f"{c.name} {format_bytes(c.bytes)}" for c in size.contributors[:n])


class _Walk:
    """One measurement pass; holds the running totals so the hot loop stays flat."""

    def __init__(self, root: str, exclude: Exclude | None, estimate: bool) -> None:
        self.root, self.exclude, self.estimate = root, exclude, estimate
        self.total = self.files = self.zipped = 0
        self.by_top: dict[str, int] = {}
        self.problems: list[str] = []
        self.seen: set[tuple[int, int]] = set()
        self.scanned: set[str] = set()
        self.file_links: list[tuple[str, str, str, os.stat_result]] = []
        self.buf = bytearray(_CHUNK) if estimate else bytearray()

    def run(self) -> None:
        stack: list[tuple[str, str, str | None]] = [(self.root, "", None)]
        while stack:
            self._scan(*stack.pop(), stack)
        for target, rel, owner, st in self.file_links:
            self._count_link_target(target, rel, owner, st)

    def _scan(self, path: str, prefix: str, top: str | None, stack: list) -> None:
        # Hot loop. One lstat per file is the floor (du pays it too), so everything else stays off
        # the common path: names are joined only when needed, a folder's bytes are summed locally,
        # and stat goes through an open folder fd so the kernel does not re-resolve the path.
        exclude, seen, slow = self.exclude, self.seen, self.estimate or top is None
        subtotal = files = 0
        fd: int | None = None
        try:
            if _FD_SCAN:
                fd = os.open(path, _DIR_FLAGS)
            with os.scandir(path if fd is None else fd) as entries:
                self.scanned.add(path)
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        if exclude is not None and exclude(prefix + entry.name):
                            continue
                        try:
                            st = entry.stat(follow_symlinks=False)
                        except OSError as exc:
                            self._lost(exc, "file", prefix + entry.name)
                            continue
                        if st.st_nlink > 1:
                            key = (st.st_dev, st.st_ino)
                            if key in seen:
                                continue
                            seen.add(key)
                        if slow or st.st_mode & 0o444 != 0o444:
                            name = entry.name
                            subtotal += self._add_file(f"{path}/{name}", prefix + name, top or name, st)
                        else:
                            subtotal += st.st_size
                            files += 1
                    elif entry.is_dir(follow_symlinks=False):
                        name = entry.name
                        if exclude is None or not exclude(f"{prefix}{name}/"):
                            stack.append((f"{path}/{name}", f"{prefix}{name}/", top or name + "/"))
                    elif entry.is_symlink():
                        self._symlink(f"{path}/{entry.name}", prefix + entry.name, top or entry.name)
                    else:
                        self.problems.append(f"not a regular file, skipped: {prefix}{entry.name}")
        except OSError as exc:
            self._lost(exc, "directory", prefix or ".")
        finally:
            if fd is not None:
                os.close(fd)
        self.total += subtotal
        self.files += files
        if top is not None and subtotal:
            self.by_top[top] = self.by_top.get(top, 0) + subtotal

    def _add_file(self, full: str, rel: str, owner: str, st: os.stat_result) -> int:
        """Count a file off the fast path; returns bytes for the caller's folder subtotal."""
        size = st.st_size
        # Mode bits come free with the stat; os.access only runs for the rare suspicious file.
        unreadable = st.st_mode & 0o444 != 0o444 and not os.access(full, os.R_OK)
        if unreadable:
            self.problems.append(f"unreadable file: {rel}")
        if self.estimate:
            deflated = size if unreadable else self._deflated(full, rel, size)
            if deflated is None:  # vanished between stat and open: it will not ship either
                return 0
            self.zipped += _entry_overhead(rel) + deflated
        self.files += 1
        if owner == rel:  # a root-level file is its own contributor
            self.by_top[rel] = self.by_top.get(rel, 0) + size
            self.total += size
            return 0
        return size

    def _lost(self, exc: OSError, what: str, rel: str) -> None:
        if isinstance(exc, FileNotFoundError):
            self.problems.append(f"vanished during walk: {rel}")
        else:
            self.problems.append(f"unreadable {what}: {rel} ({exc.strerror})")

    def _deflated(self, full: str, rel: str, size: int) -> int | None:
        """Deflated size of one file; None when it vanished (then it will not ship either)."""
        # Raw deflate (wbits=-15) at level 6 is what zip tools write; streamed so memory stays flat.
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        out = 0
        view = memoryview(self.buf)
        try:
            with open(full, "rb", buffering=0) as fh:
                while n := fh.readinto(self.buf):
                    out += len(comp.compress(view[:n]))
        except FileNotFoundError:
            self.problems.append(f"vanished during walk: {rel}")
            return None
        except OSError as exc:
            self.problems.append(f"unreadable file: {rel} ({exc.strerror})")
            return size  # assume incompressible: an estimate should not flatter the package
        return out + len(comp.flush())

    def _symlink(self, full: str, rel: str, owner: str) -> None:
        try:
            st = os.stat(full)
        except FileNotFoundError:
            self.problems.append(f"dangling symlink: {rel} -> {_readlink(full)}")
            return
        except OSError as exc:
            kind = "symlink loop" if exc.errno == errno.ELOOP else "unreadable symlink"
            self.problems.append(f"{kind}: {rel} -> {_readlink(full)}")
            return
        target = os.path.realpath(full)
        if not _is_within(target, self.root):
            self.problems.append(f"symlink out of package not followed: {rel} -> {_readlink(full)}")
        elif stat_mod.S_ISDIR(st.st_mode):
            if _is_within(os.path.dirname(full), target):
                self.problems.append(f"symlink loop: {rel} -> {_readlink(full)}")
        elif stat_mod.S_ISREG(st.st_mode):
            self.file_links.append((target, rel, owner, st))

    def _count_link_target(self, target: str, rel: str, owner: str, st: os.stat_result) -> None:
        # The walk already counted the target unless its folder was not listed or it is excluded.
        target_rel = os.path.relpath(target, self.root).replace(os.sep, "/")
        walked = os.path.dirname(target) in self.scanned and not (
            self.exclude is not None and self.exclude(target_rel))
        key = (st.st_dev, st.st_ino)
        if walked or key in self.seen:
            return
        self.seen.add(key)
        size = self._add_file(target, rel, owner, st)
        self.total += size
        if size:
            self.by_top[owner] = self.by_top.get(owner, 0) + size


def _entry_overhead(rel: str) -> int:
    return _ZIP_ENTRY_OVERHEAD + 2 * len(rel.encode("utf-8", "surrogateescape"))


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _contributors(by_top: dict[str, int]) -> tuple[Contributor, ...]:
    return tuple(Contributor(k, v) for k, v in sorted(by_top.items(), key=lambda kv: (-kv[1], kv[0])))


def measure(path: Path, *, exclude: Exclude | None = None, estimate_zip: bool = True) -> PackageSize:
    """Size a package folder or a .zip artifact.

    ``exclude(relpath)`` gets the posix path of each file relative to ``path``, and of each folder
    with a trailing "/"; True drops it (True for a folder prunes the whole folder, so only say so
    when nothing under it is re-included). Ignored for a zip: the artifact already is what ships.
    Unzipped size is the sum of apparent file sizes (st_size, as ``du --apparent-size``).
    """
    root = Path(path)
    if root.is_file():
        # imported here: zipfile brings shutil, bz2 and lzma (a few ms of every run), and only
        # built artifacts need it
        import zipfile

        if root.suffix.lower() in (".zip", ".jar") or zipfile.is_zipfile(root):
            return _measure_zip(root)
    if not root.is_dir():
        what = "not a folder or zip" if root.exists() else "does not exist"
        return PackageSize(root, 0, 0 if estimate_zip else None, estimate_zip, 0, (), (f"{what}: {root}",))
    walk = _Walk(os.path.realpath(root), exclude, estimate_zip)
    walk.run()
    zipped = walk.zipped + _ZIP_END_RECORD if estimate_zip else None
    return PackageSize(root, walk.total, zipped, estimate_zip, walk.files,
                       _contributors(walk.by_top), tuple(walk.problems))


def _measure_zip(path: Path) -> PackageSize:
    import zipfile

    disk = path.stat().st_size
    by_top: dict[str, int] = {}
    total = files = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                head, sep, _ = info.filename.lstrip("/").partition("/")
                by_top[head + sep] = by_top.get(head + sep, 0) + info.file_size
                total += info.file_size
                files += 1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        return PackageSize(path, 0, disk, False, 0, (), (f"broken zip: {path.name} ({exc})",))
    return PackageSize(path, total, disk, False, files, _contributors(by_top), ())


def parse_requirements(text: str) -> list[Requirement]:
    """Requirement lines of a requirements.txt; options (-r, -e, --index-url...) are skipped.
    A requirement's `comment` is what a person wrote about it: the lines pip-compile and uv write
    themselves (their header, `# via ...` and the names listed under it) say nothing of why."""
    reqs: list[Requirement] = []
    above: list[str] = []
    shared = ""  # the comment block above the SDK requirement on the line before
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        while line.endswith("\\") and i + 1 < len(lines):  # pip joins continued lines
            i += 1
            line = line[:-1] + lines[i]
        i += 1
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped[1:])
            continue
        hash_at = re.search(r"(?:^|\s)#", line)  # pip: "#" starts a comment only after whitespace
        code = (line[: hash_at.start()] if hash_at else line).strip()
        comment = line[hash_at.end():].strip() if hash_at else ""
        match = _REQ_NAME.fullmatch(code) if code and not code.startswith("-") else None
        if match and match.group(3) and match.group(3)[0] not in _SPEC_STARTS:
            match = None  # not a requirement pip reads (`boto3, requests`): it stops the install there
        if match:
            spec = match.group(3).split(";")[0].strip()
            pinned = spec.startswith("==") and "," not in spec and "*" not in spec
            floor = spec.startswith(">=") and "," not in spec
            why = "" if _VIA.match(comment) else comment
            name = normalize_name(match.group(1))
            block = _written(above)
            if not block and not why and shared and reqs[-1].line == lineno - 1 and name in SDK_PACKAGES:
                block = shared  # `boto3` and `botocore` on consecutive lines under one comment block
            reqs.append(Requirement(name, lineno, pinned, why or block, floor=floor))
            shared = block if name in SDK_PACKAGES and not why else ""
        else:
            shared = ""
        above = []
    return reqs


# pip-compile's and uv's own comments: `# via boto3` (inline, or on the lines below a requirement,
# with the names it was pulled in by indented under it) and the header naming the command
_VIA = re.compile(r"via\b")
_GENERATED_HEADER = re.compile(r"autogenerated by|^\s*(?:pip-compile|uv pip compile)\b", re.I)


def _written(comments: list[str]) -> str:
    """The comment lines above a requirement that a person wrote, joined."""
    if any(_GENERATED_HEADER.search(c) for c in comments):
        return ""
    kept: list[str] = []
    in_via = False
    for comment in comments:
        text = comment.strip()
        if _VIA.match(text):
            in_via = True
        elif in_via and comment.startswith("   "):  # `#   boto3`: one of the names under `# via`
            continue
        else:
            in_via = False
            if text:
                kept.append(text)
    return " ".join(kept)


def _matches(name: str, patterns: Iterable[str]) -> str | None:
    norm = normalize_name(name)
    return next((p for p in patterns if fnmatch.fnmatchcase(norm, normalize_name(p))), None)


def _dist_name(folder: str) -> str | None:
    for suffix in (".dist-info", ".egg-info"):
        if folder.endswith(suffix):
            return folder[: -len(suffix)].split("-")[0]
    return None


def find_bloat(path: Path, dev_packages: Iterable[str], *, exclude: Exclude | None = None,
               requirements: bool = True, not_installed: Iterable[str] = ()) -> list[Bloat]:
    """What the runtime never needs, largest first; a .zip artifact is not inspected (empty list).
    `dev_packages`: distribution names (fnmatch patterns) that never belong in a package;
    `requirements`: whether a build step installs the folder's requirements.txt, `not_installed`
    the distributions that step leaves out (serverless-python-requirements' `noDeploy`)."""
    root = Path(path)
    if not root.is_dir():
        return []
    patterns = tuple(dev_packages)
    skipped = {normalize_name(name) for name in not_installed}
    reqs = [r for r in read_requirements(root) if r.name not in skipped] if requirements else []
    # a version chosen on purpose and said why: pinned, or a floor a comment explains (`boto3>=1.35.0`
    # under "the runtime's SDK is too old for the AgentCore gateway target")
    justified = {r.name for r in reqs if r.name in SDK_PACKAGES and (r.pinned or r.floor) and r.comment}
    found: list[Bloat] = []
    installed: set[str] = set()  # "numpy/": top-level folders an installed distribution owns
    modules: list[str] = []  # the package's own `.py` files (posix, relative), for `_imported_at_run_time`
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        modules.extend(prefix + name for name in filenames if name.endswith(".py"))
        dists = [d for d in dirnames if _dist_name(d)]
        is_site = prefix == "" or bool(dists)
        for dist in dists:
            installed.update(prefix + top + "/" for top in installed_tops(os.path.join(dirpath, dist)))
        keep: list[str] = []
        for d in dirnames:
            rel, full = prefix + d, os.path.join(dirpath, d)
            if exclude is not None and exclude(rel + "/"):
                continue
            kind, name = _bloat_kind(d, full, os.path.basename(dirpath), is_site, patterns)
            if kind == "tests" and any(rel.startswith(top) for top in installed):
                # An installed dependency's own test suite (`numpy/_core/tests/`) is not what
                # the hint can fix (keep tests out of the code folder): it stays unreported.
                continue
            if kind is None:
                keep.append(d)
                continue
            size = measure(Path(full), estimate_zip=False, exclude=_shifted(exclude, rel + "/"))
            if size.files:
                found.append(Bloat(kind, rel + "/", size.unzipped_bytes, name,
                                   justified=kind == "vendored-sdk" and name in justified))
        dirnames[:] = keep  # bloat folders are counted whole, never searched again inside
        if not prefix:
            found.extend(_root_test_files(root, filenames, exclude))
    own = [m for m in modules if not any(m.startswith(top) for top in installed)
           and not (exclude is not None and exclude(m))]
    for req in reqs:
        if _matches(req.name, patterns):
            if not _imported_at_run_time(root, own, req.name):
                found.append(Bloat("dev-package", req.file, 0, req.name, req.line))
        elif req.name in SDK_PACKAGES:
            found.append(Bloat("vendored-sdk", req.file, 0, req.name, req.line, req.name in justified,
                               req.pinned or req.floor))
    return sorted(found, key=lambda b: (-b.bytes, b.path, b.line or 0))


def _bloat_kind(d: str, full: str, parent: str, is_site: bool,
                patterns: tuple[str, ...]) -> tuple[str | None, str]:
    if d == "__pycache__":
        return "pycache", ""
    if d == ".git":
        return "git", ""
    if d in _CACHE_DIRS or (d == ".cache" and parent == "node_modules"):
        return "cache", ""
    if os.path.isfile(os.path.join(full, "pyvenv.cfg")):
        return "virtualenv", ""
    if d in ("tests", "test") and _has_test_files(full):
        return "tests", ""
    dist = _dist_name(d)
    is_pkg = not dist and is_site and any(
        os.path.isfile(os.path.join(full, f)) for f in ("__init__.py", "__init__.pyi"))
    if dist or is_pkg:
        name = normalize_name(dist or d.lstrip("_"))
        if name in SDK_PACKAGES:
            return "vendored-sdk", name
        if _matches(name, patterns):
            return "dev-package", name
    return None, ""


# the modules a development-only distribution installs, where they are not its own name
_DIST_MODULES = (("boto3-stubs", r"mypy_boto3\w*"), ("types-boto3", r"types_boto3\w*"), ("ipython", r"IPython"))


def _imported_at_run_time(root: Path, modules: list[str], dist: str) -> str | None:
    """The first of the package's `modules` that imports `dist` when it runs: at module level, or
    indented in a file that never says `TYPE_CHECKING` (an import under `if TYPE_CHECKING:` never
    runs). `boto3-stubs` imported as `mypy_boto3_dynamodb` by a layer's module is no dev package:
    the functions fail to import without it."""
    base = dist.partition("[")[0]
    name = dict(_DIST_MODULES).get(base) or (re.escape(base.replace("-", "_")) + (r"\w*" if base.startswith(
        ("mypy-boto3", "types-boto3")) else r"\b"))
    pattern = re.compile(rf"^([ \t]*)(?:from|import)[ \t]+{name}", re.M)
    for module in modules:
        if _TESTS_PATH.search(module):
            continue
        try:
            with open(root / module, encoding="utf-8", errors="replace") as handle:
                text = handle.read(_IMPORT_SNIFF_CHARS)
        except OSError:
            continue
        for match in pattern.finditer(text):
            if not match.group(1) or "TYPE_CHECKING" not in text:
                return module
    return None


_TESTS_PATH = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")
_IMPORT_SNIFF_CHARS = 1 << 20


def _root_test_files(root: Path, filenames: list[str], exclude: Exclude | None) -> list[Bloat]:
    """Test modules, `conftest.py`, `pytest.ini` and `tox.ini` at the package root. Only the root:
    deeper down, a built package holds installed distributions whose own test files are theirs."""
    found: list[Bloat] = []
    for name in filenames:
        if name not in _ROOT_TEST_SETTINGS and not _ROOT_TEST_MODULE.fullmatch(name):
            continue
        if exclude is not None and exclude(name):
            continue
        path = root / name
        try:
            if not path.is_file() or path.is_symlink():
                continue
            size = path.stat().st_size
            if name not in _ROOT_TEST_SETTINGS:
                with open(path, "rb") as handle:
                    if not _LOOKS_LIKE_TESTS.search(handle.read(_SNIFF_BYTES)):
                        continue
        except OSError:
            continue
        found.append(Bloat("tests", name, size))
    return found


def installed_tops(dist_info: str) -> set[str]:
    """The top-level folders an installed distribution wrote: the first part of every RECORD
    path (wheels), else its top_level.txt."""
    try:
        with open(os.path.join(dist_info, "RECORD"), encoding="utf-8", errors="replace") as handle:
            return {line.partition("/")[0] for line in handle if "/" in line.partition(",")[0]}
    except OSError:
        pass
    try:
        with open(os.path.join(dist_info, "top_level.txt"), encoding="utf-8", errors="replace") as handle:
            return {line.strip() for line in handle if line.strip()}
    except OSError:
        return set()


def _has_test_files(folder: str) -> bool:
    """Test modules, or test data alone: a `test/` folder holding files but no Python module at all
    (the CSV fixtures a test suite reads) is no code the handler imports either."""
    names = [f for _, _, files in os.walk(folder) for f in files]
    return any(_TEST_FILE.fullmatch(f) for f in names) or (bool(names) and not any(f.endswith(".py") for f in names))


def _shifted(exclude: Exclude | None, prefix: str) -> Exclude | None:
    # measure() on a subfolder sees paths relative to it; the caller's patterns expect package paths.
    return None if exclude is None else (lambda rel: exclude(prefix + rel))


def read_requirements(root: Path) -> list[Requirement]:
    """The package's requirements.txt and every file it includes with `-r` (pip installs those
    too), each requirement tagged with the file it is written in."""
    reqs: list[Requirement] = []
    pending: list[str] = ["requirements.txt"]
    seen: set[str] = set()
    while pending and len(seen) < _MAX_INCLUDES:
        rel = pending.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        reqs += [r._replace(file=rel) for r in parse_requirements(text)]
        folder = posixpath.dirname(rel)
        for line in text.splitlines():
            match = _INCLUDE.match(line)
            if match and "://" not in match.group(1):
                pending.append(posixpath.normpath(posixpath.join(folder, match.group(1))))
    return reqs
