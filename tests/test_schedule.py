"""Tests for lambdalint.schedule (rule LL208).

Grammar sources:
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
  (cron fields, wildcards, the day-of-month / day-of-week restriction, the single `#` note)
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
  (rate value and singular/plural unit)
- https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
  (EventBridge Scheduler one-time `at(yyyy-mm-ddThh:mm:ss)`; the same rate grammar as rules)
"""

from __future__ import annotations

import pytest

from lambdalint.schedule import schedule_error

# (expression, allow_at, expected): expected is None for a valid expression, otherwise a
# fragment the error message must contain, so each case pins down *which* check fired.
CASES: list[tuple[str, bool, str | None]] = [
    # --- rate ---
    ("rate(1 minute)", False, None),  # documented example
    ("rate(5 minutes)", False, None),  # documented example
    ("rate(1 hour)", False, None),  # singular hour
    ("rate(7 days)", False, None),  # plural day
    ("rate( 10  minutes )", False, None),  # extra blanks: docs are silent, so accepted
    ("Rate(5 Minutes)", False, None),  # keyword/unit case: undocumented, so accepted
    ("rate(1 minutes)", False, "a rate of 1 takes the singular unit `minute`"),  # catalog example
    ("rate(5 minute)", False, "a rate of 5 takes the plural unit `minutes`"),  # catalog example
    ("rate(1 hours)", False, "singular unit `hour`"),  # docs' own invalid example
    ("rate(0 minutes)", False, "positive integer, got `0`"),  # zero is not positive
    ("rate(-5 minutes)", False, "positive integer, got `-5`"),  # negative value
    ("rate(1.5 hours)", False, "positive integer, got `1.5`"),  # not an integer
    ("rate(30 seconds)", False, "unknown rate unit `seconds`"),  # seconds are not a unit
    ("rate(5)", False, "needs a value and a unit"),  # unit missing
    ("rate(5 minutes later)", False, "needs a value and a unit"),  # trailing junk
    # --- overall shape ---
    ("", False, "empty"),  # nothing at all
    ("every 5 minutes", False, "not a schedule expression"),  # prose, no parens
    ("rate(5 minutes", False, "not a schedule expression"),  # unclosed paren
    ("every(5 minutes)", False, "unknown schedule type `every`"),  # unknown keyword
    # --- cron: valid ---
    ("cron(0 10 * * ? *)", False, None),  # docs: 10:00 every day
    ("cron(15 12 * * ? *)", False, None),  # docs: 12:15 every day
    ("cron(0 18 ? * MON-FRI *)", False, None),  # docs: weekdays, named range
    ("cron(0 8 1 * ? *)", False, None),  # docs: first of the month
    ("cron(0/15 * * * ? *)", False, None),  # docs: increments from 0
    ("cron(0/10 * ? * MON-FRI *)", False, None),  # docs: increments with day-of-week set
    ("cron(0/5 8-17 ? * MON-FRI *)", False, None),  # docs: ranges in two fields
    ("cron(*/5 * * * ? *)", False, None),  # `*` as increment base
    ("cron(0 9 1,15 * ? *)", False, None),  # list in day-of-month
    ("cron(0 0 L * ? *)", False, None),  # last day of month
    ("cron(0 0 LW * ? *)", False, None),  # last weekday of month
    ("cron(0 0 3W * ? *)", False, None),  # weekday nearest the 3rd
    ("cron(0 0 L-3 * ? *)", False, None),  # Quartz `L-n`: undocumented, so accepted
    ("cron(0 0 ? * 6L *)", False, None),  # last Friday (numeric)
    ("cron(0 0 ? * FRIL *)", False, None),  # last Friday (named)
    ("cron(0 0 ? * 3#2 *)", False, None),  # docs: second Tuesday
    ("cron(0 0 ? * fri#2 *)", False, None),  # lower-case names are accepted
    ("cron(0 0 1 jan,jul,DEC ? 2025-2030)", False, None),  # names (`L` of JUL), year range
    ("cron(0 22-2 ? * FRI-MON *)", False, None),  # wrap-around ranges are not flagged
    ("cron(0 12 ? * WED,sat *)", False, None),  # the `W` of WED is a name, not a wildcard
    ("cron(0 12 ? * */2 *)", False, None),  # `/` in day-of-week: tolerated, see module
    ("cron(0 12 ? * ? *)", False, None),  # both `?`: not covered by the docs, accepted
    # --- cron: invalid ---
    ("cron(0 12 * * ?)", False, "cron needs 6 fields"),  # catalog: 5-field Unix-style cron
    ("cron(0 0 12 * * ? *)", False, "got 7"),  # Quartz seconds field left in
    ("cron(0 12 * * MON *)", False, "cannot both be set"),  # catalog: DOM and DOW both set
    ("cron(0 12 * * * *)", False, "cannot both be set"),  # `*` in both day fields
    ("cron(60 * * * ? *)", False, "minutes `60`: `60` is outside 0-59"),  # minute out of range
    ("cron(0 24 * * ? *)", False, "hours `24`"),  # hour out of range
    ("cron(0 0 32 * ? *)", False, "day-of-month `32`"),  # day out of range
    ("cron(0 0 0 * ? *)", False, "`0` is outside 1-31"),  # days start at 1
    ("cron(0 0 1 13 ? *)", False, "month `13`"),  # month out of range
    ("cron(0 0 1 FOO ? *)", False, "expected 1-12 or JAN-DEC"),  # unknown month name
    ("cron(0 0 ? * 8 *)", False, "day-of-week `8`"),  # weekday out of range
    ("cron(0 0 ? * 0 *)", False, "`0` is outside 1-7"),  # Unix Sunday=0 does not exist here
    ("cron(0 0 1 * ? 1969)", False, "year `1969`"),  # before the year range
    ("cron(0 0 1 * ? 2200)", False, "year `2200`"),  # after the year range
    ("cron(? 0 1 * ? *)", False, "`?` is not allowed in minutes"),  # `?` only for day fields
    ("cron(0 0 ?,1 * ? *)", False, "`?` must stand alone"),  # `?` inside a list
    ("cron(0 0 1 L ? *)", False, "`L` is not allowed in month"),  # L is for day fields only
    ("cron(0 0 ? * 2W *)", False, "`W` is not allowed in day-of-week"),  # W is day-of-month only
    ("cron(0 0 1# * ? *)", False, "`#` is not allowed in day-of-month"),  # # is day-of-week only
    ("cron(0 0 ? * 3#1,6#3 *)", False, "cannot be combined"),  # docs' own invalid `#` example
    ("cron(0 0 ? * 3#6 *)", False, "must be 1-5"),  # no sixth weekday in a month
    ("cron(0 0 ? * 9#2 *)", False, "`9` is outside 1-7"),  # bad weekday before `#`
    ("cron(0 0 32W * ? *)", False, "day 32 is outside 1-31"),  # W on an impossible day
    ("cron(0 0 L-40 * ? *)", False, "offset after `L-` must be 1-30"),  # no month has 41 days
    ("cron(0 0 XW * ? *)", False, "not a valid use of `L`/`W`"),  # W without a day
    ("cron(0/0 * * * ? *)", False, "positive integer, got `0`"),  # zero increment
    ("cron(0/x * * * ? *)", False, "got `x`"),  # non-numeric increment
    ("cron(1,,2 * * * ? *)", False, "empty item"),  # empty list item
    ("cron(1-60 * * * ? *)", False, "`60` is outside 0-59"),  # range end out of bounds
    # --- at ---
    ("at(2030-06-01T09:00:00)", True, None),  # Scheduler one-time schedule
    ("at(2028-02-29T23:59:59)", True, None),  # leap day exists in 2028
    ("at(2030-06-01T09:00:00)", False, "only supported by EventBridge Scheduler"),  # rules: no at()
    ("at(2027-02-29T10:00:00)", True, "not a real date and time"),  # no leap day in 2027
    ("at(2030-06-01T25:00:00)", True, "not a real date and time"),  # hour 25
    ("at(2030-6-1T9:00:00)", True, "must be `at(yyyy-mm-ddThh:mm:ss)`"),  # unpadded parts
    ("at(2030-06-01T09:00:00Z)", True, "must be `at(yyyy-mm-ddThh:mm:ss)`"),  # zone goes elsewhere
    ("at(2030-06-01)", True, "must be `at(yyyy-mm-ddThh:mm:ss)`"),  # time missing
    ("rate(5 minutes)", True, None),  # allow_at keeps rate valid
    ("rate(5 minute)", True, "plural unit"),  # allow_at alone keeps the rules' unit check
    ("cron(0 12 * * ?)", True, "cron needs 6 fields"),  # allow_at does not relax cron
]


