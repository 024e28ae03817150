"""The one model every rule works on: templates, their functions, and the files around them.

All template dialects (CloudFormation, SAM, Serverless Framework) load into these classes, so a
rule written once works for all of them. Values are `Located`, so a finding can point at the exact
line and tell an explicit setting from a platform default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, NamedTuple

from lambdalint.located import Located, Span

Dialect = Literal["cloudformation", "serverless", "cdk"]
# "cdk": a CDK construct read from the app's source, its resource CloudFormation-shaped
FunctionKind = Literal["AWS::Serverless::Function", "AWS::Lambda::Function", "serverless", "cdk"]


@dataclass
class SourceFile:
    """A file lambdalint read: its absolute path, the path shown to users, and its text."""

    path: Path
    display: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class Template:
    """One template file (CloudFormation, SAM or serverless.yml) as loaded, with its functions."""

    source: SourceFile
    dialect: Dialect
    root: Located
    is_sam: bool = False
    functions: list[Function] = field(default_factory=list)
    # Derived views of this template that several rules share (e.g. its triggers), computed on
    # first use; like `Project.analyses`, never global, so runs stay independent.
    analyses: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def display(self) -> str:
        return self.source.display

    @property
    def directory(self) -> Path:
        return self.source.path.parent

    @cached_property
    def resources(self) -> dict[str, Located]:
        """Logical id -> resource mapping (Serverless: its `resources.Resources`).

        Cached: rules ask for it thousands of times, and a loaded template never changes."""
        node = self.root.get("Resources") if self.dialect != "serverless" else \
            self.root.get("resources", "Resources")
        if node is None or not isinstance(node.value, dict):
            return {}
        return {k: v for k, v in node.value.items() if isinstance(v.value, dict)}

    @property
    def parameters(self) -> dict[str, Located]:
        node = self.root.get("Parameters")
        return dict(node.items()) if node is not None else {}


@dataclass
class Function:
    """One Lambda function with its effective configuration (SAM Globals / provider merged)."""

    name: str
    kind: FunctionKind
    template: Template
    span: Span
    properties: Located
    runtime: Located
    handler: Located
    timeout: Located
    memory: Located
    reserved_concurrency: Located
    environment: dict[str, Located]
    layers: list[Located]
    events: Located
    role: Located
    code_location: Located
    code_dir: Path | None = None
    handler_file: Path | None = None
    handler_function: str | None = None
    package_type: str = "Zip"

    @property
    def label(self) -> str:
        """How notes name the function, the same way everywhere: ``template.yaml: `Name` ``."""
        return f"{self.template.display}: `{self.name}`"

    @property
    def is_python(self) -> bool:
        runtime = self.runtime.value
        return isinstance(runtime, str) and runtime.startswith("python")


class Problem(NamedTuple):
    """Input lambdalint could not read; the parse-error rule (LL001) reports each one."""

    span: Span
    message: str


@dataclass
class Project:
    """Everything one run looked at. `cwd` anchors the display paths."""

    cwd: Path
    templates: list[Template] = field(default_factory=list)
    python_paths: list[Path] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # The handler-code analysis (`lambdalint.code.CodeAnalysis`), built only when a code rule runs.
    code: Any = None
    # Derived analyses rules share within one run (e.g. package sizes), keyed by name: computed
    # on first use, so a run that needs none pays nothing; never global, so runs stay independent.
    analyses: dict[str, object] = field(default_factory=dict)
    # Things worth telling a user that are not findings (e.g. layers that could not be sized).
    notes: list[str] = field(default_factory=list)
    # Infrastructure found but not read (Terraform, an unsynthesized CDK app): always shown.
    unchecked: list[str] = field(default_factory=list)

    @property
    def functions(self) -> list[Function]:
        return [f for t in self.templates for f in t.functions]

    def note(self, text: str) -> None:
        """Record something worth a verbose line that is not a finding, once."""
        if text not in self.notes:
            self.notes.append(text)

    def display(self, path: Path) -> str:
        """How a path is shown: relative to the working folder when under it, with `/`."""
        absolute = path.absolute()
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            return absolute.as_posix()
