"""Terraform modules into the model: one folder of `.tf` files is one module.

Each `.tf` file becomes a `Template` of dialect `terraform` (so suppression comments and display
paths work per file); the functions an `aws_lambda_function` block defines belong to the file that
holds the block, and all files of the folder share one `TerraformModule` (variables, locals,
resources, data sources) through `Template.module`.

Values follow `lambdalint.loaders.hcl`: `var.x` from its `default`, overridden by
`terraform.tfvars` and then `*.auto.tfvars` in name order (Terraform's own precedence without
`-var` flags); `local.x`; anything not static stays `unresolved`. Terraform's defaults for
settings the block does not write have origin `default` and point at the block header, where a
finding about a missing setting belongs (catalog: "Terraform ... the block header line").

A function is named by its address (`aws_lambda_function.orders`); `count` / `for_each` blocks are
one function. Its code comes from `filename` (a zip, often the `output_path` of an `archive_file`
data source whose `source_dir` / `source_file` is the handler's folder), `s3_*` (nothing local) or
`image_uri` (package type `Image`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, NamedTuple

from lambdalint.located import Located, Span, default
from lambdalint.loaders.handlers import normalized, resolve_handler
from lambdalint.loaders.hcl import Attribute, Block, HclFile, Scope, evaluate, parse, parse_json
from lambdalint.model import Function, Problem, SourceFile, Template, UnsupportedSetting

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128
FUNCTION = "aws_lambda_function"
LAMBDA_MODULES = ("terraform-aws-modules/lambda/aws",)

# How Terraform spells the settings rules name in CloudFormation terms (messages use the user's
# own spelling).
SPELLING = {
    "Timeout": "timeout", "MemorySize": "memory_size", "Runtime": "runtime", "Handler": "handler",
    "ReservedConcurrentExecutions": "reserved_concurrent_executions", "Environment": "environment",
    "Layers": "layers", "Role": "role", "TracingConfig": "tracing_config",
    "DeadLetterConfig": "dead_letter_config", "PackageType": "package_type",
    "EphemeralStorage": "ephemeral_storage", "SnapStart": "snap_start",
    "Architectures": "architectures", "ImageUri": "image_uri", "FunctionName": "function_name",
    "FunctionUrlAuthType": "authorization_type",
    "ScalingConfig.MaximumConcurrency": "scaling_config { maximum_concurrency }",
}


def is_terraform_file(name: str) -> bool:
    return name.endswith((".tf", ".tf.json")) or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


@dataclass
class TerraformModule:
    """One folder's blocks, by kind, with the scope their values evaluate in."""

    folder: Path
    scope: Scope
    files: list[HclFile] = field(default_factory=list)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)  # (type, name) -> block
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    prefix: str = ""  # `module.orders.` when a caller's module call loaded this folder
    variable_names: set[str] = field(default_factory=set)
    triggers: list = field(default_factory=list)  # `lambdalint.triggers.Trigger`s of every function
    schedules: list = field(default_factory=list)  # `lambdalint.triggers.ScheduleExpression`s
    _values: dict[int, Located] = field(default_factory=dict, repr=False)

    def value(self, block: Block) -> Located:
        """A block's body as a mapping: attributes by name (key span set), nested blocks as a list
        of such mappings under their type (so repeated `statement` blocks all count)."""
        cached = self._values.get(id(block))
        if cached is not None:
            return cached
        body: dict[str, Located] = {}
        for name, attribute in block.attributes.items():
            body[name] = self.attribute(attribute)
        for nested in block.blocks:
            # `dynamic "environment" {...}` is kept apart: what it makes is not known statically
            key = f"dynamic {nested.labels[0]}" if nested.type == "dynamic" and nested.labels else nested.type
            entry = body.get(key)
            if entry is None or not isinstance(entry.value, list):
                entry = body[key] = Located([], nested.span, "unresolved" if key != nested.type else "explicit",
                                            key_span=nested.span)
            entry.value.append(self.value(nested))
        found = self._values[id(block)] = Located(body, block.span)
        return found

    def attribute(self, attribute: Attribute) -> Located:
        return replace(attribute.evaluate(self.scope), key_span=attribute.key_span)

    def reference(self, node: Located | None) -> tuple[str, str, str] | None:
        """`(type, name, attribute)` for `aws_x.name.attr` / `data.aws_x.name.attr` text."""
        if node is None or node.origin != "unresolved" or not isinstance(node.value, str):
            return None
        parts = node.value.strip().split(".")
        if parts and parts[0] == "data" and len(parts) >= 4:
            return "data." + parts[1], parts[2].split("[")[0], parts[3]
        if len(parts) >= 3 and parts[0].startswith("aws_"):
            return parts[0], parts[1].split("[")[0], parts[2]
        return None


