"""Terraform modules into the model: one folder of `.tf` files is one module.

Each `.tf` file becomes a `Template` of dialect `terraform` (so suppression comments and display
paths work per file); the functions an `aws_lambda_function` block defines belong to the file that
holds the block, and all files of the folder share one `TerraformModule` (variables, locals,
resources, data sources) through `Template.module`.

Values follow `lambdalint.loaders.hcl`: `var.x` from its `default`, overridden by
`terraform.tfvars`, `terraform.tfvars.json` and then `*.auto.tfvars` / `*.auto.tfvars.json` in name
order (Terraform's own precedence without `-var` flags; a variables file that does not parse is an
LL001 and gives no values); `local.x`; anything not static stays `unresolved`. Terraform's defaults for
settings the block does not write have origin `default` and point at the block header, where a
finding about a missing setting belongs (catalog: "Terraform ... the block header line").

A function is named by its address (`aws_lambda_function.orders`); `count` / `for_each` blocks are
one function. Its code comes from `filename` (a zip, often the `output_path` of an `archive_file`
data source whose `source_dir` / `source_file` is the handler's folder, the caller's when a module
call passes the zip's path in as a variable), `s3_*` (the folder
an `archive_file` zips when `s3_key` names the `aws_s3_object` that uploads it, else nothing local) or
`image_uri` (package type `Image`).

A module is loaded in two steps: `read_terraform_folder` (files, index, variables, the `source` of
each module call) and `build_terraform_folder` (functions, roles, triggers). The run builds only the
folders no other folder calls; a called folder is read and built again through each call, with the
call's inputs, from the same parsed files (`TerraformFiles`). A folder that no quoted `./` or `../`
string names is built as soon as it is read, and its parse trees let go (`HclFile.release`); the
others wait until every folder is read (`load._load_terraform`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Literal, NamedTuple

from lambdalint.located import Located, Span
from lambdalint.loaders.handlers import normalized, resolve_handler
from lambdalint.loaders.hcl import Block, HclFile, Scope, evaluate, literal_text, parse, parse_json
from lambdalint.loaders.references import terraform_references, terraform_resources
from lambdalint.loaders.terraform_deploy import resource_deployment
from lambdalint.loaders.terraform_iam import caller_policies, loaded_role
from lambdalint.loaders.terraform_lambda_module import layer_folder, module_function, module_triggers_of
from lambdalint.loaders.terraform_module import (FUNCTION, LAMBDA_MODULES, SPELLING, TerraformModule, _first_block,
                                                 build_function, chose_no_reservation, never_created)
from lambdalint.loaders.terraform_triggers import (async_failures, caller_triggers, module_schedules, module_triggers,
                                                  passed_down_triggers, public_grants, public_urls,
                                                  sibling_triggers)
from lambdalint.model import Function, Problem, SourceFile, Template
from lambdalint.unread import is_terraform

__all__ = ["FUNCTION", "SPELLING", "LoadedFolder", "ModuleCall", "ReadFolder", "TerraformFiles", "TerraformModule",
           "build_function", "build_terraform_folder", "read_terraform_folder"]


class ModuleCall(NamedTuple):
    """A `module "name" { source = "./local/folder" ... }` call: where, and its inputs (evaluated
    in the caller)."""

    folder: Path
    name: str
    inputs: dict[str, Located]
    caller: TerraformModule | None = None  # whose names an input's unresolved reference uses
    paths: tuple[Path, ...] = ()  # its `.tf` / `.tf.json` files


class LoadedFolder(NamedTuple):
    templates: list[Template]  # one per `.tf` file
    problems: list[Problem]
    notes: list[str]  # what was not read
    sources: list[SourceFile]  # other files values came from (`file()`, `templatefile()`)
    calls: list[ModuleCall]  # local modules this one calls
    prefix: str  # the address of the call that loaded it (`module.orders.`), or ""


class TerraformFiles:
    """The run's `.tf` / `.tf.json` files, each read and parsed once: a folder's own reading and
    every call of it as a module share one parse (and one `SourceFile`). Sharing is safe because
    nothing changes an `HclFile` or its blocks after parsing: each module instance evaluates them
    in its own `Scope` and keeps its values in its own `TerraformModule`."""

    def __init__(self, read: Callable[[Path], str | None], display: Callable[[Path], str]) -> None:
        self.read = read  # any file's text (`*.tfvars`, `file()`), the editor's buffer first
        self.display = display
        self._texts: dict[Path, str | None] = {}
        self._parsed: dict[Path, tuple[HclFile, SourceFile] | None] = {}
        self._held: list[HclFile] = []  # parsed files whose trees have not been let go

    def text(self, path: Path) -> str | None:
        """A `.tf` / `.tf.json` file's text, read once; None when it cannot be read."""
        path = path.absolute()
        if path not in self._texts:
            self._texts[path] = self.read(path)
        return self._texts[path]

    def parsed(self, path: Path) -> tuple[HclFile, SourceFile] | None:
        """The file parsed from the text the run reads; None when it cannot be read."""
        path = path.absolute()
        if path in self._parsed:
            return self._parsed[path]
        text = self.text(path)
        found = None
        if text is not None:
            hcl = (parse_json if path.name.endswith(".json") else parse)(path, self.display(path), text)
            found = hcl, SourceFile(path, hcl.display, text)
            self._held.append(hcl)
        self._parsed[path] = found
        return found

    def named_folders(self, paths: list[Path]) -> set[Path]:
        """Every folder a quoted `./` or `../` string in `paths` names, which the files' module calls
        are among: Terraform requires a module's `source` to be a literal string (any other such
        string, a `source_dir`, only names a folder that holds no `.tf` file, or one that then waits
        to be built, `load._load_terraform`)."""
        named = set()
        for path in paths:
            if not path.name.endswith((".tf", ".tf.json")):
                continue
            text = self.text(path)
            if text is None or "./" not in text:
                continue
            folder = path.absolute().parent
            for match in _LOCAL_PATH.finditer(text):
                named.add(normalized(folder / literal_text(match.group(1))))
        return named

    def release(self, keep: set[Path]) -> None:
        """Let go of the parse trees of the files parsed so far (`HclFile.release`) but those in a
        folder of `keep`, which a module call may still read."""
        held = []
        for hcl in self._held:
            if hcl.path.parent in keep:
                held.append(hcl)
            else:
                hcl.release()
        self._held = held


