"""Validation of EventBridge schedule expressions (rule LL208).

Pure and stdlib-only so that every loader (CloudFormation, SAM, Serverless) can share it.
The grammar follows the EventBridge user guide ("Schedule expressions for rules", "Rate
expressions reference") and the EventBridge Scheduler guide ("Schedule types"). Where the
documentation is silent the checker accepts: a false positive costs more than a miss.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple


class _Field(NamedTuple):
    name: str
    low: int
    high: int
    names: tuple[str, ...]  # symbolic names; names[0] stands for `low`
    specials: str  # wildcard characters the field accepts besides digits and names


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

# The English docs list `, - * ? L #` for day-of-week, but a translation adds `/` and the
# Quartz-style parser EventBridge mirrors accepts it there, so `/` is tolerated rather than flagged.
_MINUTES = _Field("minutes", 0, 59, (), ",-*/")
_HOURS = _Field("hours", 0, 23, (), ",-*/")
_DOM = _Field("day-of-month", 1, 31, (), ",-*?/LW")
_MONTH = _Field("month", 1, 12, _MONTHS, ",-*/")
_DOW = _Field("day-of-week", 1, 7, _DAYS, ",-*?/L#")
_YEAR = _Field("year", 1970, 2199, (), ",-*/")
_CRON_FIELDS = (_MINUTES, _HOURS, _DOM, _MONTH, _DOW, _YEAR)

_RATE_UNITS = {"minute": "minutes", "hour": "hours", "day": "days"}
_WRAPPED = re.compile(r"(?P<kind>[A-Za-z]+)\((?P<body>.*)\)", re.DOTALL)
# strptime alone would accept unpadded parts such as `2024-1-5T9:0:0`, which the documented
# `yyyy-mm-ddThh:mm:ss` shape does not allow, hence the explicit shape check first.
_AT_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def schedule_error(expression: str, *, allow_at: bool = False, scheduler: bool = False) -> str | None:
    """Return None if `expression` is a valid schedule expression, else why it is not.

    `allow_at` enables the one-time `at(yyyy-mm-ddThh:mm:ss)` form, which only EventBridge
    Scheduler (`AWS::Scheduler::Schedule`, SAM `ScheduleV2`, Serverless `method: scheduler`)
    understands; `scheduler` says the expression is for EventBridge Scheduler, which implies it.
    The rate grammar is the same wherever a schedule is written: `rate(1 minute)`, `rate(5 minutes)`;
    the Scheduler guide lists the units without restating the singular/plural rule, but it is one
    grammar ("rate(value unit)") and `rate(5 minute)` is the typo the rule exists to catch.
    """
    allow_at = allow_at or scheduler
    text = expression.strip()
    if not text:
        return "the schedule expression is empty"
    kinds = "`rate(value unit)` or `cron(fields)`"
    if allow_at:
        kinds = "`rate(value unit)`, `cron(fields)` or `at(yyyy-mm-ddThh:mm:ss)`"
    match = _WRAPPED.fullmatch(text)
    if match is None:
        return f"`{text}` is not a schedule expression: expected {kinds}"
    # Keyword case is not documented either way; accepting `Rate(...)` avoids a false positive.
    kind, body = match["kind"].lower(), match["body"].strip()
    if kind == "rate":
        return _rate_error(text, body)
    if kind == "cron":
        return _cron_error(body)
    if kind == "at":
        if not allow_at:
            return (f"`{text}`: one-time `at(...)` schedules are only supported by EventBridge "
                    "Scheduler (AWS::Scheduler::Schedule, SAM ScheduleV2), not by rules")
        return _at_error(text, body)
    return f"`{text}`: unknown schedule type `{match['kind']}`, expected {kinds}"


def _rate_error(text: str, body: str) -> str | None:
    parts = body.split()
    if len(parts) != 2:
        return f"`{text}`: a rate needs a value and a unit, e.g. `rate(5 minutes)`"
    value, unit = parts[0], parts[1].lower()
    if not _is_number(value) or int(value) == 0:
        return f"`{text}`: the rate value must be a positive integer, got `{value}`"
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in _RATE_UNITS:
        return f"`{text}`: unknown rate unit `{parts[1]}`, expected minute(s), hour(s) or day(s)"
    if int(value) == 1 and unit != singular:
        return f"`{text}`: a rate of 1 takes the singular unit `{singular}`"
    if int(value) > 1 and unit == singular:
        return f"`{text}`: a rate of {int(value)} takes the plural unit `{_RATE_UNITS[singular]}`"
    return None


def _cron_error(body: str) -> str | None:
    fields = body.split()
    if len(fields) != len(_CRON_FIELDS):
        return ("cron needs 6 fields (minutes hours day-of-month month day-of-week year), "
                f"got {len(fields)}")
    for spec, field in zip(_CRON_FIELDS, fields):
        error = _field_error(spec, field)
        if error:
            return error
    dom, dow = fields[2], fields[4]
    if dom != "?" and dow != "?":
        return ("day-of-month and day-of-week cannot both be set: one of them must be `?` "
                f"(got `{dom}` and `{dow}`)")
    # Both `?` is not covered by the documentation, so it is deliberately not flagged.
    return None


def _field_error(spec: _Field, field: str) -> str | None:
    label = f"{spec.name} `{field}`"
    for char in "?/LW#":
        misplaced = char in field.upper() and char not in spec.specials
        if misplaced and not _is_name_letter(spec, field, char):
            return f"{label}: `{char}` is not allowed in {spec.name}"
    if "?" in field:
        return None if field == "?" else f"{label}: `?` must stand alone"
    items = field.split(",")
    if "" in items:
        return f"{label}: empty item in a `,` list"
    if spec is _DOW and len(items) > 1 and "#" in field:
        return f"{label}: a `#` value cannot be combined with other values in a list"
    for item in items:
        error = _item_error(spec, item)
        if error:
            return f"{label}: {error}"
    return None


def _is_name_letter(spec: _Field, field: str, char: str) -> bool:
    # `L`/`W` inside names (JUL, APR, WED) are letters of a name, not wildcards.
    if not spec.names or char not in "LW":
        return False
    stripped = field.upper()
    for name in spec.names:
        stripped = stripped.replace(name, "")
    return char not in stripped


def _item_error(spec: _Field, item: str) -> str | None:
    if "/" in item:
        base, _, step = item.partition("/")
        if not _is_number(step) or int(step) == 0:
            return f"the increment after `/` must be a positive integer, got `{step}`"
        return None if base == "*" else _range_error(spec, base)
    if item == "*":
        return None
    upper = item.upper()  # month/day names and `L`/`W` are case-insensitive
    if spec is _DOM and ("L" in upper or "W" in upper):
        return _dom_special_error(upper)
    if spec is _DOW and ("#" in upper or upper.endswith("L")):
        return _dow_special_error(upper)
    return _range_error(spec, item)


def _dom_special_error(item: str) -> str | None:
    if item in ("L", "LW"):
        return None
    if item.startswith("L-"):
        # `L-n` (n days before the last) is Quartz syntax the docs do not mention; accepted.
        offset = item[2:]
        if _is_number(offset) and 1 <= int(offset) <= 30:
            return None
        return f"`{item}`: the offset after `L-` must be 1-30"
    if item.endswith("W") and _is_number(item[:-1]):
        day = int(item[:-1])
        return None if 1 <= day <= 31 else f"`{item}`: day {day} is outside 1-31"
    return f"`{item}` is not a valid use of `L`/`W` (e.g. `L`, `LW`, `15W`)"


def _dow_special_error(item: str) -> str | None:
    if item == "L":
        return None
    if "#" in item:
        day, _, nth = item.partition("#")
        if not _is_number(nth) or not 1 <= int(nth) <= 5:
            return f"`{item}`: the occurrence after `#` must be 1-5"
        return _value_error(_DOW, day)
    return _value_error(_DOW, item[:-1])  # `5L` / `FRIL`: last such weekday of the month


def _is_number(text: str) -> bool:
    # str.isdecimal alone would let non-ASCII digits such as `٥` through.
    return text.isascii() and text.isdecimal()


def _range_error(spec: _Field, text: str) -> str | None:
    # A start above the end (`FRI-MON`, `22-2`) wraps around in Quartz-style cron; not flagged.
    start, dash, end = text.partition("-")
    error = _value_error(spec, start)
    if error is None and dash:
        error = _value_error(spec, end)
    return error


def _value_error(spec: _Field, text: str) -> str | None:
    if _is_number(text):
        if spec.low <= int(text) <= spec.high:
            return None
        return f"`{text}` is outside {spec.low}-{spec.high}"
    if text.upper() in spec.names:
        return None
    expected = f"{spec.low}-{spec.high}"
    if spec.names:
        expected += f" or {spec.names[0]}-{spec.names[-1]}"
    return f"`{text}` is not a valid value (expected {expected})"


def _at_error(text: str, body: str) -> str | None:
    if not _AT_SHAPE.fullmatch(body):
        return f"`{text}`: a one-time schedule must be `at(yyyy-mm-ddThh:mm:ss)`"
    try:
        datetime.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return f"`{text}`: `{body}` is not a real date and time"
    return None