class ModuleCall(NamedTuple):
    """A `module "name" { source = "./local/folder" ... }` call: where, and its inputs (evaluated
    in the caller)."""

    folder: Path
    name: str
    inputs: dict[str, Located]


class LoadedFolder(NamedTuple):
    templates: list[Template]  # one per `.tf` file
    problems: list[Problem]
    notes: list[str]  # what was not read
    sources: list[SourceFile]  # other files values came from (`file()`, `templatefile()`)
    calls: list[ModuleCall]  # local modules this one calls
    prefix: str  # the address of the call that loaded it (`module.orders.`), or ""


def load_terraform_folder(folder: Path, paths: list[Path], display: Callable[[Path], str],
                          read: Callable[[Path], str | None], inputs: dict[str, Located] | None = None,
                          prefix: str = "") -> LoadedFolder:
    """One Terraform module. `inputs` are the variables a calling module binds (then
    `*.tfvars`, which only a root module reads, are not), `prefix` the address of that call
    (`module.orders.`) that the functions' names start with."""
    problems: list[Problem] = []
    notes: list[str] = []
    extra_sources: dict[str, SourceFile] = {}

    def read_file(path: Path) -> tuple[str, str] | None:
        if not path.is_file():
            return None  # `file()` of a missing or generated file: the value stays unresolved
        text = read(path)
        if text is None:
            return None
        shown = display(path)
        extra_sources[shown] = SourceFile(path.absolute(), shown, text)
        return shown, text

    module = TerraformModule(folder, Scope(folder, read_file=read_file), prefix=prefix)
    templates: list[Template] = []
    for path in sorted(paths):
        if not path.name.endswith((".tf", ".tf.json")):
            continue
        text = read(path)
        if text is None:
            continue
        hcl = (parse_json if path.name.endswith(".json") else parse)(path, display(path), text)
        source = SourceFile(path.absolute(), hcl.display, text)
        if hcl.error is not None:
            line, column = hcl.error
            kind = "Terraform JSON" if path.name.endswith(".json") else "HCL"
            problems.append(Problem(Span.point(hcl.display, line, column), f"{kind} syntax error"))
            # Half a file would read as settings that are missing: take nothing from it.
            templates.append(Template(source=source, dialect="terraform", root=Located({}, Span.point(hcl.display, 1))))
            continue
        module.files.append(hcl)
        templates.append(Template(source=source, dialect="terraform", root=Located({}, Span.point(hcl.display, 1)),
                                  module=module))
    _index(module)
    _bind_variables(module, paths if inputs is None else [], read, display)
    if inputs:
        module.scope.variables.update({k: v for k, v in inputs.items() if k in module.variable_names})
    from lambdalint.loaders.terraform_iam import loaded_role
    from lambdalint.loaders.terraform_triggers import failure_handling, module_schedules, module_triggers, public_grants

    by_file = {t.source.display: t for t in templates}
    functions = []
    for (kind, name), block in module.resources.items():
        if kind == FUNCTION and not _never_created(module, block):
            template = by_file[block.file.display]
            function = _function(module, template, block)
            function.loaded_role = loaded_role(module, function)
            function.failure_handling = failure_handling(module, function)
            template.functions.append(function)
            functions.append(function)
    module.schedules = module_schedules(module)
    for grant in public_grants(module):
        by_file[grant.principal.span.path].public_grants.append(grant)
    from lambdalint.loaders.terraform_codedeploy import deployment_groups

    for display, shift in deployment_groups(module):
        by_file[display].traffic_shifts.append(shift)
    extra_triggers = []
    calls: list[ModuleCall] = []
    for name, block in module.modules.items():
        source = block.attributes.get("source")
        text = module.attribute(source).str_value() if source is not None else None
        if text is not None and _is_lambda_module(text):
            from lambdalint.loaders.terraform_lambda_module import module_function, module_triggers_of

            template = by_file[block.file.display]
            function = None if _never_created(module, block) else module_function(module, template, name, block)
            if function is not None:
                template.functions.append(function)
                functions.append(function)
                extra_triggers.extend(module_triggers_of(function, module.value(block), block.span))
            continue
        if text is not None and text.startswith(("./", "../")):
            child = normalized(folder / text)
            if child != folder:
                calls.append(ModuleCall(child, name, dict(module.value(block).items())))
            continue
        notes.append(f"{block.file.display}:{block.span.line}: module `{name}` "
                     f"(`{text or 'unknown source'}`) is not read; functions it defines are not checked")
    module.triggers = module_triggers(module, functions, extra_triggers)
    return LoadedFolder(templates, problems, notes, list(extra_sources.values()), calls, prefix)