_LOCAL_PATH = re.compile(r'"(\.\.?/(?:[^"\\\n]|\\.)*)"')


class ModuleUse(NamedTuple):
    """A `module` block and what its `source` names."""

    name: str
    block: Block
    source: str | None  # the `source` evaluated, None when it is not a string
    kind: Literal["lambda", "local", "other"]  # the registry lambda module, a local folder, anything else
    folder: Path | None  # the local folder (None when it is the module's own)


class ReadFolder(NamedTuple):
    """A module before any function is built: its files parsed, its blocks indexed, its variables
    bound and its module calls' sources read. That is all it takes to know which folders it
    calls (Terraform requires `source` to be a literal string), so a folder that another one
    calls is never built on its own only to be thrown away."""

    module: TerraformModule
    templates: list[Template]
    problems: list[Problem]
    sources: dict[str, SourceFile]  # other files values came from, filled as values are evaluated
    uses: list[ModuleUse]

    @property
    def called(self) -> list[Path]:
        """The local folders this module calls."""
        return [use.folder for use in self.uses if use.folder is not None]


def read_terraform_folder(folder: Path, paths: list[Path], files: TerraformFiles,
                          inputs: dict[str, Located] | None = None, prefix: str = "",
                          caller: TerraformModule | None = None) -> ReadFolder:
    """One Terraform module up to its module calls. `inputs` are the variables a calling module
    binds (then `*.tfvars`, which only a root module reads, are not), `prefix` the address of
    that call (`module.orders.`) that the functions' names start with."""
    problems: list[Problem] = []
    extra_sources: dict[str, SourceFile] = {}
    read, display = files.read, files.display

    def read_file(path: Path) -> tuple[str, str] | None:
        if not path.is_file():
            return None  # `file()` of a missing or generated file: the value stays unresolved
        text = read(path)
        if text is None:
            return None
        shown = display(path)
        extra_sources[shown] = SourceFile(path.absolute(), shown, text)
        return shown, text

    root = caller.scope.base if caller is not None else None
    module = TerraformModule(folder, Scope(folder, root, read_file=read_file), prefix=prefix, caller=caller,
                             read_files=extra_sources, root_display=display(root) if root is not None else "")
    templates: list[Template] = []
    for path in sorted(paths):
        if not path.name.endswith((".tf", ".tf.json")):
            continue
        found = files.parsed(path)
        if found is None:
            continue
        hcl, source = found
        if hcl.error is not None:
            problems.append(Problem(Span.point(hcl.display, *hcl.error), hcl.error_message))
            # Half a file would read as settings that are missing: take nothing from it.
            templates.append(Template(source=source, dialect="terraform", root=Located({}, Span.point(hcl.display, 1))))
            continue
        module.files.append(hcl)
        templates.append(Template(source=source, dialect="terraform", root=Located({}, Span.point(hcl.display, 1)),
                                  module=module, reference_reader=terraform_references,
                                  resource_reader=terraform_resources))
    _index(module)
    _bind_variables(module, paths if inputs is None else [], read, display, problems)
    if inputs:
        module.scope.variables.update({k: v for k, v in inputs.items() if k in module.variable_names})
    # `count = var.schedule != "" ? 1 : 0` that is 0 with this module's values: the resource does
    # not exist (a schedule, a permission, a trigger the module makes only when asked)
    module.resources = {key: block for key, block in module.resources.items() if not never_created(module, block)}
    return ReadFolder(module, templates, problems, extra_sources, [_use(module, name, block)
                                                                   for name, block in module.modules.items()])


