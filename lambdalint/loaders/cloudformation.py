"""CloudFormation and SAM templates into the model.

SAM's `Globals.Function` is merged into each `AWS::Serverless::Function` the way SAM does it (maps
merge, lists append, scalars override) and every merged value keeps origin `globals`, so a rule can
tell "set on the function" from "inherited" and point at the Globals line.

A SAM Zip function with neither `CodeUri` (own or Globals) nor `InlineCode` gets the code location
`.` with origin `default`: `sam build` and `sam package` take the template's own folder then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from lambdalint.located import Located, Span, default
from lambdalint.loaders.handlers import nameable, normalized, resolve_handler
from lambdalint.model import Function, PublicGrant, PublicUrl, SourceFile, Template, UnsupportedSetting

SAM_FUNCTION = "AWS::Serverless::Function"
CFN_FUNCTION = "AWS::Lambda::Function"
DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128


def looks_like_cloudformation(root: Located) -> bool:
    resources = root.get("Resources")
    if resources is None:
        return False
    if root.get("AWSTemplateFormatVersion") is not None or root.get("Transform") is not None:
        return True  # a template skeleton with nothing in `Resources:` yet is still a template
    # Without the header, a `Resources:` mapping counts only when its entries look like resources.
    return isinstance(resources.value, dict) and any(
        isinstance(r.value, dict) and "Type" in r.value for r in resources.value.values())


def load_cloudformation(source: SourceFile, root: Located, note: Callable[[str], None] | None = None) -> Template:
    """`note` says what the template holds that is not read (shown as not checked)."""
    from lambdalint.loaders.references import cloudformation_references

    template = Template(source=source, dialect="cloudformation", root=root, is_sam=_is_sam(root),
                        reference_reader=cloudformation_references)
    template.functions.extend(resource_functions(template))
    resource_facts(template)
    if note is not None:
        _note_modules(template, note)
    return template


def _note_modules(template: Template, note: Callable[[str], None]) -> None:
    """Resources of a CloudFormation registry module (`Type: awslabs::sdlf::pipeline::MODULE`): the
    functions, queues and triggers it makes are not read."""
    for logical_id, resource in template.resources.items():
        kind = resource.get("Type")
        if kind is not None and isinstance(kind.value, str) and kind.value.endswith("::MODULE"):
            note(f"{template.source.display}:{(resource.key_span or resource.span).line}: `{logical_id}` is a "
                 f"CloudFormation module (`{kind.value}`) lambdalint does not read: the functions, triggers "
                 "and queues it makes are not checked")


_URL_HINT = ("Set `AuthType: AWS_IAM` and sign requests, or front the function with an API that "
             "authenticates callers.")
_NARROWING = ("SourceArn", "SourceAccount", "PrincipalOrgID")


# Resources that are a resource-based policy (or, nested stacks, may hold any), by IAM service.
_RESOURCE_POLICIES = {
    "AWS::S3::BucketPolicy": "s3", "AWS::SQS::QueuePolicy": "sqs", "AWS::SQS::QueueInlinePolicy": "sqs",
    "AWS::SNS::TopicPolicy": "sns", "AWS::SNS::TopicInlinePolicy": "sns",
    "AWS::SecretsManager::ResourcePolicy": "secretsmanager", "AWS::KMS::Key": "kms",
    "AWS::Kinesis::ResourcePolicy": "kinesis", "AWS::Events::EventBusPolicy": "events",
    "AWS::Logs::ResourcePolicy": "logs", "AWS::CloudFormation::Stack": "*",
    "AWS::Serverless::Application": "*",
}
# Resources whose own property is a resource-based policy.
_POLICY_PROPERTY = {
    "AWS::DynamoDB::Table": ("dynamodb", "ResourcePolicy"), "AWS::DynamoDB::GlobalTable": ("dynamodb", "Replicas"),
    "AWS::Events::EventBus": ("events", "Policy"), "AWS::ECR::Repository": ("ecr", "RepositoryPolicyText"),
    "AWS::Kinesis::Stream": ("kinesis", "ResourcePolicy"),
}


def resource_facts(template: Template) -> None:
    """What the template's resources say about its functions once they are all loaded: function
    URLs and permissions open to anyone (`AWS::Lambda::Url`, SAM `FunctionUrlConfig`,
    `AWS::Lambda::Permission`), and `AWS::Lambda::EventInvokeConfig`s, tied to the function they
    name (`triggers.function_namer`: a reference, a literal name or ARN). An invoke config naming no function of
    the template may configure any: each keeps it among the places its role may send events to."""
    from lambdalint.triggers import function_namer

    function_named = function_namer(template)
    for function in template.functions:
        auth = function.properties.get("FunctionUrlConfig", "AuthType") if function.kind == SAM_FUNCTION else None
        if _is_none(auth):
            template.public_urls.append(PublicUrl(auth, _URL_HINT, function=function))  # type: ignore[arg-type]
    for logical_id, resource in template.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties")
        if kind is not None and isinstance(kind.value, str):
            service = _RESOURCE_POLICIES.get(kind.value)
            if service is None and kind.value in _POLICY_PROPERTY and props is not None \
                    and props.get(_POLICY_PROPERTY[kind.value][1]) is not None:
                service = _POLICY_PROPERTY[kind.value][0]
            if service is None and kind.value == "AWS::IAM::Role" and props is not None and _trusts_principals(props):
                service = "sts"
            if service is not None:
                template.resource_policies.add(service)
        if kind is None or props is None:
            continue
        if kind.value == "AWS::Lambda::Url" and _is_none(auth := props.get("AuthType")):
            template.public_urls.append(PublicUrl(auth, _URL_HINT, resource=logical_id))  # type: ignore[arg-type]
        elif kind.value == "AWS::Lambda::Permission":
            principal = props.get("Principal")
            if principal is not None and principal.str_value() == "*" and \
                    not any(props.get(key) is not None for key in _NARROWING):
                template.public_grants.append(PublicGrant(
                    logical_id, principal, "Add `SourceArn` (and `SourceAccount`) naming the caller, or "
                    "`PrincipalOrgID`, or name the calling service as `Principal`.",
                    # CDK's `add_function_url(auth_type=NONE)` writes both: `lambda:InvokeFunctionUrl`
                    # for auth NONE, and `lambda:InvokeFunction` only through the URL
                    _is_none(props.get("FunctionUrlAuthType")) or _is_true(props.get("InvokedViaFunctionUrl"))))
        elif kind.value == "AWS::Lambda::EventInvokeConfig":
            target = function_named(props.get("FunctionName"))
            named = [target] if target is not None else []
            for function in named:
                if function.failure_handling is None:
                    function.failure_handling = resource
            for function in named or template.functions:
                function.failure_destinations.append(resource)


def _trusts_principals(props: Located) -> bool:
    """Whether a role's trust policy may let IAM users or roles (not only services) assume it.
    Such a trust policy is a resource-based policy for `sts:AssumeRole`: naming a role of the same
    account, it lets that role assume this one without a permission of its own."""
    document = props.get("AssumeRolePolicyDocument")
    statements = document.get("Statement") if document is not None else None
    if statements is None:
        return document is not None  # a document lambdalint cannot read may trust anyone
    for statement in statements.elements():
        principal = statement.get("Principal")
        if principal is not None and (principal.get("AWS") is not None or not isinstance(principal.value, dict)):
            return True
    return False


def _is_true(node: Located | None) -> bool:
    return node is not None and str(node.value).lower() == "true"


def _is_none(node: Located | None) -> bool:
    return node is not None and isinstance(node.value, str) and node.is_literal and node.value.upper() == "NONE"


def resource_functions(template: Template) -> list[Function]:
    """The Lambda functions among a template's resources (Serverless `resources:` included)."""
    functions = []
    globals_node = template.root.get("Globals", "Function")
    for logical_id, resource in template.resources.items():
        kind = resource.get("Type")
        if kind is None or kind.value not in (SAM_FUNCTION, CFN_FUNCTION):
            continue
        properties = resource.get("Properties") or Located({}, resource.span)
        if not isinstance(properties.value, dict):
            properties = Located({}, properties.span)
        if kind.value == SAM_FUNCTION and globals_node is not None:
            properties = merge_defaults(properties, globals_node, "globals")
        span = resource.key_span or resource.span
        functions.append(_function(template, logical_id, kind.value, span, properties, resource))
    return functions


