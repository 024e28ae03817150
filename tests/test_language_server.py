"""The language server driven by a real LSP client (pytest-lsp) over stdio, as an editor would."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Callable, Sequence

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import write_tree
from lambdalint.registry import Registry

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders/app.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 5
      Environment:
        Variables:
          AWS_REGION: eu-west-1
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lambdalint", "server"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(client: LanguageClient, uri: str,
                       ready: Callable[[Sequence[types.Diagnostic]], bool]) -> Sequence[types.Diagnostic]:
    """Wait until the diagnostics published for `uri` satisfy `ready`."""
    async def wait() -> Sequence[types.Diagnostic]:
        while uri not in client.diagnostics or not ready(client.diagnostics[uri]):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]
    return await asyncio.wait_for(wait(), timeout=30)


def _codes(diagnostics: Sequence[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


def _apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = sum(len(l) for l in lines[: edit.range.start.line]) + edit.range.start.character
        end = sum(len(l) for l in lines[: edit.range.end.line]) + edit.range.end.character
        text = "".join(lines)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(keepends=True)
    return "".join(lines)


def _open(client: LanguageClient, path: Path, text: str, language: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


@pytest.mark.asyncio
async def test_template_diagnostics_fix_and_suppress(client: LanguageClient, tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/orders/app.py": "def handler(event, context):\n    pass\n"})
    uri = _open(client, tmp_path / "template.yaml", TEMPLATE, "yaml")

    found = await _diagnostics(client, uri, lambda d: "LL201" in _codes(d))
    timeout = next(d for d in found if d.code == "LL201")
    assert timeout.range == types.Range(start=types.Position(3, 2), end=types.Position(3, 16))
    assert timeout.severity == types.DiagnosticSeverity.Warning and timeout.source == "lambdalint"
    region = next(d for d in found if d.code == "LL205")
    assert region.range.start == types.Position(12, 10)

    # Typing the fix clears the diagnostic (after the debounce), without saving.
    fixed = TEMPLATE.replace("      Runtime: python3.12\n", "      Runtime: python3.12\n      Timeout: 10\n")
    _change(client, uri, fixed, 2)
    found = await _diagnostics(client, uri, lambda d: "LL201" not in _codes(d))
    assert _codes(found) == {"LL205"}
    region = found[0]

    # The suppression quick fix adds an ignore comment to the reported line.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=region.range,
        context=types.CodeActionContext(diagnostics=[region])))
    suppress = next(a for a in actions if isinstance(a, types.CodeAction) and a.title == "Suppress LL205 on this line")
    edits = suppress.edit.changes[uri]
    suppressed = _apply(fixed, edits)
    assert "          AWS_REGION: eu-west-1  # lambdalint: ignore[LL205]\n" in suppressed
    _change(client, uri, suppressed, 3)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert not await _diagnostics(client, uri, lambda d: not d)


@pytest.mark.asyncio
async def test_parse_error_is_a_diagnostic_without_a_suppression(client: LanguageClient, tmp_path: Path) -> None:
    broken = TEMPLATE.replace("      Runtime: python3.12\n", "      Runtime: python3.12\n      Runtime: python3.13\n")
    write_tree(tmp_path, {"template.yaml": broken})
    uri = _open(client, tmp_path / "template.yaml", broken, "yaml")
    found = await _diagnostics(client, uri, lambda d: "LL001" in _codes(d))
    # the rest of the template is still checked, so the duplicate is one diagnostic among others
    found = [d for d in found if d.code == "LL001"]
    assert found[0].range.start.line == 9 and found[0].severity == types.DiagnosticSeverity.Error
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=found[0].range,
        context=types.CodeActionContext(diagnostics=list(found))))
    assert not actions


@pytest.mark.skipif(Registry.installed().get("LL101") is None,
                    reason="needs the handler-code rule LL101 (client-in-handler)")
@pytest.mark.asyncio
async def test_handler_diagnostics_follow_the_template(client: LanguageClient, tmp_path: Path) -> None:
    # `process` is not handler-shaped by name: only the template makes it a handler.
    handler = 'import boto3\n\n\ndef process(event, context):\n    s3 = boto3.client("s3")\n    return s3.list_buckets()\n'
    template = TEMPLATE.replace("orders/app.handler", "orders/app.process")
    write_tree(tmp_path, {"template.yaml": template, "src/orders/app.py": handler})
    uri = _open(client, tmp_path / "src" / "orders" / "app.py", handler, "python")
    found = await _diagnostics(client, uri, lambda d: "LL101" in _codes(d))
    client_call = next(d for d in found if d.code == "LL101")
    assert client_call.range.start == types.Position(4, 9)
    assert client_call.range.end == types.Position(4, 27)

    # Pointing the template elsewhere (unsaved) re-lints the open handler: it is no handler now.
    template_uri = _open(client, tmp_path / "template.yaml", template, "yaml")
    _change(client, template_uri, template.replace("orders/app.process", "orders/other.process"), 2)
    await _diagnostics(client, uri, lambda d: "LL101" not in _codes(d))
    _change(client, template_uri, template, 3)
    await _diagnostics(client, uri, lambda d: "LL101" in _codes(d))

    # Both quick fixes are offered; the suppression comment clears the diagnostic...
    found = await _diagnostics(client, uri, lambda d: "LL101" in _codes(d))
    call = next(d for d in found if d.code == "LL101")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=call.range,
        context=types.CodeActionContext(diagnostics=[call])))
    titles = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    suppressed = _apply(handler, titles["Suppress LL101 on this line"].edit.changes[uri])
    assert '    s3 = boto3.client("s3")  # lambdalint: ignore[LL101]\n' in suppressed
    _change(client, uri, suppressed, 4)
    await _diagnostics(client, uri, lambda d: "LL101" not in _codes(d))

    # ...and so does the engine's fix (the client moved to module scope), applied as an edit.
    _change(client, uri, handler, 5)
    found = await _diagnostics(client, uri, lambda d: "LL101" in _codes(d))
    call = next(d for d in found if d.code == "LL101")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=call.range,
        context=types.CodeActionContext(diagnostics=[call])))
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Fix LL101"))
    fixed = _apply(handler, fix.edit.changes[uri])
    assert 's3 = boto3.client("s3")\n' in fixed and '    s3 = boto3.client' not in fixed
    _change(client, uri, fixed, 6)
    await _diagnostics(client, uri, lambda d: "LL101" not in _codes(d))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lambdalint", "server"]))
async def session(lsp_client: LanguageClient):
    """A client whose test ends the session itself, to see how the server process ends."""
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield


@pytest.mark.asyncio
async def test_diagnostics_link_their_rule_and_the_server_exits_cleanly(session: LanguageClient,
                                                                        tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    uri = _open(session, tmp_path / "template.yaml", TEMPLATE, "yaml")
    found = await _diagnostics(session, uri, lambda d: "LL201" in _codes(d))
    rules = Registry.installed()
    for diagnostic in found:
        assert diagnostic.code_description is not None, diagnostic
        assert diagnostic.code_description.href == rules.get(str(diagnostic.code)).help_uri
        assert diagnostic.code_description.href.startswith("https://")

    await session.shutdown_session()
    assert session._server is not None and session._server.returncode == 0


TERRAFORM = """\
resource "aws_lambda_function" "orders" {
  function_name = "orders"
  filename      = "orders.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
}
"""


@pytest.mark.asyncio
async def test_terraform_buffer_gets_diagnostics_and_a_suppression(client: LanguageClient, tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": TERRAFORM})
    uri = _open(client, tmp_path / "main.tf", TERRAFORM, "terraform")
    found = await _diagnostics(client, uri, lambda d: "LL201" in _codes(d))
    timeout = next(d for d in found if d.code == "LL201")
    assert timeout.range.start == types.Position(0, 0)  # the block header
    # typing the timeout (unsaved) clears it
    fixed = TERRAFORM.replace('  runtime       = "python3.12"\n', '  runtime       = "python3.12"\n  timeout       = 10\n')
    _change(client, uri, fixed, 2)
    found = await _diagnostics(client, uri, lambda d: "LL201" not in _codes(d))
    assert _codes(found) == {"LL202"}
    # the suppression quick fix writes an HCL `#` comment on the header line
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=found[0].range,
        context=types.CodeActionContext(diagnostics=list(found))))
    suppress = next(a for a in actions if isinstance(a, types.CodeAction) and a.title == "Suppress LL202 on this line")
    suppressed = _apply(fixed, suppress.edit.changes[uri])
    assert suppressed.startswith('resource "aws_lambda_function" "orders" {  # lambdalint: ignore[LL202]\n')
    _change(client, uri, suppressed, 3)
    assert not await _diagnostics(client, uri, lambda d: not d)
