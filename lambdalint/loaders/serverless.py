"""Serverless Framework `serverless.yml` into the model.

Provider settings become the functions' defaults with origin `provider`; the framework's own
defaults (timeout 6 s, memory 1024 MB) have origin `default`. `${self:...}` references to literal
values of the same file are resolved, and so is a whole value `${file(./functions.yml)}` (or
`${file(./config.yml):key.path}`) whose path is written out: the framework reads that file, and its
values keep their own file's spans. Every other variable (`${opt:}`, `${env:}`, `${ssm:}`, a
`${file()}` whose path is itself a variable, fallbacks) stays as written with origin `unresolved`,
because guessing would be worse.

An `image:` function has no runtime (the container brings its own) and package type `Image`.
Handlers resolve against the service folder, `src/handlers/orders.create` and
`src.handlers.orders.create` alike, or against the function's `module:` folder when
serverless-python-requirements packages functions individually.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from lambdalint.located import Located, Span, default
from lambdalint.loaders.cloudformation import merge_defaults, resource_facts, resource_functions
from lambdalint.loaders.dotenv import PLUGIN as DOTENV_PLUGIN, dotenv_environment

WSGI_PLUGIN = "serverless-wsgi"
from lambdalint.loaders.handlers import normalized, resolve_handler
from lambdalint.model import Function, PublicUrl, SourceFile, Template, UnsupportedSetting

DEFAULT_TIMEOUT = 6
DEFAULT_MEMORY = 1024
_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_SELF_REF = re.compile(r"self:([A-Za-z0-9_.\-]+)$")
# `${self:custom.stages.${self:provider.stage}.KEY}`: a table entry chosen by one other variable
_STAGED = re.compile(r"\$\{self:([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*\.)\$\{[^{}]+\}((?:\.[A-Za-z0-9_\-]+)*)\}")
_FILE = r"file\(\s*([^()${}\s,]+)\s*\)"  # `file(./path.yml)` with the path written out
_FILE_REF = re.compile(_FILE + r"(?::([A-Za-z0-9_.\-]+))?$")
_FILE_IN_TEXT = re.compile(r"\$\{" + _FILE)


def included_paths(path: Path, text: str) -> set[Path]:
    """The files a service's text may read in with `${file(...)}`, from the text alone (a split of
    the run must keep them with the service: `halves`)."""
    if "${file(" not in text:
        return set()
    return {normalized(path.absolute().parent / found) for found in _FILE_IN_TEXT.findall(text)}
# How serverless.yml spells the settings rules name in CloudFormation terms.
SPELLING = {
    "Timeout": "timeout", "MemorySize": "memorySize", "Runtime": "runtime",
    "ReservedConcurrentExecutions": "reservedConcurrency", "Environment": "environment",
    "Layers": "layers", "Handler": "handler", "Role": "role",
    "ScalingConfig.MaximumConcurrency": "maximumConcurrency", "KmsKeyArn": "kmsKeyArn", "PackageType": "image",
}
_MAX_DEPTH = 10  # `${self:a}` may point at `${self:b}`; a cycle must end somewhere


def looks_like_serverless(root: Located) -> bool:
    return root.get("service") is not None and root.get("provider") is not None


def other_provider(root: Located) -> str | None:
    """The provider's name when the service deploys somewhere else than AWS (OpenWhisk, Kubeless,
    Google, Azure): such a file defines no Lambda function."""
    name = root.get("provider", "name")
    if name is None or not name.is_literal or name.value == "aws":
        return None
    return str(name.value)


Include = Callable[[Path], "Located | None"]


def load_serverless(source: SourceFile, root: Located, include: Include | None = None,
                    note: Callable[[str], None] | None = None) -> Template:
    """`include` reads a file a `${file(...)}` names (None when it cannot: the reference then stays
    unresolved); `note` says which functions were not read (shown as not checked)."""
    from lambdalint.loaders.references import serverless_references

    resolver = _Resolver(root, source.path.parent, include)
    root = resolver.resolve(root, 0)
    root = _merged_resources(root)
    template = Template(source=source, dialect="serverless", root=root, reference_reader=serverless_references,
                        includes=resolver.included)
    if other_provider(root) is not None:
        return template
    provider = root.get("provider") or Located({}, root.span)
    functions = root.get("functions")
    entries: list[tuple[str, Located]] = []
    if functions is not None and isinstance(functions.value, dict):
        entries = list(functions.items())
    elif functions is not None and isinstance(functions.value, list):
        # Older services, and services that read each group of functions from its own file, list
        # mappings: `functions: [{hello: {...}}, ${file(./orders/functions.yml)}]`.
        for item in functions.value:
            entries.extend(item.items())
            if isinstance(item.value, str) and note is not None:
                note(f"{source.display}:{item.span.line}: the functions of `{item.value}` were not read "
                     "(lambdalint reads `${file(...)}` only when its path is written out and the file "
                     "is in the project): they are not checked")
    elif functions is not None and isinstance(functions.value, str) and note is not None:
        note(f"{source.display}:{functions.span.line}: the functions of `{functions.value}` were not read "
             "(lambdalint reads `${file(...)}` only when its path is written out and the file "
             "is in the project): they are not checked")
    # `serverless-dotenv-plugin`: what its `.env` files set (None: it is used, but no file is here)
    dotenv = dotenv_environment(template) if DOTENV_PLUGIN in plugins(template.root) else False
    # serverless-wsgi writes its handler module into the package (`wsgi_handler`; `wsgi` before 2.0)
    generated = frozenset({"wsgi"}) if WSGI_PLUGIN in plugins(template.root) else frozenset()
    for name, config in entries:
        if isinstance(config.value, dict):
            function = _function(template, name, config, provider, dotenv)
            function.generated_modules = generated
            template.functions.append(function)
    template.functions.extend(resource_functions(template))
    resource_facts(template)
    if note is not None:
        _note_construct_workers(template, note)
    return template


def _note_construct_workers(template: Template, note: Callable[[str], None]) -> None:
    """serverless-lift's `constructs:` whose `worker` is a function the plugin adds (a `queue`
    construct's consumer): not read, and said so rather than left out silently."""
    constructs = template.root.get("constructs")
    if constructs is None or not isinstance(constructs.value, dict):
        return
    workers = [(name, config) for name, config in constructs.items()
               if isinstance(config.value, dict) and config.get("worker") is not None]
    if workers:
        names = ", ".join(f"`{name}`" for name, _ in workers)
        line = (workers[0][1].key_span or workers[0][1].span).line
        note(f"{template.source.display}:{line}: the worker functions of serverless-lift `constructs` ({names}) "
             "are not read: they and their queues are not checked")