@pytest.mark.parametrize(("expression", "allow_at", "expected"), CASES)
def test_schedule_error(expression: str, allow_at: bool, expected: str | None) -> None:
    message = schedule_error(expression, allow_at=allow_at)
    if expected is None:
        assert message is None, message
    else:
        assert message is not None, f"{expression!r} should be rejected"
        assert expected in message


# EventBridge Scheduler: the same rate grammar as rules (one check wherever a schedule is
# written), plus one-time `at(...)`.
SCHEDULER_CASES: list[tuple[str, str | None]] = [
    ("rate(5 minute)", "plural unit `minutes`"),
    ("rate(1 hours)", "singular unit `hour`"),
    ("rate(1 minute)", None),
    ("rate(5 minutes)", None),
    ("rate(0 minutes)", "positive integer"),
    ("rate(5 seconds)", "unknown rate unit"),
    ("at(2030-06-01T09:00:00)", None),
    ("cron(0 12 * * MON *)", "cannot both be set"),
]


@pytest.mark.parametrize(("expression", "expected"), SCHEDULER_CASES)
def test_scheduler_expressions(expression: str, expected: str | None) -> None:
    message = schedule_error(expression, scheduler=True)
    if expected is None:
        assert message is None, message
    else:
        assert message is not None and expected in message


def test_invalid_message_names_the_expression() -> None:
    # Linter messages quote the offending text so the user can find it in a large template.
    assert schedule_error("rate(1 minutes)") == (
        "`rate(1 minutes)`: a rate of 1 takes the singular unit `minute`"
    )
    assert schedule_error("cron(0 12 * * ?)") == (
        "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5"
    )