# terraform-aws-modules that never make a Lambda function: a note that one "is not read" would be
# noise on nearly every project (a VPC, a bucket, a table)
_NO_FUNCTION_MODULES = frozenset({
    "vpc", "security-group", "s3-bucket", "sqs", "sns", "dynamodb-table", "iam", "kms", "acm", "rds", "rds-aurora",
    "rds-proxy", "ecr", "ecs", "eks", "alb", "elb", "ec2-instance", "autoscaling", "route53", "cloudfront",
    "cloudwatch", "secrets-manager", "ssm-parameter", "efs", "elasticache", "msk-kafka-cluster", "opensearch",
    "redshift", "key-pair", "vpn-gateway", "transit-gateway", "network-firewall", "waf",
})
_REGISTRY_MODULE = re.compile(r"terraform-aws-modules/(?:terraform-aws-)?([a-z0-9-]+?)(?:\.git)?(?:/aws)?(?://|$|\?|/)")


def _defines_no_function(source: str | None) -> bool:
    """A module of `_NO_FUNCTION_MODULES`; not the bucket's `//modules/notification`, which wires
    functions to a bucket (a trigger not read)."""
    match = _REGISTRY_MODULE.search(source or "")
    return match is not None and match.group(1) in _NO_FUNCTION_MODULES and "//modules/notification" not in (source or "")


def _use(module: TerraformModule, name: str, block: Block) -> ModuleUse:
    attribute = block.attributes.get("source")
    source = module.attribute(attribute).str_value() if attribute is not None else None
    if source is not None and _is_lambda_module(source, module.folder):
        return ModuleUse(name, block, source, "lambda", None)
    if source is not None and source.startswith(("./", "../")):
        child = normalized(module.folder / source)
        return ModuleUse(name, block, source, "local", child if child != module.folder else None)
    return ModuleUse(name, block, source, "other", None)


def _folded_instances(module: TerraformModule, block: Block) -> str:
    """What a function block's `for_each` / `count` makes, in words, when it makes more than one
    instance or an unknown number of them ("" otherwise)."""
    meta = next((m for m in ("for_each", "count") if block.may_set(m)), None)
    if meta is None:
        return ""
    instances = module.instances(block)
    if instances is None:
        return f"made for each {'item' if meta == 'for_each' else 'count'} of a `{meta}` known only at deploy time"
    if len(instances) < 2:
        return ""
    keys = ", ".join(f"`{key}`" for key, _ in instances[:4]) + (" ..." if len(instances) > 4 else "")
    return f"{len(instances)} functions, one per `{meta}` instance ({keys})"


