"""The text pre-filter is built from what the selected rules declare, so a call on a rule's list is
never skipped because its file names nothing else (issue 11: `psycopg_pool.ConnectionPool(...)` or
`pd.read_pickle(...)` were silent unless the file also said `os.environ`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdalint.code.connections import FACTORIES, connection, driver_connect
from lambdalint.code.facts import CallFact
from lambdalint.code.scan import prefilter, rules_prefilter
from lambdalint.located import Span
from lambdalint.registry import Registry
from lambdalint.rule import Rule
from lambdalint.rules import heavy_load_in_handler

from conftest import run_lint, write_tree

REGISTRY = Registry.installed()
CODE_RULES = [r for r in REGISTRY.rules if r.needs_code]
PLAIN = "def handler(event, context):\n    return {'statusCode': 200, 'body': event['body']}\n"


def _spellings(name: str) -> list[str]:
    """Ways real code calls `name`: imported by its last part, through its module, as a method."""
    module, _, last = name.rpartition(".")
    if not module:
        return [f"def handler(event, context):\n    return client.{last}(Name='x')\n"]
    return [
        f"from {module} import {last}\n\n\ndef handler(event, context):\n    return {last}('x')\n",
        f"import {module} as alias\n\n\ndef handler(event, context):\n    return alias.{last}('x')\n",
        f"from {module} import {last} as renamed\n\n\ndef handler(event, context):\n    return renamed('x')\n",
    ]


@pytest.mark.parametrize("rule", CODE_RULES, ids=lambda r: r.code)
def test_every_code_rule_declares_what_it_reads(rule: Rule) -> None:
    # None would make every run parse every module: only plugins written before the field may do that
    assert rule.code_names is not None


@pytest.mark.parametrize("rule", [r for r in CODE_RULES if r.code_names], ids=lambda r: r.code)
def test_every_name_a_rule_matches_passes_its_prefilter(rule: Rule) -> None:
    prefilter = rules_prefilter([rule])
    for name in rule.code_names or ():
        for text in _spellings(name):
            assert prefilter.wanted(text), (rule.code, name, text)
    # and the filter filters: a handler that names nothing of the rule's is not wanted
    if not rule.code_patterns:
        assert not prefilter.wanted(PLAIN)


def test_the_prefilter_is_the_union_of_the_selected_rules() -> None:
    ll102, ll104, ll106 = (REGISTRY.get(code) for code in ("LL102", "LL104", "LL106"))
    text = "import pandas as pd\n\n\ndef handler(event, context):\n    return pd.read_pickle('w.pkl')\n"
    assert rules_prefilter([ll104]).wanted(text)
    assert not rules_prefilter([ll102]).wanted(text)
    assert rules_prefilter([ll102, ll104]).wanted(text)
    # LL106 reads definitions only: alone, nothing needs a full parse
    assert not rules_prefilter([ll106]).wanted(text)


@pytest.mark.parametrize(("text", "wanted"), [
    ("SEEN = set()\n", True),
    ("RESULTS: dict[str, str] = {}\n", True),
    ("class C:\n    def __init__(self):\n        self.seen = set()\n", True),
    ("def f():\n    global count\n    count += 1\n", True),
    ("def handler(event, context):\n    items = []\n    return items\n", False),
])
def test_state_leak_prefilter(text: str, wanted: bool) -> None:
    # the rule's examples cannot show this: their `# [state-leak-in-global]` markers say "global"
    assert rules_prefilter([REGISTRY.get("LL107")]).wanted(text) is wanted


def test_a_plugin_that_declares_nothing_gets_every_module() -> None:
    plugin = Rule(code="XX100", slug="plugin", severity="warning", summary="a plugin", check=lambda ctx: [],
                  docs="", needs_code=True)
    assert rules_prefilter([REGISTRY.get("LL106"), plugin]).wanted(PLAIN)


def _project(names: list[str], call: str) -> dict[str, str]:
    """One handler file per name, each naming nothing but its own call."""
    files = {}
    for index, name in enumerate(sorted(names)):
        top = name.split(".")[0]
        files[f"h{index}.py"] = f"import {top}\n\n\ndef handler(event, context):\n    return {call.format(name=name)}\n"
    return files


def test_each_connection_fires_in_a_file_that_names_nothing_else(tmp_path: Path) -> None:
    files = _project(sorted(FACTORIES), "{name}('db.internal')")
    result = run_lint(write_tree(tmp_path, files), select=("LL102",))
    reported = {f.span.path for f in result.visible if f.code == "LL102"}
    assert reported == set(files)


def test_each_loader_fires_in_a_file_that_names_nothing_else(tmp_path: Path) -> None:
    loaders = heavy_load_in_handler._MODEL_LOADERS | heavy_load_in_handler._TABLE_READERS
    files = _project(sorted(loaders), "{name}('bundled/model.bin')")
    files.update({f"d{i}.py": text for i, text in enumerate(_project(
        sorted(heavy_load_in_handler._FILE_DESERIALIZERS), "{name}(open('bundled/rules.json'))").values())})
    assert set(heavy_load_in_handler.NAMES) == loaders | heavy_load_in_handler._FILE_DESERIALIZERS
    result = run_lint(write_tree(tmp_path, files), select=("LL104",))
    reported = {f.span.path for f in result.visible if f.code == "LL104"}
    assert reported == set(files)


def test_only_what_the_selected_rules_read_is_parsed_in_full(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "import boto3\n\n\ndef handler(event, context):\n    return boto3.client('s3')\n"})
    definitions = run_lint(tmp_path, select=("LL106",)).project.code
    full = run_lint(tmp_path, select=("LL101",)).project.code
    assert [m.full for m in definitions.modules.values()] == [False]
    assert [m.full for m in full.modules.values()] == [True]


@pytest.mark.parametrize(("name", "driver"), [
    ("aurora_dsql_psycopg2.connect", True), ("aurora_dsql_psycopg.connect", True),
    ("mysql.connector.connect", True), ("snowflake.connector.connect", True),
    ("redshift_connector.connect", True), ("pyodbc.connect", True), ("oracledb.connect", True),
    ("databricks.sql.connect", True), ("mariadb.connect", True),
    ("sqlite3.connect", False), ("duckdb.connect", False), ("websockets.connect", False),
    ("paho.mqtt.client.Client.connect", False), ("socket.socket.connect", False),
    ("mysql.connector.pooling.MySQLConnectionPool.get_connection", False), (".db_mysql.connect", False),
])
def test_driver_connect(name: str, driver: bool) -> None:
    assert driver_connect(name) is driver


def test_driver_connect_needs_an_imported_module() -> None:
    span = Span.point("app.py", 1)
    call = CallFact(names=frozenset({"mysql_pool.connect"}), span=span)
    assert connection(call) is None  # a module-level variable named like a driver
    assert connection(call._replace(imported=True)) == "mysql_pool.connect"


WORDS = ("client", "resource", "connect", "getenv", "__init__", "données")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS + ("x", "_", "9", "é", ".", " ", "\n", "(", "-", "ß")),
                          st.text(max_size=3)), max_size=25).map("".join))
def test_words_are_matched_as_a_whole_word_regex_would(text: str) -> None:
    """The pre-filter looks words up token by token instead of compiling `\\b(?:w1|w2...)\\b`;
    both must say the same, for any text (Unicode word characters included)."""
    words = frozenset(WORDS)
    regex = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")\b")
    assert prefilter(words).wanted(text) is (regex.search(text) is not None)


def test_a_plugin_word_that_is_not_one_token_is_still_found() -> None:
    plugin = Rule(code="XX101", slug="plugin-word", severity="warning", summary="a plugin", check=lambda ctx: [],
                  docs="", needs_code=True, code_names=("vendor.open-session",))
    assert rules_prefilter([plugin]).wanted("s = vendor.open-session()\n")
    assert not rules_prefilter([plugin]).wanted("s = vendor.open_session()\n")


def test_patterns_are_compiled_only_when_the_words_do_not_decide() -> None:
    chosen = prefilter(frozenset({"client"}), frozenset({r"\bglobal\b"}))
    assert chosen.wanted("import boto3\nc = boto3.client('s3')\n")
    assert chosen.patterns is not None and not chosen.patterns.compiled
    assert chosen.wanted("def f():\n    global count\n")
    assert chosen.patterns.compiled
    assert not chosen.wanted("def f():\n    return 1\n")
