"""How the code analysis reads whether a handler tests a variable it read from the environment
(`if queue_url:`, `queue_url is None`) and how often it mentions it (LL109's `guarded` and
`unused`): found with `str.find` and fixed patterns, it must read exactly as the per-name patterns
it was first written as, which cost two compilations per variable."""

from __future__ import annotations

import re
import pytest

from conftest import FIXTURES
from lambdalint.code import env_facts


def _patterns_tests(name: str, text: str) -> tuple[bool, bool]:
    """The reading as per-name patterns (the reference)."""
    escaped = re.escape(name)
    truth = rf"(?<![\w.])(?:if|elif|while|and|or)\s+{{}}{escaped}\s*(?::|and\b|or\b|$)"
    when_set = re.search(truth.format("") + rf"|(?<![\w.]){escaped}\s+is\s+not\s+None\b"
                         rf"|(?<![\w.]){escaped}\s*!=\s*None\b", text, re.MULTILINE)
    when_unset = re.search(truth.format(r"not\s+") + rf"|(?<![\w.]){escaped}\s+is\s+None\b"
                           rf"|(?<![\w.]){escaped}\s*==\s*None\b", text, re.MULTILINE)
    return when_set is not None, when_unset is not None


def _patterns_mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", text))


PYTHON_FILES = sorted(FIXTURES.glob("**/*.py"))

TRICKY = [
    "if url:\n", "elif url and retries", "while  not url:", "if\tnot\n url:", "x.if url:", "myif url:",
    "if not url_2:", "if urls:", "(url) is None", "a.url is None", "url is  not None", "url!=None", "url ==None",
    "_url is None", "if  url", "or url\n", "and not url or", "whileurl url:", "ifurl:", "if url or", "if é url:",
    "if noturl:", "if not not url:", "if cannot url:", "if .url:", "url", "", "urlurl is None",
    "url\u00a0is\u00a0None", "if\u2003url:", "if url\u2003:", "élif url:", "if url.strip():", "return url or DEFAULT",
    "if url is None:\n    raise KeyError\nif url:\n    send(url)\n", "# if url:\nprint('url is None')",
]


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("name", ["url", "urlurl", "url_2", "é", "not", "if", ""])
def test_a_test_of_a_name_reads_as_the_per_name_patterns_read_it(name: str, text: str) -> None:
    assert env_facts._tests(name, text) == _patterns_tests(name, text)
    assert env_facts._mentions(name, text) == _patterns_mentions(name, text)


def test_every_name_in_the_fixture_handlers_reads_as_the_patterns_read_it() -> None:
    checked = 0
    for path in PYTHON_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in sorted(set(re.findall(r"[A-Za-z_]\w*", text)))[:80]:
            assert env_facts._tests(name, text) == _patterns_tests(name, text), (path, name)
            assert env_facts._mentions(name, text) == _patterns_mentions(name, text), (path, name)
            checked += 1
    assert checked > 2000  # every fixture project's handler modules


def test_no_pattern_is_compiled_per_name(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    compile_ = re._compile  # type: ignore[attr-defined]

    def recording(pattern: str, flags: int) -> re.Pattern[str]:
        compiled.append(pattern)
        return compile_(pattern, flags)

    monkeypatch.setattr(re, "_compile", recording)
    text = (FIXTURES / "projects" / "code-meets-config" / "src" / "resize.py").read_text()
    names = sorted(set(re.findall(r"(\w+) = os\.(?:environ\.get|getenv)\(", text)))
    assert names  # the handler reads its settings from the environment
    for name in names:
        env_facts._tests(name, text)
        env_facts._mentions(name, text)
    assert not [pattern for pattern in compiled if any(name in pattern for name in names)]
