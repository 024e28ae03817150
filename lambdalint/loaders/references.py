"""Values a deployment resolves from a parameter store or a secret, in each dialect's syntax.

CloudFormation (and SAM, cdk.out, a Serverless `resources:` section, since they deploy through it)
resolves `{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}` and `{{resolve:ssm:...}}`
dynamic references and `AWS::SSM::Parameter::Value<String>` parameters, and hides `NoEcho` ones; the Serverless Framework resolves `${ssm:...}` (with `~true`: decrypted)
and `${secretsmanager:...}` variables; Terraform reads a secret's `secret_string`, a parameter's
`value` (a `SecureString` decrypted) and a `random_password`'s `result` into plain values. Each loader sets its template's `reference_reader` to the
reader of its dialect, so LL312 reads `Template.references_in` and no syntax.
"""

from __future__ import annotations

import re
from typing import Iterator

from lambdalint.located import Located
from lambdalint.model import DeployReference, Template

# `{{resolve:secretsmanager:secret-id:SecretString:json-key:stage:version}}`; the reference may be
# cut by `!Join` pieces, so it runs to `}}` or to the end of the string.
_DYNAMIC = re.compile(r"\{\{resolve:(secretsmanager|ssm-secure|ssm):((?:(?!\}\}).)*)")
_SUB_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_SERVERLESS_VARIABLE = re.compile(r"\$\{(ssm(?:\.[a-z0-9-]+)?|secretsmanager):([^}]*)\}")


def dynamic_references(template: Template, value: Located) -> list[DeployReference]:
    """CloudFormation dynamic references, in every string of the value (through `!Sub`, `!Join`)."""
    return [found for text in _strings(value) for found in _dynamic(text)]


def cloudformation_references(template: Template, value: Located) -> list[DeployReference]:
    """Dynamic references, then `NoEcho` parameters the value refers to (`Ref`, `${Param}`)."""
    found = dynamic_references(template, value)
    for parameter in _referenced_parameters(value):
        node = template.parameters.get(parameter)
        flag = node.get("NoEcho") if node is not None else None
        kind = node.get("Type") if node is not None else None
        if flag is not None and str(flag.value).lower() == "true":
            found.append(DeployReference("no-echo", f"the `NoEcho` parameter `{parameter}`"))
        elif kind is not None and str(kind.value).replace(" ", "") == "AWS::SSM::Parameter::Value<String>":
            # resolved from Parameter Store at deploy time, like `{{resolve:ssm:...}}`
            found.append(DeployReference("ssm", f"the parameter `{parameter}` of type "
                                                "`AWS::SSM::Parameter::Value<String>`"))
    return found


def serverless_references(template: Template, value: Located) -> list[DeployReference]:
    """Per string: dynamic references (a `resources:` section deploys through CloudFormation),
    then the framework's `${ssm:...}` and `${secretsmanager:...}` variables."""
    found: list[DeployReference] = []
    for text in _strings(value):
        found.extend(_dynamic(text))
        for match in _SERVERLESS_VARIABLE.finditer(text):
            source, path = match.group(1), match.group(2)
            if source == "secretsmanager":
                found.append(DeployReference("secretsmanager", "`${secretsmanager:...}`"))
            elif "/aws/reference/secretsmanager/" in path:
                found.append(DeployReference(
                    "secretsmanager", "a Secrets Manager secret (`${ssm:/aws/reference/secretsmanager/...}`)"))
            elif path.rstrip().endswith("~true"):
                found.append(DeployReference("ssm-secure", "a decrypted SecureString (`${ssm:...~true}`)"))
            else:
                found.append(DeployReference("ssm", "`${ssm:...}`"))
    return found


def _dynamic(text: str) -> Iterator[DeployReference]:
    for match in _DYNAMIC.finditer(text):
        source = match.group(1)
        yield DeployReference(source, f"`{{{{resolve:{source}:...}}}}`",  # type: ignore[arg-type]
                              _json_key(match.group(2)) if source == "secretsmanager" else "")


def _json_key(reference: str) -> str:
    """The JSON key a Secrets Manager reference reads (`password`), lowercased; "" for the whole
    secret. `${...}` of `!Sub` may stand for the secret id and holds colons of its own
    (`${AWS::Region}`), so it is blanked first; an ARN secret id spans seven fields."""
    fields = _SUB_PLACEHOLDER.sub("x", reference).split(":")
    rest = fields[7:] if fields[0] == "arn" else fields[1:]
    return rest[1].strip().lower() if len(rest) > 1 else ""


def _strings(node: Located) -> Iterator[str]:
    """Every literal string inside a value (through `!Sub`, `!Join`, `!If` ...)."""
    if isinstance(node.value, str):
        yield node.value
    elif isinstance(node.value, list):
        for item in node.value:
            yield from _strings(item)
    elif isinstance(node.value, dict):
        for item in node.value.values():
            yield from _strings(item)


