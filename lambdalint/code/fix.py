"""Safe fixes for handler code, applied by the engine (the CLI's `--fix`/`--diff`, the language server).

`MoveToModuleScope` moves `name = factory("literal", ...)` from a function body to module scope,
just above the top-level statement holding the function, with its comments. A fix is only offered
when the move cannot change behaviour: the arguments are literals or module-level constants, the
factory comes from a module-level import, the name is assigned once in the function and is free at
module scope. Writes are atomic (temporary file + fsync + rename, through a symlink to its target)
and keep the file's encoding, BOM, line endings, mode and owner; a file whose text changed since it
was analysed, a read-only file or a folder without room for the temporary file is refused with a
reason, never half-written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, NamedTuple

from lambdalint.code.facts import text_hash


class MoveToModuleScope(NamedTuple):
    path: str            # absolute
    display: str
    text_hash: int       # of the text the finding was computed from (`facts.text_hash`)
    statement_line: int
    name: str

    @property
    def description(self) -> str:
        return f"move `{self.name} = ...` to module scope"


class FileChange(NamedTuple):
    path: Path
    display: str
    before: str
    after: str

    def diff(self) -> str:
        import difflib  # only `--diff` needs it; every run imports this module (through the rules)

        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.display}", tofile=f"b/{self.display}"))


def plan_fixes(fixes: Iterable[object], overlay: dict[Path, str] | None = None) -> list[FileChange]:
    """The file changes the given fixes make; fixes for files that changed since analysis are dropped."""
    by_path: dict[str, list[MoveToModuleScope]] = {}
    for fix in fixes:
        if isinstance(fix, MoveToModuleScope):
            by_path.setdefault(fix.path, []).append(fix)
    changes: list[FileChange] = []
    for path, moves in sorted(by_path.items()):
        file = Path(path)
        text = (overlay or {}).get(file)
        if text is None:
            try:
                text = _decode(file.read_bytes())[0]
            except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
                continue
        if any(text_hash(text) != move.text_hash for move in moves):
            continue
        after = move_statements(text, {m.statement_line: m.name for m in moves})
        if after is not None and after != text:
            changes.append(FileChange(file, moves[0].display, text, after))
    return changes


def write_changes(changes: Iterable[FileChange], refused: list[str] | None = None) -> list[FileChange]:
    """Write each change safely; what cannot be written goes to `refused` as `path: reason`."""
    written: list[FileChange] = []
    for change in changes:
        problem = _write(change)
        if problem is None:
            written.append(change)
        elif refused is not None:
            refused.append(f"{change.display}: {problem}")
    return written


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) as CPython reads the file; encoding `utf-8-sig` when it has a BOM."""
    from lambdalint.code.jobs import python_encoding

    encoding = python_encoding(data)
    return data.decode(encoding), encoding


class _Refused(Exception):
    pass


def _write(change: FileChange) -> str | None:
    """Write one change; the reason it was not written, or None."""
    import stat
    import tempfile  # only `--fix` needs it; every run imports this module (through the rules)

    target = Path(os.path.realpath(change.path))  # through a symlink: the target holds the code
    try:
        before = os.stat(target)
        text, encoding = _decode(target.read_bytes())
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return "cannot decode it any more; left alone"
    if text != change.before:
        return "it changed since it was checked; left alone"
    if not os.access(target, os.W_OK) or not before.st_mode & 0o222:
        return "it is read-only; left alone"
    try:
        data = change.after.encode(encoding)  # `utf-8-sig` writes the BOM back
    except UnicodeEncodeError:
        return f"the fixed text cannot be written as {encoding}; left alone"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".lambdalint", dir=target.parent)
    except OSError as exc:
        return f"cannot create a temporary file next to it: {exc.strerror or exc}; left alone"
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        made = os.stat(temporary)
        if hasattr(os, "chown") and (made.st_uid, made.st_gid) != (before.st_uid, before.st_gid):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except PermissionError:
                raise _Refused("cannot keep its owner and group; left alone") from None
        now = os.stat(target)
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns):
            raise _Refused("it changed while the fix was written; left alone")
        os.replace(temporary, target)
    except (OSError, _Refused) as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, _Refused):
            return str(exc)
        return f"cannot write it: {exc.strerror or exc}; left alone"
    _sync_folder(target.parent)
    return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def apply_fixes(findings: Iterable[object], *, write: bool = True,
                overlay: dict[Path, str] | None = None, refused: list[str] | None = None) -> list[FileChange]:
    """Plan (and with `write`, apply) the fixes carried by visible findings; files that could not
    be written go to `refused` as `path: reason`."""
    fixes = [f.fix for f in findings if getattr(f, "fix", None) is not None and getattr(f, "suppressed", None) is None]
    changes = plan_fixes(fixes, overlay)
    return write_changes(changes, refused) if write else changes


