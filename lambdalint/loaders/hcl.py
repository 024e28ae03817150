"""HCL2 (Terraform) files into blocks whose attributes evaluate to `Located` values.

The parser is tree-sitter-hcl: every node carries its line and column (findings point at the
attribute or list item), it reads the 183 shared `.tf` files in about 0.1 s, and a syntax error is
a node with a position rather than an exception (see bench/README.md, "Terraform"). It is
imported here only, and this module only when a run meets a Terraform file.

Evaluation is deliberately partial: literals, collections, `var.x` and `local.x` with known values,
string templates whose every part is known, `jsonencode(...)`, `file()` / `templatefile()` of a
project file. A reference to another resource's attribute keeps its text with origin
`unresolved` (so triggers can still link a queue's ARN to its mapping); anything else is
`unresolved` as well, never guessed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from lambdalint.located import Located, Span

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")
_TEMPLATE_VAR = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


class Attribute:
    """`name = expression`. Its tree-sitter node is let go with the file's tree (`HclFile.release`)
    and found again, in a parse of the file made for it, if the attribute is evaluated later."""

    __slots__ = ("name", "key_span", "_node", "file", "json", "_range")

    def __init__(self, name: str, key_span: Span, node: Any, file: HclFile, json: Located | None = None) -> None:
        self.name = name
        self.key_span = key_span
        self._node = node  # the tree-sitter `expression` node; None in a `.tf.json` file
        self.file = file
        self.json = json  # the value as written in a `.tf.json` file
        self._range: tuple[int, int] | None = None  # where the node was, once it was let go

    @property
    def node(self) -> Any:
        node = self._node
        if node is None and self._range is not None:
            node = self._node = self.file.node_at(self._range, "expression", "attribute")
        return node

    def release(self) -> None:
        node = self._node
        if node is not None:
            self._range, self._node = (node.start_byte, node.end_byte), None

    def evaluate(self, scope: Scope) -> Located:
        if self.json is not None:
            return _json_value(self.json, scope)
        return evaluate(self.node, self.file, scope)

    def __repr__(self) -> str:
        return f"Attribute({self.name!r}, {self.key_span!r})"


class Block:
    """`type "label" "label" { ... }` with its attributes and nested blocks in source order.

    A parsed block's body is read from the tree the first time `attributes` or `blocks` is asked
    for: most blocks of a project (subnets, route tables, buckets) are never evaluated, and reading
    every body was a tenth of loading the shared Terraform projects. A body not read when the file's
    tree is let go (`HclFile.release`) is kept as its byte range, and read from a new parse of the
    file if it is asked for later."""

    __slots__ = ("type", "labels", "span", "file", "_attributes", "_blocks", "_body")

    def __init__(self, type: str, labels: list[str], span: Span, file: HclFile,  # noqa: A002 - HCL's word
                 attributes: dict[str, Attribute] | None = None, blocks: list[Block] | None = None,
                 body: Any = None) -> None:
        self.type = type
        self.labels = labels
        self.span = span  # the header line, from the type to `{`
        self.file = file
        self._attributes = {} if attributes is None else attributes
        self._blocks = [] if blocks is None else blocks
        self._body = body  # the tree-sitter `body` node not read yet, or its byte range once let go

    @property
    def attributes(self) -> dict[str, Attribute]:
        if self._body is not None:
            self._fill()
        return self._attributes

    @property
    def blocks(self) -> list[Block]:
        if self._body is not None:
            self._fill()
        return self._blocks

    def _fill(self) -> None:
        body, self._body = self._body, None
        if type(body) is tuple:
            body = self.file.node_at(body, "body", "block")
        _fill(self, body, self.file)

    def release(self) -> None:
        body = self._body
        if body is not None:  # not read: nothing below it was made
            if type(body) is not tuple:
                self._body = (body.start_byte, body.end_byte)
            return
        for attribute in self._attributes.values():
            attribute.release()
        for block in self._blocks:
            block.release()

    def may_set(self, name: str) -> bool:
        """False when the block certainly has no attribute `name`; a body not read yet is not read
        for it where its text never names it (`count` on each resource of a module)."""
        body = self._body
        if body is not None:
            start, end = body if type(body) is tuple else (body.start_byte, body.end_byte)
            if self.file.data.find(name.encode(), start, end) < 0:
                return False
        return name in self.attributes

    def children(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]

    def child(self, kind: str) -> Block | None:
        found = self.children(kind)
        return found[0] if found else None

    def __repr__(self) -> str:
        return f"Block({self.type!r}, {self.labels!r}, {self.span!r})"


@dataclass
class HclFile:
    path: Path
    display: str
    text: str
    data: bytes
    body: Block
    error: tuple[int, int] | None = None  # (line, column) of the first syntax error
    error_detail: str = ""  # what is wrong there, where the parse says (`unexpected `,`...`)
    _tree: Any = field(default=None, repr=False)  # a parse made after `release`, for what is read late

    @property
    def error_message(self) -> str:
        """The LL001 message for `error`: `HCL syntax error: unexpected `,`...`."""
        kind = "Terraform JSON" if self.path.name.endswith(".json") else "HCL"
        return f"{kind} syntax error" + (f": {self.error_detail}" if self.error_detail else "")

    def release(self) -> None:
        """Let go of the parse tree, once what the run builds from this file is built: a tree takes
        ~70 bytes of memory per byte of source, and a run that kept every file's tree grew by 32 MB
        on the shared Terraform projects, page by page, which was a sixth of parsing them
        (bench/README.md, "Issue 14 in the eleventh stop"). What is read afterwards is read from a
        new parse of the file (`node_at`)."""
        self.body.release()

    def node_at(self, where: tuple[int, int], kind: str, parent: str) -> Any:
        """The `kind` node at byte range `where` whose parent is a `parent` node, in a new parse of
        the file (the same text: the same tree)."""
        if self._tree is None:
            self._tree = _parser().parse(self.data)
        start, end = where
        node = self._tree.root_node.descendant_for_byte_range(start, end)
        while node is not None and not (node.type == kind and node.start_byte == start and node.end_byte == end
                                        and node.parent is not None and node.parent.type == parent):
            node = node.parent
        return node

    def span(self, node: Any) -> Span:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        return _new_span(Span, (self.display, row + 1, col + 1, end_row + 1, end_col + 1))

    def text_of(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")


_new_span = tuple.__new__  # a `Span` without the named tuple's keyword-taking `__new__`, per node


def parse(path: Path, display: str, text: str) -> HclFile:
    data = text.encode("utf-8")
    tree = _parser().parse(data)
    root = tree.root_node
    top = Block("", [], Span.point(display, 1), None)  # type: ignore[arg-type]
    hcl = HclFile(path, display, text, data, top)
    top.file = hcl
    if root.has_error:
        line, column, hcl.error_detail = _first_error(root, hcl)
        hcl.error = line, column
    body = next((c for c in root.children if c.type == "body"), None)
    if body is not None:
        _fill(top, body, hcl)
    return hcl


# Terraform 0.11 (HCL1) put commas between a block's arguments and blocks; HCL2 ends each with a
# new line, and reads every such comma as a syntax error (supermonk/terraform-aws-recipes).
_HCL1_COMMA = ("; Terraform 0.12 and later end an argument or a block with a new line, not a comma "
               "(Terraform 0.11 syntax: `terraform 0.12upgrade` rewrites it)")
_MISSING = {"}": "`}`", "]": "`]`", ")": "`)`", "block_end": "`}`", "quoted_template_end": 'a closing `"`'}
_OPENING = frozenset({"=", "(", "[", "{"})


def _first_error(root: Any, hcl: HclFile) -> tuple[int, int, str]:
    """Where the first syntax error is, and what the parse says of it.

    Tree-sitter's recovery may wrap a whole block in an ERROR node that starts at the block's
    header, although what it could not place comes much later (a comma after an argument): the
    place is the earliest of a token an ERROR node holds as one it could not place (its unnamed
    children, and the words it kept as heredoc names), an ERROR node's start where it holds none,
    and a token the parse found missing."""
    best: tuple[tuple[int, int], str] | None = None
    stack = [root]
    while stack:
        node = stack.pop()
        found: tuple[tuple[int, int], str] | None = None
        if node.is_missing:
            found = (node.start_point[0], node.start_point[1]), (f"missing {_MISSING[node.type]}"
                                                                 if node.type in _MISSING else "")
        elif node.type == "ERROR":
            # a word the grammar could not place is kept as a `heredoc_identifier` (`timeout 30`); a
            # token that opens something (`=`, `(`, `[`, `{`) is where an unfinished construct began,
            # not what the parse could not take (`{ type = number; default = 30 }`: the `;`)
            token = next((c for c in node.children if (not c.is_named and c.type not in _OPENING)
                          or c.type == "heredoc_identifier"), None)
            if token is None:
                found = (node.start_point[0], node.start_point[1]), ""
            else:
                text = token.type if not token.is_named else hcl.text_of(token)[:40]
                if not text:  # an empty node at a character no token starts with (`;`)
                    text = hcl.data[token.start_byte:token.start_byte + 1].decode("utf-8", "replace").strip()
                found = (token.start_point[0], token.start_point[1]), (f"unexpected `{text}`" + (
                    _HCL1_COMMA if text == "," else "")) if text.strip() else ""
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        if node.has_error:
            stack.extend(reversed(node.children))  # the first of two at one place is the one reported
    if best is None:
        return root.start_point[0] + 1, 1, ""
    (row, column), detail = best
    return row + 1, column + 1, detail


def _fill(block: Block, body: Any, hcl: HclFile) -> None:
    for child in body.children:
        kind = child.type
        if kind == "attribute":
            parts = child.children  # `name = expression`: the expression is last but for a comment
            name_node, expression = parts[0], parts[-1]
            if expression.type != "expression":
                expression = next((c for c in parts if c.type == "expression"), None)
            if expression is not None:
                name = hcl.text_of(name_node)
                block._attributes[name] = Attribute(name, hcl.span(name_node), expression, hcl)
        elif kind == "block":
            labels, header_end, inner = [], child, None
            kind = hcl.text_of(child.children[0])
            for part in child.children[1:]:
                if part.type == "string_lit":
                    labels.append(literal_text(hcl.text_of(part)[1:-1]))
                elif part.type == "identifier":
                    labels.append(hcl.text_of(part))
                elif part.type == "block_start":
                    header_end = part
                elif part.type == "body":
                    inner = part
            start = child.start_point
            end = header_end.end_point
            span = _new_span(Span, (hcl.display, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1))
            block._blocks.append(Block(kind, labels, span, hcl, body=inner))


def literal_text(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), raw)


# ---------------------------------------------------------------- evaluation


@dataclass
class Scope:
    """What names mean inside one module: `var.*`, `local.*`, the module's folder and the root
    module's (`root`, when another module's call loaded this one). Terraform reads a relative path
    from the root module's folder, where it runs, wherever the path is written: `path.module` is
    the module's folder relative to the root's, as Terraform gives it."""

    folder: Path
    root: Path | None = None
    variables: dict[str, Located] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    read_file: Callable[[Path], tuple[str, str] | None] = lambda path: None  # -> (display, text)
    # one instance of a `count` / `for_each` block: `count.index`, `each.key`, `each.value`
    instance: dict[str, Located] = field(default_factory=dict)
    # the names a `for` expression binds while its items are evaluated (`k`, `v`)
    loop: dict[str, Located] = field(default_factory=dict)
    _local_values: dict[str, Located] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)

    @property
    def base(self) -> Path:
        """The folder relative paths are read from: the root module's."""
        return self.root or self.folder

    def local(self, name: str) -> Located | None:
        if name in self._local_values:
            return self._local_values[name]
        attribute = self.locals.get(name)
        if attribute is None or name in self._evaluating:
            return None
        self._evaluating.add(name)
        try:
            value = attribute.evaluate(self)
        finally:
            self._evaluating.discard(name)
        self._local_values[name] = value
        return value


