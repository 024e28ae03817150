"""The public API for rule authors: built-in rules and plugins import only from here."""

from __future__ import annotations

from lambdalint.findings import Finding, Related, Severity
from lambdalint.located import Located, Span
from lambdalint.model import Function, Project, Template
from lambdalint.rule import Context, Example, Option, Rule, bad, good
from lambdalint.code.analysis import CodeAnalysis, Handler, Reached
from lambdalint.code.facts import CallFact, FunctionFacts, ModuleFacts, MutationFact
from lambdalint.code.fix import MoveToModuleScope, movable
from lambdalint.code.report import CONTEXT_NAMES, call_findings, code_analysis, handler_owner, handler_related

__all__ = [
    "Context", "Example", "Finding", "Function", "Located", "Option", "Project", "Related", "Rule",
    "Severity", "Span", "Template", "bad", "good", "key_name", "where_to_set",
    # handler code (lambdalint.code)
    "CONTEXT_NAMES", "CallFact", "CodeAnalysis", "FunctionFacts", "Handler", "ModuleFacts",
    "MoveToModuleScope", "MutationFact", "Reached", "call_findings", "code_analysis", "handler_owner",
    "handler_related", "movable",
]

# The same setting is spelled differently per dialect; messages use the user's own spelling.
_SERVERLESS_KEYS = {
    "Timeout": "timeout", "MemorySize": "memorySize", "Runtime": "runtime",
    "ReservedConcurrentExecutions": "reservedConcurrency", "Environment": "environment",
    "Layers": "layers", "Handler": "handler", "Role": "role",
}


def key_name(function: Function, cloudformation_key: str) -> str:
    if function.kind == "serverless":
        return _SERVERLESS_KEYS.get(cloudformation_key, cloudformation_key)
    return cloudformation_key


def where_to_set(function: Function, cloudformation_key: str, *, provider_level: bool = True) -> str:
    """"`Timeout` on the function or in `Globals.Function`", in the function's own dialect."""
    key = key_name(function, cloudformation_key)
    if function.kind == "AWS::Serverless::Function":
        return f"`{key}` on the function or in `Globals.Function`"
    if function.kind == "serverless" and provider_level:
        return f"`{key}` on the function or under `provider`"
    return f"`{key}` on the function"