def _referenced_parameters(node: Located) -> Iterator[str]:
    intrinsic = node.intrinsic
    if intrinsic is not None:
        name, arg = intrinsic
        if name == "Ref" and isinstance(arg.value, str):
            yield arg.value
            return
        if name == "Fn::Sub":
            parts = arg.elements()
            if parts and isinstance(parts[0].value, str):
                bound = set(parts[1].value) if len(parts) > 1 and isinstance(parts[1].value, dict) else set()
                yield from (v for v in _SUB_VARIABLE.findall(parts[0].value) if v not in bound)
    if isinstance(node.value, dict):
        for item in node.value.values():
            yield from _referenced_parameters(item)
    elif isinstance(node.value, list):
        for item in node.value:
            yield from _referenced_parameters(item)


# `aws_secretsmanager_secret_version.db.secret_string` (also `data.`), with the JSON key a
# `jsondecode(...)["password"]` / `jsondecode(...).password` around it reads
_TF_SECRET = re.compile(r"(\b(?:data\.)?aws_secretsmanager_secret_version\.[\w-]+(?:\[[^\]]*\])?\.secret_string)\b"
                        r"(?:\s*\)\s*(?:\[\s*\"([^\"]+)\"\s*\]|\.(\w+)))?")
_TF_PARAMETER = re.compile(r"\b(data\.)?aws_ssm_parameter\.([\w-]+)(?:\[[^\]]*\])?\.(?:insecure_)?value\b")
_TF_INTERPOLATED_VARIABLE = re.compile(r"\$\{\s*(var\.[\w.-]+)\s*\}")
_TF_PASSWORD = re.compile(r"\brandom_password\.[\w-]+(?:\[[^\]]*\])?\.result\b")
_TF_VARIABLE = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")


_TF_RESOURCE = re.compile(r"(?<![\w.])((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z_][\w-]*)")


def terraform_resources(template: Template, value: Located) -> set[str]:
    """The resources a Terraform value names (`aws_sns_topic.alerts.arn`, alone or inside a
    string), by their address and by the address with the module's prefix, as triggers name
    their sources (`Template.resource_reader`)."""
    found: set[str] = set()
    prefix = getattr(template.module, "prefix", "") or ""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node.value, dict):
            stack.extend(node.value.values())
        elif isinstance(node.value, list):
            stack.extend(node.value)
        elif node.origin == "unresolved" and isinstance(node.value, str):
            for address in _TF_RESOURCE.findall(node.value):
                found.add(address)
                if prefix:
                    found.add(prefix + address)
    return found


def terraform_references(template: Template, value: Located) -> list[DeployReference]:
    """What of a Terraform value is a secret read at plan time: a reference the loader kept as
    text (`aws_ssm_parameter.db.value`, inside a template string too), or a module input the
    caller gave one (`var.db_password`)."""
    module = template.module
    found: list[DeployReference] = []
    if value.origin != "unresolved" or not isinstance(value.value, str):
        return found  # a literal is LL311's
    pieces = [(module, value.value)]
    if module is not None:  # what the caller gave a module input, alone or inside a string
        for name in [value.value.strip()] + _TF_INTERPOLATED_VARIABLE.findall(value.value):
            passed = module.passed_in(Located(name, value.span, "unresolved"))
            if passed is not None and isinstance(passed.value, str):
                pieces.append((module.caller, passed.value))
    for owner, text in pieces:
        for match in _TF_SECRET.finditer(text):
            key = (match.group(2) or match.group(3) or "").lower()
            found.append(DeployReference("secretsmanager", f"a Secrets Manager secret (`{match.group(1)}`)", key))
        for match in _TF_PARAMETER.finditer(text):
            secure = not match.group(1) and owner is not None and _secure_parameter(owner, match.group(2))
            # a plain parameter is named as written: the rule says what it is ("an SSM parameter under ...")
            found.append(DeployReference("ssm-secure", f"a decrypted SecureString (`{match.group(0)}`)") if secure
                         else DeployReference("ssm", f"`{match.group(0)}`"))
        for match in _TF_PASSWORD.finditer(text):
            found.append(DeployReference("generated", f"a generated password (`{match.group(0)}`)"))
        for match in _TF_VARIABLE.finditer(text):
            # `sensitive = true`: Terraform's `NoEcho`, a value the plan and the console hide
            if owner is not None and _sensitive(owner, match.group(1)):
                found.append(DeployReference("no-echo", f"the sensitive variable `{match.group(0)}`"))
    return found


def _sensitive(module, name: str) -> bool:  # type: ignore[no-untyped-def]
    for hcl in module.files:
        for block in hcl.body.blocks:
            if block.type == "variable" and block.labels == [name] and "sensitive" in block.attributes:
                flag = module.attribute(block.attributes["sensitive"])
                return flag.value is True
    return False


def _secure_parameter(module, name: str) -> bool:  # type: ignore[no-untyped-def]
    block = module.resources.get(("aws_ssm_parameter", name))
    kind = module.value(block).get("type") if block is not None else None
    return kind is not None and kind.value == "SecureString"
