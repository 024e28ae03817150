"""Cheap text scans that decide which modules are worth a LibCST parse.

A module is parsed with metadata only when its text names something a code rule looks for, or when
it imports (transitively, within the project) a module that does: the rest of a large project is
never parsed. Rules that need new words add them to `VOCABULARY`.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Iterable

# Words whose absence proves a module holds no fact any code rule reports.
VOCABULARY = (
    "boto3", "botocore", "Session", "connect", "Redis", "redis", "MongoClient", "create_engine",
    "httpx", "urllib3", "PoolManager", "OpenSearch", "Elasticsearch", "get_parameter",
    "get_secret_value", "get_configuration", "get_latest_configuration", "load", "read_csv",
    "read_parquet", "global", "environ", "getenv",
)
# LL107 only reports state a module binds itself to a list/dict/set (or declares `global`).
_MUTABLE_BINDING = re.compile(
    r"^[A-Za-z_]\w*[ \t]*(?::[^=\n]*)?=[ \t]*(?:\[|\{|set\(|dict\(|list\(|(?:collections\.)?"
    r"(?:defaultdict|deque|OrderedDict|Counter)\()", re.M)
_VOCABULARY_RE = re.compile("|".join(re.escape(w) for w in VOCABULARY))
# LL313 reads string literals bound to names: a module is worth parsing when it holds a credential
# format or a secret-ish name bound to a string literal (`DB_PASSWORD = "`, `api_key="`).
_SECRET_HINT = re.compile(
    r"AKIA|ASIA|-----BEGIN|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|hooks\.slack\.com|[sr]k_live_|"
    r"sk_test_|whsec_|\bsk-|eyJ|://[^\s'\"/@:]*:[^\s'\"/@]+@|"
    r"(?i:pass(?:word|wd)?|pwd|secret|token|api_?key|private_?key|credentials?)\w*['\"]?[ \t]*(?::[ \t]*[\w.\[\], |]*)?[:=][ \t]*[rbuRBU]?['\"]")
_IMPORT_RE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)|import[ \t]+([^\n#]+))", re.M)
_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


def names_anything(text: str) -> bool:
    return _VOCABULARY_RE.search(text) is not None or _MUTABLE_BINDING.search(text) is not None \
        or _SECRET_HINT.search(text) is not None


def imported_modules(text: str) -> list[tuple[int, str]]:
    """(relative level, dotted name) for each module an import statement may load.

    `from a import b` yields both `a` and `a.b` (b may be a submodule); unresolvable names are
    dropped later by the module map.
    """
    found: list[tuple[int, str]] = []
    for match in _IMPORT_RE.finditer(text):
        source, names, plain = match.groups()
        if plain is not None:
            for part in plain.split(","):
                name = part.strip().split(" as ")[0].strip()
                if name:
                    found.append((0, name))
            continue
        level = len(source) - len(source.lstrip("."))
        base = source[level:]
        if base:
            found.append((level, base))
        for part in (names or "").split(","):
            name = part.strip().split(" as ")[0].strip().rstrip("\\").strip()
            if name and name != "*" and name.isidentifier():
                found.append((level, f"{base}.{name}" if base else name))
    return found


def handler_shaped(text: str, patterns: Iterable[str]) -> list[str]:
    """Names of module-level `def`s whose name matches a handler pattern (the signature is checked later)."""
    names = re.findall(r"^(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", text, re.M)
    patterns = tuple(patterns)
    return [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]


def is_test_file(posix_path: str) -> bool:
    return _TEST_FILE.search(posix_path) is not None
