"""What every part of the Terraform loader shares: a module's blocks and values, and the builder
of a function from a `resource` or `module` block's settings.

The folder loader (`lambdalint.loaders.terraform`) imports the readers of roles, triggers and the
lambda module; they import only this module, so imports go one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lambdalint.located import Located, Span, default
from lambdalint.loaders.hcl import Attribute, Block, HclFile, Scope
from lambdalint.model import Function, SourceFile, Template, UnsupportedSetting

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
    "ScalingConfig.MaximumConcurrency": "scaling_config { maximum_concurrency }", "KmsKeyArn": "kms_key_arn",
}


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
    root_display: str = ""  # the root module's folder as the run shows it, for a called module
    caller: TerraformModule | None = field(default=None, repr=False, compare=False)  # whose call loaded this one
    # the local modules this one calls, read (not yet built), by call name: what its values and
    # its callees' values name as `module.<call>.<output>`
    children: dict[str, TerraformModule] = field(default_factory=dict, repr=False, compare=False)
    variable_names: set[str] = field(default_factory=set)
    # the files `file()` / `templatefile()` read, by display path, filled as values are evaluated
    read_files: dict[str, SourceFile] = field(default_factory=dict, repr=False)
    triggers: list = field(default_factory=list)  # `lambdalint.triggers.Trigger`s of every function
    schedules: list = field(default_factory=list)  # `lambdalint.triggers.ScheduleExpression`s
    _values: dict[int, Located] = field(default_factory=dict, repr=False)

    def value(self, block: Block) -> Located:
        """A block's body as a mapping: attributes by name (key span set), nested blocks as a list
        of such mappings under their type (so repeated `statement` blocks all count)."""
        cached = self._values.get(id(block))
        if cached is not None:
            return cached
        found = self._values[id(block)] = self._body(block, self.scope)
        return found

    def _body(self, block: Block, scope: Scope) -> Located:
        body: dict[str, Located] = {}
        # a local module's input stays `null` (a variable is nullable unless it says otherwise, so
        # `null` replaces its default); a resource's or a registry module's argument is not set
        inputs = block.type == "module" and _written(block.attributes["source"]).strip('"').startswith(("./", "../")) \
            if "source" in block.attributes else False
        for name, attribute in block.attributes.items():
            value = attribute.evaluate(scope)
            if value.value is None and value.origin != "unresolved" and not inputs \
                    and not self.set_at_deploy(attribute):
                # `null` is Terraform's "not set": the argument's default applies (a root module's
                # `var.x` left at `null` may still be given by `-var`: kept, as nothing is known)
                continue
            body[name] = value.but(key_span=attribute.key_span)
        for nested in block.blocks:
            made = self._dynamic(nested, scope) if nested.type == "dynamic" and nested.labels else None
            if made is not None:
                # over a collection known here: the blocks it makes, as if written out
                entry = body.get(nested.labels[0])
                if entry is None or not isinstance(entry.value, list):
                    entry = body[nested.labels[0]] = Located([], nested.span, key_span=nested.span)
                entry.value.extend(made)
                continue
            # otherwise `dynamic "environment" {...}` is kept apart: what it makes is not known
            key = f"dynamic {nested.labels[0]}" if nested.type == "dynamic" and nested.labels else nested.type
            entry = body.get(key)
            if entry is None or not isinstance(entry.value, list):
                entry = body[key] = Located([], nested.span, "unresolved" if key != nested.type else "explicit",
                                            key_span=nested.span)
            entry.value.append(self.value(nested) if scope is self.scope else self._body(nested, scope))
        return Located(body, block.span)

    def _dynamic(self, block: Block, scope: Scope) -> list[Located] | None:
        """The bodies a `dynamic "x" { for_each = ...; content {...} }` block makes, its iterator
        (`x`, or the one `iterator` names) bound to each element's `key` and `value`; None when the
        collection is not known here (a root module's `var.`: `-var` may give another)."""
        for_each = block.attributes.get("for_each")
        content = next((b for b in block.blocks if b.type == "content"), None)
        if for_each is None or content is None or self.set_at_deploy(for_each):
            return None
        named = block.attributes.get("iterator")
        iterator = _written(named).strip() if named is not None else block.labels[0]
        collection = for_each.evaluate(scope)
        if collection.origin == "unresolved":
            return None
        if isinstance(collection.value, dict):
            items = [(Located(key, item.key_span or item.span), item) for key, item in collection.value.items()]
        elif isinstance(collection.value, list):
            items = [(Located(index, item.span), item) for index, item in enumerate(collection.value)]
        else:
            return None
        if any(item.origin == "unresolved" and not isinstance(item.value, (dict, list)) for _, item in items):
            return None  # an element not known: neither is what its block says
        return [self._body(content, replace(scope, instance={**scope.instance, f"{iterator}.key": key,
                                                             f"{iterator}.value": item}))
                for key, item in items]

    def instances(self, block: Block) -> list[tuple[str, Located]] | None:
        """Each instance a `count` / `for_each` block makes, as (its key, e.g. `[0]` or
        `["orders"]`, and its body with `count.index` / `each.key` / `each.value` known); None for
        a block without either, or one whose instances are not known statically (a root module's
        `var.` there: `-var` may give another list)."""
        for meta in ("for_each", "count"):
            attribute = block.attributes.get(meta)
            if attribute is not None:
                break
        else:
            return None
        if self.set_at_deploy(attribute):
            return None
        value = self.attribute(attribute)
        if value.origin == "unresolved":
            return None
        bindings: list[tuple[str, dict[str, Located]]] = []
        if meta == "count" and isinstance(value.value, int) and not isinstance(value.value, bool):
            bindings = [(f"[{i}]", {"count.index": Located(i, value.span)}) for i in range(value.value)]
        elif meta == "for_each" and isinstance(value.value, dict):
            bindings = [(f'["{key}"]', {"each.key": Located(key, item.key_span or item.span), "each.value": item})
                        for key, item in value.value.items()]
        elif meta == "for_each" and isinstance(value.value, list) and \
                all(item.is_literal and isinstance(item.value, str) for item in value.value):
            bindings = [(f'["{item.value}"]', {"each.key": item, "each.value": item}) for item in value.value]
        else:
            return None
        return [(key, self._body(block, replace(self.scope, instance=instance))) for key, instance in bindings]

    def set_at_deploy(self, attribute: Attribute) -> bool:
        """Whether `attribute` of a root module reads one of its input variables, itself or through
        the locals it reads (`count = local.has_image ? 1 : 0`, `has_image = var.image_uri != ""`):
        `-var`, `TF_VAR_` or the pipeline's `.tfvars` may give it another value than the one seen
        here, so it is not known. A called module's inputs are its caller's: known."""
        if self.prefix:
            return False
        todo, seen = [_written(attribute)], set()
        while todo:
            text = todo.pop()
            if "var." in text:
                return True
            for name in _LOCAL_NAME.findall(text):
                if name not in seen and name in self.scope.locals:
                    seen.add(name)
                    todo.append(_written(self.scope.locals[name]))
        return False

    def code_location(self, path: Path, written: Located) -> Located:
        """Where code is, as the model keeps a location: relative to this module's folder, the
        folder of the file that names it (Terraform reads the path from the root module's)."""
        shown = str(path.relative_to(self.folder)) if path.is_relative_to(self.folder) else str(path)
        return Located(shown, written.span, key_span=written.key_span)

    def attribute(self, attribute: Attribute) -> Located:
        return attribute.evaluate(self.scope).but(key_span=attribute.key_span)

    def output_reference(self, key: str) -> tuple[str, str, str] | None:
        """The resource attribute `output "<key>"` of this module is (`aws_iam_role.role.name`),
        if that is what its value refers to: how a caller names what the module made. An output
        of the whole resource (`value = aws_lambda_function.this`, which the caller reads as
        `module.x.lambda.arn`) gives the attribute `""`."""
        value = self.output_value(key)
        if value is None:
            return None
        parts = value.value.strip().split(".") if value.origin == "unresolved" and isinstance(value.value, str) else []
        if len(parts) == 2 and parts[0].startswith("aws_") and "[" not in parts[1]:
            return parts[0], parts[1], ""
        return self.reference(value)

    def output_value(self, key: str) -> Located | None:
        """The value of `output "<key>"` of this module, as this module evaluates it."""
        for hcl in self.files:
            for block in hcl.body.blocks:
                if block.type == "output" and block.labels == [key] and "value" in block.attributes:
                    return self.attribute(block.attributes["value"])
        return None

    def writes(self, node: Located) -> bool:
        """Whether `node` was written in one of this module's files: then a `module.x` in it names
        this module's own call `x`."""
        return any(hcl.display == node.span.path for hcl in self.files)

    def passed_in(self, node: Located | None) -> Located | None:
        """The caller's reference behind `var.x` (`module.queue.queue_arn`, when the caller says
        `queue_arn = module.queue.queue_arn`): a value it does not know either, in its own names."""
        text = node.value if node is not None and node.origin == "unresolved" and isinstance(node.value, str) else ""
        parts = text.strip().split(".")
        if self.caller is None or len(parts) < 2 or parts[0] != "var":
            return None
        passed = self.scope.variables.get(parts[1])
        for at, key in enumerate(parts[2:], 2):  # an attribute of an object the caller passed: `var.target.arn`
            if passed is not None and passed.origin == "unresolved" and isinstance(passed.value, str) \
                    and self.caller.writes(passed):
                # a whole resource the caller passed (`fn = module.f.lambda`): its attribute, in
                # the caller's names (`module.f.lambda.invoke_arn`)
                return Located(".".join([passed.value.strip(), *parts[at:]]), passed.span, "unresolved")
            passed = passed.value.get(key) if passed is not None and passed.origin != "unresolved" \
                and isinstance(passed.value, dict) else None
        if passed is None or passed.origin != "unresolved" or not self.caller.writes(passed):
            return None
        return passed

    def sibling_output(self, node: Located | None) -> tuple[TerraformModule, str] | None:
        """The module and output name a `var.x` is, when the caller passed in another of its
        module calls' outputs (`queue_arn = module.queue.queue_arn`): the module-per-concern layout,
        where one module's wiring names another's resources."""
        passed = self.passed_in(node)
        parts = passed.value.strip().split(".") if passed is not None else []
        if self.caller is None or len(parts) < 3 or parts[0] != "module":
            return None
        sibling = self.caller.children.get(parts[1].split("[")[0])
        return (sibling, parts[2].split("[")[0]) if sibling is not None and sibling is not self else None

    def resource_of(self, node: Located | None) -> tuple[TerraformModule, str, str] | None:
        """The module, type and name of the resource `node` refers to: one of this module's
        (`aws_sqs_queue.jobs.arn`), one another module of the same caller outputs, or one the
        caller passed in (`input_sqs_arn = aws_sqs_queue.q.arn`, read as `var.input_sqs_arn`
        here), through as many callers as passed it down."""
        ref = self.reference(node)
        if ref is not None:
            return (self, ref[0], ref[1]) if (ref[0], ref[1]) in self.resources else None
        found = self.sibling_output(node)
        if found is not None:
            sibling, output = found
            ref = sibling.output_reference(output)
            return (sibling, ref[0], ref[1]) if ref is not None and (ref[0], ref[1]) in sibling.resources else None
        passed = self.passed_in(node)
        return self.caller.resource_of(passed) if passed is not None and self.caller is not None else None

    def reference(self, node: Located | None) -> tuple[str, str, str] | None:
        """`(type, name, attribute)` for `aws_x.name.attr` / `data.aws_x.name.attr` text."""
        if node is None or node.origin != "unresolved" or not isinstance(node.value, str):
            return None
        parts = node.value.strip().split(".")
        if parts and parts[0] == "data" and len(parts) >= 4:
            return "data." + parts[1], parts[2].split("[")[0], parts[3]
        if len(parts) >= 3 and (parts[0].startswith("aws_") or (parts[0], parts[1].split("[")[0]) in self.resources):
            # an AWS resource, or another provider's this module makes (`archive_file.code`); the
            # splat of a counted one (`aws_lambda_function.f.*.arn`) names its instances' attribute
            attribute = parts[3] if parts[2] == "*" and len(parts) >= 4 else parts[2]
            return parts[0], parts[1].split("[")[0], attribute
        return None


def chose_no_reservation(module: TerraformModule, block: Block) -> bool:
    """Whether a `reserved_concurrent_executions` of -1 in `block` is somebody's choice: written
    there, or given to the variable it names by a caller or a `.tfvars` file. A variable's own
    `default = -1` is not: the caller never said anything (a local module's input, left out)."""
    attribute = block.attributes.get("reserved_concurrent_executions")
    if attribute is None or attribute.node is None:
        return True
    match = re.fullmatch(r"var\.([A-Za-z0-9_-]+)", attribute.file.text_of(attribute.node).strip())
    bound = module.scope.variables.get(match.group(1)) if match is not None else None
    return bound is None or not module.writes(bound)


def build_function(name: str, template: Template, span: Span, body: Located, *, environment: Located | None,
                   environment_known: bool, role_key: str, block_kind: str, failure_hint: str,
                   spelling: dict[str, str] | None = None, chosen_unreserved: bool = True) -> Function:
    """A function from the settings of a `resource` or `module` block, with Terraform's defaults
    (`reserved_concurrent_executions = -1` is said explicitly: no reservation; with
    `chosen_unreserved` False the -1 is a module variable's default, as if the setting were absent)."""
    def setting(key: str, fallback: object = None) -> Located:
        found = body.get(key)
        return found if found is not None else default(fallback, span)

    reserved = body.get("reserved_concurrent_executions")
    if reserved is not None and reserved.is_literal and reserved.value == -1:
        reserved = Located(None, reserved.span, "explicit", reserved.key_span) if chosen_unreserved else None
    package_type = setting("package_type", "Zip")
    where = f"in the `{block_kind}` block"
    spelling = SPELLING if spelling is None else spelling
    environment_node = body.get(spelling["Environment"])
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
        spelling=spelling,
        set_hint=where,
        own_hint=where,
        environment_known=environment_known,
        environment_anchor=environment_node.key_span if environment_node is not None else None,
        failure_hint=failure_hint,
    )
    tracing = spelling["TracingConfig"]
    function.tracing_hint = (f"`{tracing} {{ mode = \"Active\" }}`" if tracing == "tracing_config"
                             else f"`{tracing} = \"Active\"`") + f" {where}"
    function.publish_hint = f"`publish = true` {where}"
    if function.package_type == "Image":
        function.image_command_hint = "`image_config { command = [...] }`" if block_kind == "resource" \
            else "`image_config_command`"
        # The lambda module drops `handler` and `runtime` of an image function itself.
        for key in ("Handler", "Runtime", "Layers") if block_kind == "resource" else ("Layers",):
            value = body.get(spelling[key])
            if value is not None and value.value not in (None, []):
                function.image_unsupported.append(UnsupportedSetting(spelling[key], value))
    return function


