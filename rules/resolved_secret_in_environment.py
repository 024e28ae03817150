"""
## What it does
Reports an environment variable that receives a secret resolved at deploy time:
`{{resolve:secretsmanager:...}}` and `{{resolve:ssm-secure:...}}` dynamic references (also inside
`!Sub`, short or long form, plain or with a variable map, and `!Join`; every reference in a value
counts, so a connection string that resolves the user name and then the password fires), a `Ref`
(or `${Param}` in `!Sub`) to a `NoEcho` parameter, and in the Serverless Framework `${ssm:/aws/reference/secretsmanager/...}`, `${secretsmanager:...}`, `${ssm:...~true}`
(decrypted SecureString) or `${ssm:...}` under a name that says secret (also through
`${self:custom.x}`, or a table of stages whose entries all read SSM:
`${self:custom.stages.${self:provider.stage}.JWT_SECRET}`), and in Terraform a secret's
`secret_string` (also through `jsondecode(...)["password"]`), a `SecureString` parameter's `value`,
a `random_password`'s `result`, a variable declared `sensitive = true` (Terraform's `NoEcho`), or
any `aws_ssm_parameter` value under a name that says secret (also when a module input carries it
in), and in CloudFormation a `{{resolve:ssm:...}}` or a
`Ref` to an `AWS::SSM::Parameter::Value<String>` parameter under a name that says secret. Plain
`{{resolve:ssm:...}}`, SSM parameters and `${ssm:...}` of ordinary settings do not fire, and
neither do ARNs or names of secrets the code fetches itself.

## Why is this bad?
The secret no longer sits in the template, but it lands in the function's configuration in
plaintext: anyone with `lambda:GetFunctionConfiguration` or console access reads it, and
CloudFormation warns that a resolved value "may show up in the service whose resource it's being
used in". Rotating the secret does nothing until the stack is deployed again, so rotation silently
breaks or never happens.

## Example
```yaml
Environment:
  Variables:
    DB_PASSWORD: "{{resolve:secretsmanager:prod/orders/db:SecretString:password}}"
```

## How to fix
Pass the secret's ARN or name instead (`DB_SECRET_ARN: !Ref DbSecret`), allow
`secretsmanager:GetSecretValue` / `ssm:GetParameter` on it, and read it at run time with the AWS
Parameters and Secrets Lambda Extension or Powertools `parameters`, cached between invocations.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
- https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
- https://www.serverless.com/framework/docs/providers/aws/guide/variables#reference-variables-using-the-ssm-parameter-store
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (Context, Finding, Located, Rule, Template, bad, environment_values, good, is_secret_name,
                                name_list)

# The fields of an RDS / DocumentDB secret that are connection settings, not the secret.
_PUBLIC_FIELDS = frozenset({"username", "user", "host", "port", "dbname", "engine",
                            "dbinstanceidentifier", "dbclusteridentifier"})


def _resolved_secret(template: Template, name: str, value: Located) -> str | None:
    """What resolves the secret, for the message; None when the value is not a resolved secret.
    The template's loader reads its dialect's reference syntax (`Template.references_in`)."""
    for reference in template.references_in(value):
        if reference.source == "secretsmanager" and reference.key not in _PUBLIC_FIELDS:
            return reference.shown
        if reference.source in ("ssm-secure", "no-echo", "generated"):
            return reference.shown
        if reference.source == "ssm" and is_secret_name(name):
            return f"an SSM parameter under a secret name ({reference.shown})"
    return None


def check(ctx: Context) -> Iterator[Finding]:
    for name, value, functions in environment_values(ctx.project.functions):
        source = _resolved_secret(functions[0].template, name, value)
        if source is None:
            continue
        yield ctx.finding(
            value.span,
            f"`{name}` receives {source}, which is stored in plaintext in the configuration of "
            f"{name_list(functions)}",
            f"Pass the secret's ARN or name in place of `{name}` and fetch it at run time "
            "(Parameters and Secrets extension or Powertools `parameters`).",
            function=functions[0].name,
        )


RULE = Rule(
    code="LL312",
    slug="resolved-secret-in-environment",
    severity="warning",
    overview="an environment variable receives a secret resolved at deploy time (`{{resolve:secretsmanager:...}}`, `NoEcho` parameter, Serverless `${ssm:...}` of a secret)",
    reports_in=frozenset({"template"}),
    summary="An environment variable receives a secret resolved at deploy time",
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
          DB_PASSWORD: "{{resolve:secretsmanager:prod/orders/db:SecretString:password}}"  # [resolved-secret-in-environment]
          DB_USER: "{{resolve:secretsmanager:prod/orders/db:SecretString:username}}"
          API_SECRET: !Sub "{{resolve:secretsmanager:${ApiSecret}}}"  # [resolved-secret-in-environment]
""", title="Secrets Manager dynamic references"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {SecretStringTemplate: '{"username": "app"}', GenerateStringKey: password}
  ReportsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DATABASE_URL: !Sub "postgresql://{{resolve:secretsmanager:${DbSecret}:SecretString:username}}:{{resolve:secretsmanager:${DbSecret}:SecretString:password}}@db.internal:5432/reports"  # [resolved-secret-in-environment]
          STRIPE_KEY:
            Fn::Sub:  # [resolved-secret-in-environment]
              - "{{resolve:secretsmanager:${Prefix}/stripe:SecretString:apiKey}}"
              - Prefix: !Ref AWS::StackName
