"""Infrastructure lambdalint finds but cannot read yet, so that a run over it is never a false green.

A CDK app in another language than Python that was never synthesized (`cdk.json` without
templates in `cdk.out/`; Python apps are read from source), or a `template.yaml` that is not a
CloudFormation, SAM or Serverless template defines
functions lambdalint does not see: their handlers are checked as plain modules at best, and every
template rule passes for want of a template. Each becomes one line the front ends always show
(the CLI on stderr, SARIF as a tool notification), never a finding: the input is not wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

TEMPLATE_NAMES = ("template.yaml", "template.yml")


def is_terraform(name: str) -> bool:
    """Files of a Terraform module (`lambdalint.loaders.terraform` reads them per folder)."""
    return name.endswith((".tf", ".tf.json", ".auto.tfvars", ".auto.tfvars.json")) or \
        name in ("terraform.tfvars", "terraform.tfvars.json")


def is_unread_infrastructure(name: str) -> bool:
    """Files discovery hands over for `unchecked_infrastructure` (or the Terraform loader)
    instead of skipping them."""
    return is_terraform(name) or name == "cdk.json"


def unchecked_infrastructure(candidates: Iterable[Path], loaded: Iterable[Path],
                             display: Callable[[Path], str]) -> list[str]:
    """One line per unread piece of infrastructure: `path: what and why`.

    `candidates` are the `cdk.json` files and `template.yaml` files discovery saw, less the Python
    CDK apps read from source (Terraform files are read by their loader, which says itself what it
    could not read); `loaded` the templates that were read or failed to parse (LL001 already says
    so); a CDK app whose `cdk.out` was read is fine.
    """
    loaded = [p.absolute() for p in loaded]
    loaded_set = set(loaded)
    notes: list[str] = []
    for path in sorted(set(candidates)):
        absolute = path.absolute()
        if is_terraform(path.name):
            continue
        if path.name == "cdk.json":
            out = absolute.parent / "cdk.out"
            if any(out in p.parents for p in loaded):
                continue
            why = "there is no `cdk.out` (run `cdk synth` first)" if not out.is_dir() else \
                "no template was read from its `cdk.out` (excluded or git-ignored?)"
            notes.append(f"{display(path)}: CDK app not in Python, not read from source (`cdk synth` "
                         f"output is read instead when present) and {why}; its functions are not checked")
        elif path.name in TEMPLATE_NAMES and absolute not in loaded_set:
            notes.append(f"{display(path)}: not a CloudFormation, SAM or Serverless template; not checked")
    return sorted(notes)


__all__ = ["TEMPLATE_NAMES", "is_terraform", "is_unread_infrastructure", "unchecked_infrastructure"]
