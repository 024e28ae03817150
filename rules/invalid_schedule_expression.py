"""
## What it does
Checks every schedule expression in a template against the grammar EventBridge accepts:
`rate(value unit)` with the right singular or plural unit, `cron(...)` with six fields
(minutes, hours, day-of-month, month, day-of-week, year), values in range, `?` in exactly one of
the two day fields, and the wildcards `L`, `W` and `#` only where they are allowed. One-time
`at(yyyy-mm-ddThh:mm:ss)` schedules are accepted only by EventBridge Scheduler
(`AWS::Scheduler::Schedule`, SAM `ScheduleV2`, Serverless `method: scheduler`).

One grammar is applied wherever a schedule is written: SAM `Schedule` and `ScheduleV2` events
(functions and state machines), `AWS::Events::Rule` and `AWS::Scheduler::Schedule`
`ScheduleExpression`, and Serverless `schedule` events (`rate` as a string or a list, with or
without `method: scheduler`). So `rate(5 minute)` is reported on a Scheduler schedule as on a rule,
and `rate(1 minute)` is accepted everywhere. Expressions built with intrinsics or unresolved variables are not checked.

## Why is this bad?
A malformed expression fails the deployment (`Parameter ScheduleExpression is not valid`) or, worse,
reaches production in a stack that is rarely deployed. Unix habits are the usual cause: a five-field
crontab line, `*` in both day fields, `rate(1 minutes)`.

## Example
```yaml
Events:
  Nightly:
    Type: Schedule
    Properties:
      Schedule: cron(0 2 * * *)
```

## How to fix
Use six fields and put `?` in day-of-month or day-of-week: `cron(0 2 * * ? *)`. For rates, use
the singular unit with 1 (`rate(1 hour)`) and the plural otherwise (`rate(5 minutes)`).

## References
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
- https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good, schedule_expressions


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import schedule_error  # loaded only when the rule runs

    for template in ctx.project.templates:
        for schedule in schedule_expressions(template):
            text = schedule.value.value.strip()
            error = schedule_error(text, scheduler=schedule.scheduler)
            if error is None:
                continue
            message = error if error.startswith(f"`{text}`") else f"`{text}`: {error}"
            yield ctx.finding(
                schedule.value.span, message,
                "Write `rate(5 minutes)` / `rate(1 hour)` or a six-field "
                "`cron(minutes hours day-of-month month day-of-week year)` with `?` in one day field.",
                function=schedule.owner,
            )


RULE = Rule(
    code="LL208",
    slug="invalid-schedule-expression",
    severity="error",
    overview="a `rate(...)`/`cron(...)`/`at(...)` expression EventBridge rejects",
    reports_in=frozenset({"template"}),
    summary="A schedule expression EventBridge does not accept",
    check=check,
    docs=__doc__ or "",
    tags=("triggers",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  NightlyReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: report.handler
      Runtime: python3.12
      Timeout: 60
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * *)  # [invalid-schedule-expression]
""", title="five-field Unix cron"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  HeartbeatFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: heartbeat.handler
      Runtime: python3.12
      Events:
        EveryMinute:
          Type: Schedule
          Properties:
            Schedule: rate(1 minutes)  # [invalid-schedule-expression]
            Description: keep the cache warm
""", title="plural unit with a rate of 1"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  CleanupRule:
    Type: AWS::Events::Rule
    Properties:
      Description: Weekly cleanup
      ScheduleExpression: "cron(0 12 * * MON *)"  # [invalid-schedule-expression]
      State: ENABLED
      Targets:
        - Arn: !GetAtt CleanupFunction.Arn
          Id: cleanup
""", title="day-of-month and day-of-week both set"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReminderRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: at(2030-01-15T09:00:00)  # [invalid-schedule-expression]
      Targets:
        - Arn: !GetAtt ReminderFunction.Arn
          Id: reminder
""", title="one-time at() on a rule"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  BillingFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: billing.handler
      Runtime: python3.12
      Events:
        MonthEnd:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 23 L * ? 2026-2199)
            ScheduleExpressionTimezone: Europe/Berlin
        MidMonth:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 9 15 * ? 2199-2300)  # [invalid-schedule-expression]
""", title="year out of range on Scheduler"),
        bad("""\
service: reports
provider:
  name: aws
  runtime: python3.12
functions:
  digest:
    handler: handler.digest
    events:
      - schedule: rate(5 minute)  # [invalid-schedule-expression]
  rollup:
    handler: handler.rollup
    events:
      - schedule:
          rate:
            - cron(0 6 ? * MON-FRI *)
            - cron(0 60 ? * SAT *)  # [invalid-schedule-expression]
          enabled: true
""", name="serverless.yml", title="Serverless short and long forms"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DailyExport:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: cron(0 0 ? * 8 *)  # [invalid-schedule-expression]
      FlexibleTimeWindow:
        Mode: "OFF"
      Target:
        Arn: !GetAtt ExportFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn
""", title="day-of-week outside 1-7"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PollFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: poll.handler
      Runtime: python3.12
      Events:
        Poll:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(5 minute)  # [invalid-schedule-expression]
  SyncSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(10 minute)  # [invalid-schedule-expression]
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !GetAtt PollFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn
""", title="Scheduler: singular unit with a rate above 1"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  NightlyReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: report.handler
      Runtime: python3.12
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * ? *)
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
""", title="six-field cron and singular rate"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WeekdayRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0/15 8-17 ? * MON-FRI *)
      Targets:
        - Arn: !GetAtt PollFunction.Arn
          Id: poll
  MonthlyRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 9 ? * 2#1 *)
      Targets:
        - Arn: !GetAtt ReportFunction.Arn
          Id: report
""", title="ranges, increments and the nth weekday"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  LaunchReminder:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: at(2030-06-01T09:00:00)
      ScheduleExpressionTimezone: America/New_York
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !GetAtt ReminderFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn
  PollSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 minute)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !GetAtt PollFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn
""", title="Scheduler: one-time schedule, rate of 1 with the singular unit"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Minutes:
    Type: Number
    Default: 5
  Schedule:
    Type: String
    Default: rate(10 minutes)
Resources:
  PollRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: !Sub "rate(${Minutes} minutes)"
      Targets:
        - Arn: !GetAtt PollFunction.Arn
          Id: poll
  SyncRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: !Ref Schedule
      Targets:
        - Arn: !GetAtt SyncFunction.Arn
          Id: sync
""", title="expressions from parameters are not guessed"),
        good("""\
service: reports
custom:
  digestRate: rate(30 minutes)
provider:
  name: aws
  runtime: python3.12
functions:
  digest:
    handler: handler.digest
    events:
      - schedule: ${self:custom.digestRate}
      - schedule: ${param:nightly, 'cron(0 3 * * ? *)'}
  rollup:
    handler: handler.rollup
    events:
      - schedule:
          rate:
            - cron(0 6 ? * MON-FRI *)
            - rate(2 hours)
          input:
            full: true
""", name="serverless.yml", title="Serverless variables and lists"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderPipeline:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/orders.asl.json
      Events:
        LastFriday:
          Type: Schedule
          Properties:
            Schedule: cron(30 18 ? * 6L *)
        MonthEnd:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 20 LW * ? *)
""", title="L and W wildcards"),
    ),
)