def build_terraform_folder(reading: ReadFolder) -> LoadedFolder:
    """The functions, roles, triggers and module calls of a module `read_terraform_folder` read."""
    module, templates, problems = reading.module, reading.templates, reading.problems
    notes: list[str] = []
    by_file = {t.source.display: t for t in templates}
    functions = []
    for (kind, name), block in module.resources.items():
        if kind == FUNCTION:
            template = by_file[block.file.display]
            function = _function(module, template, block)
            function.loaded_role = loaded_role(module, function)
            function.failure_handling, function.failure_destinations = async_failures(module, function)
            function.deployment = resource_deployment(module, function)
            function.built_for = module.root_display
            template.functions.append(function)
            functions.append(function)
            folded = _folded_instances(module, block)
            if folded:
                notes.append(f"{block.file.display}:{block.span.line}: `{function.name}` is {folded}; it is read as one "
                             "function, with `each.*` / `count.index` unknown, so what differs by instance (its "
                             "code, its settings) is checked only where every instance agrees")
        elif kind == "aws_api_gateway_rest_api" and block.may_set("body"):
            notes.append(f"{block.file.display}:{block.span.line}: `{module.prefix}{kind}.{name}` defines its routes "
                         "in an OpenAPI `body`, which is not read: the functions they invoke are not checked for "
                         "unauthenticated routes (LL216) or timeouts the API cannot wait for (LL203)")
    # a key without `policy` gets the default key policy, which grants the role nothing
    policies = {_TF_RESOURCE_POLICIES[kind] for (kind, _), block in module.resources.items()
                if kind in _TF_RESOURCE_POLICIES and (kind != "aws_kms_key" or "policy" in block.attributes)}
    module.schedules = module_schedules(module)
    for grant in public_grants(module):
        by_file[grant.principal.span.path].public_grants.append(grant)
    from lambdalint.loaders.terraform_codedeploy import deployment_groups

    for display, shift in deployment_groups(module):
        by_file[display].traffic_shifts.append(shift)
    extra_triggers = []
    calls: list[ModuleCall] = []
    for use in reading.uses:
        name, block = use.name, use.block
        if use.kind == "lambda":
            template = by_file[block.file.display]
            function = None if never_created(module, block) else module_function(module, template, name, block)
            if function is not None:
                function.built_for = module.root_display
                _layer_content(module, function)
                template.functions.append(function)
                functions.append(function)
                extra_triggers.extend(module_triggers_of(function, module.value(block), block.span))
            continue
        if use.kind == "local":
            if use.folder is None:
                continue
            paths = tuple(sorted(p for p in use.folder.glob("*") if is_terraform(p.name) and p.is_file())) \
                if use.folder.is_dir() else ()
            if paths:
                # one call per instance a known `for_each` / `count` makes (`module.fn["ingest"]`),
                # with `each.value` / `count.index` in its inputs; none where `count` is 0
                instances = module.instances(block)
                meta = next((m for m in ("for_each", "count") if block.may_set(m)), None)
                if instances is None and meta is not None:
                    notes.append(f"{block.file.display}:{block.span.line}: module `{name}` is called once per "
                                 f"{'item' if meta == 'for_each' else 'count'} of a `{meta}` known only at deploy "
                                 "time: it is read once, with `each.value` / `count.index` unknown, so what its "
                                 "instances set through them (code, handler, settings) is not checked")
                for key, inputs in instances if instances is not None else [("", module.value(block))]:
                    calls.append(ModuleCall(use.folder, f"{name}{key}", dict(inputs.items()), module, paths))
            else:  # a typo in the path, or a folder not checked in: whatever it defines is unseen
                notes.append(f"{block.file.display}:{block.span.line}: module `{name}` (`{use.source}`) is not read: "
                             "its folder holds no Terraform files; functions it defines are not checked")
            continue
        if not _defines_no_function(use.source):
            notes.append(f"{block.file.display}:{block.span.line}: module `{name}` "
                         f"(`{use.source or 'unknown source'}`) is not read; the functions, routes and triggers it "
                         "defines are not checked")
        policies.add("*")  # the bucket or queue it makes may carry a policy
    for template in templates:
        template.resource_policies.update(policies)
    module.triggers = module_triggers(module, functions, extra_triggers)
    for url in public_urls(module.triggers):
        url.function.template.public_urls.append(url)  # type: ignore[union-attr]
    return LoadedFolder(templates, problems, notes, list(reading.sources.values()), calls, module.prefix)