def _is_sam(root: Located) -> bool:
    transform = root.get("Transform")
    if transform is None:
        return False
    return any(isinstance(t.value, str) and t.value.startswith("AWS::Serverless")
               for t in transform.elements())


def merge_defaults(own: Located, inherited: Located, origin: str) -> Located:
    """`own` with `inherited` filled in underneath; inherited values are re-tagged with `origin`."""
    if not isinstance(own.value, dict) or not isinstance(inherited.value, dict):
        return own
    merged = dict(own.value)
    for key, value in inherited.value.items():
        mine = merged.get(key)
        if mine is None:
            merged[key] = retag(value, origin)
        elif isinstance(mine.value, dict) and isinstance(value.value, dict) and mine.intrinsic is None:
            merged[key] = merge_defaults(mine, value, origin)
        elif isinstance(mine.value, list) and isinstance(value.value, list):
            merged[key] = mine.but(value=[retag(v, origin) for v in value.value] + mine.value)
    return own.but(value=merged)


def retag(node: Located, origin: str) -> Located:
    if isinstance(node.value, dict):
        value: object = {k: retag(v, origin) for k, v in node.value.items()}
    elif isinstance(node.value, list):
        value = [retag(v, origin) for v in node.value]
    else:
        value = node.value
    keep = node.origin if node.origin == "unresolved" else origin
    return node.but(value=value, origin=keep)  # type: ignore[arg-type]


