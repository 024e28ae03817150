"""Schedules of a CDK app: EventBridge rule schedules and EventBridge Scheduler schedules.

- `events.Schedule.rate/cron/expression(...)` and `scheduler.ScheduleExpression.rate/cron/
  expression(...)` (also `aws_scheduler_alpha`) are the expression CDK writes: `rate`/`cron` in
  CDK's own spelling (so they come out valid), `expression("...")` passed through as written, so
  LL205 judges what the user typed. `ScheduleExpression.at(datetime)` and anything computed stay
  unresolved.
- `scheduler.Schedule(schedule=..., target=scheduler_targets.LambdaInvoke(fn, ...))` is an
  `AWS::Scheduler::Schedule` whose `Target` is the function (with its dead-letter queue and retry
  policy), so it is a `scheduler` trigger of the function.
"""

from __future__ import annotations

from typing import Any

from lambdalint.loaders.cdkobjects import Construct, as_located, positional
from lambdalint.loaders.cdktriggers import invoked, keyword_value
from lambdalint.located import Located, Span

_RATE_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))
_EXPRESSIONS = ("aws_cdk.aws_events.Schedule.", "aws_cdk.aws_scheduler.ScheduleExpression.")
SCHEDULE = "aws_cdk.aws_scheduler.Schedule"
_LAMBDA_INVOKE = "aws_cdk.aws_scheduler_targets.LambdaInvoke"
# LambdaInvoke keyword -> `Target.RetryPolicy` key
_RETRY = {"retry_attempts": "MaximumRetryAttempts", "max_event_age": "MaximumEventAgeInSeconds"}


def schedule_value(qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """A schedule expression, or a Scheduler target (a value, not a resource); None otherwise."""
    if qualified.startswith(_EXPRESSIONS):
        return _expression(qualified.rsplit(".", 1)[-1], call, frame, reader)
    if qualified == _LAMBDA_INVOKE:
        target = positional(call, 0)
        keywords, complete = reader.keywords(call, frame)
        function = reader.value(target, frame) if target is not None else keywords.get("func", (None,))[0]
        return Construct("", "cdk:LambdaInvoke", qualified, None, {
            "function": function, "keywords": keywords, "complete": complete, "span": frame.module.span(call)})
    return None


def schedule_properties(keywords: dict[str, Any], complete: bool, head: Span) -> dict[str, Located] | None:
    """The properties of `scheduler.Schedule(...)`; None when its target is not a function
    lambdalint follows (the schedule then invokes something else, or something unknown)."""
    target = keywords.get("target")
    if target is None or not isinstance(target[0], Construct) or target[0].kind != "cdk:LambdaInvoke":
        return None
    invoke = target[0]
    function = invoked(invoke.attributes["function"])
    if not (isinstance(function, Construct) and function.logical_id and function.resource is not None):
        return None
    span = invoke.attributes["span"]
    entry: dict[str, Located] = {
        "Arn": Located({"Fn::GetAtt": Located([Located(function.logical_id, span), Located("Arn", span)], span)},
                       span),
        "RoleArn": Located("?", span, "unresolved"),  # the role CDK makes for the schedule
    }
    options = invoke.attributes["keywords"]
    if "dead_letter_queue" in options:
        queue = as_located(options["dead_letter_queue"][0], span)
        entry["DeadLetterConfig"] = Located({"Arn": queue}, span)
    elif not invoke.attributes["complete"]:
        entry["DeadLetterConfig"] = Located("**", span, "unresolved")
    retry = {key: keyword_value(options[name], span) for name, key in _RETRY.items() if name in options}
    if retry:
        entry["RetryPolicy"] = Located(retry, span)
    properties: dict[str, Located] = {"Target": Located(entry, span)}
    schedule = keywords.get("schedule")
    if schedule is not None:
        properties["ScheduleExpression"] = keyword_value(schedule, head)
    elif not complete:
        properties["ScheduleExpression"] = Located("**", head, "unresolved")
    properties["FlexibleTimeWindow"] = Located({"Mode": Located("OFF", head, "default")}, head, "default")
    enabled = keywords.get("enabled")
    if enabled is not None:
        value = keyword_value(enabled, head)
        state = {True: "ENABLED", False: "DISABLED"}.get(value.value) if value.is_literal else None
        properties["State"] = Located(state, value.span, "explicit", key_span=value.key_span) if state \
            else Located("?", value.span, "unresolved")
    return properties


def _expression(leaf: str, call: Any, frame: Any, reader: Any) -> Located:
    span = frame.module.span(call)
    if leaf == "expression":
        value = reader.value(positional(call, 0), frame) if positional(call, 0) is not None else None
        return value if isinstance(value, Located) else reader.unresolved(call, frame)
    if leaf == "rate":
        value = reader.value(positional(call, 0), frame) if positional(call, 0) is not None else None
        if isinstance(value, Located) and value.is_literal and isinstance(value.value, (int, float)):
            return Located(_rate(value.value), span)
        return reader.unresolved(call, frame)
    if leaf == "cron":
        keywords, complete = reader.keywords(call, frame)
        texts: dict[str, str] = {}
        for name, (value, _) in keywords.items():
            if name == "time_zone":
                continue  # a Scheduler schedule's separate `ScheduleExpressionTimezone`
            if not (isinstance(value, Located) and value.is_literal):
                return reader.unresolved(call, frame)
            texts[name] = str(value.value)
        if not complete or ("day" in texts and "week_day" in texts):
            return reader.unresolved(call, frame)  # CDK itself rejects both
        day = texts.get("day", "?" if "week_day" in texts else "*")
        week_day = texts.get("week_day", "?")
        fields = [texts.get("minute", "*"), texts.get("hour", "*"), day, texts.get("month", "*"), week_day,
                  texts.get("year", "*")]
        return Located(f"cron({' '.join(fields)})", span)
    return reader.unresolved(call, frame)  # `at(datetime)`: computed when the app runs


def _rate(seconds: float) -> str:
    """CDK's own spelling: the largest whole unit, singular for 1."""
    for size, unit in _RATE_UNITS:
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"rate({count} {unit}{'' if count == 1 else 's'})"
    return f"rate({seconds} seconds)"
