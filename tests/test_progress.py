"""Progress goes to a terminal's stderr only: never into machine formats, pipes or CI logs."""

from __future__ import annotations

import io

import pytest

from lambdalint import cli


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("fmt", "tty", "ci", "expected"), [
    ("text", True, None, True),
    ("json", True, None, False),
    ("sarif", True, None, False),
    ("text", False, None, False),
    ("text", True, "true", False),
])
def test_progress_only_for_text_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch, fmt: str,
                                                         tty: bool, ci: str | None, expected: bool) -> None:
    monkeypatch.setattr(cli.sys, "stderr", FakeTerminal() if tty else io.StringIO())
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert cli._wants_progress(fmt) is expected


def test_progress_waits_a_moment_then_shows_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    progress = cli._Progress(enabled=True)
    progress("discovering files")
    assert terminal.getvalue() == ""  # a quick run prints nothing at all
    progress.started -= 1.0
    progress("LL201 missing-timeout")
    assert "lambdalint: LL201 missing-timeout" in terminal.getvalue()
    progress.done()
    assert terminal.getvalue().endswith("\r\033[K")