def _function(template: Template, name: str, config: Located, provider: Located,
              dotenv: Located | None | bool = False) -> Function:
    span = config.key_span or config.span

    def setting(key: str, fallback: object = None) -> Located:
        own = config.get(key)
        if own is not None:
            return own
        inherited = provider.get(key)
        if inherited is not None:
            return _as_provider(inherited)
        return default(fallback, span)

    own_environment = config.get("environment")
    environment = own_environment or Located({}, span)
    provider_env = provider.get("environment")
    if provider_env is not None:
        environment = merge_defaults(environment, provider_env, "provider")
    if isinstance(dotenv, Located):
        environment = merge_defaults(environment, dotenv, "provider")
    layers = config.get("layers") or provider.get("layers")
    # An `image:` function runs the container's own runtime: `provider.runtime` (and its
    # deprecation, and Python handler linking) does not apply to it.
    image = config.get("image") is not None
    function = Function(
        name=name,
        kind="serverless",
        template=template,
        span=span,
        properties=config,
        runtime=default(None, span) if image else setting("runtime"),
        handler=config.get("handler") or default(None, span),
        timeout=setting("timeout", DEFAULT_TIMEOUT),
        memory=setting("memorySize", DEFAULT_MEMORY),
        reserved_concurrency=config.get("reservedConcurrency") or default(None, span),
        environment=dict(environment.items()),
        layers=layers.elements() if layers is not None else [],
        events=config.get("events") or default([], span),
        role=config.get("role") or provider.get("role") or provider.get("iam", "role") or default(None, span),
        code_location=config.get("package") or template.root.get("package") or default(None, span),
        code_dir=None if _artifact(template, config) is not None else _code_dir(template, config),
        package_type="Image" if image else "Zip",
        spelling=SPELLING,
        set_hint="on the function or under `provider`",
        environment_known=dotenv is not None and all(
            node is None or (isinstance(node.value, dict) and node.origin != "unresolved" and node.intrinsic is None)
            for node in (own_environment, provider_env)),
        environment_anchor=next((node.key_span for node in (own_environment, provider_env)
                                 if node is not None and node.key_span is not None), None),
        failure_handling=next((config.get(k) for k in ("onError", "destinations", "maximumRetryAttempts",
                                                       "maximumEventAge") if config.get(k) is not None), None),
        failure_destinations=[config.value[k] for k in ("onError", "destinations") if config.get(k) is not None],
        failure_hint="Add `destinations: {onFailure: <queue/topic ARN>}` or `onError` (a DLQ) to the "
                     "function, so failed events are kept.",
    )
    _platform(function, config, provider, layers)
    resolve_handler(function)
    _public_url(template, function, config.get("url"))
    return function


