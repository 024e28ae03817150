"""Find what to check under the paths a user gave: templates by content, Python files by name.

Templates are recognised by what they say, not what they are called (`stack.json`,
`cdk.out/App.template.json`, `serverless.yml`), so every YAML/JSON file is read, but only a cheap
text scan decides whether it is parsed. Other YAML and JSON (workflows, compose files,
package.json) is skipped silently.

Only regular files are read: FIFOs, sockets and devices (and symlinks to them) are skipped with a
note before they are opened, since reading one can block forever or never end. A file above the
size limit is reported, not read.
"""

from __future__ import annotations

import codecs
import os
import re
from operator import attrgetter
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from lambdalint.unread import TEMPLATE_NAMES, is_unread_infrastructure

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Folders that never hold the user's own templates or handlers; virtualenvs are found by content.
DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".aws-sam", ".serverless", ".venv",
    "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages",
})
_CFN_MARKER = re.compile(
    r"""^[ \t{]*["']?(?:AWSTemplateFormatVersion|Resources|Transform)["']?[ \t]*:""", re.M)
_SLS_SERVICE = re.compile(r"^service[ \t]*:", re.M)
_SLS_PROVIDER = re.compile(r"^provider[ \t]*:", re.M)
MB = 1024 * 1024
DEFAULT_MAX_TEMPLATE_BYTES = 10 * MB
DEFAULT_MAX_PYTHON_BYTES = 5 * MB
_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                  (stat.S_ISBLK, "a device"))


class NotReadable(Exception):
    """Why a file was not read. `skipped`: not a regular file, a note rather than a finding."""

    def __init__(self, reason: str, skipped: bool = False, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = skipped
        self.missing = missing  # no such file (or a dangling symlink)


def _kind(mode: int) -> str | None:
    """What a non-regular file is (`a FIFO`), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "not a regular file")


def read_limited(path: Path, limit: int, setting: str) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; else `NotReadable`.

    Checked with `stat` before opening (opening some devices has effects), and again on the open
    descriptor (opened non-blocking, so a FIFO swapped in meanwhile cannot hang the run).
    """
    try:
        kind = _kind(os.stat(path).st_mode)
        if kind is not None:
            raise NotReadable(f"{kind}, not a file", skipped=True)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if exc.errno == 40:  # ELOOP
            reason = "symlink loop"
        missing = isinstance(exc, (FileNotFoundError, NotADirectoryError))
        raise NotReadable(f"cannot read file: {reason}", missing=missing) from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise NotReadable(f"{kind}, not a file", skipped=True)
        if info.st_size > limit:
            raise NotReadable(too_large(info.st_size, limit, setting))
        chunks = []
        size = 0
        while size <= limit:  # a file may grow while it is read: stop one byte past the limit
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20) or 1)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotReadable(too_large(size, limit, setting))
        return b"".join(chunks)
    except OSError as exc:
        raise NotReadable(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)


def too_large(size: int, limit: int, setting: str) -> str:
    return (f"too large to check ({size / MB:.1f} MB; the limit is {limit / MB:g} MB, "
            f"setting `{setting}`)")


class Unreadable(NamedTuple):
    """A file that looked like a candidate but could not be read as text."""

    path: Path
    reason: str


@dataclass
class Discovered:
    """What discovery found: candidate templates with their text, Python files, unreadable files."""

    templates: list[tuple[Path, str]] = field(default_factory=list)  # (path, text)
    python_files: list[Path] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    # Terraform, CDK apps and non-templates named template.yaml: see `lambdalint.unread`
    infrastructure: list[Path] = field(default_factory=list)
    skipped: list[Unreadable] = field(default_factory=list)  # notes, not findings: `path: what happened`


