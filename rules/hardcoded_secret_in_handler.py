"""
## What it does
Reports a literal credential in the code a Lambda handler runs: a string bound to a name, attribute
or keyword argument (`API_KEY = "..."`, `self.token = "..."`, `boto3.client(..., aws_secret_access_key="...")`)
that is in a known credential format (AWS access key id, AWS secret key next to a secret-ish name,
private key block, GitHub / GitLab / Slack / Stripe / OpenAI-style tokens, JWTs, URLs and connection
strings with an inline password), or a random-looking or literal value under a name that says
secret. It uses the same detector as `secret-in-environment` (LL311), so placeholders
(`"changeme"`, `"<token>"`, `"${TOKEN}"`), names of secrets (`SECRET_ARN`, `PASSWORD_PARAM`),
settings (`TOKEN_TTL = "3600"`) and hashes under ordinary names stay silent. Only modules the
handlers import (transitively, within the project) are read; tests are not.

## Why is this bad?
The credential ships in every deployment package, sits in version control history for good, and is
readable by anyone who can download the function's code (`lambda:GetFunction`). It cannot be
rotated without a code change and redeploy.

## Example
```python
import stripe

stripe.api_key = "sk_live_51Hx9aT2eZvKYlo2C8f3Q7wRb"

def handler(event, context):
    ...
```

## How to fix
Store the credential in AWS Secrets Manager or an SSM `SecureString`, pass its name or ARN in an
environment variable, and read it once per execution environment (Powertools
`parameters.get_secret`, or the Parameters and Secrets extension). Rotate the leaked value.

## References
- https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
- https://docs.powertools.aws.dev/lambda/python/latest/utilities/parameters/
- https://cwe.mitre.org/data/definitions/798.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, code_analysis, find_secret, good


# What a module shows when it may hold a credential: a known credential format, or a secret-ish
# name bound to a string literal (`DB_PASSWORD = "`, `api_key="`).
SECRET_HINT = (
    r"AKIA|ASIA|-----BEGIN|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|hooks\.slack\.com|[sr]k_live_|"
    r"sk_test_|whsec_|\bsk-|eyJ|://[^\s'\"/@:]*:[^\s'\"/@]+@|"
    r"(?i:pass(?:word|wd)?|pwd|secret|token|api_?key|private_?key|credentials?)\w*['\"]?[ \t]*(?::[ \t]*[\w.\[\], |]*)?[:=][ \t]*[rbuRBU]?['\"]")


def check(ctx: Context) -> Iterator[Finding]:
    analysis = code_analysis(ctx)
    owners: dict[str, str] = {}
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if handler.module is not None and function is not None:
            owners.setdefault(handler.module.path, function.name)
    seen: set[object] = set()
    for path in sorted(analysis.modules, key=str):
        module = analysis.modules[path]
        if module.error is not None or not module.full:
            continue
        for fact in module.strings:
            if fact.span in seen:
                continue
            match = find_secret(fact.target, fact.value)
            if match is None:
                continue
            seen.add(fact.span)
            what = f"`{fact.target[:-2]}(...)` is given" if fact.target.endswith("()") else f"`{fact.target}` is"
            yield ctx.finding(
                fact.span, f"{what} {match.description} written into the code",
                "Keep the credential in Secrets Manager or an SSM SecureString, pass its name in an "
                "environment variable and read it once per execution environment; rotate the leaked value.",
                function=owners.get(module.path))


_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
"""


def _project(code: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"template.yaml": _TEMPLATE, "src/app.py": code, **(extra or {})}