def _never_created(module: TerraformModule, block: Block) -> bool:
    """`count = 0` or `for_each = {}` / `[]` as a known value: the block creates nothing."""
    for name in ("count", "for_each"):
        attribute = block.attributes.get(name)
        if attribute is None:
            continue
        value = module.attribute(attribute)
        if value.origin != "unresolved" and value.value in (0, [], {}) and not isinstance(value.value, bool):
            return True
    return False


def _is_lambda_module(source: str) -> bool:
    """The registry lambda module, or its `../../` form in its own examples (the repository root)."""
    return any(name in source for name in LAMBDA_MODULES) or source.rstrip("/") in ("../..", "../../")


def _index(module: TerraformModule) -> None:
    for hcl in module.files:
        for block in hcl.body.blocks:
            labels = block.labels
            if block.type == "resource" and len(labels) == 2:
                module.resources[(labels[0], labels[1])] = block
            elif block.type == "data" and len(labels) == 2:
                module.data[(labels[0], labels[1])] = block
            elif block.type == "module" and len(labels) == 1:
                module.modules[labels[0]] = block
            elif block.type == "variable" and len(labels) == 1:
                module.variable_names.add(labels[0])
            elif block.type == "locals":
                module.scope.locals.update(block.attributes)


def _bind_variables(module: TerraformModule, paths: list[Path], read: Callable[[Path], str | None],
                    display: Callable[[Path], str]) -> None:
    """`default`s, then `terraform.tfvars`, then `*.auto.tfvars` in name order (later wins)."""
    empty = Scope(module.folder)
    variables = module.scope.variables
    for hcl in module.files:
        for block in hcl.body.blocks:
            if block.type == "variable" and len(block.labels) == 1 and "default" in block.attributes:
                variables[block.labels[0]] = block.attributes["default"].evaluate(empty)
    tfvars = [p for p in paths if p.name == "terraform.tfvars"] + \
        sorted(p for p in paths if p.name.endswith(".auto.tfvars"))
    for path in tfvars:
        text = read(path)
        if text is None:
            continue
        hcl = parse(path, display(path), text)
        if hcl.error is not None:
            continue
        for name, attribute in hcl.body.attributes.items():
            variables[name] = evaluate(attribute.node, hcl, empty)


def _function(module: TerraformModule, template: Template, block: Block) -> Function:
    body = module.value(block)
    env_block = _first_block(body, "environment")
    variables = env_block.get("variables") if env_block is not None else None
    known = body.get("dynamic environment") is None and (env_block is None or variables is None or
                             (isinstance(variables.value, dict) and variables.origin != "unresolved"))
    function = build_function(
        f"{module.prefix}{FUNCTION}.{block.labels[1]}", template, block.span, body,
        environment=variables, environment_known=known, role_key="role", block_kind="resource",
        failure_hint="Add an `aws_lambda_function_event_invoke_config` with `destination_config { on_failure "
                     "{ destination = ... } }`, or a `dead_letter_config` block, so failed events are kept.")
    _code(module, function, body)
    resolve_handler(function)
    return function