@dataclass
class Walker:
    """One discovery pass. `exclude` matches paths relative to `exclude_root` (gitignore syntax)."""

    exclude: Sequence[str] = ()
    exclude_root: Path | None = None
    respect_gitignore: bool = True
    overlay: dict[Path, str] = field(default_factory=dict)  # unsaved editor buffers by absolute path
    max_template_bytes: int = DEFAULT_MAX_TEMPLATE_BYTES
    found: Discovered = field(default_factory=Discovered)

    def __post_init__(self) -> None:
        bad: list[tuple[str, str]] = []
        self._exclude_spec = _compile(self.exclude, bad) if self.exclude else None
        if bad:
            pattern, reason = bad[0]
            raise InvalidPattern(f"`exclude` pattern {pattern!r} is not valid gitignore syntax ({reason})")

    def run(self, paths: Iterable[Path]) -> Discovered:
        seen: set[str] = set()  # absolute paths as text: hashing a `Path` splits it into parts first
        for path in paths:
            if path.is_dir():
                self._walk(path, seen)
            elif not self._excluded(path.absolute(), is_dir=False):
                self._consider(path, explicit=True, seen=seen, regular=None)
        self.found.templates.sort(key=lambda item: str(item[0]))
        self.found.python_files.sort()
        return self.found

    def _excluded(self, path: Path, *, is_dir: bool) -> bool:
        if self._exclude_spec is None or self.exclude_root is None:
            return False
        try:
            relative = path.relative_to(self.exclude_root).as_posix()
        except ValueError:
            return False
        return self._exclude_spec.match_file(relative) or \
            (is_dir and self._exclude_spec.match_file(relative + "/"))

    def _walk(self, top: Path, seen: set[str]) -> None:
        ignores = _ancestor_gitignores(top.absolute(), self.found.skipped) if self.respect_gitignore else []
        stack: list[tuple[Path, list[tuple[Path, object]]]] = [(top, ignores)]
        while stack:
            folder, active = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=_NAME)
            except OSError as exc:
                self.found.skipped.append(Unreadable(folder, f"skipped, cannot read folder: "
                                                     f"{exc.strerror or type(exc).__name__}"))
                continue
            if self.respect_gitignore and any(e.name == ".gitignore" for e in entries):
                spec = _read_gitignore(folder / ".gitignore", self.found.skipped)
                if spec is not None:
                    active = active + [(folder.absolute(), spec)]
            for entry in entries:
                path = Path(entry.path)
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_dir = False
                # (`active` and `_exclude_spec` are tested first: most folders have neither)
                if is_dir:
                    if _skip_dir(entry) or (active and self._ignored(path, active, True)) or \
                            (self._exclude_spec is not None and self._excluded(path.absolute(), is_dir=True)):
                        continue
                    stack.append((path, active))
                elif not (active and self._ignored(path, active, False)) and not \
                        (self._exclude_spec is not None and self._excluded(path.absolute(), is_dir=False)):
                    self._consider(path, explicit=False, seen=seen,
                                   regular=_is_regular(entry) if entry.name.endswith(".py") else None)

    @staticmethod
    def _ignored(path: Path, active: list[tuple[Path, object]], is_dir: bool) -> bool:
        absolute = path.absolute()
        for base, spec in active:
            try:
                relative = absolute.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + ("/" if is_dir else "")):  # type: ignore[attr-defined]
                return True
        return False

    def _consider(self, path: Path, *, explicit: bool, seen: set[str], regular: bool | None) -> None:
        """`regular`: what the folder listing said (False: a FIFO, socket, device or a symlink to
        one or to nothing), None when unknown."""
        key = path.absolute()
        if str(key) in seen:
            return
        seen.add(str(key))
        name = path.name
        if name.endswith(".py"):
            if regular is None:
                regular = path.is_file()
            if regular or key in self.overlay:
                self.found.python_files.append(path)
            elif path.exists():
                self.found.skipped.append(Unreadable(path, "skipped, not a regular file"))
            return
        if is_unread_infrastructure(name):
            self.found.infrastructure.append(path)
            return
        if not name.endswith(TEMPLATE_SUFFIXES):
            return
        text = self._read(path)
        if text is not None and is_template_text(name, text):
            self.found.templates.append((path, text))
        elif text is not None and name in TEMPLATE_NAMES:
            self.found.infrastructure.append(path)

    def _read(self, path: Path) -> str | None:
        if self.overlay and path.absolute() in self.overlay:
            text = self.overlay[path.absolute()]
            if len(text) > self.max_template_bytes:  # an editor buffer: at least this many bytes
                self.found.unreadable.append(Unreadable(
                    path, too_large(len(text), self.max_template_bytes, "max-template-mb")))
                return None
            return text
        try:
            data = read_limited(path, self.max_template_bytes, "max-template-mb")
        except NotReadable as exc:
            if exc.skipped:
                self.found.skipped.append(Unreadable(path, f"skipped, {exc.reason}"))
            else:
                self.found.unreadable.append(Unreadable(path, exc.reason))
            return None
        # A file that cannot be read as UTF-8 is reported only when it could be a template: a
        # DynamoDB dump saved as UTF-16 by PowerShell, or a Latin-1 data file, is not ours.
        wide = next((codec for bom, codec in _WIDE_BOMS if data.startswith(bom)), None)
        if wide is not None:
            if _could_be_template(path.name, data.decode(wide, "replace")):
                self.found.unreadable.append(Unreadable(
                    path, f"{wide.upper()} text: CloudFormation, SAM and the Serverless Framework read templates "
                          "as UTF-8; save it as UTF-8"))
            return None
        if b"\0" in data[:8192]:
            if _could_be_template(path.name, data.decode("utf-8", "replace")):
                self.found.unreadable.append(Unreadable(path, "binary file, not YAML or JSON text"))
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if _could_be_template(path.name, data.decode("utf-8", "replace")):
                line = data[: exc.start].count(b"\n") + 1
                self.found.unreadable.append(
                    Unreadable(path, f"not UTF-8 text (invalid byte on line {line})"))
            return None