def move_statements(text: str, moves: dict[int, str]) -> str | None:
    """`text` with the simple statements starting on the lines in `moves` moved to module scope."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return None
    positions = wrapper.resolve(PositionProvider)
    module = wrapper.module
    new_body: list[cst.BaseStatement] = []
    for top in module.body:
        lifted: list[cst.SimpleStatementLine] = []
        top = _lift_from(top, moves, positions, lifted)
        if lifted:
            blanks = 0
            while blanks < len(top.leading_lines) and top.leading_lines[blanks].comment is None:
                blanks += 1
            for index, stmt in enumerate(lifted):
                comments = [cst.EmptyLine(indent=False, comment=line.comment)
                            for line in stmt.leading_lines if line.comment is not None]
                lead = list(top.leading_lines[:blanks]) if index == 0 else []
                new_body.append(stmt.with_changes(leading_lines=[*lead, *comments]))
            spacing = 2 if isinstance(top, (cst.FunctionDef, cst.ClassDef)) else 1
            top = top.with_changes(leading_lines=[*[cst.EmptyLine()] * spacing, *top.leading_lines[blanks:]])
        new_body.append(top)
    return module.with_changes(body=new_body).code


def _lift_from(top, moves, positions, lifted):
    import libcst as cst

    def lift_in(function: cst.FunctionDef) -> cst.FunctionDef:
        if not isinstance(function.body, cst.IndentedBlock):
            return function
        kept = []
        for stmt in function.body.body:
            line = positions[stmt].start.line if stmt in positions else 0
            if isinstance(stmt, cst.SimpleStatementLine) and line in moves and _assigns(stmt, moves[line]):
                lifted.append(stmt)
            else:
                kept.append(stmt)
        if len(kept) == len(function.body.body):
            return function
        if not any(not _is_docstring(s) for s in kept):
            # the body would be empty or docstring-only: keep the function as it was
            del lifted[len(lifted) - (len(function.body.body) - len(kept)):]
            return function
        return function.with_changes(body=function.body.with_changes(body=kept))

    if isinstance(top, cst.FunctionDef):
        return lift_in(top)
    if isinstance(top, cst.ClassDef) and isinstance(top.body, cst.IndentedBlock):
        body = [lift_in(s) if isinstance(s, cst.FunctionDef) else s for s in top.body.body]
        return top.with_changes(body=top.body.with_changes(body=body))
    return top


def _assigns(stmt, name: str) -> bool:
    import libcst as cst

    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
        return False
    targets = stmt.body[0].targets
    return len(targets) == 1 and isinstance(targets[0].target, cst.Name) and targets[0].target.value == name


def _is_docstring(stmt) -> bool:
    import libcst as cst

    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
        isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def movable(handler_module, function, call) -> MoveToModuleScope | None:
    """The fix for a per-invocation creation, when moving it is safe (see the module docstring)."""
    name = call.assigned_to
    if name is None or not call.literal_args or call.statement_line <= 0:
        return None
    if function.qualname.count(".") > 1 or (function.qualname.count(".") == 1 and function.class_name is None):
        return None
    if function.assigned.get(name, 0) != 1 or name in function.params or name in function.globals:
        return None
    if name in handler_module.module_names:
        return None
    root = call.root_name
    if root is None or root not in handler_module.module_imports or root in function.assigned:
        return None
    return MoveToModuleScope(handler_module.path, handler_module.display, handler_module.text_hash,
                             call.statement_line, name)