def link_call(call: ModuleCall, child: LoadedFolder, caller: LoadedFolder, below: list[Function] | None = None) -> None:
    """What the calling module, or another module it calls, wires to the functions of the module
    it called (`caller_triggers`, `sibling_triggers`), and what the called module wires to the
    caller's own functions passed to it (`passed_down_triggers`): each becomes a trigger of that
    function. `below`: the functions of the called module and of the modules it calls in turn,
    which its outputs may name (`value = module.a.invoke_arn`)."""
    module = next((t.module for t in child.templates if t.module is not None), None)
    if module is None:
        return
    functions = [f for t in child.templates for f in t.functions]
    theirs = [f for t in caller.templates for f in t.functions]
    named = below if below is not None else functions
    found: list = []
    if named:
        found = caller_triggers(call.caller, call.name, module, named) + \
            sibling_triggers(call.caller, call.name, module, named)
        for trigger in found:  # kept by the module whose template reads its function's triggers
            trigger.function.template.module.triggers.append(trigger)  # type: ignore[union-attr]
    if functions:
        caller_policies(call.caller, call.name, module, functions)
    if theirs and call.caller is not None:
        down = passed_down_triggers(call.caller, module, theirs)
        call.caller.triggers.extend(down)
        found += down
    for url in public_urls(found):
        url.function.template.public_urls.append(url)  # type: ignore[union-attr]


# Resources that are (or carry) a resource-based policy, by IAM service.
_TF_RESOURCE_POLICIES = {
    "aws_s3_bucket_policy": "s3", "aws_sqs_queue_policy": "sqs", "aws_sns_topic_policy": "sns",
    "aws_secretsmanager_secret_policy": "secretsmanager", "aws_kms_key": "kms", "aws_kms_key_policy": "kms",
    "aws_dynamodb_resource_policy": "dynamodb", "aws_kinesis_resource_policy": "kinesis",
    "aws_cloudwatch_event_bus_policy": "events", "aws_ecr_repository_policy": "ecr",
    "aws_cloudwatch_log_resource_policy": "logs",
}


def _is_lambda_module(source: str, folder: Path) -> bool:
    """The registry lambda module, or its `../../` form in its own examples (the repository root,
    recognised by its packaging script and inputs: another repository's examples call their own
    root module the same way, and that is a local module to follow)."""
    if any(name in source for name in LAMBDA_MODULES):
        # not its submodules (`//modules/docker-build` builds an image, `//modules/deploy` and
        # `//modules/alias` deploy one): none of them makes a function
        return "//modules/" not in source
    if source.rstrip("/") != "../..":
        return False
    root = normalized(folder / source)
    try:
        variables = (root / "variables.tf").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return (root / "package.py").is_file() and 'variable "create_package"' in variables


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
                    display: Callable[[Path], str], problems: list[Problem]) -> None:
    """`default`s, then `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
    `*.auto.tfvars.json` in name order (later wins), as Terraform loads them."""
    empty = Scope(module.folder, module.scope.root)
    variables = module.scope.variables
    for hcl in module.files:
        for block in hcl.body.blocks:
            if block.type == "variable" and len(block.labels) == 1 and "default" in block.attributes:
                variables[block.labels[0]] = block.attributes["default"].evaluate(empty)
    tfvars = [p for name in ("terraform.tfvars", "terraform.tfvars.json") for p in paths if p.name == name] + \
        sorted((p for p in paths if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))), key=lambda p: p.name)
    for path in tfvars:
        text = read(path)
        if text is not None:
            variables.update(_variables_file(path, display(path), text, empty, problems))


def _variables_file(path: Path, shown: str, text: str, scope: Scope, problems: list[Problem]) -> dict[str, Located]:
    """The values a variables file assigns: HCL attributes, or a JSON object's members (taken
    literally: a `.tfvars.json` value is data, never a template)."""
    if path.name.endswith(".json"):
        from lambdalint.loaders.jsonnodes import LoadError, load_json

        try:
            root = load_json(text, shown)
        except LoadError as error:
            problems.append(Problem(Span.point(shown, error.line, error.column), "Terraform JSON syntax error"))
            return {}
        if not isinstance(root.value, dict):
            problems.append(Problem(root.span, "a `.tfvars.json` file holds one JSON object of variable values"))
            return {}
        return dict(root.items())
    hcl = parse(path, shown, text)
    if hcl.error is not None:
        problems.append(Problem(Span.point(shown, *hcl.error), hcl.error_message))
        return {}
    return {name: evaluate(attribute.node, hcl, scope) for name, attribute in hcl.body.attributes.items()}


