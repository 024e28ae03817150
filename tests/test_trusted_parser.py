"""A code worker parses without LibCST's per-node validation (`syntax_errors.trust_the_parser`): the
facts and the syntax errors it reports are those of a validating parse, for valid modules, broken
ones and modules outside ASCII."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest

from lambdalint.code import syntax_errors
from lambdalint.code.extract import full_facts

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch):
    """Trust the parser for one test only: the change is to a LibCST class, for the whole process."""
    monkeypatch.setattr(cst.CSTNode, "__post_init__", cst.CSTNode.__dict__["__post_init__"])
    return syntax_errors.trust_the_parser


def _modules() -> list[tuple[str, str]]:
    return [(str(path), path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.rglob("*.py"))]


def _facts(path: str, text: str) -> str:
    return repr(full_facts(path, Path(path).name, text))


def test_the_fixture_handlers_give_the_same_facts(trusting) -> None:
    modules = _modules()
    assert len(modules) > 100
    validated = [_facts(path, text) for path, text in modules]
    trusting()
    assert syntax_errors._trusting()
    assert [_facts(path, text) for path, text in modules] == validated


def test_broken_modules_are_reported_as_a_validating_parse_reports_them(trusting) -> None:
    """Mutants of the fixture handlers (characters dropped or added on one line): every one that
    a validating parse refuses is refused, at the same place and in the same words."""
    chance = random.Random(14)
    pieces = list("()[]{}:;,.=+-*/%&|^~<>!@'\"\\ \n\t#0123456789_abcLURFBJj") + [
        "lambda", "yield", "async ", "await ", "not", " if ", " else ", "**", "0x", "0b", "1_", "..."]
    mutants = []
    for _, text in _modules()[:60]:
        lines = text.split("\n")
        for _ in range(5):
            changed = list(lines)
            row = chance.randrange(len(changed))
            line = changed[row]
            at = chance.randint(0, len(line))
            line = line[:at] + line[at + 1:] if chance.random() < 0.4 and line else line[:at] + chance.choice(pieces) + line[at:]
            changed[row] = line
            mutants.append("\n".join(changed))
    validated = [full_facts("/p/app.py", "app.py", text).error for text in mutants]
    assert sum(error is not None for error in validated) > 50  # the mutants do break modules
    trusting()
    assert [full_facts("/p/app.py", "app.py", text).error for text in mutants] == validated


@pytest.mark.parametrize("text", [
    "\U00031350",  # a lone code point LibCST's tokenizer takes for a name: only validation refuses it
    "def handler(event, context):\n    caf\u00e9 = 1\n    return caf\u00e9\n",  # a valid non-ASCII name
    "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3').get_object(Bucket='b\u00e9', Key='k')\n",
])
def test_modules_outside_ascii_are_still_validated(trusting, text: str) -> None:
    validated = _facts("/p/app.py", text)
    trusting()
    assert _facts("/p/app.py", text) == validated
    assert syntax_errors._trusting()  # validation is back off for the next ASCII module
    if text == "\U00031350":
        assert "error=(1, 1" in validated
