"""Infrastructure lambdalint finds but cannot read yet, so that a run over it is never a false green.

A CDK app in another language than Python that was never synthesized (`cdk.json` without
templates in `cdk.out/`; Python apps are read from source), or a `template.yaml` that is not a
CloudFormation, SAM or Serverless template, or a Pulumi program, defines
functions lambdalint does not see: their handlers are checked as plain modules at best, and every
template rule passes for want of a template. Each becomes one line the front ends always show
(the CLI on stderr, SARIF as a tool notification), never a finding: the input is not wrong.
Terragrunt configurations (`terragrunt.hcl`) are not read either: the `inputs` they pass to the
Terraform modules lambdalint does read are unknown, so whatever comes from them is unresolved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

TEMPLATE_NAMES = ("template.yaml", "template.yml")
_PULUMI = ("Pulumi.yaml", "Pulumi.yml")
_TERRAGRUNT = "terragrunt.hcl"


def is_terraform(name: str) -> bool:
    """Files of a Terraform module (`lambdalint.loaders.terraform` reads them per folder)."""
    return name.endswith((".tf", ".tf.json", ".auto.tfvars", ".auto.tfvars.json")) or \
        name in ("terraform.tfvars", "terraform.tfvars.json")


def is_unread_infrastructure(name: str) -> bool:
    """Files discovery hands over for `unchecked_infrastructure` (or the Terraform loader)
    instead of skipping them."""
    return is_terraform(name) or name in ("cdk.json", _TERRAGRUNT, *_PULUMI)


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
    terragrunt = sorted(p for p in set(candidates) if p.name == _TERRAGRUNT)
    if terragrunt:
        more = f" (and {len(terragrunt) - 1} more)" if len(terragrunt) > 1 else ""
        notes.append(f"{display(terragrunt[0])}{more}: Terragrunt configuration is not read; the `inputs` it "
                     "passes to the Terraform modules are unknown, so settings that come from them are not checked")
    for path in sorted(set(candidates)):
        absolute = path.absolute()
        if is_terraform(path.name) or path.name == _TERRAGRUNT:
            continue
        if path.name in _PULUMI:
            notes.append(f"{display(path)}: a Pulumi program, which lambdalint does not read; the functions it "
                         "deploys are not checked (their handler modules only as plain Python)")
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