def _function(module: TerraformModule, template: Template, block: Block) -> Function:
    body = module.value(block)
    env_block = _first_block(body, "environment")
    variables = env_block.get("variables") if env_block is not None else None
    if variables is not None and isinstance(variables.value, list) and len(variables.value) == 1 \
            and isinstance(variables.value[0].value, dict):
        variables = variables.value[0]  # Terraform 0.11's `variables { A = "x" }`, a block for the map
    known = body.get("dynamic environment") is None and (env_block is None or variables is None or
                             (isinstance(variables.value, dict) and variables.origin != "unresolved"))
    function = build_function(
        f"{module.prefix}{FUNCTION}.{block.labels[1]}", template, block.span, body,
        environment=variables, environment_known=known, role_key="role", block_kind="resource",
        failure_hint="Add an `aws_lambda_function_event_invoke_config` with `destination_config { on_failure "
                     "{ destination = ... } }`, or a `dead_letter_config` block, so failed events are kept.",
        chosen_unreserved=chose_no_reservation(module, block))
    _code(module, function, body)
    _layer_content(module, function)
    resolve_handler(function)
    return function


def _code(module: TerraformModule, function: Function, body: Located) -> None:
    """`code_location` / `code_dir` from `filename` (via an `archive_file`), `s3_*` (via an
    `aws_s3_object` whose `source` is an `archive_file`'s zip, else nothing local) or `image_uri`."""
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
            uploaded = _uploaded_source(module, body.get("s3_key"))
            if uploaded is not None:
                _code_from_zip(module, function, uploaded)
        return
    function.code_location = filename
    function.installs_requirements = False  # an `archive_file` zips the folder as it is
    _code_from_zip(module, function, filename)
    if function.code_dir is None:
        _code_beside_zip(module, function, filename)


def _code_beside_zip(module: TerraformModule, function: Function, zipped: Located) -> None:
    """A zip a script builds or the project commits (`filename = "../lambdas/punk/punk.zip"`, no
    `archive_file`) beside the module its handler names (`main.handler`, `../lambdas/punk/main.py`):
    that folder is the code, as the script zips it."""
    text, handler = zipped.str_value(), function.handler.str_value()
    if not text or not handler or "." not in handler or "://" in text:
        return
    folder = normalized(module.scope.base / text).parent
    if (folder / (handler.rsplit(".", 1)[0].replace(".", "/") + ".py")).is_file():
        function.code_dir = folder


def _code_from_zip(module: TerraformModule, function: Function, zipped: Located) -> None:
    """The code of the zip `zipped` names: an `archive_file` of this module, of the caller that
    passed the path in (`filename = var.zip`), or of a sibling module whose output the caller
    passed (`zip = module.archive.output_path`, the module-per-concern layout)."""
    archive = _archive_for(module, zipped)
    if archive is not None:
        _code_from_archive(module, function, archive)
        return
    bound = _caller_reference(module, zipped)
    if bound is not None:
        _code_from_archive(module.caller, function, _archive_for(module.caller, bound))  # type: ignore[arg-type]
        return
    found = module.sibling_output(zipped)
    ref = found[0].output_reference(found[1]) if found is not None else None
    block = _archive_block(found[0], ref) if found is not None else None
    if block is not None:
        _code_from_archive(found[0], function, found[0].value(block))


def _layer_content(module: TerraformModule, function: Function) -> None:
    """Each `aws_lambda_layer_version.x.arn` layer of this module whose `filename` an
    `archive_file` makes: the folder it zips (or the zip itself, when it is in the project)."""
    for element in function.layers:
        text = element.value if element.origin == "unresolved" and isinstance(element.value, str) else ""
        parts = text.strip().split(".")
        if len(parts) == 3 and parts[0] == "module" and parts[2] == "lambda_layer_arn" and parts[1] in module.modules:
            # a layer-only call of the lambda module (`create_layer = true`): its `source_path`
            found = layer_folder(module, module.modules[parts[1]])
            if found is not None:
                function.layer_content[text.strip()] = found[0]
                if found[1]:
                    function.layers_installing.add(text.strip())
            continue
        ref = module.reference(element)
        if ref is None or ref[0] != "aws_lambda_layer_version":
            continue
        block = module.resources.get((ref[0], ref[1]))
        filename = module.value(block).get("filename") if block is not None else None
        if filename is None:
            continue
        archive = _archive_for(module, filename)
        source = archive.get("source_dir") if archive is not None else None
        folder = source.str_value() if source is not None else None
        zipped = filename.str_value()
        if folder is not None:
            function.layer_content[f"{ref[0]}.{ref[1]}"] = normalized(module.scope.base / folder)
        elif zipped is not None and (path := normalized(module.scope.base / zipped)).is_file():
            function.layer_content[f"{ref[0]}.{ref[1]}"] = path