""", title="!Sub connection string and the long form with a variable map"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
      Environment:
        Variables:
          PARTNER_API_KEY: "{{resolve:ssm-secure:/partners/acme/api-key:3}}"  # [resolved-secret-in-environment]
""", title="ssm-secure dynamic reference"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  DbHost:
    Type: String
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DB_HOST: !Ref DbHost
          DB_PASSWORD: !Ref DbPassword  # [resolved-secret-in-environment]
          DATABASE_URL: !Sub "postgresql://app:${DbPassword}@${DbHost}/app"  # [resolved-secret-in-environment]
""", title="NoEcho parameter by Ref and in !Sub"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DataBasePassword:
    Type: AWS::SSM::Parameter::Value<String>
    Default: DataBasePassword
  TableName:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /users/table-name
Resources:
  UserFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: users/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: !Ref TableName
          STAGE: "{{resolve:ssm:/users/stage}}"
          POSTGRES_PASSWORD: !Ref DataBasePassword  # [resolved-secret-in-environment]
          SENDGRID_API_KEY: "{{resolve:ssm:/users/sendgrid-api-key}}"  # [resolved-secret-in-environment]
""", title="SSM parameters under secret names (Rojas-Andres/aws-lambda-python-cloudformation)"),
        bad("""\
service: payments
provider:
  name: aws
  runtime: python3.12
  environment:
    STRIPE_SECRET: ${ssm:/aws/reference/secretsmanager/prod/stripe}  # [resolved-secret-in-environment]
functions:
  charge:
    handler: payments.charge
""", name="serverless.yml", title="Serverless Secrets Manager reference"),
        bad("""\
service: legacy
provider:
  name: aws
  runtime: python3.9
functions:
  sync:
    handler: sync.handler
    environment:
      CRM_CREDENTIALS: ${ssm:/prod/crm/credentials~true}  # [resolved-secret-in-environment]
""", name="serverless.yml", title="decrypted SecureString (v1/v2 syntax)"),
        bad("""\
service: api
provider:
  name: aws
  runtime: python3.12
functions:
  list:
    handler: api.list
    environment:
      TABLE_NAME: ${ssm:/api/prod/table-name}
      API_TOKEN: ${ssm:/api/prod/token}  # [resolved-secret-in-environment]
""", name="serverless.yml", title="SSM parameter under a secret name"),
        bad("""\
service: classifier
provider:
  name: aws
  runtime: python3.12
  stage: ${opt:stage, 'dev'}
  environment:
    JWT_SECRET: ${self:custom.stages.${self:provider.stage}.JWT_SECRET}  # [resolved-secret-in-environment]
    GRAPHQL_ENDPOINT: ${self:custom.stages.${self:provider.stage}.GRAPHQL_ENDPOINT}
custom:
  signing: ${ssm:/classifier/signing_key}
  stages:
    offline:
      GRAPHQL_ENDPOINT: http://127.0.0.1:3001/graphql
    dev:
      GRAPHQL_ENDPOINT: https://api.dev.example.org/graphql
      JWT_SECRET: ${ssm:/classifier/dev/jwt_secret, ''}
    prod:
      GRAPHQL_ENDPOINT: https://api.example.org/graphql
      JWT_SECRET: ${ssm:/classifier/prod/jwt_secret, ''}
functions:
  train:
    handler: train.handler
    environment:
      API_SECRET: ${self:custom.signing}  # [resolved-secret-in-environment]
""", name="serverless.yml", title="through custom: one value, or a table of stages that all read SSM (mentorpal/classifier-service)"),
        good("""\
service: classifier
provider:
  name: aws
  runtime: python3.12
  stage: ${opt:stage, 'dev'}
  environment:
    JWT_SECRET: ${self:custom.stages.${self:provider.stage}.JWT_SECRET}
custom:
  stages:
    local:
      JWT_SECRET: not-a-secret-in-local-runs
    prod:
      JWT_SECRET: ${ssm:/classifier/prod/jwt_secret_arn}
functions:
  train:
    handler: train.handler
""", name="serverless.yml", title="a table of stages whose values are not all SSM parameters"),
        bad("""\
resource "aws_ssm_parameter" "db_password" {
  name  = "/orders/db-password"
  type  = "SecureString"
  value = var.db_password
}

resource "random_password" "signing" {
  length = 32
}

data "aws_secretsmanager_secret_version" "api" {
  secret_id = "orders/api"
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  filename      = "orders.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  environment {
    variables = {
      DB_PASSWORD = aws_ssm_parameter.db_password.value  # [resolved-secret-in-environment]
      SIGNING_KEY = random_password.signing.result  # [resolved-secret-in-environment]
      API_KEY     = jsondecode(data.aws_secretsmanager_secret_version.api.secret_string)["api_key"]  # [resolved-secret-in-environment]
      API_USER    = jsondecode(data.aws_secretsmanager_secret_version.api.secret_string)["username"]
    }
  }
}
""", name="main.tf", title="Terraform: a SecureString, a generated password and a secret's key"),
        bad("""\
variable "news_api_key" {
  type      = string
  sensitive = true
}

variable "news_api_url" {
  type    = string
  default = "https://newsapi.org/v2"
}

resource "aws_lambda_function" "crawler" {
  function_name = "news-crawler"
  role          = aws_iam_role.crawler.arn
  filename      = "crawler.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  environment {
    variables = {
      NEWS_API_KEY = var.news_api_key  # [resolved-secret-in-environment]
      NEWS_API_URL = var.news_api_url
    }
  }
}
""", name="main.tf", title="Terraform: a `sensitive` variable (Terraform's `NoEcho`)"),
        good("""\
resource "aws_ssm_parameter" "db_host" {
  name  = "/orders/db-host"
  type  = "String"
  value = "db.internal"
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  filename      = "orders.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  environment {
    variables = {
      DB_HOST        = aws_ssm_parameter.db_host.value
      DB_SECRET_ARN  = aws_secretsmanager_secret.db.arn
      DB_PASSWORD_PARAMETER = aws_ssm_parameter.db_password.name
    }
  }
}
""", name="main.tf", title="Terraform: a plain parameter, and names of secrets the code fetches"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DB_SECRET_ARN: !Ref DbSecret
          DB_SECRET_NAME: prod/orders/db
""", title="the secret's ARN and name, fetched at run time"),
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
          TABLE_NAME: "{{resolve:ssm:/orders/prod/table-name}}"
          LOG_LEVEL: "{{resolve:ssm:/orders/prod/log-level:2}}"
          DB_USER: !Sub "{{resolve:secretsmanager:${DbSecret}:SecretString:username}}"
          DB_HOST: "{{resolve:secretsmanager:prod/db:SecretString:host}}"
          DB_PORT: !Sub "{{resolve:secretsmanager:arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/db::port}}"
""", title="plain SSM parameters and a secret's public fields"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
  ApiKeyParameterName: {Type: String}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          STAGE: !Ref Stage
          API_KEY_PARAM: !Ref ApiKeyParameterName
          PREFIX: !Sub "${Stage}-orders"
""", title="ordinary parameters"),
        good("""\
service: api
provider:
  name: aws
  runtime: python3.12
  environment:
    TABLE_NAME: ${ssm:/api/${sls:stage}/table-name}
    QUEUE_URL: ${ssm:/api/prod/queue-url}
    TOKEN_SECRET_ARN: ${ssm:/api/prod/token-secret-arn}
functions:
  list:
    handler: api.list
""", name="serverless.yml", title="SSM settings and secret ARNs"),
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
          PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: "true"
          SECRETS_MANAGER_TTL: 300
""", title="Parameters and Secrets extension settings"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: "{{resolve:secretsmanager:prod/db:SecretString:password}}"
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
      Environment:
        Variables:
          DB_ENDPOINT: !GetAtt Db.Endpoint.Address
""", title="dynamic reference on another resource"),
    ),
)
