"""Definitions of a module: signatures, decorators, module-level factories and bound methods.

`definition_facts` is the cheap path: it only parses a module and reads its top-level definitions
(handler modules that name nothing a code rule looks for still need LL105/LL106/LL108). The full
walk (`extract.full_facts`) reuses the helpers below for the same questions.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import libcst as cst

from lambdalint.code.bindings import Bindings, module_bindings, target_names
from lambdalint.code.cstwalk import Scope, Scopes, dotted_name
from lambdalint.code.facts import CREDENTIAL_ARGUMENTS, SESSIONS, WITH_CREDENTIALS, FunctionFacts, ModuleFacts
from lambdalint.code.syntax_errors import PARSE_FAILURES, parse, parse_error
from lambdalint.located import Span


def definition_facts(path: str, display: str, text: str) -> ModuleFacts:
    try:
        module = parse(text)
    except PARSE_FAILURES as exc:
        return parse_error(display, path, text, exc)
    facts = ModuleFacts(path=path, display=display, full=False)
    names, _, _, _ = module_bindings(module)
    facts.module_names = frozenset(names)
    scopes = Scopes(Scope("module", ""))
    Bindings(module, scopes.stack[0]).run()
    instances: dict[str, str] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            record_factories(stmt, instances, scopes.qualified)
    lines = text.splitlines()
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            defs = [(stmt.name.value, stmt, _def_span_by_text(lines, stmt.name.value, display))]
        elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
            record_bases(stmt, facts.class_bases, scopes.qualified)
            # methods too: a handler may be `Service().handle` (`ModuleFacts.bound_methods`)
            defs = [(f"{stmt.name.value}.{inner.name.value}", inner,
                     _def_span_by_text(lines, inner.name.value, display, after_class=stmt.name.value))
                    for inner in stmt.body.body if isinstance(inner, cst.FunctionDef)]
        else:
            continue
        for qualname, node, span in defs:
            fn = FunctionFacts(qualname, node.name.value, span,
                               class_name=qualname.split(".")[0] if "." in qualname else None)
            fill_signature(fn, node)
            fn.decorators = decorator_names(node, scopes.qualified, instances)
            facts.functions[fn.qualname] = fn
    facts.bound_methods = bound_methods(module, scopes.qualified, instances)
    facts.factories = instances  # `app = APIGatewayRestResolver()`, whose routes another module runs
    return facts


def _def_span_by_text(lines: Sequence[str], name: str, display: str, after_class: str | None = None) -> Span:
    """The name of the top-level `def name` (or of the method `name` of `class after_class`)."""
    pattern = re.compile(rf"^(\s*(?:async\s+)?def\s+)({re.escape(name)})\b")
    start_line = 0
    if after_class is not None:
        header = re.compile(rf"^class\s+{re.escape(after_class)}\b")
        start_line = next((i for i, line in enumerate(lines) if header.match(line)), len(lines))
    for number, line in enumerate(lines[start_line:], start=start_line + 1):
        match = pattern.match(line)
        if match and line[:1].isspace() == (after_class is not None):
            start = match.start(2) + 1
            return Span(display, number, start, number, start + len(name))
    return Span.point(display, 1)


Qualify = Callable[[cst.CSTNode], frozenset[str]]


def record_factories(stmt: cst.SimpleStatementLine, into: dict[str, str], qualify: Qualify,
                     factory_of: Callable[[str], str | None] | None = None) -> None:
    """`name = call(...)`: `into[name]` is the call's qualified name (`boto3.client`, `Service`).
    A client or resource made from a session a name holds (`session = boto3.session.Session()`,
    then `client = session.client(...)`, AWS's own Secrets Manager snippet) is named after the
    session's factory (`boto3.session.Session.client`), which `factory_of` gives.
    A call that passes credentials of its own (`boto3.Session(aws_access_key_id=...)`: its clients
    do not use the execution role) also sets `into[name + WITH_CREDENTIALS]` (no name collides)."""
    for small in stmt.body:
        # `service = ProcessorService()`, or annotated: `service: ProcessorService = ProcessorService()`
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
            [small.target] if isinstance(small, cst.AnnAssign) else []
        value = small.value if targets else None  # type: ignore[union-attr]
        if isinstance(value, cst.Call):
            names = qualify(value)
            made_by = _session_made(value, factory_of or into.get)
            if made_by is not None:
                names = {made_by}
            if names:
                credentials = passes_credentials(value)
                for target in targets:
                    for name in target_names(target):
                        into[name] = min(names)
                        if credentials != "role":
                            into[name + WITH_CREDENTIALS] = credentials
                        else:  # rebound to a session with the role's credentials
                            into.pop(name + WITH_CREDENTIALS, None)


def record_bases(node: cst.ClassDef, into: dict[str, tuple[str, ...]], qualify: Qualify) -> None:
    """`class TodoModel(CoreModel)`: `into["TodoModel"]` names `CoreModel` as the module does."""
    bases = tuple(sorted(name for arg in node.bases if arg.keyword is None for name in qualify(arg.value)))
    if bases:
        into[node.name.value] = bases


def _session_made(call: cst.Call, factory_of: Callable[[str], str | None]) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in ("client", "resource"):
        factory = factory_of(func.value.value)
        if factory in SESSIONS:
            return f"{factory}.{func.attr.value}"
    return None


def passes_credentials(call: cst.Call) -> str:
    """"other" when a call passes credentials (`aws_session_token=...`, `botocore_session=...`) or
    signs nothing (`config=Config(signature_version=UNSIGNED)`, for public buckets), "unknown" when
    `**kwargs` may, else "role"."""
    for arg in call.args:
        if arg.star == "**":
            return "unknown"
        if arg.keyword is not None and arg.keyword.value in CREDENTIAL_ARGUMENTS:
            return "other"
        if arg.keyword is not None and arg.keyword.value == "config" and isinstance(arg.value, cst.Call) \
                and any(a.keyword is not None and a.keyword.value == "signature_version"
                        and (dotted_name(a.value) or "").endswith("UNSIGNED") for a in arg.value.args):
            return "other"
    return "role"


def decorator_names(node: cst.FunctionDef, qualify: Qualify, instances: dict[str, str]) -> tuple[str, ...]:
    """Each decorator's qualified name (see `FunctionFacts.decorators`). A method of a module-level
    instance is named through the instance's factory: `logger.inject_lambda_context` ->
    `aws_lambda_powertools.Logger.inject_lambda_context`."""
    found: list[str] = []
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        dotted = dotted_name(target) or ""
        root, _, rest = dotted.partition(".")
        if rest and root in instances:
            found.append(f"{instances[root]}.{rest}")
            continue
        names = qualify(target)
        found.append(min(names) if names else dotted)
    return tuple(found)


def bound_methods(module: cst.Module, qualify: Qualify, instances: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """Module-level `name = Class().method`, `name = instance.method` (`instance = Class(...)`) and
    `name = Class.method` (see `ModuleFacts.bound_methods`)."""
    found: dict[str, tuple[str, bool]] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Assign) or not isinstance(small.value, cst.Attribute):
                continue
            base, method = small.value.value, small.value.attr.value
            if isinstance(base, cst.Call):
                names, through_instance = qualify(base.func), True
            elif isinstance(base, cst.Name) and base.value in instances:
                names, through_instance = frozenset((instances[base.value],)), True
            else:
                names, through_instance = qualify(base), False
            if not names:
                continue
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    found[target.target.value] = (f"{min(names)}.{method}", through_instance)
    return found


def fill_signature(fn: FunctionFacts, node: cst.FunctionDef) -> None:
    params = node.params
    positional = list(params.posonly_params) + list(params.params)
    fn.is_async = node.asynchronous is not None
    fn.positional = len(positional)
    fn.required = sum(1 for p in positional if p.default is None)
    fn.star_args = isinstance(params.star_arg, cst.Param)
    fn.required_kwonly = sum(1 for p in params.kwonly_params if p.default is None)
    fn.params = tuple(p.name.value for p in positional)