RULE = Rule(
    code="LL313",
    slug="hardcoded-secret-in-handler",
    severity="error",
    overview="handler code (and the project modules it imports) holds a literal credential",
    reports_in=frozenset({"python"}),
    summary="Handler code contains a literal credential",
    check=check,
    docs=__doc__ or "",
    tags=("security", "secrets"),
    needs_code=True,
    code_names=(),
    code_patterns=(SECRET_HINT,),
    examples=(
        bad(files=_project("""\
import stripe

stripe.api_key = "sk_live_51Hx9aT2eZvKYlo2C8f3Q7wRb"  # [hardcoded-secret-in-handler]


def handler(event, context):
    return stripe.Charge.create(amount=event["amount"], currency="eur")
"""), title="Stripe key on the module"),
        bad(files=_project("""\
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAZ4XQ7P2LMN5RT8VW",  # [hardcoded-secret-in-handler]
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz7kX2pQ3v",  # [hardcoded-secret-in-handler]
)


def handler(event, context):
    return s3.list_objects_v2(Bucket="uploads")
"""), title="AWS key pair passed to boto3"),
        bad(files=_project("""\
import psycopg


DATABASE_URL = "postgresql://orders:Xk9vQ2mL7pRt@orders.cluster-abc.eu-west-1.rds.amazonaws.com/orders"  # [hardcoded-secret-in-handler]


def handler(event, context):
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("select 1").fetchone()
"""), title="connection string with a password"),
        bad(files=_project("""\
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("mysql+pymysql://root:Pr4ctica1Ds@practica1.cfayxotfiehc.us-east-1.rds.amazonaws.com/practica1")  # [hardcoded-secret-in-handler]
Session = sessionmaker(bind=engine)


def handler(event, context):
    return Session().execute("select 1").scalar()
"""), title="connection string passed straight to the engine (dasal03/Crud-Serverless-python)"),
        good(files=_project("""\
import os

import requests
from sqlalchemy import create_engine

engine = create_engine(os.environ["DATABASE_URL"])
local = create_engine("postgresql://postgres:postgres@localhost:5432/test")
docs = requests.get("https://registry.example.com/packages/@scope/name")


def handler(event, context):
    return engine.execute("select 1").scalar()
"""), title="the URL from the environment; a local default; an @ that is no credential"),
        bad(files=_project("""\
from clients import notify


def handler(event, context):
    notify(event["text"])
""", {"src/clients.py": """\
import urllib.request

SLACK_WEBHOOK = "https://hooks.slack.com/services/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"  # [hardcoded-secret-in-handler]


def notify(text):
    urllib.request.urlopen(SLACK_WEBHOOK, data=text.encode())
"""}), title="Slack webhook in an imported helper module"),
        bad(files=_project("""\
import jwt


class Signer:
    def __init__(self):
        self.signing_secret = "q8Zt3Lx9Vb2Nw7Rk4Yp6Hs1Jd5Fg0Ma"  # [hardcoded-secret-in-handler]

    def sign(self, claims):
        return jwt.encode(claims, self.signing_secret, algorithm="HS256")


def handler(event, context):
    return Signer().sign({"sub": event["user"]})
"""), title="random secret on an attribute"),
        bad(files=_project("""\
from github import Github

GITHUB_TOKEN: str = "ghp_R7vK2mQ9xL4pT8wZ3nB6cH1jD5fG0sA2eY7u"  # [hardcoded-secret-in-handler]


def handler(event, context):
    return Github(GITHUB_TOKEN).get_repo(event["repo"]).stargazers_count
"""), title="GitHub token with an annotation"),
        good(files=_project("""\
import os

import boto3
from aws_lambda_powertools.utilities import parameters

SECRET_ARN = os.environ["DB_SECRET_ARN"]
STRIPE_KEY_PARAM = "/payments/prod/stripe-key"


def handler(event, context):
    secret = parameters.get_secret(SECRET_ARN)
    key = parameters.get_parameter(STRIPE_KEY_PARAM, decrypt=True)
    return {"ok": bool(secret and key)}
"""), title="secrets fetched at run time"),
        good(files=_project("""\
GIT_SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CA_BUNDLE = "/opt/python/certifi/cacert.pem"
HANDLER_NAME = "src.handlers.deployment_info.describe_release_handler"


def handler(event, context):
    return {"sha": GIT_SHA}
"""), title="40-character values that are not secrets"),
        good(files=_project("""\
TOKEN_HEADER = "x-api-key"
AUTH_SCHEME = "Bearer"
TOKEN_TTL_SECONDS = "3600"
PASSWORD_MIN_LENGTH = "12"


def handler(event, context):
    token = event["headers"].get(TOKEN_HEADER)
    return {"authorised": token is not None}
"""), title="settings and field names"),
        good(files=_project("""\
import os

API_KEY = os.environ.get("API_KEY", "changeme")
DB_PASSWORD = "<set-in-secrets-manager>"
WEBHOOK_SECRET = "${WEBHOOK_SECRET}"


def handler(event, context):
    return {"configured": API_KEY != "changeme"}
"""), title="placeholders"),
        good(files=_project("""\
def handler(event, context):
    return {"ok": True}
""", {"tests/test_app.py": """\
API_KEY = "sk_live_51Hx9aT2eZvKYlo2C8f3Q7wRb"


def test_handler():
    assert True
""", "scripts/seed.py": """\
DB_PASSWORD = "Xk9vQ2mL7pRt"
"""}), title="files the handler does not import"),
        good(files=_project("""\
import requests

LOCAL_DB_URL = "postgres://postgres:postgres@localhost:5432/dev"
JWKS_URL = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"


def handler(event, context):
    return requests.get(JWKS_URL, timeout=3).json()
"""), title="local development URL and public endpoints"),
    ),
)