def evaluate(node: Any, hcl: HclFile, scope: Scope) -> Located:
    """The value of an `expression` node; `unresolved` with its text when it is not static."""
    kind = node.type
    if kind == "expression":  # a wrapper: its one child is the value (no span made for it)
        children = node.children
        if len(children) == 1:
            return evaluate(children[0], hcl, scope)
        if children and children[0].type == "variable_expr":
            return _reference(node, hcl, scope)
        return _unresolved(node, hcl)
    if kind == "collection_value":
        return evaluate(node.children[0], hcl, scope)
    span = hcl.span(node)
    if kind == "literal_value":
        return _literal(node.children[0], hcl, span)
    if kind == "template_expr":
        return _template(node.children[0], hcl, scope, span)
    if kind == "tuple":
        return Located([evaluate(c, hcl, scope) for c in node.children if c.type == "expression"], span)
    if kind == "object":
        return _object(node, hcl, scope, span)
    if kind == "function_call":
        return _call(node, hcl, scope, span)
    if kind == "variable_expr":
        return _reference(node, hcl, scope)
    if kind == "operation" and node.children and node.children[0].type == "unary_operation":
        return _negative(node.children[0], hcl, scope, span)
    if kind == "operation" and node.children and node.children[0].type == "binary_operation":
        return _binary(node.children[0], hcl, scope, span)
    if kind == "conditional":
        return _conditional(node, hcl, scope)
    if kind == "for_expr":
        return _for(node, hcl, scope, span)
    if kind == "parenthesized_expression" or kind == "parenthesized":
        inner = next((c for c in node.children if c.type == "expression"), None)
        return evaluate(inner, hcl, scope) if inner is not None else _unresolved(node, hcl)
    return _unresolved(node, hcl)