def _code_from_archive(module: TerraformModule, function: Function, archive: Located | None) -> None:
    """The folder (or file) an `archive_file` zips is the function's code."""
    if archive is None:
        return
    for key in ("source_dir", "source_file"):
        source = archive.get(key)
        path = source.str_value() if source is not None else None
        if path is None:
            continue
        location = normalized(module.scope.base / path)
        function.code_location = module.code_location(location, source)  # type: ignore[arg-type]
        function.code_dir = location if key == "source_dir" else location.parent
        function.code_file = location if key == "source_file" else None
        return
    _code_from_source_block(module, function, archive)


def _code_from_source_block(module: TerraformModule, function: Function, archive: Located) -> None:
    """`source { content = file("${path.module}/app.py") filename = "app.py" }`: an archive of one
    file read from the project under its own name is that file's folder, as `source_file` is."""
    blocks = archive.get("source")
    entries = [b for b in blocks.value if isinstance(b.value, dict)] \
        if blocks is not None and isinstance(blocks.value, list) else []
    if len(entries) != 1:
        return
    content, name = entries[0].get("content"), entries[0].get("filename")
    read = module.read_files.get(content.span.path) if content is not None and content.origin != "unresolved" else None
    if read is None or name is None or name.str_value() != read.path.name:
        return
    location = read.path
    function.code_location = module.code_location(location, entries[0])
    function.code_dir = location.parent
    function.code_file = location


def _caller_reference(module: TerraformModule, value: Located) -> Located | None:
    """What the caller bound `var.x` to when that is a reference in the caller's names (`filename =
    var.zip` with `zip = data.archive_file.app.output_path` in the module call): the archive
    building the zip is then the caller's."""
    text = value.value if value.origin == "unresolved" and isinstance(value.value, str) else ""
    if module.caller is None or not text.startswith("var."):
        return None
    bound = module.scope.variables.get(text[4:].strip())
    return bound if bound is not None and module.caller.reference(bound) is not None else None


def _uploaded_source(module: TerraformModule, key: Located | None) -> Located | None:
    """The local file an `s3_key = aws_s3_object.x.key` uploads: that object's `source` (the
    HashiCorp tutorial's way to deploy a zip through a bucket; `aws_s3_bucket_object` is its
    older name)."""
    ref = module.reference(key)
    if ref is None or ref[0] not in ("aws_s3_object", "aws_s3_bucket_object") or ref[2] not in ("key", "id"):
        return None
    block = module.resources.get((ref[0], ref[1]))
    return module.value(block).get("source") if block is not None else None


def _archive_block(module: TerraformModule, ref: tuple[str, str, str] | None) -> Block | None:
    """The `archive_file` a reference names: the data source, or the archive provider's managed
    resource of the same name (`resource "archive_file"`, which newer providers prefer)."""
    if ref is None:
        return None
    if ref[0] == "data.archive_file":
        return module.data.get(("archive_file", ref[1]))
    return module.resources.get(("archive_file", ref[1])) if ref[0] == "archive_file" else None


def _archive_for(module: TerraformModule, filename: Located) -> Located | None:
    """The `archive_file` whose zip `filename` names: by reference
    (`data.archive_file.x.output_path`, `archive_file.x.output_path`) or by the same literal path."""
    ref = module.reference(filename)
    if ref is not None and ref[0] in ("data.archive_file", "archive_file"):
        block = _archive_block(module, ref)
        return module.value(block) if block is not None else None
    path = filename.str_value()
    if path is None:
        return None
    wanted = normalized(module.scope.base / path)
    for (kind, _), block in [*module.data.items(), *module.resources.items()]:
        if kind != "archive_file":
            continue
        body = module.value(block)
        output = body.get("output_path")
        out = output.str_value() if output is not None else None
        if out is not None and normalized(module.scope.base / out) == wanted:
            return body
    return None
