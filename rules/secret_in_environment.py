"""
## What it does
Reports an environment variable that holds a literal secret: a value in a known credential format
(AWS access key id, private key block, GitHub / GitLab / Slack / Stripe / OpenAI-style tokens, JWTs,
URLs and connection strings with an inline password), or a literal, non-placeholder value under a
name that says secret (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`,
`*CREDENTIALS*`, ...).

Names of secrets do not fire: ARNs, SSM parameter paths, secret names and ids (`*_ARN`, `*_NAME`,
`*_PARAM*`, `*_SECRET_ID`), and neither do placeholders (`changeme`, `<...>`, `${...}`), settings
under secret-ish names (`TOKEN_TTL_SECONDS`, `PASSWORD_MIN_LENGTH`, `*_ENDPOINT`, `*_URL` without
credentials), numbers, booleans, file paths, hashes and handler strings under ordinary names. A
value set once in `Globals` or under the Serverless `provider` is reported once.

## Why is this bad?
The template is committed to version control, copied into build logs and stack events, and the
value is shown in plaintext to anyone who can call `lambda:GetFunctionConfiguration` or open the
console. Rotating it means a redeploy of every function that carries it.

## Example
```yaml
Environment:
  Variables:
    DB_PASSWORD: hunter2hunter2
```

## How to fix
Store the secret in AWS Secrets Manager (or an SSM `SecureString`), pass its ARN or name in the
environment (`DB_SECRET_ARN: !Ref DbSecret`), grant the function `secretsmanager:GetSecretValue` on
it, and read it at run time (AWS Parameters and Secrets Lambda Extension, or Powertools
`parameters.get_secret`). Then rotate the value that was exposed.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
- https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
- https://docs.powertools.aws.dev/lambda/python/latest/utilities/parameters/
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (Context, Finding, Located, Rule, bad, environment_values, find_secret, good,
                                name_list)


def _text(value: Located) -> tuple[str, bool] | None:
    """The text to inspect and whether it is the whole literal (False for a `!Sub` template)."""
    literal = value.str_value()
    if literal is not None:
        return literal, True
    intrinsic = value.intrinsic
    if intrinsic is not None and intrinsic[0] == "Fn::Sub":
        parts = intrinsic[1].elements()
        if parts and isinstance(parts[0].value, str):
            return parts[0].value, False
    return None


def check(ctx: Context) -> Iterator[Finding]:
    for name, value, functions in environment_values(ctx.project.functions):
        found = _text(value)
        if found is None:
            continue
        text, whole = found
        # Inside `!Sub` the name cannot vouch for the value; only self-evident credentials count.
        match = find_secret(name if whole else None, text)
        if match is None:
            continue
        yield ctx.finding(
            value.span,
            f"`{name}` holds {match.description} in plaintext (used by {name_list(functions)})",
            f"Keep the secret in Secrets Manager or an SSM SecureString, pass its ARN or name in "
            f"`{name}`'s place and read it at run time; rotate the exposed value.",
            function=functions[0].name,
        )


RULE = Rule(
    code="LL311",
    slug="secret-in-environment",
    severity="error",
    overview="an environment variable holds a literal secret (credential format, or a secret-ish name with a literal value)",
    reports_in=frozenset({"template"}),
    summary="An environment variable holds a literal secret",
    check=check,
    docs=__doc__ or "",
    tags=("security", "secrets"),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DB_HOST: orders.cluster-abc123.eu-west-1.rds.amazonaws.com
          DB_PASSWORD: hunter2hunter2  # [secret-in-environment]
""", title="password under a password name"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SyncFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: sync.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/sync
      Code: {S3Bucket: artifacts, S3Key: sync.zip}
      Environment:
        Variables:
          LEGACY_UPLOADER: AKIAZ4XQ7P2LMN5RT8VW  # [secret-in-environment]
""", title="AWS access key id under any name"),
        bad("""\
