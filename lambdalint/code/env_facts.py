"""Environment facts: reads and writes of `os.environ` / `os.getenv` (`EnvFact`, LL109, LL205)."""

from __future__ import annotations

import re

import libcst as cst

from lambdalint.code.bindings import string_value
from lambdalint.code.facts import EnvFact
from lambdalint.code.walkstate import WalkState

_READS = frozenset({"os.environ.get", "os.getenv"})
_WRITES = frozenset({"os.environ.setdefault", "os.putenv", "os.environ.update"})


class EnvFacts(WalkState):
    def visit_Subscript(self, node: cst.Subscript) -> None:
        if "os.environ" in self._names(node.value) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            kind = "write" if self._is_store(node) else "read"
            self._env(key, kind, False, node, raises=True)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        # `os.getenv("X") is not None` outside an `if` (`local = ... is not None`): a presence test
        if len(node.comparisons) == 1 and isinstance(node.comparisons[0].operator, (cst.Is, cst.IsNot)) and \
                isinstance(node.comparisons[0].comparator, cst.Name) and node.comparisons[0].comparator.value == "None":
            self.defaulted.add(id(node.left))

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):  # `not os.getenv("X")`: a presence test
            self.defaulted.add(id(node.expression))

    def _is_store(self, node: cst.Subscript) -> bool:
        stmt = self.current_statement
        if stmt is None:
            return False
        for small in stmt.body:
            if isinstance(small, cst.Assign) and any(t.target is node for t in small.targets):
                return True
            if isinstance(small, (cst.AugAssign, cst.AnnAssign)) and small.target is node:
                return True
            if isinstance(small, cst.Del) and small.target is node:
                return True
        return False

    def _env(self, key: str | None, kind: str, has_default: bool, node: cst.CSTNode, raises: bool = False) -> None:
        """`raises`: a read that raises when the variable is unset (`os.environ["X"]`), which a
        `try ... except KeyError` around it handles; `.get()` and `getenv` never raise."""
        fn = self.function
        guarded = any(("*" in g and raises) or (key is not None and key in g) for g in self.env_guards)
        target = None
        stmt = self.current_statement
        if kind == "read" and stmt is not None and len(stmt.body) == 1:
            small = stmt.body[0]
            value = getattr(small, "value", None)
            if value is node and isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if len(targets) == 1 and isinstance(targets[0], cst.Name):
                    target = targets[0].value
        # a default or a presence test makes only a read that cannot raise optional:
        # `os.environ["X"] or "d"` and `bool(os.environ["X"])` still raise when `X` is unset
        self.facts.env.append(EnvFact(key, kind, has_default or (id(node) in self.defaulted and not raises),
                                      self._span(node), fn.qualname if fn else None, guarded, target))
        if target is not None and not raises:
            if fn is not None and self.env_pending:
                self.env_pending[-1].append(len(self.facts.env) - 1)
            elif fn is None and not self.classes:
                self.env_module_pending.append(len(self.facts.env) - 1)

    def _env_enter_function(self) -> None:
        self.env_pending.append([])

    def _env_leave_function(self, node: cst.FunctionDef) -> None:
        """A `.get()` read into a local the function never reads again cannot fail anything
        (copy-pasted dead code): marked `unused`. Counted in the function's text, so a mention in a
        string or a comment keeps it used, never the other way round. One the function uses only
        where it is set (`if fallback_key:`) is read as optional: guarded. Not one it refuses to go on
        without (`if not queue_url: return 500`): that one is required."""
        pending = self.env_pending.pop()
        fn = self.function
        if not pending or fn is None:
            return
        text = self.positions.source(node)
        for index in pending:
            fact = self.facts.env[index]
            name = fact.target or ""
            mentions = _mentions(name, text)
            if mentions <= fn.assigned.get(name, 0) and name not in fn.globals:
                self.facts.env[index] = fact._replace(unused=True)
            elif name and _used_when_set(name, text):
                self.facts.env[index] = fact._replace(guarded=True)

    def _env_leave_module(self, node: cst.Module) -> None:
        """The same for a `.get()` read into a module global the module never mentions again
        (`QUEUE_URL = os.environ.get("QUEUE_URL")` left behind): marked `unused`, which LL109 takes
        only where no other analysed module names the global either (it may import it). One the
        module tests for being set (`if DLQ_URL:`, `DLQ_URL is None`) is read as optional: guarded,
        as `if os.getenv("DLQ_URL"):` is."""
        if not self.env_module_pending:
            return
        text = self.positions.source(node)
        for index in self.env_module_pending:
            fact = self.facts.env[index]
            name = fact.target or ""
            if _mentions(name, text) <= 1:
                self.facts.env[index] = fact._replace(unused=True)
            elif _tested(name, text):
                self.facts.env[index] = fact._replace(guarded=True)

    def _env_call(self, node: cst.Call, names: set[str]) -> None:
        read = names & _READS
        write = names & _WRITES
        if not read and not write:
            return
        positional = [a for a in node.args if a.keyword is None]
        key = string_value(positional[0].value) if positional else None
        self._env(key, "read" if read else "write", len(node.args) > 1, node)

    def _presence_call(self, node: cst.Call, names: set[str]) -> None:
        """`bool(os.environ.get("X"))`: a presence test of `X`, not a use of its value."""
        if "builtins.bool" in names and len(node.args) == 1 and node.args[0].keyword is None:
            self.defaulted.add(id(node.args[0].value))


