"""What invokes each function of a Terraform module, as the same `Trigger` list other dialects give.

Each wiring resource becomes a trigger whose `settings` use the CloudFormation names of the same
settings (`starting_position` -> `StartingPosition`, `destination_config.on_failure` ->
`DestinationConfig.OnFailure`, `timeout_milliseconds` -> `TimeoutInMillis`), so the trigger rules
read one spelling. `source` is the address of the resource the events come from (`aws_sqs_queue.jobs`),
`span` the wiring block's header. A function is matched only through a reference to it
(`aws_lambda_function.orders.arn`, `.function_name`, `.invoke_arn`) or its literal `function_name`;
anything else is no trigger, never a guess.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator, NamedTuple

from lambdalint.located import Located, Span, default
from lambdalint.loaders.hcl import Block
from lambdalint.loaders.terraform_module import FUNCTION, TerraformModule
from lambdalint.model import Function, PublicGrant, PublicUrl
from lambdalint.triggers import (_ARN_SERVICES, _PERMISSION_PRINCIPALS, DEFAULT_VISIBILITY, KINESIS_OR_DYNAMODB,
                                 ScheduleExpression, Trigger, TriggerKind, _without_redundant_permissions)

STREAM_HINT = ("Add a `destination_config { on_failure { destination_arn = ... } }` block and "
               "`bisect_batch_on_function_error = true`, or bound `maximum_retry_attempts`.")
_SOURCE_TYPES: dict[str, TriggerKind] = {
    "aws_sqs_queue": "sqs", "aws_kinesis_stream": "kinesis", "aws_dynamodb_table": "dynamodb",
    "aws_msk_cluster": "msk", "aws_msk_serverless_cluster": "msk", "aws_mq_broker": "mq",
    "aws_docdb_cluster": "documentdb",
}
# event source mapping settings, Terraform name -> CloudFormation name
_MAPPING_KEYS = {
    "starting_position": "StartingPosition", "batch_size": "BatchSize", "enabled": "Enabled",
    "maximum_retry_attempts": "MaximumRetryAttempts", "maximum_record_age_in_seconds": "MaximumRecordAgeInSeconds",
    "bisect_batch_on_function_error": "BisectBatchOnFunctionError", "parallelization_factor": "ParallelizationFactor",
    "function_response_types": "FunctionResponseTypes", "maximum_batching_window_in_seconds": "MaximumBatchingWindowInSeconds",
    "filter_criteria": "FilterCriteria", "topics": "Topics", "queues": "Queues",
    "self_managed_event_source": "SelfManagedEventSource",
}


# the function's ARN inside an integration URI written out by hand (what `invoke_arn` gives)
# (`.../functions/${aws_lambda_function.f.arn}/invocations`), or around its name in an ARN written out
# too (`.../functions/arn:aws:lambda:${var.region}:${var.account_id}:function:${aws_lambda_function.f.function_name}/invocations`)
_BUILT_INVOKE_ARN = re.compile(r":lambda:path/[0-9-]+/functions/(?:[^/]*:function:)?\$\{([^}]+)\}/invocations")

class _Source(NamedTuple):
    """A resource the events come from, in the module that defines it."""

    module: TerraformModule
    kind: str
    name: str
    address: str  # as the wiring module names it in messages

    @property
    def block(self) -> Block:
        return self.module.resources[(self.kind, self.name)]

    @property
    def body(self) -> Located:
        return self.module.value(self.block)

    @property
    def span(self) -> Span:
        return self.block.span


class _Collector:
    def __init__(self, module: TerraformModule, functions: list[Function],
                 calls: dict[str, Callable[[str], Function | None]] | None = None,
                 namespace: TerraformModule | None = None) -> None:
        self.module = module
        # local module calls whose functions `module.<call>.<output>` may name, by call name: calls
        # of `namespace` (this module, or its caller when the value came in as a variable)
        self.calls = calls or {}
        self.namespace = namespace or module
        # addresses as the namespace writes them (a called module's functions carry its prefix)
        prefix = self.namespace.prefix
        self.by_address = {f.name[len(prefix):] if f.name.startswith(prefix) else f.name: f for f in functions}
        self.by_name: dict[str, Function] = {}
        # a name known only at deploy time, by the expression its block writes (`var.names[count.index]`):
        # another block of the module that writes the same expression names the same function
        self.by_expression: dict[str, Function | None] = {}
        for function in functions:
            name = function.properties.get("function_name")
            if name is not None and name.str_value():
                self.by_name[name.value] = function
            elif name is not None and name.origin == "unresolved" and isinstance(name.value, str) \
                    and name.value.strip() and self.namespace.writes(name):
                expression = name.value.strip()
                self.by_expression[expression] = None if expression in self.by_expression else function

    def function_named(self, node: Located | None) -> Function | None:
        if self.namespace is not self.module:  # the caller's calls, named by what it passed in
            node = self.module.passed_in(node) or node
        text = node.value if node is not None and node.origin == "unresolved" and isinstance(node.value, str) else ""
        built = _BUILT_INVOKE_ARN.search(text)
        if built is not None and node is not None:
            # `"arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${aws_lambda_function.f.arn}/invocations"`:
            # the invoke ARN written out around the function's ARN
            return self.function_named(Located(built.group(1).strip(), node.span, "unresolved"))
        if text.startswith("module."):  # `module.orders.lambda_function_arn` of a lambda module call
            parts = text.split(".")
            found = self.by_address.get(".".join(parts[:2]))
            # `module.mock[0].lambda`: an instance of a call whose count is known only at deploy
            # time, which is read once, under its plain name
            call = parts[1] if len(parts) < 2 or parts[1] in self.calls else parts[1].split("[")[0]
            if found is None and len(parts) >= 3 and call in self.calls and self.namespace.writes(node):  # type: ignore[arg-type]
                # an output of a local module; `lambda_arns[0]`: an item of one that lists a
                # counted function's instances (`aws_lambda_function.f.*.arn`), the function read as one
                found = self.calls[call](parts[2].split("[")[0])
            return found
        ref = alias_target(self.module, self.module.reference(node))
        if ref is not None:
            return self.by_address.get(f"{ref[0]}.{ref[1]}") if ref[0] == FUNCTION else None
        text = node.str_value() if node is not None else None
        if text:
            name = text.split(":function:")[-1].split(":")[0].split("/")[0] if ":function:" in text else text
            return self.by_name.get(name)
        if node is not None and node.origin == "unresolved" and isinstance(node.value, str) \
                and self.namespace.writes(node):
            return self.by_expression.get(node.value.strip())
        return None

    def source(self, node: Located | None) -> _Source | None:
        """The resource the value refers to: one of this module's, or one that another module of
        the same caller outputs (its address then starts with that module's)."""
        found = self.module.resource_of(node)
        if found is None:
            return None
        module, kind, name = found
        return _Source(module, kind, name, f"{'' if module is self.module else module.prefix}{kind}.{name}")

    def body(self, kind: str, name: str) -> Located:
        return self.module.value(self.module.resources[(kind, name)])

    def collect(self) -> Iterator[Trigger]:
        handlers = {
            "aws_lambda_event_source_mapping": self.mapping,
            "aws_s3_bucket_notification": self.bucket,
            "aws_sns_topic_subscription": self.subscription,
            "aws_cloudwatch_event_target": self.event_target,
            "aws_scheduler_schedule": self.schedule,
            "aws_apigatewayv2_integration": self.api_v2,
            "aws_apigatewayv2_api": self.quick_api,
            "aws_api_gateway_integration": self.rest,
            "aws_lambda_function_url": self.url,
            "aws_lambda_permission": self.permission,
            "aws_lb_target_group_attachment": self.target_group,
            "aws_cloudwatch_log_subscription_filter": self.log_subscription,
        }
        for (kind, name), block in self.module.resources.items():
            handler = handlers.get(kind)
            if handler is None:
                continue
            # one trigger per instance of a `for_each` / `count` block whose instances are known
            # (`uri = each.value.lambda_arn` over a map of endpoints)
            instances = self.module.instances(block)
            for key, body in instances if instances is not None else [("", self.module.value(block))]:
                yield from handler(f"{kind}.{name}{key}", body, block.span, kind)

    def mapping(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        settings = {_MAPPING_KEYS[k]: v for k, v in body.items() if k in _MAPPING_KEYS}
        ref = body.get("event_source_arn")
        if ref is not None:
            settings["EventSourceArn"] = ref
        on_failure = _nested(body, "destination_config", "on_failure")
        if on_failure is not None:
            arn = on_failure.get("destination_arn")
            settings["DestinationConfig"] = Located({"OnFailure": Located({"Destination": arn or on_failure}, on_failure.span)},
                                                    on_failure.span)
        scaling = _nested(body, "scaling_config")
        if scaling is not None and scaling.get("maximum_concurrency") is not None:
            settings["ScalingConfig"] = Located({"MaximumConcurrency": scaling.value["maximum_concurrency"]}, scaling.span)
        source = self.source(ref)
        trigger_kind = self.mapping_kind(ref, source, settings)
        target = body.get("function_name")
        visibility = None
        if trigger_kind == "sqs" and source is not None and source.kind == "aws_sqs_queue":
            visibility = source.body.get("visibility_timeout_seconds") or default(DEFAULT_VISIBILITY, source.span)
        yield Trigger(trigger_kind, address, span, settings, self.function_named(target),
                      source.address if source else None, ref, kind,
                      {"target": target} if target is not None else {}, stream_hint=STREAM_HINT,
                      visibility=visibility, visibility_key="visibility_timeout_seconds",
                      may_poll=unknown_stream_pollers(trigger_kind, body))

    def mapping_kind(self, ref: Located | None, source: _Source | None,
                     settings: dict[str, Located]) -> TriggerKind:
        if source is not None and source.kind in _SOURCE_TYPES:
            return _SOURCE_TYPES[source.kind]
        text = ref.str_value() if ref is not None else None
        if text and text.startswith("arn:") and text.count(":") >= 2 and text.split(":")[2] in _ARN_SERVICES:
            return _ARN_SERVICES[text.split(":")[2]]
        for key, kind in (("SelfManagedEventSource", "kafka"), ("Queues", "mq"), ("Topics", "msk")):
            if key in settings:
                return kind  # type: ignore[return-value]
        return "stream" if "StartingPosition" in settings else "sqs"

    def bucket(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        source = self.source(body.get("bucket"))
        for config in _blocks(body, "lambda_function"):
            function = self.function_named(config.get("lambda_function_arn"))
            settings: dict[str, Located] = {}
            if config.get("events") is not None:
                settings["Events"] = config.value["events"]
            rules = [config.value[k] for k in ("filter_prefix", "filter_suffix") if k in config.value]
            if rules:
                settings["Filter"] = Located({"S3Key": Located({"Rules": Located(rules, config.span)}, config.span)},
                                             config.span)
            yield Trigger("s3", address, config.span, settings, function,
                          source.address if source else None, body.get("bucket"), kind)

    def subscription(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        protocol = body.get("protocol")
        if protocol is None or protocol.str_value() != "lambda":
            return
        function = self.function_named(body.get("endpoint"))
        ref = body.get("topic_arn")
        source = self.source(ref)
        if function is not None:
            settings = {"Protocol": protocol, **({"TopicArn": ref} if ref is not None else {})}
            if body.get("filter_policy") is not None:
                settings["FilterPolicy"] = body.value["filter_policy"]
            yield Trigger("sns", address, span, settings, function,
                          source.address if source else None, ref, kind)

    def event_target(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("arn"))
        if function is None:
            return
        rule_ref = self.module.reference(body.get("rule"))
        settings: dict[str, Located] = {}
        source = None
        if rule_ref is not None and ("aws_cloudwatch_event_rule", rule_ref[1]) in self.module.resources:
            source = f"aws_cloudwatch_event_rule.{rule_ref[1]}"
            rule = self.body("aws_cloudwatch_event_rule", rule_ref[1])
            for key, name in (("schedule_expression", "ScheduleExpression"), ("event_pattern", "EventPattern"),
                              ("state", "State")):
                if rule.get(key) is not None:
                    settings[name] = rule.value[key]
            enabled = rule.get("is_enabled")  # the older spelling of `state`
            if enabled is not None and enabled.is_literal and str(enabled.value).lower() in ("false", "true"):
                settings.setdefault("State", enabled.but(value="ENABLED" if str(enabled.value).lower() == "true"
                                                          else "DISABLED"))
        elif rule_ref is not None or body.get("rule") is None:
            return  # a rule this module does not define: its schedule or pattern is unknown
        trigger_kind: TriggerKind = "schedule" if "ScheduleExpression" in settings else "eventbridge"
        yield Trigger(trigger_kind, address, span, settings, function, source, body.get("rule"), kind,
                      {"target": _target(body)})

    def schedule(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        target = _nested(body, "target")
        function = self.function_named(target.get("arn") if target is not None else None)
        if function is None or target is None:
            return
        settings = {"ScheduleExpression": body.value["schedule_expression"]} if body.get("schedule_expression") else {}
        if body.get("state") is not None:
            settings["State"] = body.value["state"]
        yield Trigger("scheduler", address, span, settings, function, address, None, kind,
                      {"target": _target(target)})

    def api_v2(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("integration_uri"))
        if function is None:
            return
        ref = body.get("api_id")
        source = self.source(ref)
        protocol = source.body.get("protocol_type") if source is not None else None
        trigger_kind: TriggerKind = "websocket" if protocol is not None and protocol.str_value() == "WEBSOCKET" \
            else "http-api"
        settings = {"TimeoutInMillis": body.value["timeout_milliseconds"]} if body.get("timeout_milliseconds") else {}
        routes = self.routes_to(address)
        yield Trigger(trigger_kind, address, span, settings, function,
                      source.address if source else None, ref, kind,
                      extra={"Routes": Located(routes, span)} if routes else {})

    def routes_to(self, integration: str) -> list[Located]:
        """The `aws_apigatewayv2_route`s whose `target` is `integrations/${<integration>.id}`, each
        as the CloudFormation route's `RouteKey` and `AuthorizationType` (LL216 reads them), placed
        at the route's block header. An instance of a `for_each` integration is also the target of
        the route instance with the same key that names it `<integration>[each.key]`."""
        base, key = integration.partition("[")[0], _instance_key(integration)
        wanted = re.compile(rf"(?<![\w.]){re.escape(integration)}\.id\b")
        by_key = re.compile(rf"(?<![\w.]){re.escape(base)}\[\s*each\.key\s*\]\.id\b") if key else None
        routes = []
        for (kind, name), block in self.module.resources.items():
            if kind != "aws_apigatewayv2_route":
                continue
            instances = self.module.instances(block)
            for route_key, body in instances if instances is not None else [("", self.module.value(block))]:
                target = body.get("target")
                text = target.value if target is not None and isinstance(target.value, str) else ""
                if not wanted.search(text) and not (by_key is not None and route_key == key and by_key.search(text)):
                    continue
                fields = {"RouteKey": body.value["route_key"]} if body.get("route_key") is not None else {}
                if body.get("authorization_type") is not None:
                    fields["AuthorizationType"] = body.value["authorization_type"]
                routes.append(Located(fields, block.span))
        return routes

    def quick_api(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        target = body.get("target")  # quick create: the default route's Lambda proxy
        function = self.function_named(target)
        protocol = body.get("protocol_type")
        if function is not None and target is not None and protocol is not None and protocol.str_value() == "HTTP":
            # the one route quick create makes (`route_key`, else `$default`), which takes no authorizer
            key = body.get("route_key") or default("$default", span)
            route = Located({"RouteKey": key}, span)
            yield Trigger("http-api", address, target.key_span or target.span, {}, function, address, None, kind,
                          extra={"Routes": Located([route], span)})

    def rest(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("uri"))
        if function is None:
            return
        settings: dict[str, Located] = {}
        if body.get("timeout_milliseconds") is not None:
            settings["TimeoutInMillis"] = body.value["timeout_milliseconds"]
        if body.get("request_parameters") is not None:
            settings["RequestParameters"] = body.value["request_parameters"]
        ref = body.get("rest_api_id")
        source = self.source(ref)
        yield Trigger("api", address, span, settings, function,
                      source.address if source else None, ref, kind,
                      extra=self.rest_method(body, source, _instance_key(address)))

    def rest_method(self, integration: Located, api: _Source | None, key: str = "") -> dict[str, Located]:
        """The `aws_api_gateway_method` an integration's `http_method` refers to and its REST API,
        as CloudFormation's `Method` and `RestApi` properties (LL216 reads them); empty when
        either is not a resource of this module. `key`: the integration's instance (`["/orders"]`),
        whose method is the method's instance with the same key (`http_method = each.value.method`
        of one `for_each` map for both)."""
        method = self.module.reference(integration.get("http_method"))
        if api is None or method is None or method[0] != "aws_api_gateway_method" \
                or (method[0], method[1]) not in self.module.resources:
            return {}
        block = self.module.resources[(method[0], method[1])]
        instances = self.module.instances(block) if key and block.may_set("for_each") else None
        body = next((b for k, b in instances or () if k == key), None) or self.module.value(block)
        names = {"http_method": "HttpMethod", "authorization": "AuthorizationType", "api_key_required": "ApiKeyRequired"}
        method_props = {names[k]: v for k, v in body.items() if k in names}
        api_body = api.body
        api_props: dict[str, Located] = {}
        policies = [b for (kind, _), b in api.module.resources.items() if kind == "aws_api_gateway_rest_api_policy"]
        if api_body.get("policy") is not None or policies:  # a policy of this API, or maybe of it
            api_props["Policy"] = api_body.get("policy") or default("policy", api_body.span)
        endpoint = _nested(api_body, "endpoint_configuration")
        if endpoint is not None and endpoint.get("types") is not None:
            api_props["EndpointConfiguration"] = Located({"Types": endpoint.value["types"]}, endpoint.span)
        return {"Method": Located(method_props, block.span, key_span=block.span),
                "MethodName": Located(f"{method[0]}.{method[1]}", block.span),
                "RestApi": Located(api_props, api_body.span)}

    def url(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("function_name"))
        if function is not None:
            settings = {"AuthType": body.value["authorization_type"]} if body.get("authorization_type") else {}
            yield Trigger("function-url", address, span, settings, function, declared_by=kind)

    def permission(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        principal = body.get("principal")
        text = principal.str_value() if principal is not None else None
        trigger_kind = _PERMISSION_PRINCIPALS.get(text or "")
        if trigger_kind is None and text and text.startswith("logs."):
            trigger_kind = "logs"
        function = self.function_named(body.get("function_name"))
        if trigger_kind is not None and function is not None:
            ref = body.get("source_arn")
            source = self.source(ref)
            if source is not None and source.kind == "aws_cloudwatch_event_rule" and source.module is self.module \
                    and self._targets_elsewhere(source.name, function):
                return  # the rule's targets, all in this module, are other resources: it never invokes it
            # "AWS::Lambda::Permission": the grant only says who may invoke (dropped when
            # something else shows the same trigger)
            yield Trigger(trigger_kind, address, span, {}, function,
                          source.address if source else None, ref, "AWS::Lambda::Permission")

    def _targets_elsewhere(self, rule: str, function: Function) -> bool:
        """The module gives the rule `aws_cloudwatch_event_target`s, and none of them is `function`
        (a permission left for an SNS topic the rule now targets): False when it gives it none here."""
        targets = [self.body(kind, name) for kind, name in self.module.resources if kind == "aws_cloudwatch_event_target"]
        mine = [t for t in targets if (ref := self.module.reference(t.get("rule"))) is not None
                and ref[0] == "aws_cloudwatch_event_rule" and ref[1] == rule]
        return bool(mine) and all(self.function_named(t.get("arn")) is not function for t in mine)

    def log_subscription(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("destination_arn"))
        if function is not None:
            ref = body.get("log_group_name")
            source = self.source(ref)
            yield Trigger("logs", address, span, {}, function, source.address if source else None,
                          ref, kind)

    def target_group(self, address: str, body: Located, span: Span, kind: str) -> Iterator[Trigger]:
        function = self.function_named(body.get("target_id"))
        if function is not None:
            yield Trigger("alb", address, span, {}, function, None, body.get("target_group_arn"), kind)


def unknown_stream_pollers(kind: str, mapping: Located) -> frozenset[str]:
    """What polls a mapping's stream whose source is not known (`kind` "stream": it has a starting
    position and no Kafka or MQ settings): Kinesis or a DynamoDB stream, unless it reads a
    DocumentDB change stream; empty (anything) then."""
    if kind != "stream" or mapping.get("document_db_event_source_config") is not None:
        return frozenset()
    return KINESIS_OR_DYNAMODB


def _blocks(body: Located, name: str) -> list[Located]:
    node = body.get(name)
    return [b for b in node.value if isinstance(b.value, dict)] if node is not None and isinstance(node.value, list) else []


def _nested(body: Located, *names: str) -> Located | None:
    node: Located | None = body
    for name in names:
        found = _blocks(node, name) if node is not None else []
        node = found[0] if found else None
    return node


def _target(body: Located) -> Located:
    """A rule's or schedule's target in CloudFormation shape (`Arn`, `DeadLetterConfig`)."""
    target: dict[str, Located] = {}
    if body.get("arn") is not None:
        target["Arn"] = body.value["arn"]
    dead_letter = _nested(body, "dead_letter_config")
    if dead_letter is not None:
        target["DeadLetterConfig"] = Located({"Arn": dead_letter.get("arn") or dead_letter}, dead_letter.span)
    return Located(target, body.span)


def module_triggers(module: TerraformModule, functions: list[Function], extra: list[Trigger]) -> list[Trigger]:
    """The triggers wiring resources declare, plus `extra` (those lambda module calls declare,
    given the source their `event_source_arn` names in this module: a queue's visibility)."""
    collector = _Collector(module, functions)
    return _without_redundant_permissions(list(collector.collect()) + [_sourced(collector, t) for t in extra])


def _sourced(collector: _Collector, trigger: Trigger) -> Trigger:
    if trigger.source is not None or trigger.source_ref is None:
        return trigger
    source = collector.source(trigger.source_ref)
    if source is None:
        return trigger
    trigger.source = source.address
    if trigger.kind == "sqs" and source.kind == "aws_sqs_queue":
        trigger.visibility = source.body.get("visibility_timeout_seconds") or default(DEFAULT_VISIBILITY, source.span)
        trigger.visibility_key = "visibility_timeout_seconds"
    return trigger


def caller_triggers(caller: TerraformModule, name: str, called: TerraformModule,
                    functions: list[Function]) -> list[Trigger]:
    """The triggers `caller` declares for the functions of the local module it calls as `name`,
    named through that module's outputs (`integration_uri = module.orders.invoke_arn`, where the
    module says `output "invoke_arn" { value = aws_lambda_function.this.invoke_arn }`): the
    wrapper-module layout."""
    return _through_outputs(caller, caller, name, called, functions)


def sibling_triggers(caller: TerraformModule, name: str, called: TerraformModule,
                     functions: list[Function]) -> list[Trigger]:
    """The triggers the other modules `caller` calls declare for the functions of the one it
    calls as `name`, named through what the caller passes them (`integration_uri =
    var.function_arn` in one module, `function_arn = module.orders.invoke_arn` in the caller):
    the module-per-concern layout (an API module, a queue module, a function module)."""
    found: list[Trigger] = []
    for other in caller.children.values():
        if other is not called:
            found.extend(_through_outputs(other, caller, name, called, functions))
    return found


def passed_down_triggers(caller: TerraformModule, called: TerraformModule, functions: list[Function]) -> list[Trigger]:
    """The triggers the module `caller` calls declares for the caller's own `functions`, named
    through what the caller passes it (`uri = var.invoke_arn` in an API module, `invoke_arn =
    aws_lambda_function.api.invoke_arn` in the caller): the function at the root, its API in a
    module."""
    return _owned(_Collector(called, functions, namespace=caller), functions)


def _through_outputs(declaring: TerraformModule, namespace: TerraformModule, name: str, called: TerraformModule,
                     functions: list[Function]) -> list[Trigger]:
    """The triggers `declaring` declares for `functions`, which `namespace` names by the outputs
    of its module call `name` (the module `called`)."""
    by_address = {f.name: f for f in functions}

    def output(key: str, module: TerraformModule = called, depth: int = 0) -> Function | None:
        ref = alias_target(module, module.output_reference(key))
        if ref is not None and ref[0] == FUNCTION:
            return by_address.get(f"{module.prefix}{ref[0]}.{ref[1]}")
        value = module.output_value(key)
        parts = value.value.strip().split(".") if value is not None and value.origin == "unresolved" \
            and isinstance(value.value, str) else []
        if len(parts) < 3 or parts[0] != "module":
            return None
        inner = module.children.get(parts[1])
        if inner is not None and depth < 5:  # an output of a local module it calls in turn
            return output(parts[2], inner, depth + 1)
        if "function" in parts[2]:  # a wrapper of the lambda module: `module.x.lambda_function_arn`
            return by_address.get(f"{module.prefix}module.{parts[1]}")
        return None

    return _owned(_Collector(declaring, functions, {name: output}, namespace), functions)


def _owned(collector: _Collector, functions: list[Function]) -> list[Trigger]:
    """What `collector` finds for `functions` (a module's triggers for another module's functions)."""
    owned = {id(f) for f in functions}
    return _without_redundant_permissions([t for t in collector.collect()
                                           if t.function is not None and id(t.function) in owned])


def alias_target(module: TerraformModule, ref: tuple[str, str, str] | None) -> tuple[str, str, str] | None:
    """`aws_lambda_alias.live.invoke_arn` invokes the function the alias names (`function_name =
    aws_lambda_function.this.function_name`): a trigger of the alias is one of the function. So
    does a `data "aws_lambda_function"` that looks the module's own function up by its name."""
    if ref is None or ref[0] not in ("aws_lambda_alias", "data.aws_lambda_function"):
        return ref
    block = module.resources.get((ref[0], ref[1])) if ref[0] == "aws_lambda_alias" else \
        module.data.get(("aws_lambda_function", ref[1]))
    target = module.reference(module.value(block).get("function_name")) if block is not None else None
    return target if target is not None and target[0] == FUNCTION else ref


def module_schedules(module: TerraformModule) -> list[ScheduleExpression]:
    """Schedule expressions of rules and schedules, whatever they target (LL208)."""
    found = []
    for (kind, name), block in module.resources.items():
        if kind in ("aws_cloudwatch_event_rule", "aws_scheduler_schedule"):
            node = module.value(block).get("schedule_expression")
            if node is not None:
                found.append(ScheduleExpression(node, kind == "aws_scheduler_schedule", f"{kind}.{name}"))
    return found


def public_grants(module: TerraformModule) -> list[PublicGrant]:
    """`aws_lambda_permission` blocks that let any principal invoke, not narrowed by
    `source_arn`, `source_account` or `principal_org_id`."""
    found = []
    for (kind, name), block in module.resources.items():
        if kind != "aws_lambda_permission":
            continue
        body = module.value(block)
        principal = body.get("principal")
        if principal is None or principal.str_value() != "*":
            continue
        if any(body.get(key) is not None for key in ("source_arn", "source_account", "principal_org_id")):
            continue
        auth = body.get("function_url_auth_type")
        # `lambda:InvokeFunction` with `invoked_via_function_url = true` holds only for calls through
        # the URL: the statement a public URL needs besides `InvokeFunctionUrl` (reported at the URL)
        via_url = body.get("invoked_via_function_url")
        found.append(PublicGrant(f"{kind}.{name}", principal,
                                 "Add `source_arn` (and `source_account`) naming the caller, or `principal_org_id`, "
                                 "or name the calling service as `principal`.",
                                 (auth is not None and auth.str_value() == "NONE")
                                 or (via_url is not None and via_url.is_literal and via_url.value is True)))
    return found


def _instance_key(address: str) -> str:
    """`["POST /x"]` of an instance's address (`aws_apigatewayv2_integration.this["POST /x"]`), ""
    of a plain block's."""
    bracket, key = address.partition("[")[1:]
    return bracket + key


def names_function(module: TerraformModule, function: Function, node: Located | None) -> bool:
    """Whether `node` (a `function_name` of another block) names `function`: by reference or by
    its literal name, the way triggers are matched."""
    return _Collector(module, [function]).function_named(node) is function


def async_failures(module: TerraformModule, function: Function) -> tuple[Located | None, list[Located]]:
    """Where failed asynchronous events of `function` go (`failure_handling`: its
    `dead_letter_config`, or an `aws_lambda_function_event_invoke_config` for it, which decides
    retries and age on purpose even without a destination), and the settings that send them
    somewhere with the function's role (`failure_destinations`: the dead-letter queue and the
    invoke configs' `destination_config`)."""
    dead_letter = function.properties.get("dead_letter_config") or function.properties.get("dynamic dead_letter_config")
    handling = dead_letter
    destinations = [dead_letter] if dead_letter is not None else []
    for (kind, _), block in module.resources.items():
        if kind != "aws_lambda_function_event_invoke_config":
            continue
        body = module.value(block)
        if names_function(module, function, body.get("function_name")):
            if handling is None:
                handling = _nested(body, "destination_config", "on_failure") or body
            config = _nested(body, "destination_config")
            if config is not None:
                destinations.append(config)
    return handling, destinations


def public_urls(triggers: list[Trigger]) -> list[PublicUrl]:
    """Function URLs (`aws_lambda_function_url`, a lambda module's `create_lambda_function_url`)
    with `authorization_type = "NONE"`."""
    found = []
    for trigger in triggers:
        auth = trigger.settings.get("AuthType")
        if trigger.kind == "function-url" and trigger.function is not None and auth is not None \
                and auth.is_literal and isinstance(auth.value, str) and auth.value.upper() == "NONE":
            found.append(PublicUrl(auth, f"Set `{trigger.function.shown_name('FunctionUrlAuthType')}` to `AWS_IAM` and "
                                   "sign requests, or front the function with an API that authenticates callers.",
                                   trigger.name, trigger.function))
    return found