service: payments
provider:
  name: aws
  runtime: python3.12
  environment:
    STRIPE_API_KEY: sk_live_51Hx9aT2eZvKYlo2C8f3Q7wRb  # [secret-in-environment]
functions:
  charge:
    handler: payments.charge
  refund:
    handler: payments.refund
""", name="serverless.yml", title="provider-level Stripe key, reported once"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DbHost: {Type: String}
Resources:
  ReportsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DATABASE_URL: !Sub "postgresql://reports:Xk9vQ2mL7pRt@${DbHost}:5432/reports"  # [secret-in-environment]
""", title="connection string with an inline password inside !Sub"),
        bad("""\
service: chatops
provider:
  name: aws
  runtime: python3.11
functions:
  notify:
    handler: bot.notify
    environment:
      SLACK_BOT_TOKEN: xoxb-2043915873-4408152207-Fp0yTQk1zWcGmN8sV3aHbR7d  # [secret-in-environment]
""", name="serverless.yml", title="Slack bot token"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        JWT_SIGNING_SECRET: q8Zt3Lx9Vb2Nw7Rk4Yp6Hs1Jd5Fg0Ma  # [secret-in-environment]
Resources:
  LoginFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: login.handler
      Runtime: python3.12
  RefreshFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: refresh.handler
      Runtime: python3.12
""", title="random secret in Globals"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DB_SECRET_ARN: !Ref DbSecret
          DB_SECRET_NAME: prod/orders/db
          STRIPE_KEY_PARAM: /orders/prod/stripe-secret-key
          API_TOKEN_SECRET_ID: orders-api-token
""", title="references to secrets"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  DeployInfoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: src.handlers.deployment_info.describe_release_handler
      Runtime: python3.12
      Environment:
        Variables:
          GIT_SHA: 9fceb02d0ae598e95dc970b74767f19372d61af8
          BUILD_CHECKSUM: 0a4d55a8d778e5022fab701977c5d840bbc486d0c4e7a1f2
          HANDLER_PATH: src.handlers.deployment_info.describe_release_handler
          KMS_KEY_ARN: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
          KMS_KEY_ID: 1234abcd-12ab-34cd-56ef-1234567890ab
          REQUESTS_CA_BUNDLE: /opt/python/certifi/cacert.pem
          SSL_CERT_FILE: /var/task/certs/rds-combined-ca-bundle.pem
""", title="40- and 48-character values that are not secrets"),
        good("""\
service: auth
provider:
  name: aws
  runtime: python3.12
  environment:
    TOKEN_TTL_SECONDS: 3600
    PASSWORD_MIN_LENGTH: 12
    SECRET_ROTATION_DAYS: 30
    TOKEN_ENDPOINT: https://auth.example.com/oauth2/token
    API_KEY_HEADER: x-api-key
    AUTH_TOKEN_TYPE: Bearer
functions:
  login:
    handler: auth.login
""", name="serverless.yml", title="settings under secret-ish names"),
        good("""\
service: api
provider:
  name: aws
  runtime: python3.12
  environment:
    API_KEY: ${ssm:/api/prod/key}
    DB_PASSWORD: ${env:DB_PASSWORD}
    GITHUB_TOKEN: changeme
    ADMIN_PASSWORD: "<set-in-console>"
    SENTRY_AUTH_TOKEN: ""
functions:
  list:
    handler: api.list
""", name="serverless.yml", title="variables and placeholders"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DbPassword: {Type: String, NoEcho: true}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DATABASE_URL: postgresql://db.internal:5432/orders
          LOCAL_DB_URL: postgres://postgres:postgres@localhost:5432/dev
          DB_PASSWORD: !Ref DbPassword
          SENTRY_DSN: https://3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c@o123456.ingest.sentry.io/4505
""", title="URLs without credentials; a parameter (LL312's case)"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 2773
          SSM_PARAMETER_NAME: /orders/prod/stripe/api-key
          IMAGE_DIGEST: sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef
          POWERTOOLS_SERVICE_NAME: orders
""", title="parameter names, digests and settings"),
    ),
)