def _public_url(template: Template, function: Function, url: Located | None) -> None:
    """`url: true` or `url: {...}` without `authorizer: aws_iam`: a URL anyone may call."""
    if url is None or url.value in (False, None) or not (url.value is True or isinstance(url.value, dict)):
        return
    authorizer = url.get("authorizer") if isinstance(url.value, dict) else None
    if authorizer is not None and str(authorizer.value).lower() == "aws_iam":
        return
    where = Located(url.value, url.key_span, url.origin, url.key_span) if url.key_span is not None else url
    template.public_urls.append(PublicUrl(
        where, "Use `url: {authorizer: aws_iam}` and sign requests, or put the function behind an API with an "
        "authorizer.", function=function))


def _platform(function: Function, config: Located, provider: Located, layers: Located | None) -> None:
    """Tracing and image settings as the framework applies them (LL211, LL215)."""
    function.tracing_hint = "`provider.tracing.lambda: true`, or `tracing: Active` on the function"
    function.publish_hint = "drop `provider.versionFunctions: false`"
    iam_role = provider.get("iam", "role")
    custom = config.get("role") or provider.get("role") or \
        (iam_role if iam_role is not None and not isinstance(iam_role.value, dict) else None)
    # The framework adds the X-Ray statements to the role it makes (`IamRoleLambdaExecution`,
    # which `provider.iam.role` as a mapping only configures), never to a role the user names.
    function.tracing_grants_role = custom is None
    if function.package_type != "Image":
        return
    function.image_command_hint = "`image.command`"
    # The framework refuses `handler` next to `image`, drops `runtime`, and passes `layers` on
    # (the function's, else `provider.layers`), which Lambda rejects for an image.
    handler = config.get("handler")
    if handler is not None:
        function.image_unsupported.append(UnsupportedSetting("handler", handler))
    if layers is not None and layers.value not in (None, []):
        function.image_unsupported.append(
            UnsupportedSetting("layers", layers, None if config.get("layers") is not None else "`provider`"))


# What serverless-python-requirements before 5.0 left out of the package unless told otherwise
# (its `noDeploy` default; 5.0 made it empty).
_OLD_NO_DEPLOY = ("boto3", "botocore", "docutils", "jmespath", "pip", "python-dateutil", "s3transfer",
                  "setuptools", "six")