def _tested(name: str, text: str) -> bool:
    """Whether `text` tests `name` for being set: `if name`, `if not name`, `and name`, `name is
    None`, `name is not None`, `name == None`."""
    return any(_tests(name, text))


def _used_when_set(name: str, text: str) -> bool:
    """Whether `text` acts on `name` where it is set (`if name:`, `name is not None`), which makes
    it optional, and never refuses to go on without it (`if not name:`, `name is None`)."""
    when_set, when_unset = _tests(name, text)
    return when_set and not when_unset


# What may come before and after a name where code tests it (`_tests`). The name itself is
# found with `str.find`, not in a pattern of its own: the two patterns compiled per variable, in
# every code worker of every run, were ~12 ms of the ~193 ms that analysing the shared Terraform
# projects' handlers took (bench/README.md, "Issue 14 in the eleventh stop").
_PART_OF_NAME = re.compile(r"[\w.]")  # before a name, makes it the end of another (`x.name`, `my_name`)
_WORD_CHAR = re.compile(r"\w")
_SPACE = re.compile(r"\s")
_END_OF_NAME = re.compile(r"\b")
_TRUTH_KEYWORDS = frozenset({"if", "elif", "while", "and", "or"})
_AFTER_TRUTH = re.compile(r"\s*(?::|and\b|or\b|$)", re.MULTILINE)  # `if name:`, `if name and ...`
_AFTER_SET = re.compile(r"\s+is\s+not\s+None\b|\s*!=\s*None\b")
_AFTER_UNSET = re.compile(r"\s+is\s+None\b|\s*==\s*None\b")


def _mentions(name: str, text: str) -> int:
    """How often `text` mentions `name` as a whole name, not part of another (`x.name`, `name_2`)."""
    if not name:
        return len(re.findall(r"(?<![\w.])\b", text))
    count, at = 0, text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _PART_OF_NAME.match(text, at - 1)) and _END_OF_NAME.match(text, end):
            count += 1
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)
    return count


def _tests(name: str, text: str) -> tuple[bool, bool]:
    """Whether `text` tests `name` for being set (`if name:`, `name is not None`), and for being
    unset (`if not name:`, `name is None`, `name == None`)."""
    if not name:
        return _tests_of_nothing(text)
    when_set = when_unset = False
    at = text.find(name)
    while at >= 0 and not (when_set and when_unset):
        end = at + len(name)
        negated = _after_truth_keyword(text, at)
        if negated is not None and _AFTER_TRUTH.match(text, end):
            when_unset = when_unset or negated
            when_set = when_set or not negated
        if at == 0 or not _PART_OF_NAME.match(text, at - 1):
            when_set = when_set or _AFTER_SET.match(text, end) is not None
            when_unset = when_unset or _AFTER_UNSET.match(text, end) is not None
        at = text.find(name, at + 1)
    return when_set, when_unset


def _after_truth_keyword(text: str, at: int) -> bool | None:
    """Whether the name at `at` follows `if` / `elif` / `while` / `and` / `or` and white space
    (False), or those and `not` (True); None where it follows neither."""
    start = _word_before(text, at)
    if start is None:
        return None
    word = text[start[0]:start[1]]
    if word == "not":
        start = _word_before(text, start[0])
        if start is None:
            return None
        word, negated = text[start[0]:start[1]], True
    else:
        negated = False
    if word not in _TRUTH_KEYWORDS or (start[0] > 0 and _PART_OF_NAME.match(text, start[0] - 1)):
        return None
    return negated


def _word_before(text: str, at: int) -> tuple[int, int] | None:
    """The word that ends where the white space before `at` begins, at most five letters long
    (the longest of `_after_truth_keyword`'s); None without white space or such a word."""
    end = at
    while end > 0 and _SPACE.match(text, end - 1):
        end -= 1
    if end == at:
        return None
    start = end
    while start > 0 and end - start <= 5 and _WORD_CHAR.match(text, start - 1):
        start -= 1
    return (start, end) if start < end and end - start <= 5 else None


def _tests_of_nothing(text: str) -> tuple[bool, bool]:
    """`_tests` for an empty name, as the patterns it was written as read it."""
    truth = r"(?<![\w.])(?:if|elif|while|and|or)\s+{}\s*(?::|and\b|or\b|$)"
    when_set = re.search(truth.format("") + r"|(?<![\w.])\s+is\s+not\s+None\b|(?<![\w.])\s*!=\s*None\b",
                         text, re.MULTILINE)
    when_unset = re.search(truth.format(r"not\s+") + r"|(?<![\w.])\s+is\s+None\b|(?<![\w.])\s*==\s*None\b",
                           text, re.MULTILINE)
    return when_set is not None, when_unset is not None
