"""Handler code analysis: which code runs on every invocation, and what it does.

The engine calls `analyse(project, handler_patterns, overlay, prefilter)` once per run, only when a
selected rule has `needs_code=True`, and stores the result as `project.code` (a `CodeAnalysis`). Rules reach
it through `lambdalint.rulekit.code_analysis(ctx)`.

How it works, cheapest first:

1. `analysis._entries`: the handlers. Each template function with a Python runtime and a local code
   folder names one (`Function.handler_file`/`handler_function`, resolved by
   `loaders/handlers.py`). A Python file outside every code folder (and not a test) adds its
   module-level `def`s matching `handler-patterns` that take two positional parameters.
2. `scan`: a text scan. From each handler file, imports are followed (text only) to project modules
   (`modules`: the code folder is on `sys.path`; relative imports from the file's package). A
   module is fully analysed only if its text passes the run's pre-filter (`scan.rules_prefilter`:
   the names and patterns the selected rules declare in `Rule.code_names`/`code_patterns`) or it
   imports such a module; a handler module that passes none is parsed for its definitions only
   (top-level `def`s and class methods). Every other file is never parsed.
3. `extract`: one walk per parsed module (one class made of one collector per kind of fact, each its
   own module over `walkstate.WalkState`: `call_facts`, `env_facts`, `mutation_facts`, `aws_facts`,
   `pynamodb_facts`;
   `definitions` reads top-level definitions only, `guards` the once-only tests, `bindings`/`values`
   what names and values are) (`cstwalk.walk`, no LibCST metadata: its own scope
   tracker names callees through imports and aliases, and one counting code-generation pass gives
   positions) yields `facts.ModuleFacts`: plain picklable data, so modules are spread over worker
   processes (forked, on Linux) when there are many, or handed to the workers the engine forked
   right after discovery to import LibCST while the templates load (`workers`).
4. `CodeAnalysis`: the handlers (`Handler`: entry, module facts, function facts; a handler name
   bound to a method, `handler = Service().handle`, is that method with `self` bound, its class
   possibly in another project module (`Handler.home`): `analysis.entry_function`) and the walk of each handler's project call graph (same module,
   functions defined inside the caller, imported project modules, `self.m()`, `Class()` ->
   `__init__`, `OBJ.m()` on an object of a project class: `CodeAnalysis.method_callees`, the
   routes of a Powertools resolver the handler resolves: `route_callees`, the function an executor
   or a thread runs for the caller, `pool.submit(fn, x)`, `pool.map(fn, xs)`,
   `threading.Thread(target=fn)`, `asyncio.to_thread(fn)`, `map(fn, xs)`: `callback_callees`), with
   cycles cut and `functools.cache`/`lru_cache` functions not entered.

Facts a rule can use (see `facts.py`):

- `CallFact`: a call with its qualified names (`boto3.client` for `import boto3 as b; b.client`
  and `from boto3 import client`), span, literal-ness of its arguments, the factory of its receiver
  (`ssm.get_parameter` where `ssm = boto3.client("ssm")`) and `once` (lazy-init guard,
  `if __name__ == "__main__":`, default argument, decorator). Module-level and class-body calls are
  in `ModuleFacts.module_calls`.
- `CodeAnalysis.per_invocation(handler)`: (CallFact, Reached) for each call that runs on every
  invocation; `Reached.site` is the call in the handler's body that leads there, `Reached.origin`
  the call itself (a related location when they differ).
- `CodeAnalysis.per_invocation_mutations(handler)`: `MutationFact`s of module-level state, and of
  the containers of the handler's own instance when it is a method of a module-level instance
  (`FunctionFacts.self_mutations`, `ModuleFacts.instance_state`).
- `CodeAnalysis.all_calls(handler)`: every call the handler's code can make, at import time or
  per invocation (LL202 looks for connections there; `connections.connection` names them).
- `FunctionFacts.decorators`: qualified decorator names (`report.called_as_written`).
- `ModuleFacts.env`: `EnvFact` reads/writes of `os.environ` / `os.getenv` with the variable name
  (LL109, LL205's code side).
- `ModuleFacts.strings`: `StringFact` string literals with the name or keyword they are assigned to
  (LL313).
- `CodeAnalysis.modules`: every analysed module by path (`full=False`: definitions only).
- `Arg`: what a call argument is (`env` variable, the triggering `event` resource, a `name`, a `str`).
- `aws.aws_calls(analysis, handler)`: the AWS SDK calls the handler's code can make (`AwsCall` on an
  `AwsClient`: service, method, the object it is called on and what names its resource), Powertools
  utilities and PynamoDB models' calls included, and the `AwsUnknown`s that make that set
  incomplete (never guessed).
- `platform.py`: facts about the platform features a handler relies on, from the facts above and
  the analysed text: partial batch responses (`batch_response`), X-Ray / Powertools tracing
  (`tracing_use`), values SnapStart would freeze (`snapshot_unique_values`, `restores`).

Fixes (`fix.py`): `MoveToModuleScope` findings' fixes are applied by `fix.apply_fixes`, shared by
the CLI (`--fix`/`--diff`) and the language server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lambdalint.code.analysis import CodeAnalysis, Entry, Handler, Reached, analyse

__all__ = ["CodeAnalysis", "Entry", "Handler", "Reached", "analyse"]


def __getattr__(name: str) -> Any:
    # Imported when first asked for, not with the package: `lambdalint` forks its code worker
    # (`workers.prepare`) from inside this package, and every module imported before that fork is
    # imported on the parent's core while the worker waits to start on the other.
    if name in __all__:
        from lambdalint.code import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