def build_function(name: str, template: Template, span: Span, body: Located, *, environment: Located | None,
                   environment_known: bool, role_key: str, block_kind: str, failure_hint: str,
                   spelling: dict[str, str] | None = None) -> Function:
    """A function from the settings of a `resource` or `module` block, with Terraform's defaults
    (`reserved_concurrent_executions = -1` is said explicitly: no reservation)."""
    def setting(key: str, fallback: object = None) -> Located:
        found = body.get(key)
        return found if found is not None else default(fallback, span)

    reserved = body.get("reserved_concurrent_executions")
    if reserved is not None and reserved.is_literal and reserved.value == -1:
        reserved = Located(None, reserved.span, "explicit", reserved.key_span)
    package_type = setting("package_type", "Zip")
    where = f"in the `{block_kind}` block"
    names = SPELLING if spelling is None else spelling
    function = Function(
        name=name,
        kind="terraform",
        template=template,
        span=span,
        properties=body,
        runtime=setting("runtime"),
        handler=setting("handler"),
        timeout=setting("timeout", DEFAULT_TIMEOUT),
        memory=setting("memory_size", DEFAULT_MEMORY),
        reserved_concurrency=reserved if reserved is not None else default(None, span),
        environment=dict(environment.items()) if environment is not None and isinstance(environment.value, dict) else {},
        layers=_list(body.get("layers")),
        events=Located({}, span),
        role=setting(role_key),
        code_location=default(None, span),
        package_type=str(package_type.value) if package_type.is_literal else "Zip",
        spelling=names,
        set_hint=where,
        own_hint=where,
        environment_known=environment_known,
        failure_hint=failure_hint,
    )
    tracing = names["TracingConfig"]
    function.tracing_hint = (f"`{tracing} {{ mode = \"Active\" }}`" if tracing == "tracing_config"
                             else f"`{tracing} = \"Active\"`") + f" {where}"
    function.publish_hint = f"`publish = true` {where}"
    if function.package_type == "Image":
        function.image_command_hint = "`image_config { command = [...] }`" if block_kind == "resource" \
            else "`image_config_command`"
        # The lambda module drops `handler` and `runtime` of an image function itself.
        for key in ("Handler", "Runtime", "Layers") if block_kind == "resource" else ("Layers",):
            value = body.get(names[key])
            if value is not None and value.value not in (None, []):
                function.image_unsupported.append(UnsupportedSetting(names[key], value))
    return function


def _list(node: Located | None) -> list[Located]:
    return node.value if node is not None and isinstance(node.value, list) else []


def _first_block(body: Located, name: str) -> Located | None:
    found = body.get(name)
    if found is None or not isinstance(found.value, list) or not found.value:
        return None
    first = found.value[0]
    return first if isinstance(first.value, dict) else None


def _code(module: TerraformModule, function: Function, body: Located) -> None:
    """`code_location` / `code_dir` from `filename` (via an `archive_file`), `s3_*` or `image_uri`."""
    if function.package_type == "Image":
        image = body.get("image_uri")
        if image is not None:
            function.code_location = image
        return
    filename = body.get("filename")
    if filename is None:
        bucket = body.get("s3_bucket")
        if bucket is not None:
            function.code_location = Located({"s3_bucket": bucket, **({"s3_key": body.value["s3_key"]} if body.get("s3_key") else {})},
                                             bucket.span, key_span=bucket.key_span)
        return
    function.code_location = filename
    archive = _archive_for(module, filename)
    if archive is None:
        return
    for key in ("source_dir", "source_file"):
        source = archive.get(key)
        path = source.str_value() if source is not None else None
        if path is None:
            continue
        location = normalized(module.folder / path)
        function.code_location = Located(str(location.relative_to(module.folder)) if location.is_relative_to(module.folder)
                                         else str(location), source.span, key_span=source.key_span)  # type: ignore[union-attr]
        function.code_dir = location if key == "source_dir" else location.parent
        return


def _archive_for(module: TerraformModule, filename: Located) -> Located | None:
    """The `archive_file` data source whose zip `filename` names: by reference
    (`data.archive_file.x.output_path`) or by the same literal path."""
    ref = module.reference(filename)
    if ref is not None and ref[0] == "data.archive_file":
        block = module.data.get(("archive_file", ref[1]))
        return module.value(block) if block is not None else None
    path = filename.str_value()
    if path is None:
        return None
    wanted = normalized(module.folder / path)
    for (kind, _), block in module.data.items():
        if kind != "archive_file":
            continue
        body = module.value(block)
        output = body.get("output_path")
        out = output.str_value() if output is not None else None
        if out is not None and normalized(module.folder / out) == wanted:
            return body
    return None