def no_deploy(template: Template) -> tuple[str, ...]:
    """The requirements serverless-python-requirements does not install into the package:
    `custom.pythonRequirements.noDeploy`, else the default of the plugin version `package.json`
    names (before 5.0: boto3 and the rest of the runtime's own packages)."""
    if "serverless-python-requirements" not in plugins(template.root):
        return ()
    listed = template.root.get("custom", "pythonRequirements", "noDeploy")
    if listed is not None:
        names = [item.str_value() for item in listed.elements()]
        # a name that is not written out may be any of them: the old default's stay out too
        return tuple(name for name in names if name) + (() if all(names) else _OLD_NO_DEPLOY)
    try:
        manifest = json.loads((template.source.path.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    specs = [part.get("serverless-python-requirements") for part in (manifest.get("devDependencies"),
             manifest.get("dependencies")) if isinstance(part, dict)] if isinstance(manifest, dict) else []
    major = next((re.match(r"\D*(\d+)", spec) for spec in specs if isinstance(spec, str)), None)
    return _OLD_NO_DEPLOY if major is not None and int(major.group(1)) < 5 else ()


def installs_python_requirements(template: Template) -> bool:
    """Whether `serverless package` installs the service's requirements.txt into the zip: with
    serverless-python-requirements, yes; without it, a framework before v4 (its `frameworkVersion`
    says so) zips the folder as it is. A later or unstated version is taken to install them."""
    if "serverless-python-requirements" in plugins(template.root):
        return True
    version = template.root.get("frameworkVersion")
    text = version.str_value() if version is not None and version.origin != "unresolved" else None
    if not text:
        return True
    below = re.search(r"<=?\s*v?(\d+)", text)  # an upper bound: `<2`, `>=1.0.0 <2.0.0`
    if below is not None:
        return int(below.group(1)) > 4 or (int(below.group(1)) == 4 and "<=" in text)
    first = re.search(r"(\d+)", text)  # `3`, `^3.38.0`, `~2.72.0`; `>=2.0.0` may be any later one
    return first is None or ">" in text or int(first.group(1)) >= 4


def plugins(root: Located) -> list[str]:
    """The plugin names a service lists under `plugins:` (a list, or `{localPath, modules}`)."""
    node = root.get("plugins")
    if node is not None and isinstance(node.value, dict):
        node = node.get("modules")
    names = (item.str_value() for item in (node.elements() if node is not None else []))
    return [name.strip() for name in names if name]


def _artifact(template: Template, config: Located) -> Located | None:
    """`package.artifact` of the function, else of the service: a zip built elsewhere is the code,
    not the service folder (the handler is not looked for there)."""
    for package in (config.get("package"), template.root.get("package")):
        artifact = package.get("artifact") if package is not None and isinstance(package.value, dict) else None
        if artifact is not None:
            return artifact
    return None


def _code_dir(template: Template, config: Located) -> Path:
    """The service folder, or the function's `module:` folder when serverless-python-requirements
    packages functions individually: it then ships that folder's contents at the zip's root, so
    the handler is relative to it (`module: orders` + `handler: api.create` is `orders/api.py`)."""
    module = config.get("module")
    folder = module.str_value() if module is not None else None
    service_package = template.root.get("package")
    individually = service_package is not None and (flag := service_package.get("individually")) is not None \
        and flag.value is True
    if not folder or folder.strip() in (".", "./") or not individually \
            or "serverless-python-requirements" not in plugins(template.root):
        return template.directory
    return normalized(template.directory / folder.strip())


def _as_provider(node: Located) -> Located:
    if node.origin == "unresolved":
        return node
    return node.but(origin="provider")


def _merged_resources(root: Located) -> Located:
    """`resources:` as one mapping: the framework merges a list of them (each often read from its
    own file) into the service's CloudFormation, `Resources` with `Resources`, `Outputs` with
    `Outputs`."""
    resources = root.get("resources")
    if resources is None or not isinstance(resources.value, list) or not isinstance(root.value, dict):
        return root
    merged: dict[str, dict[str, Located]] = {}
    spans: dict[str, Located] = {}
    for part in resources.value:
        for section, entries in part.items():
            if isinstance(entries.value, dict):
                merged.setdefault(section, {}).update(entries.value)
                spans.setdefault(section, entries)
    value = {section: spans[section].but(value=entries) for section, entries in merged.items()}
    return root.but(value={**root.value, "resources": resources.but(value=value)})


class _Resolver:
    def __init__(self, root: Located, folder: Path | None = None, include: Include | None = None) -> None:
        self.root = root
        self.folder = folder
        self.include = include
        self.included: list[Path] = []

    def resolve(self, node: Located, depth: int) -> Located:
        if isinstance(node.value, dict):
            return node.but(value={k: self.resolve(v, depth) for k, v in node.value.items()})
        if isinstance(node.value, list):
            return node.but(value=[self.resolve(v, depth) for v in node.value])
        if isinstance(node.value, str) and "${" in node.value:
            return self.substitute(node, depth)
        return node

    def substitute(self, node: Located, depth: int) -> Located:
        text: str = node.value
        staged = _STAGED.fullmatch(text.strip())
        if staged is not None:
            alike = self.every_stage(staged.group(1), staged.group(2), depth)
            if alike is not None:
                return node.but(value=alike, origin="unresolved")
        whole = _VARIABLE.fullmatch(text)
        if whole:
            included = self.read_in(whole.group(1), depth)
            if included is not None:
                return included.but(key_span=node.key_span)
            reference = _SELF_REF.match(whole.group(1).strip())
            target = self.lookup_node(reference.group(1), depth) if reference is not None else None
            if _literal(target):
                # A whole-value reference keeps the target's type (`timeout: ${self:custom.t}` is 30).
                return node.but(value=target.value)  # type: ignore[union-attr]
            if _other_variable(target):
                # `${self:custom.jwt}` where `custom.jwt: ${ssm:/app/jwt}`: still not a value, but
                # the variable it stands for (what LL312 reads)
                return node.but(value=target.value, origin="unresolved")  # type: ignore[union-attr]
            return node.but(origin="unresolved")
        unresolved = False

        def one(match: re.Match[str]) -> str:
            nonlocal unresolved
            target = self.lookup(match.group(1), depth)
            if target is None or isinstance(target.value, (dict, list)):
                unresolved = True
                return match.group(0)
            return str(target.value)

        value = _VARIABLE.sub(one, text)
        return node.but(value=value, origin="unresolved" if unresolved else node.origin)

    def every_stage(self, table: str, rest: str, depth: int) -> str | None:
        """`${self:custom.stages.${self:provider.stage}.JWT_SECRET}`: the stage is not known, but
        when every entry of the table holds the same kind of variable there (`${ssm:...}` for each
        stage), the value is that kind of variable whatever the stage: the first one's text. An
        entry without the key is a stage that cannot deploy this reference (the framework stops
        on it), so it does not count."""
        entries = self.lookup_node(table.rstrip("."), depth)
        if entries is None or not isinstance(entries.value, dict):
            return None
        found: list[str] = []
        for key in entries.value:
            target = self.lookup_node(f"{table}{key}{rest}", depth)
            if target is None:
                continue
            if not _other_variable(target):
                return None
            found.append(target.value)
        kinds = {text[2:].split(":", 1)[0] for text in found}
        return found[0] if len(kinds) == 1 else None

    def lookup_node(self, path: str, depth: int) -> Located | None:
        """The value at `path` (`custom.stages.dev`) of the service, resolved in turn."""
        node: Located | None = self.root
        for part in path.split("."):
            node = node.get(part) if node is not None else None
        return self.resolve(node, depth + 1) if node is not None and depth < _MAX_DEPTH else None

    def read_in(self, expression: str, depth: int) -> Located | None:
        """The value of `${file(path)}` / `${file(path):key.path}`, resolved in turn (`${self:}` in
        an included file still names the service's own values)."""
        match = _FILE_REF.match(expression.strip())
        if match is None or self.include is None or self.folder is None or depth >= _MAX_DEPTH:
            return None
        path = normalized(self.folder / match.group(1))
        if path.suffix.lower() not in (".yml", ".yaml", ".json"):
            return None  # `${file(./config.js):stage}` runs JavaScript: never read
        node = self.include(path)
        for part in (match.group(2) or "").split(".") if match.group(2) else ():
            node = node.get(part) if node is not None else None
        if node is None:
            return None
        if path not in self.included:
            self.included.append(path)
        return self.resolve(node, depth + 1)

    def lookup(self, expression: str, depth: int) -> Located | None:
        """The literal value `${self:path}` names."""
        match = _SELF_REF.match(expression.strip())
        target = self.lookup_node(match.group(1), depth) if match is not None else None
        return target if _literal(target) else None


def _literal(node: Located | None) -> bool:
    return node is not None and node.origin != "unresolved" and not isinstance(node.value, (dict, list))


def _other_variable(node: Located | None) -> bool:
    """One variable other than `${self:...}` left as written (`${ssm:/app/jwt}`)."""
    written = node.value if node is not None and node.origin == "unresolved" and isinstance(node.value, str) else ""
    return _VARIABLE.fullmatch(written) is not None and not _SELF_REF.match(written[2:-1].strip())