_NAME = attrgetter("name")
# UTF-32 first: its little-endian BOM starts with UTF-16's
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _could_be_template(name: str, text: str) -> bool:
    """A file lambdalint cannot read as text is worth reporting when it could be a template: named
    like one, or showing what one shows."""
    return name in TEMPLATE_NAMES or is_template_text(name, text)


def is_template_text(name: str, text: str) -> bool:
    """A cheap scan: could this text be a CloudFormation/SAM template or a serverless.yml?"""
    if name in ("serverless.yml", "serverless.yaml"):
        return True
    if _CFN_MARKER.search(text):
        return True
    return bool(_SLS_SERVICE.search(text) and _SLS_PROVIDER.search(text))


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # the listing's file type: no system call unless it is a symlink
    except OSError:
        return False


def _skip_dir(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info"):
        return True
    if name.startswith("asset.") and Path(entry.path).parent.name == "cdk.out":
        return True  # CDK copies of the source; the package rules look at them, discovery does not
    return os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


class InvalidPattern(ValueError):
    """An `exclude` pattern git would reject; the message names it."""


def _compile(patterns: Sequence[str], bad: list[tuple[str, str]]) -> object:
    """The spec of `patterns`; those git rejects (`\\` alone, `!`, `[z-a]`) are left out and
    listed in `bad` with the reason."""
    import warnings

    import pathspec  # only runs that have ignore patterns pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `re` warns about sets like `[[` that git reads literally
        try:
            return pathspec.GitIgnoreSpec.from_lines(patterns)
        except Exception:  # noqa: BLE001 - find the culprits one by one, only on this rare path
            kept = []
            for pattern in patterns:
                try:
                    pathspec.GitIgnoreSpec.from_lines([pattern])
                except Exception as exc:  # noqa: BLE001 - pathspec and `re` raise several kinds
                    bad.append((pattern, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
                else:
                    kept.append(pattern)
            return pathspec.GitIgnoreSpec.from_lines(kept)


def _read_gitignore(path: Path, skipped: list[Unreadable]) -> object | None:
    try:
        data = read_limited(path, MB, "a .gitignore over 1 MB")
    except NotReadable as exc:
        if not exc.missing:
            skipped.append(Unreadable(path, f"not used: {exc.reason}"))
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    lines = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return None
    bad: list[tuple[str, str]] = []
    spec = _compile(lines, bad)
    for pattern, reason in bad:
        skipped.append(Unreadable(path, f"pattern {pattern!r} ignored: git rejects it too ({reason})"))
    return spec


def _ancestor_gitignores(top: Path, skipped: list[Unreadable]) -> list[tuple[Path, object]]:
    """`.gitignore` files above `top`, up to the repository root, outermost first."""
    found: list[tuple[Path, object]] = []
    for folder in [top.parent, *top.parent.parents] if top.is_dir() else []:
        spec = _read_gitignore(folder / ".gitignore", skipped) if (folder / ".gitignore").is_file() else None
        if spec is not None:
            found.append((folder, spec))
        if (folder / ".git").exists():
            break
    else:
        found = []  # outside a repository, a stray .gitignore above us is not ours
    return list(reversed(found))
