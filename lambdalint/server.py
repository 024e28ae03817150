"""`lambdalint server`: a language server on stdio (pygls; install `lambdalint[lsp]`).

Every open document belongs to a project (`lambdalint.focus.project_root`). On open and save, and
after a pause in typing, the server lints that project with every open buffer as an overlay and
publishes diagnostics for all open documents of the project: a handler's diagnostics follow an
edit to its template without the handler being touched.

Code actions: add a suppression comment (`# lambdalint: ignore[CODE]`) at the end of the reported
line, and apply a finding's fix when its rule offers one.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from lambdalint import __version__
from lambdalint.api import lint
from lambdalint.config import CONFIG_FILES, ConfigError
from lambdalint.findings import Finding
from lambdalint.focus import is_folder, project_root
from lambdalint.located import Span

DEBOUNCE_SECONDS = 0.3
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
CHECKED_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".template", ".tf", ".tfvars")
_IGNORE = re.compile(r"#\s*lambdalint:\s*ignore\[([^\]]*)\]")


@dataclass
class State:
    """What the server remembers between requests: pending lint runs and the last findings."""

    pending: dict[Path, asyncio.Task[None]] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # uri -> findings shown
    last: dict[Path, tuple[tuple[object, ...], Any]] = field(default_factory=dict)  # root -> (inputs, report)
    help_uris: dict[str, str | None] = field(default_factory=dict)  # rule code -> its documentation
    shut_down: bool = False  # `shutdown` came before `exit`: the exit code is 0 (LSP spec)


class LambdalintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("lambdalint", __version__)
        self.state = State()

    # -- scheduling --

    def schedule(self, uri: str, delay: float) -> None:
        path = _path(uri)
        if path is None or not path.name.endswith(CHECKED_SUFFIXES):
            return
        root = project_root(path)
        previous = self.state.pending.pop(root, None)
        if previous is not None:
            previous.cancel()  # a newer edit supersedes it; its result would be stale
        self.state.pending[root] = asyncio.ensure_future(self._lint_later(root, delay))

    async def _lint_later(self, root: Path, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        documents = self._open_documents(root)
        if not documents:
            return
        overlay = {path: doc.source for path, (_, doc) in documents.items()}
        try:
            report = await asyncio.to_thread(self._lint_cached, root, list(documents), overlay)
        except ConfigError as error:
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"lambdalint: {error}"))
            return
        except Exception as error:  # noqa: BLE001 - one project's bad input must not wedge the others
            self.window_log_message(types.LogMessageParams(
                types.MessageType.Error, f"lambdalint: internal error checking {root}: {type(error).__name__}: {error}"))
            return
        finally:
            if self.state.pending.get(root) is asyncio.current_task():
                del self.state.pending[root]
        base = root if is_folder(root) else root.parent
        by_path: dict[Path, list[Finding]] = {path: [] for path in documents}
        for finding in report.visible:
            path = Path(finding.span.path)
            by_path.setdefault(path if path.is_absolute() else base / path, []).append(finding)
        for path, (uri, doc) in documents.items():
            found = by_path.get(path, [])
            self.state.findings[uri] = found
            diagnostics = [self._diagnostic(f, doc.lines, base, i) for i, f in enumerate(found)]
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=doc.version))

    def _open_documents(self, root: Path) -> dict[Path, tuple[str, Any]]:
        documents: dict[Path, tuple[str, Any]] = {}
        for uri, doc in self.workspace.text_documents.items():
            path = _path(uri)
            if path is not None and path.name.endswith(CHECKED_SUFFIXES) and project_root(path) == root:
                documents[path] = (uri, doc)
        return documents

    def _lint_cached(self, root: Path, files: list[Path], overlay: dict[Path, str]):  # type: ignore[no-untyped-def]
        """Lint, or reuse the last report when nothing it was computed from has changed: a save
        right after the debounced lint of the same text costs a stat per project file."""
        previous = self.state.last.get(root)
        if previous is not None and previous[0] == _inputs(root, files, overlay, previous[1]):
            return previous[1]
        cwd = root if is_folder(root) else root.parent
        report = lint(focus=files, overlay=overlay, cwd=cwd, whole_model=True)
        self.state.last[root] = (_inputs(root, files, overlay, report), report)
        return report

    # -- conversions --

    def _range(self, span: Span, lines: list[str] | None) -> types.Range:
        """LSP range of a span; columns go from code points to the client's units when the text is
        at hand (a related location in a file that is not open keeps code points)."""
        end_line = max(span.end_line, span.line)
        end_column = span.end_column if end_line > span.line else max(span.end_column, span.column + 1)
        raw = types.Range(start=types.Position(span.line - 1, span.column - 1),
                          end=types.Position(end_line - 1, end_column - 1))
        if lines is None or end_line > len(lines):
            return raw
        return self.workspace.position_codec.range_to_client_units(lines, raw)

    def _diagnostic(self, finding: Finding, lines: list[str], base: Path, index: int) -> types.Diagnostic:
        related = []
        for item in finding.related:
            path = Path(item.span.path)
            path = path if path.is_absolute() else base / path
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=from_fs_path(str(path)) or "", range=self._range(item.span, None)),
                message=item.message))
        message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
        href = self._help_uri(finding.code)
        return types.Diagnostic(
            range=self._range(finding.span, lines), message=message, severity=SEVERITY[finding.severity],
            code=finding.code, source="lambdalint", related_information=related or None,
            code_description=types.CodeDescription(href=href) if href else None,
            data={"index": index, "code": finding.code, "line": finding.span.line})

    def _help_uri(self, code: str) -> str | None:
        if not self.state.help_uris:
            from lambdalint.registry import Registry

            self.state.help_uris = {rule.code: rule.help_uri for rule in Registry.installed().rules}
        return self.state.help_uris.get(code)

    # -- code actions --

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        doc = self.workspace.get_text_document(uri)
        shown = self.state.findings.get(uri, [])
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != "lambdalint" or not isinstance(diagnostic.data, dict):
                continue
            index = diagnostic.data.get("index")
            finding = shown[index] if isinstance(index, int) and index < len(shown) else None
            if finding is None or finding.code != diagnostic.data.get("code"):
                continue  # the diagnostic is older than the last run; the editor will refresh it
            path = _path(uri)
            fix = _fix_edits(finding, path, doc.source) if path is not None else None
            if fix is not None:
                title, edits = fix
                actions.append(types.CodeAction(
                    title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    is_preferred=True, edit=types.WorkspaceEdit(changes={uri: edits})))
            edit = suppression_edit(doc.lines, finding, uri.endswith(".json"), self)
            if edit is not None:
                actions.append(types.CodeAction(
                    title=f"Suppress {finding.code} on this line", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic], edit=types.WorkspaceEdit(changes={uri: [edit]})))
        return actions


def suppression_edit(lines: list[str], finding: Finding, is_json: bool,
                     server: LambdalintServer) -> types.TextEdit | None:
    """The edit that adds `# lambdalint: ignore[CODE]` to the reported line, or None where a comment
    cannot go: JSON has no comments, a parse error is no finding to silence, and a Python line
    continued with a backslash would break."""
    number = finding.span.line - 1
    if is_json or finding.code == "LL001" or number >= len(lines):
        return None
    line = lines[number].rstrip("\r\n")
    if line.rstrip().endswith("\\"):
        return None
    existing = _IGNORE.search(line)
    if existing is not None:
        codes = [c.strip() for c in existing.group(1).split(",") if c.strip()]
        if finding.code in codes:
            return None
        start, end = existing.span(1)
        new_text = ", ".join([*codes, finding.code])
    else:
        start = end = len(line.rstrip())
        new_text = f"  # lambdalint: ignore[{finding.code}]"
    raw = types.Range(start=types.Position(number, start), end=types.Position(number, end))
    return types.TextEdit(range=server.workspace.position_codec.range_to_client_units(lines, raw),
                          new_text=new_text)


def _fix_edits(finding: Finding, path: Path, text: str) -> tuple[str, list[types.TextEdit]] | None:
    """A finding's fix as one text edit over the lines it changes. The engine plans the fix
    (`lambdalint.code.fix`) against the buffer; a fix computed from older text is not offered."""
    if finding.fix is None:
        return None
    try:
        from lambdalint.code.fix import plan_fixes
    except ImportError:  # an engine without code fixes
        return None
    changes = plan_fixes([finding.fix], overlay={path: text})
    if len(changes) != 1:
        return None
    before = changes[0].before.splitlines(keepends=True)
    after = changes[0].after.splitlines(keepends=True)
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    edit = types.TextEdit(
        range=types.Range(start=types.Position(head, 0), end=types.Position(len(before) - tail, 0)),
        new_text="".join(after[head:len(after) - tail]))
    title = getattr(finding.fix, "description", None) or f"fix {finding.code}"
    return f"Fix {finding.code}: {title}", [edit]


def _inputs(root: Path, files: list[Path], overlay: dict[Path, str], report: Any) -> tuple[object, ...]:
    """What a report depends on: the open buffers, the files the run read (by size and mtime), the
    configuration files next to the project, and the date (deprecation rules depend on it)."""
    project = report.project
    read: set[Path] = set()
    if project is not None:
        read |= {source.path for source in project.sources.values()}
        read |= {p if p.is_absolute() else project.cwd / p for p in project.python_paths}
    folder = root if is_folder(root) else root.parent
    read |= {folder / name for name in CONFIG_FILES}
    stats = []
    for path in sorted(read - set(overlay)):
        try:
            info = path.stat()
            stats.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            stats.append((str(path), None, None))
    buffers = tuple(sorted((str(p), hash(text)) for p, text in overlay.items()))
    return (datetime.date.today(), tuple(sorted(map(str, files))), buffers, tuple(stats))


def _path(uri: str) -> Path | None:
    """The file a URI names; None for one that names no checkable file (not `file:`, a NUL byte)."""
    try:
        path = to_fs_path(uri)
    except Exception:  # noqa: BLE001 - a malformed URI is the client's, not a reason to stop
        return None
    if not path or "\0" in path or not Path(path).is_absolute():
        return None
    return Path(path)


def create_server() -> LambdalintServer:
    server = LambdalintServer()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LambdalintServer, params: None) -> None:
        ls.state.shut_down = True
        for task in ls.state.pending.values():
            task.cancel()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LambdalintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LambdalintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LambdalintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LambdalintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.state.findings.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        ls.schedule(params.text_document.uri, 0)  # its edits may have changed its neighbours' findings

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: LambdalintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    return server


def main() -> int:
    """Serve on stdio until the client says `exit`; the exit code is 0 after a `shutdown`, else 1.

    pygls swallows the `SystemExit` it raises on `exit` and closes stdout, so the code is kept in
    the server's state and returned for the command to exit with. Its input is framed by
    `CheckedInput`, so a malformed header costs one message, never the server.
    """
    import sys

    from lambdalint.lsp_stream import CheckedInput

    server = create_server()
    server.start_io(stdin=CheckedInput(sys.stdin.buffer))  # type: ignore[arg-type]
    return 0 if server.state.shut_down else 1
