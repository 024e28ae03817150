"""
## What it does
Reports a suppression that does nothing: a `# lambdalint: ignore[...]` comment, a `# noqa: LL...`
code or a resource's `Metadata: {lambdalint: {ignore: [...]}}` entry that names no rule (a typo
such as `LL10l` or `missing-timout`), or that names a rule which reported nothing there in this
run. Like ruff's `RUF100`.

Only suppressions for rules that ran on the file are judged: with `--select LL1`, in an editor's
save of one file, or under a `per-file-ignores` entry for the rule, a suppression of another rule
is left alone. A bare `# lambdalint: ignore` is unused only when it silenced nothing at all and
every rule that can report in such a file ran. In `# noqa: E501, LL101` only the `LL` part is
ours; a `# noqa` without `LL` codes belongs to other linters and is never reported. A suppression
that names `LL002` itself is never reported.

## Why is this bad?
A misspelled code suppresses nothing, so the finding it was meant for is still reported, or, worse,
the reader believes a rule is silenced on purpose when it is not. A stale suppression (the problem
was fixed, the line moved) hides the next real finding on that line without anyone deciding so.

## Example
```yaml
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Metadata:
      lambdalint:
        ignore: [LL2O1]   # letter O: names no rule
    Properties:
      Timeout: 10  # lambdalint: ignore[missing-timeout]   (a timeout is set: nothing to hide)
```

## How to fix
Correct the code or slug (`lambdalint rules` lists them), or delete the suppression, or the one
code in it that is no longer needed. To keep one on purpose, add `LL002` to it:
`# lambdalint: ignore[LL201, LL002]`.

## References
- https://docs.astral.sh/ruff/rules/unused-noqa/
- https://docs.astral.sh/ruff/linter/#error-suppression
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (
    ConfigError, Context, Directive, Finding, Registry, Rule, bad, file_directives, good, per_file_ignored,
    suppression_run,
)

CODE = "LL002"
SLUG = "unused-suppression"
HINT_UNUSED = "Remove it: a suppression that hides nothing today would hide the next real finding here."


def check(ctx: Context) -> Iterator[Finding]:
    run = suppression_run(ctx)
    if run is None:
        return
    registry = run.registry
    broken = {problem.span.path for problem in ctx.project.problems}
    by_kind = _codes_by_kind(registry, run.config.preview)
    for directive in file_directives(ctx.project):
        path = directive.span.path
        if path in broken:
            continue  # a file that does not parse was not checked by anything
        judged = run.ran - per_file_ignored(path, ctx.project, run.config, registry) - {CODE}
        used = run.usage.names_used(directive)
        if not directive.names:
            possible = by_kind["python" if path.endswith(".py") else "template"] - {CODE}
            if not used and possible <= judged:
                yield ctx.finding(directive.span, "unused suppression: nothing is reported here", HINT_UNUSED,
                                  resource=directive.owner)
            continue
        for name in directive.names:
            if directive.kind == "noqa" and not _ours(name.text, registry):
                continue  # another linter's code
            try:
                codes = registry.expand(name.text, "suppression")
            except ConfigError:
                yield ctx.finding(name.span, f"`{name.text}` in this suppression names no rule{_guess(name.text, registry)}",
                                  "Correct the code or slug (`lambdalint rules` lists them), or remove it.",
                                  resource=directive.owner)
                continue
            if CODE in codes or not codes <= judged or name.text in used:
                continue
            yield ctx.finding(name.span, _unused_message(directive, name.text), HINT_UNUSED,
                              resource=directive.owner)


def _ours(name: str, registry: Registry) -> bool:
    return name.upper().startswith("LL") or registry.find(name) is not None


def _codes_by_kind(registry: Registry, preview: bool) -> dict[str, frozenset[str]]:
    # Without preview, a preview rule is not one a bare suppression could be waiting for. Read from
    # the entries: a save runs only some rules and must not import the others to list their codes.
    return {kind: frozenset(r.code for r in registry.entries if kind in r.reports_in and (preview or not r.preview))
            for kind in ("python", "template")}


def _unused_message(directive: Directive, name: str) -> str:
    if directive.kind == "metadata":
        return f"unused suppression: `{directive.owner}` has no `{name}` finding"
    return f"unused suppression: no `{name}` finding here"


def _guess(name: str, registry: Registry) -> str:
    import difflib  # only for a misspelled name

    codes = [r.code for r in registry.entries]
    if name[:2].upper() == "LL":  # letters typed for digits: LL1O1, LL10l, LL2I0
        digits = "LL" + name[2:].upper().translate(_LOOKALIKES)
        if digits in codes:
            return f" (did you mean `{digits}`?)"
    close = difflib.get_close_matches(name.lower() if name[:2].upper() != "LL" else name.upper(),
                                      codes + [r.slug for r in registry.entries], n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
"""

RULE = Rule(
    code=CODE,
    slug=SLUG,
    severity="info",
    overview="a suppression comment or `Metadata` entry names no rule, or suppresses nothing",
    summary="A suppression names no rule or suppresses nothing",
    check=check,
    docs=__doc__ or "",
    reports_in=frozenset({"python", "template"}),
    after_suppressions=True,
    examples=(
        bad(TEMPLATE.replace("      Runtime: python3.12\n",
                             "      Runtime: python3.12  # lambdalint: ignore[LL10l]  # [unused-suppression]\n"),
            title="a misspelled code"),
        bad(TEMPLATE.replace("    Type: AWS::Serverless::Function\n", """\
    Type: AWS::Serverless::Function
    Metadata:
      lambdalint:
        ignore: [missing-timout]  # [unused-suppression]
"""), title="a misspelled slug in Metadata"),
        good(TEMPLATE.replace("      Runtime: python3.12\n",
                              "      Runtime: python3.12  # lambdalint: ignore[LL206, reserved-environment-variable]\n"),
             title="rules that did not run in this check are not judged"),
        good(TEMPLATE + """\
  Legacy:  # noqa  (a comment for another tool)
    Type: AWS::Serverless::Function
    Properties:
      Handler: legacy.handler  # yamllint disable-line rule:line-length
      Runtime: python3.12
""", title="other tools' comments"),
        good(TEMPLATE.replace("      Runtime: python3.12\n",
                              "      Runtime: python3.12  # lambdalint: ignore[LL1, LL002]\n"),
             title="a prefix, and LL002 itself"),
    ),
)