def _negative(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    """`-1` (the only operation settings use: "no reserved concurrency")."""
    operator, operand = (node.children + [None, None])[:2]
    if operator is not None and hcl.text_of(operator) == "-" and operand is not None:
        value = evaluate(operand, hcl, scope)
        if value.is_literal and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
            return Located(-value.value, span)
    return _unresolved(node, hcl)


def _conditional(node: Any, hcl: HclFile, scope: Scope) -> Located:
    """`cond ? a : b` when the condition is known (`count = var.schedule != "" ? 1 : 0`)."""
    parts = [c for c in node.children if c.type == "expression"]
    if len(parts) == 3:
        condition = evaluate(parts[0], hcl, scope)
        if condition.is_literal and isinstance(condition.value, bool):
            return evaluate(parts[1] if condition.value else parts[2], hcl, scope)
    return _unresolved(node, hcl)


def _for(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    """`[for v in xs : ...]` / `{for k, v in m : k => ...}` over a known collection, each item's
    expressions evaluated with the loop's names bound (`{for k in local.keys : k => lookup(var.routes,
    k)}`); items keep their own values, known or not. Unresolved where the collection, a key or an
    `if` is not known, or the object groups its values (`...`)."""
    inner = node.children[0] if node.children else None
    intro = next((c for c in inner.children if c.type == "for_intro"), None) if inner is not None else None
    collection = next((c for c in intro.children if c.type == "expression"), None) if intro is not None else None
    if collection is None or any(c.type == "ellipsis" for c in inner.children):
        return _unresolved(node, hcl)
    value = evaluate(collection, hcl, scope)
    if value.origin == "unresolved" or not isinstance(value.value, (list, dict)):
        return _unresolved(node, hcl)
    names = [hcl.text_of(c) for c in intro.children if c.type == "identifier"]
    parts = [c for c in inner.children if c.type == "expression"]  # `k => v` of an object, `v` of a tuple
    condition = next((c for c in inner.children if c.type == "for_cond"), None)
    test = next((c for c in condition.children if c.type == "expression"), None) if condition is not None else None
    is_object = inner.type == "for_object_expr"
    if len(names) not in (1, 2) or len(parts) != (2 if is_object else 1) or (condition is not None and test is None):
        return _unresolved(node, hcl)
    items = sorted(value.value.items()) if isinstance(value.value, dict) else list(enumerate(value.value))
    found: dict[str, Located] | list[Located] = {} if is_object else []
    for key, item in items:  # a map's keys in lexical order, as Terraform iterates them
        bound = {names[0]: item} if len(names) == 1 else \
            {names[0]: Located(key, item.span), names[1]: item}
        inside = replace(scope, loop={**scope.loop, **bound})
        if test is not None:
            kept = evaluate(test, hcl, inside)
            if not kept.is_literal or not isinstance(kept.value, bool):
                return _unresolved(node, hcl)
            if not kept.value:
                continue
        result = evaluate(parts[-1], hcl, inside)
        if isinstance(found, list):
            found.append(result)
            continue
        name = evaluate(parts[0], hcl, inside)
        if not name.is_literal or isinstance(name.value, (bool, dict, list)) or name.value is None:
            return _unresolved(node, hcl)
        text = name.value if isinstance(name.value, str) else _as_text(name.value)
        if text in found:
            return _unresolved(node, hcl)  # Terraform refuses a duplicate key without `...`
        found[text] = result.but(key_span=hcl.span(parts[0]))
    return Located(found, span)


_OPERATORS = frozenset({"==", "!=", "&&", "||", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"})


def _binary(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    """`a == b`, `a != b`, `a && b`, `a || b` of known values (what a `count` switch is made of),
    ordering and arithmetic of known numbers (`visibility_timeout_seconds = 900 + 60`)."""
    children = node.children
    at = next((i for i, c in enumerate(children) if c.type in _OPERATORS), None)
    if at is None or at == 0 or at == len(children) - 1:
        return _unresolved(node, hcl)
    left, right = _operand(children[:at], hcl, scope), _operand(children[at + 1:], hcl, scope)
    if not (left.is_literal and right.is_literal):
        return _unresolved(node, hcl)
    operator = children[at].type
    if operator in ("==", "!="):
        same = left.value == right.value and type(left.value) is type(right.value) or \
            (isinstance(left.value, (int, float)) and isinstance(right.value, (int, float))
             and not isinstance(left.value, bool) and not isinstance(right.value, bool) and left.value == right.value)
        return Located(same if operator == "==" else not same, span)
    if isinstance(left.value, bool) and isinstance(right.value, bool) and operator in ("&&", "||"):
        return Located(left.value and right.value if operator == "&&" else left.value or right.value, span)
    if operator in ("<", ">", "<=", ">=") and _number(left) and _number(right):
        a, b = left.value, right.value
        return Located(a < b if operator == "<" else a > b if operator == ">" else a <= b if operator == "<=" else a >= b,
                       span)
    if operator in ("+", "-", "*", "/", "%") and _number(left) and _number(right):
        a, b = left.value, right.value
        if operator in ("/", "%") and b == 0:
            return _unresolved(node, hcl)  # Terraform's error, not a value
        result = a + b if operator == "+" else a - b if operator == "-" else a * b if operator == "*" else \
            a % b if operator == "%" else (a // b if isinstance(a, int) and isinstance(b, int) and a % b == 0 else a / b)
        return Located(result, span)
    return _unresolved(node, hcl)


def _number(value: Located) -> bool:
    return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)


def _operand(nodes: list[Any], hcl: HclFile, scope: Scope) -> Located:
    """One side of a binary operation: a node, or a reference the grammar leaves in pieces
    (`var` `.schedule`)."""
    if len(nodes) == 1:
        return evaluate(nodes[0], hcl, scope)
    if nodes[0].type == "variable_expr":
        first, last = nodes[0], nodes[-1]
        text = hcl.data[first.start_byte:last.end_byte].decode("utf-8", "replace")
        span = Span(hcl.display, first.start_point[0] + 1, first.start_point[1] + 1,
                    last.end_point[0] + 1, last.end_point[1] + 1)
        return _reference_text(text, span, scope)
    return Located(" ".join(hcl.text_of(n) for n in nodes), hcl.span(nodes[0]), "unresolved")


def _unresolved(node: Any, hcl: HclFile) -> Located:
    return Located(hcl.text_of(node), hcl.span(node), "unresolved")


def _literal(node: Any, hcl: HclFile, span: Span) -> Located:
    text = hcl.text_of(node)
    if node.type == "numeric_lit":
        try:
            return Located(int(text), span)
        except ValueError:
            try:
                return Located(float(text), span)
            except ValueError:
                return Located(text, span, "unresolved")
    if node.type == "bool_lit":
        return Located(text == "true", span)
    if node.type == "null_lit":
        return Located(None, span)
    if node.type == "string_lit":
        return Located(literal_text(text[1:-1]), span)
    return Located(text, span, "unresolved")


def _template(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    """A quoted or heredoc template: a string when every interpolation is known."""
    if node.type == "heredoc_template":
        return _heredoc(node, hcl, scope, span)
    inner = [c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")]
    if len(inner) == 1 and inner[0].type == "template_interpolation":
        # `"${aws_iam_role.x.arn}"` is the expression itself (Terraform 0.11 style), not a string
        expression = next((c for c in inner[0].children if c.type == "expression"), None)
        if expression is not None:
            return evaluate(expression, hcl, scope)
    parts: list[str] = []
    for child in node.children:
        if child.type == "template_literal":
            parts.append(literal_text(hcl.text_of(child)))
        elif child.type == "template_interpolation":
            value = _interpolated(child, hcl, scope)
            if value is None:
                return Located(hcl.text_of(node), span, "unresolved")
            parts.append(value)
        elif child.type in ("template_directive", "template_for", "template_if"):
            return Located(hcl.text_of(node), span, "unresolved")
    return Located("".join(parts), span)


def _interpolated(node: Any, hcl: HclFile, scope: Scope) -> str | None:
    inner = next((c for c in node.children if c.type == "expression"), None)
    value = evaluate(inner, hcl, scope) if inner is not None else None
    if value is None or not value.is_literal or value.value is None:
        return None
    return _as_text(value.value)


def _heredoc(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    """The body between `<<EOT` and `EOT` as written (the grammar drops some whitespace from its
    literal nodes), interpolations replaced; `<<-` strips the common indentation."""
    identifiers = [c for c in node.children if c.type == "heredoc_identifier"]
    if len(identifiers) < 2:
        return Located(hcl.text_of(node), span, "unresolved")
    start, end = identifiers[0].end_byte, identifiers[-1].start_byte
    pieces: list[str] = []
    cursor = start
    known = True
    for child in node.children:
        if child.type in ("template_directive", "template_for", "template_if"):
            return Located(hcl.text_of(node), span, "unresolved")
        if child.type == "template_interpolation":
            value = _interpolated(child, hcl, scope)
            pieces.append(hcl.data[cursor:child.start_byte].decode("utf-8", "replace"))
            # An unknown part keeps its `${...}` text and makes the whole value unresolved; a
            # JSON policy around it can still be read (`json_document` marks such strings).
            pieces.append(hcl.text_of(child) if value is None else value)
            known = known and value is not None
            cursor = child.end_byte
    pieces.append(hcl.data[cursor:end].decode("utf-8", "replace"))
    text = "".join(pieces)
    text = text[text.index("\n") + 1:] if "\n" in text else ""
    text = text[:text.rindex("\n") + 1] if "\n" in text else ""  # the closing line's indentation
    if hcl.text_of(node.children[0]).startswith("<<-"):
        text = _dedent(text)
    # The body starts on the line after `<<EOT`: JSON read from it keeps its lines.
    line = identifiers[0].end_point[0] + 2
    return Located(text, Span(hcl.display, line, 1, identifiers[-1].start_point[0] + 1, 1),
                   "explicit" if known else "unresolved")


def _dedent(text: str) -> str:
    lines = text.split("\n")
    widths = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(l[cut:] for l in lines)


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _object(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    entries: dict[str, Located] = {}
    for elem in node.children:
        if elem.type != "object_elem":
            continue
        key_node = elem.child_by_field_name("key")
        val_node = elem.child_by_field_name("val")
        if key_node is None or val_node is None:
            continue
        key_text = hcl.text_of(key_node).strip()
        if key_text.startswith('"') and key_text.endswith('"') and "${" not in key_text:
            key = literal_text(key_text[1:-1])
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key_text):
            key = key_text
        else:
            return Located(hcl.text_of(node), span, "unresolved")  # a computed key
        entries[key] = evaluate(val_node, hcl, scope).but(key_span=hcl.span(key_node))
    return Located(entries, span)


def _reference(node: Any, hcl: HclFile, scope: Scope) -> Located:
    return _reference_text(hcl.text_of(node), hcl.span(node), scope)


def _reference_text(text: str, span: Span, scope: Scope) -> Located:
    indexed = _INDEXED.fullmatch(text)
    if indexed is not None:  # `local.policy_arns[count.index]`, `var.arns[0]`, `var.by_name["orders"]`
        found = _indexed(_reference_text(indexed["base"], span, scope), indexed["index"], span, scope)
        if found is not None:
            # one instance's item is where it is written: the instances of one block differ there
            return found if indexed["index"].split(".")[0] in ("count", "each") else _at_use(found, span)
        return Located(text, span, "unresolved")
    parts = text.split(".")
    if parts[0] in scope.loop and all(_NAME.fullmatch(p) for p in parts[1:]):
        looped: Located | None = scope.loop[parts[0]]
        for key in parts[1:]:  # an item's attribute: `v.arn`
            looped = looped.value.get(key) if looped is not None and looped.origin != "unresolved" \
                and isinstance(looped.value, dict) else None
        return looped if looped is not None else Located(text, span, "unresolved")
    if len(parts) >= 2 and all(_NAME.fullmatch(p) for p in parts[1:]) and (
            parts[0] in ("var", "local") or f"{parts[0]}.{parts[1]}" in scope.instance):
        if parts[0] in ("var", "local"):
            found = scope.variables.get(parts[1]) if parts[0] == "var" else scope.local(parts[1])
        else:
            found = scope.instance[f"{parts[0]}.{parts[1]}"]
        for key in parts[2:]:  # an object's attribute: `var.schedule_target.target_arn`
            found = found.value.get(key) if found is not None and found.origin != "unresolved" \
                and isinstance(found.value, dict) else None
        if found is not None and found.origin != "unresolved":
            return _at_use(found, span) if parts[0] in ("var", "local") else found
        if found is not None and isinstance(found.value, str) and (
                parts[0] == "local" and len(parts) == 2 or parts[0] not in ("var", "local")):
            # a local, or an instance's value, that names another resource or module output
            # (`python_modules_layer = module.layer.lambda_layer_arn`, `each.value.lambda_arn`) is
            # that reference wherever it is used; an instance's value keeps where it was written,
            # which says in whose names it is (a map of `module.fn.arn` the caller passed in)
            return Located(found.value, span if parts[0] == "local" else found.span, "unresolved")
    if text == "path.module":
        return Located(os.path.relpath(scope.folder, scope.base), span)
    if text in ("path.root", "path.cwd"):
        return Located(".", span)
    return Located(text, span, "unresolved")


_NAME = re.compile(r"[A-Za-z0-9_-]+")
_INDEXED = re.compile(r"(?P<base>[A-Za-z_][A-Za-z0-9_.-]*)\[\s*(?P<index>[^\[\]]+?)\s*\]")


def _indexed(collection: Located, index: str, span: Span, scope: Scope) -> Located | None:
    """`collection[index]` when both are known: a list by a whole number, a map by a string."""
    if collection.origin == "unresolved":
        return None
    if re.fullmatch(r"\d+", index):
        key: object = int(index)
    elif re.fullmatch(r'"[^"\\$]*"', index):
        key = index[1:-1]
    else:
        found = _reference_text(index, span, scope)
        key = found.value if found.origin != "unresolved" else None
    if isinstance(collection.value, list) and isinstance(key, int) and not isinstance(key, bool) \
            and 0 <= key < len(collection.value):
        return collection.value[key]
    if isinstance(collection.value, dict) and isinstance(key, str):
        return collection.value.get(key)
    return None


def _at_use(found: Located, span: Span) -> Located:
    """A variable's scalar value points at the line that uses it; a collection keeps its own
    lines (a policy's `"*"` item is where it is written)."""
    if isinstance(found.value, (dict, list)):
        return found
    return Located(found.value, span, found.origin)


def _call(node: Any, hcl: HclFile, scope: Scope, span: Span) -> Located:
    name = hcl.text_of(node.children[0])
    args_node = next((c for c in node.children if c.type == "function_arguments"), None)
    args = [c for c in args_node.children if c.type == "expression"] if args_node is not None else []
    if name == "jsonencode" and len(args) == 1:
        value = evaluate(args[0], hcl, scope)
        return Located(value.value, span, value.origin) if value.origin == "unresolved" else \
            _json_marked(value, span)
    if name in ("file", "templatefile") and args:
        path = evaluate(args[0], hcl, scope)
        if path.str_value() is not None:
            binding = evaluate(args[1], hcl, scope) if name == "templatefile" and len(args) > 1 else None
            return _read_file(scope, path.value, binding, span, hcl.text_of(node))
    if name in ("tostring", "tonumber", "tolist", "toset") and len(args) == 1:
        return evaluate(args[0], hcl, scope)
    if name in _COLLECTION_FUNCTIONS and args:
        found = _collection_call(name, [evaluate(a, hcl, scope) for a in args], span)
        if found is not None:
            return found
    if name == "element" and len(args) == 2:
        return _element(evaluate(args[0], hcl, scope), evaluate(args[1], hcl, scope), span, hcl.text_of(node))
    return Located(hcl.text_of(node), span, "unresolved")


def _element(items: Located, index: Located, span: Span, text: str) -> Located:
    """`element(list, i)`: the item of a known list (wrapping round, as Terraform does), or, of a
    list known only at deploy time that another resource or module gives (`element(module.fn.arns,
    0)`), the reference `module.fn.arns[0]`, which names what that list holds."""
    if isinstance(index.value, int) and index.origin != "unresolved" and not isinstance(index.value, bool):
        if isinstance(items.value, list) and items.origin != "unresolved" and items.value:
            return _at_use(items.value[index.value % len(items.value)], span)
        if items.origin == "unresolved" and isinstance(items.value, str) and _NAMED_LIST.fullmatch(items.value.strip()):
            return Located(f"{items.value.strip()}[{index.value}]", span, "unresolved")
    return Located(text, span, "unresolved")


_NAMED_LIST = re.compile(r"(?:module|data|aws_[a-z0-9_]+)\.[A-Za-z0-9_.\[\]*-]+")


_COLLECTION_FUNCTIONS = frozenset({"try", "coalesce", "length", "merge", "concat", "lookup", "setunion", "distinct",
                                   "flatten", "compact"})


def _collection_call(name: str, values: list[Located], span: Span) -> Located | None:
    """`try`, `coalesce`, `length`, `merge`, `concat`, `lookup` of known values; None when a value
    they depend on is not known (`try(var.x, "default")` with `var.x` unknown: `-var` may give it)."""
    if name in ("try", "coalesce"):
        for value in values:
            if value.origin == "unresolved":
                return None
            if name == "try" or value.value not in (None, ""):
                return value
        return None
    if any(value.origin == "unresolved" for value in values):
        return None
    if name == "length" and len(values) == 1 and isinstance(values[0].value, (list, dict, str)):
        return Located(len(values[0].value), span)
    if name == "merge" and all(isinstance(v.value, dict) for v in values):
        merged: dict[str, Located] = {}
        for value in values:
            merged.update(value.value)
        return Located(merged, span)
    if name == "concat" and all(isinstance(v.value, list) for v in values):
        return Located([item for value in values for item in value.value], span)
    if name in ("setunion", "distinct") and all(isinstance(v.value, list) for v in values) and \
            (name == "setunion" or len(values) == 1):
        # each item once, where it is first written (a set's order does not matter to a policy)
        items = [item for value in values for item in value.value]
        if any(not item.is_literal or isinstance(item.value, (dict, list)) for item in items):
            return None
        return Located(list({(type(i.value), i.value): i for i in reversed(items)}.values())[::-1], span)
    if name == "flatten" and len(values) == 1 and isinstance(values[0].value, list):
        return Located(_flattened(values[0].value), span)
    if name == "compact" and len(values) == 1 and isinstance(values[0].value, list):
        return Located([item for item in values[0].value if item.value not in (None, "")], span)
    if name == "lookup" and len(values) in (2, 3) and isinstance(values[0].value, dict) \
            and isinstance(values[1].value, str):
        found = values[0].value.get(values[1].value)
        return found if found is not None else values[2] if len(values) == 3 else None
    return None


def _flattened(items: list[Located]) -> list[Located]:
    return [leaf for item in items
            for leaf in (_flattened(item.value) if isinstance(item.value, list) else [item])]


def _json_marked(value: Located, span: Span) -> Located:
    """`jsonencode(x)`: the structure itself, so a policy's statements keep their own lines."""
    return Located(value.value, value.span if isinstance(value.value, (dict, list)) else span, value.origin)


def _read_file(scope: Scope, relative: str, binding: Located | None, span: Span, text: str) -> Located:
    read = scope.read_file(scope.base / relative)
    if read is None:
        return Located(text, span, "unresolved")
    display, content = read
    if binding is not None or "${" in content or "%{" in content:
        values = binding.value if binding is not None and isinstance(binding.value, dict) else {}
        missing = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal missing
            value = values.get(match.group(1))
            if value is None or not value.is_literal:
                missing = True
                return match.group(0)
            return _as_text(value.value)

        content = _TEMPLATE_VAR.sub(substitute, content)
        if missing or "${" in content or "%{" in content:
            return Located(text, span, "unresolved")
    return Located(content, Span(display, 1, 1, 1, 2))


def json_document(value: Located) -> Located | None:
    """A policy-like value as a structure: `jsonencode(...)` already is one; a JSON string (a
    heredoc, a `file()`) is parsed with its lines kept. None when it is neither."""
    if isinstance(value.value, dict):
        return value
    text = value.value if isinstance(value.value, str) else None
    if text is None or not text.lstrip().startswith("{") or \
            (value.origin == "unresolved" and value.span.line == value.span.end_line):
        return None  # an unresolved one-liner is an expression's text, not JSON
    from lambdalint.loaders.jsonnodes import LoadError, load_json

    try:
        parsed = load_json(text, value.span.path)
    except LoadError:
        return None
    return _shift(parsed, value.span.line - 1)


def _shift(node: Located, lines: int) -> Located:
    def moved(span: Span | None) -> Span | None:
        if span is None or lines == 0:
            return span
        return Span(span.path, span.line + lines, span.column, span.end_line + lines, span.end_column)

    origin = node.origin
    if isinstance(node.value, dict):
        value: object = {k: _shift(v, lines) for k, v in node.value.items()}
    elif isinstance(node.value, list):
        value = [_shift(v, lines) for v in node.value]
    else:
        value = node.value
        if isinstance(value, str) and "${" in value:
            origin = "unresolved"  # a Terraform interpolation inside the JSON: not a literal
    return Located(value, moved(node.span), origin, moved(node.key_span))  # type: ignore[arg-type]


# ---------------------------------------------------------------- Terraform JSON syntax (.tf.json)

# Nested blocks of the resources lambdalint reads: in JSON syntax an object is a block or a map
# attribute depending on the provider's schema, which a `.tf.json` file does not carry.
JSON_BLOCKS = frozenset({
    "environment", "tracing_config", "dead_letter_config", "vpc_config", "snap_start", "ephemeral_storage",
    "image_config", "file_system_config", "logging_config", "inline_policy", "statement", "condition",
    "principals", "not_principals", "lambda_function", "destination_config", "on_failure", "on_success",
    "scaling_config", "filter_criteria", "filter", "target", "flexible_time_window", "retry_policy", "cors",
    "dynamic",
})
_JSON_BLOCK_TYPES = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def parse_json(path: Path, display: str, text: str) -> HclFile:
    """A `.tf.json` file as the same blocks (`{"resource": {"type": {"name": {...}}}}`)."""
    from lambdalint.loaders.jsonnodes import LoadError, load_json

    top = Block("", [], Span.point(display, 1), None)  # type: ignore[arg-type]
    hcl = HclFile(path, display, text, b"", top)
    top.file = hcl
    try:
        root = load_json(text, display)
    except LoadError as error:
        hcl.error = (error.line, error.column)
        return hcl
    for kind, entries in root.items():
        labels_wanted = _JSON_BLOCK_TYPES.get(kind)
        if kind == "locals":
            for body in entries.elements():
                for name, value in body.items():
                    top.attributes[name] = Attribute(name, value.key_span or value.span, None, hcl, value)
            block = Block("locals", [], entries.key_span or entries.span, hcl, dict(top.attributes))
            top.attributes.clear()
            top.blocks.append(block)
        elif labels_wanted is not None:
            top.blocks.extend(_json_labelled(kind, entries, labels_wanted, [], hcl))
    return hcl


def _json_labelled(kind: str, node: Located, depth: int, labels: list[str], hcl: HclFile) -> list[Block]:
    if depth == 0:
        return [_json_block(kind, labels, body, hcl) for body in node.elements() if isinstance(body.value, dict)]
    found: list[Block] = []
    for name, value in node.items():
        found.extend(_json_labelled(kind, value, depth - 1, [*labels, name], hcl))
    return found


def _json_block(kind: str, labels: list[str], body: Located, hcl: HclFile) -> Block:
    span = body.key_span or body.span
    block = Block(kind, labels, Span(span.path, span.line, span.column, span.line, span.column + 1), hcl)
    for name, value in body.items():
        if name in JSON_BLOCKS and (isinstance(value.value, dict) or
                                    (isinstance(value.value, list) and all(isinstance(v.value, dict) for v in value.value))):
            if name == "dynamic":
                block.blocks.extend(_json_labelled("dynamic", value, 1, [], hcl))
            else:
                block.blocks.extend(_json_block(name, [], item, hcl) for item in value.elements())
        else:
            block.attributes[name] = Attribute(name, value.key_span or value.span, None, hcl, value)
    return block


def _json_value(node: Located, scope: Scope) -> Located:
    """A JSON-syntax value: strings are templates (`"${var.x}"`), the rest is literal."""
    if isinstance(node.value, dict):
        return Located({k: _json_value(v, scope).but(key_span=v.key_span) for k, v in node.value.items()},
                       node.span, node.origin, node.key_span)
    if isinstance(node.value, list):
        return Located([_json_value(v, scope) for v in node.value], node.span, node.origin, node.key_span)
    if not isinstance(node.value, str) or ("${" not in node.value and "%{" not in node.value):
        return node
    import json as _json

    source = "x = " + _json.dumps(node.value) + "\n"
    scratch = parse(Path("."), node.span.path, source)
    attribute = scratch.body.attributes.get("x")
    if scratch.error is not None or attribute is None:
        return Located(node.value, node.span, "unresolved", node.key_span)
    value = evaluate(attribute.node, scratch, scope)
    if isinstance(value.value, (dict, list)):
        return value if value.span.path == node.span.path and value.span.line > 1 else \
            Located(value.value, node.span, value.origin, node.key_span)
    return Located(value.value, node.span, value.origin, node.key_span)