def _list(node: Located | None) -> list[Located]:
    return node.value if node is not None and isinstance(node.value, list) else []


def _first_block(body: Located, name: str) -> Located | None:
    found = body.get(name)
    if found is None or not isinstance(found.value, list) or not found.value:
        return None
    first = found.value[0]
    return first if isinstance(first.value, dict) else None


_LOCAL_NAME = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")


def _written(attribute: Attribute) -> str:
    """An attribute's value as written (a `.tf.json` file's as its JSON value's text)."""
    if attribute.node is not None:
        return attribute.file.text_of(attribute.node)
    return str(attribute.json.value if attribute.json is not None else "")


def never_created(module: TerraformModule, block: Block) -> bool:
    """`count = 0` or `for_each = {}` / `[]` as a known value: the block creates nothing. In a root
    module a switch on a variable (`count = var.enabled ? 1 : 0`) is not known: `-var` or
    `TF_VAR_enabled` may turn it on, and a function would vanish unchecked; in a module another one
    calls, the call's inputs and the module's defaults are all there is."""
    for name in ("count", "for_each"):
        if not block.may_set(name):
            continue
        attribute = block.attributes[name]
        if module.set_at_deploy(attribute):
            continue
        value = module.attribute(attribute)
        if value.origin != "unresolved" and value.value in (0, [], {}) and not isinstance(value.value, bool):
            return True
    return False