def _function(template: Template, logical_id: str, kind: str, span: Span,
              props: Located, resource: Located) -> Function:
    def prop(name: str, fallback: object = None) -> Located:
        found = props.get(name)
        return found if found is not None else default(fallback, span)

    sam = kind == SAM_FUNCTION
    code = props.get("CodeUri") if sam else props.get("Code")
    inline = sam and props.get("InlineCode") is not None
    if inline:
        # The code is in the template; a `CodeUri` next to it (some samples keep both) is not
        # what deploys, so there is no code folder or package to look at.
        code = None
    package_type = str(prop("PackageType", "Zip").value)
    if code is not None:
        code_location = code
    elif sam and not inline and package_type == "Zip":
        # `sam build` and `sam package` take the template's own folder when neither the function
        # nor `Globals` sets `CodeUri`; origin `default` tells rules it was never written.
        code_location = default(".", span)
    else:
        code_location = default(None, span)
    variables = props.get("Environment", "Variables")
    function = Function(
        name=logical_id,
        kind=kind,  # type: ignore[arg-type]
        template=template,
        span=span,
        properties=props,
        runtime=prop("Runtime"),
        handler=prop("Handler"),
        timeout=prop("Timeout", DEFAULT_TIMEOUT),
        memory=prop("MemorySize", DEFAULT_MEMORY),
        reserved_concurrency=prop("ReservedConcurrentExecutions"),
        environment=dict(variables.items()) if variables is not None else {},
        layers=prop("Layers", []).elements() if props.get("Layers") is not None else [],
        events=prop("Events", {}),
        role=prop("Role"),
        code_location=code_location,
        package_type=package_type,
        set_hint="on the function or in `Globals.Function`" if sam else "on the function",
        own_hint="on the function or in `Globals.Function`" if sam else "on the function",
        environment_known=all(node is None or (isinstance(node.value, dict) and node.origin != "unresolved"
                                               and node.intrinsic is None)
                              for node in (props.get("Environment"), variables)),
        environment_anchor=_key_span(props.get("Environment")),
        failure_handling=next((props.get(k) for k in ("DeadLetterQueue", "DeadLetterConfig", "EventInvokeConfig")
                               if props.get(k) is not None), None),
        failure_destinations=[props.value[k] for k in ("DeadLetterQueue", "DeadLetterConfig", "EventInvokeConfig")
                              if props.get(k) is not None],
        failure_hint=(
            "Add `EventInvokeConfig: {DestinationConfig: {OnFailure: ...}}` or `DeadLetterQueue` to the "
            "function or `Globals.Function`, so failed events are kept." if sam else
            "Add an `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`, or "
            "`DeadLetterConfig` to the function, so failed events are kept."),
    )
    _platform(function, sam)
    code_dir = _code_dir(template, code_location, resource)
    function.code_dir = code_dir if code_dir is not None and nameable(code_dir) else None
    resolve_handler(function)
    if sam and is_makefile_build(resource) and function.handler_file is not None \
            and not function.handler_file.exists():
        # A Makefile build copies files wherever it likes: a handler the source folder does not
        # hold may well be in the package, so it is unknown rather than missing.
        function.handler_file = function.handler_function = None
    return function


def _key_span(node: Located | None):
    return node.key_span if node is not None else None


def _platform(function: Function, sam: bool) -> None:
    """Tracing and image settings in CloudFormation's and SAM's words (LL211, LL215)."""
    props = function.properties
    if sam:
        function.publish_hint = "`AutoPublishAlias: live` on the function or in `Globals.Function`"
        function.tracing_hint = "`Tracing: Active` on the function or in `Globals.Function`"
        role = props.get("Role")
        # SAM adds AWSXrayWriteOnlyAccess to the role it makes when tracing is active.
        function.tracing_grants_role = role is None or role.value is None
    if function.package_type == "Image":
        for key in ("Handler", "Runtime", "Layers"):
            value = props.get(key)
            if value is not None:
                function.image_unsupported.append(
                    UnsupportedSetting(key, value, "`Globals.Function`" if value.origin == "globals" else None))


def resource_function(template: Template, logical_id: str, kind: str, resource: Located) -> Function:
    """A function from a CloudFormation-shaped resource another loader built (CDK source)."""
    properties = resource.get("Properties") or Located({}, resource.span)
    return _function(template, logical_id, kind, resource.key_span or resource.span, properties, resource)


def is_makefile_build(resource: Located) -> bool:
    """`Metadata: {BuildMethod: makefile}`: `sam build` runs the project's Makefile instead of
    copying the code folder."""
    return build_method(resource) == "makefile"


def build_method(resource: Located) -> str | None:
    """`Metadata: BuildMethod` as written, lower case (`makefile`, `rust-cargolambda`,
    `python3.12`, `esbuild`); None when it is not set or not a string."""
    method = resource.get("Metadata", "BuildMethod")
    text = method.str_value() if method is not None else None
    return text.strip().lower() if text is not None else None


def _code_dir(template: Template, code: Located, resource: Located) -> Path | None:
    """The local folder holding the function's code, when the template names one."""
    base = template.directory
    if isinstance(code.value, str) and code.is_literal:
        if "://" in code.value or code.value.endswith((".zip", ".jar")):
            return None
        return normalized(base / code.value)
    # CDK synthesizes `Code: {S3Bucket, S3Key}` and records the local asset folder in metadata.
    asset = resource.get("Metadata", "aws:asset:path")
    if asset is not None and isinstance(asset.value, str):
        return normalized(base / asset.value)
    return None
