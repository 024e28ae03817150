"""
## What it does
Reports configuration or a secret fetched from AWS on every invocation without a cache: a boto3
client's `get_parameter`, `get_parameters`, `get_parameters_by_path` (SSM), `get_secret_value`
(Secrets Manager), `get_latest_configuration` / `get_configuration` (AppConfig), in the handler or
a project function it calls. The receiver must be known to be a boto3 client: created in the same
module, or a module-level client another project module creates and this one imports
(`from .clients import ssm`, `clients.ssm.get_parameter(...)`), a client a project function
returns (`get_secrets_client().get_secret_value(...)`), or such a client handed to a project
function as an argument or as a parameter's default (`def get_connection(client=secrets)`).
A read of one version or stage of a secret (`VersionId`, `VersionStage`: a rotation function
reading what it rotates) is work on the secret, not configuration, and stays silent, as do
Powertools' `parameters.get_parameter` / `get_secret`, which cache their values, and fetches
behind a lazy-init guard or in a `functools.cache` function.

## Why is this bad?
Every call is a network round trip (and, at scale, throttling: SSM's default throughput is 40
requests per second; Secrets Manager bills per call). Configuration rarely changes between two
invocations of the same execution environment.

## Example
```python
ssm = boto3.client("ssm")

def handler(event, context):
    url = ssm.get_parameter(Name="/shop/db-url")["Parameter"]["Value"]
```

## How to fix
Fetch once (at import time or lazily into a module-level variable), or use a cached helper such as
Powertools' `parameters.get_parameter(name, max_age=300)` or the Parameters and Secrets Lambda
extension.

## References
- https://docs.powertools.aws.dev/lambda/python/latest/utilities/parameters/
- https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import CallFact, Context, Finding, Reached, Rule, Span, aws_calls, bad, call_findings, code_analysis, good

METHODS = ("get_parameter", "get_parameters", "get_parameters_by_path", "get_secret_value",
           "get_latest_configuration", "get_configuration")
_CLIENT_FACTORIES = {"boto3.client", "boto3.Session.client", "boto3.session.Session.client"}
_POWERTOOLS = "aws_lambda_powertools."


# A read of one version or stage of a secret (`VersionStage="AWSPENDING"`) is a rotation function's
# or a version manager's work on the secret itself, which must be read fresh: not configuration.
_VERSIONED = frozenset({"VersionId", "VersionStage"})


def match(call: CallFact) -> str | None:
    if any(keyword in _VERSIONED for keyword, _ in call.keywords):
        return None
    for name in call.names:
        base, _, method = name.rpartition(".")
        if method not in METHODS:
            continue
        if call.receiver_factory in _CLIENT_FACTORIES or base in _CLIENT_FACTORIES or \
                (call.receiver_factory or "").startswith("boto3.") and call.receiver_factory.endswith(".client"):
            return method
    return None


def message(what: str, reached: Reached) -> str:
    if reached.in_helper:
        return f"{reached.helper} calls `{what}` on every invocation"
    return f"`{what}` called on every invocation"


_SERVICES = frozenset({"ssm", "secretsmanager", "appconfig", "appconfigdata"})


def check(ctx: Context) -> Iterator[Finding]:
    # a client handed to a helper as an argument or a parameter's default
    # (`def get_connection(client=secrets)`), or made by a project function
    # (`get_secrets_client().get_secret_value(...)`): the calls the AWS-call walk binds to it
    analysis = code_analysis(ctx)
    resolved: dict[Span, str] = {found.call.span: found.method for handler in analysis.handlers
                                 for found in aws_calls(analysis, handler).calls
                                 if found.service in _SERVICES and found.method in METHODS}

    def matched(call: CallFact) -> str | None:
        found = match(call)
        if found is None and not any(keyword in _VERSIONED for keyword, _ in call.keywords):
            found = resolved.get(call.span)
            # the SDK's own method on a client: Powertools' `parameters.get_parameter` maps to
            # the same call, and caches it
            if found is not None and (not any(name.rpartition(".")[2] == found for name in call.names)
                                      or any(name.startswith(_POWERTOOLS) for name in call.names)):
                found = None
        return found

    yield from call_findings(ctx, matched, message,
                             "Fetch once into a module-level variable, or use a cached helper "
                             "(Powertools `parameters` with `max_age`).")


RULE = Rule(
    code="LL103",
    slug="config-fetch-in-handler",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="Configuration or a secret is fetched from AWS on every invocation",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    # the receiver may be a client another module creates: that module must be read too
    code_names=METHODS + tuple(sorted(_CLIENT_FACTORIES)),
    tags=("performance",),
    examples=(
        good("""\
import os

import boto3

ssm = boto3.client("ssm")
_PING_URL = None


def _resolve_ping_url():
    '''Reads the ping URL from SSM once per cold start.'''
    global _PING_URL
    if _PING_URL is not None:
        return _PING_URL
    value = ssm.get_parameter(Name=os.environ["PING_PARAM"], WithDecryption=True)["Parameter"]["Value"]
    _PING_URL = value if value.startswith("http") else ""
    return _PING_URL


def handler(event, context):
    return _resolve_ping_url()
""", name="app.py", title="`global` declared before the early return of a cache-filling function (cabal-infra, judged)"),
        good("""\
import boto3

ssm = boto3.client("ssm")
_enroll_client = {"id": None}


def _enroll_client_id():
    if _enroll_client["id"] is not None:
        return _enroll_client["id"]
    value = ssm.get_parameter(Name="/cabal/enroll-client-id")["Parameter"]["Value"]
    _enroll_client["id"] = value
    return value


def handler(event, context):
    return {"clientId": _enroll_client_id()}
""", name="app.py", title="a cache under a constant key"),
        bad("""\
import boto3

ssm = boto3.client("ssm")


def handler(event, context):
    url = ssm.get_parameter(Name="/shop/db-url", WithDecryption=True)["Parameter"]["Value"]  # [config-fetch-in-handler]
    return url
""", name="app.py", title="SSM get_parameter"),
        bad("""\
import json

import boto3

secrets = boto3.client("secretsmanager")


def lambda_handler(event, context):
    raw = secrets.get_secret_value(SecretId="prod/db")["SecretString"]  # [config-fetch-in-handler]
    return json.loads(raw)["password"]
""", name="app.py", title="Secrets Manager"),
        bad("""\
import boto3


def handler(event, context):
    return boto3.client("ssm").get_parameters_by_path(Path="/shop/")  # [config-fetch-in-handler]
""", name="app.py", title="chained call (LL101 reports the client)"),
        bad("""\
import boto3

appconfig = boto3.client("appconfigdata")


def handler(event, context):
    config = appconfig.get_latest_configuration(ConfigurationToken=event["token"])  # [config-fetch-in-handler]
    return config["Configuration"].read()
""", name="app.py", title="AppConfig"),
        bad("""\
import boto3

ssm = boto3.client("ssm")


def feature_flags():
    return ssm.get_parameters(Names=["/flags/a", "/flags/b"])["Parameters"]


def handler(event, context):
    flags = feature_flags()  # [config-fetch-in-handler]
    return flags
""", name="app.py", title="in a helper"),
        bad("""\
import json

import boto3

secret_client = boto3.client("secretsmanager")


def fetch_credentials(client, secret_id):
    return json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])


def get_connection(secret_client=secret_client):
    return fetch_credentials(secret_client, "totes/warehouse")


def handler(event, context):
    credentials = get_connection()  # [config-fetch-in-handler]
    return credentials["host"]
""", name="app.py", title="a client handed to a helper as a parameter's default (totes-infrastructure, judged)"),
        bad("""\
import json

import boto3


def get_secrets_client():
    return boto3.client("secretsmanager")


def get_db_credentials(secret_id):
    response = get_secrets_client().get_secret_value(SecretId=secret_id)
    return json.loads(response["SecretString"])


def handler(event, context):
    credentials = get_db_credentials("totesys/db")  # [config-fetch-in-handler]
    return credentials["host"]
""", name="app.py", title="a client a project function makes (samule-i/gneiss-totesys)"),
        bad("""\
import os

import boto3


def get_secret():
    session = boto3.session.Session()
    client = session.client(service_name="secretsmanager", region_name=os.environ["AWS_REGION"])
    return client.get_secret_value(SecretId=os.environ["SECRET_NAME"])["SecretString"]


def lambda_handler(event, context):
    secret = get_secret()  # [config-fetch-in-handler]
    return {"statusCode": 200, "body": str(len(secret))}
""", name="app.py", title="AWS's Secrets Manager snippet: a client made from a session"),
        bad("""\
from boto3 import client

sm = client("secretsmanager")


class Settings:
    def __init__(self):
        self.token = sm.get_secret_value(SecretId="api-token")["SecretString"]


def handler(event, context):
    settings = Settings()  # [config-fetch-in-handler]
    return settings.token
""", name="app.py", title="settings object built per invocation"),
        good("""\
from aws_lambda_powertools.utilities import parameters


def handler(event, context):
    url = parameters.get_parameter("/shop/db-url", max_age=300)
    secret = parameters.get_secret("prod/db")
    return url, secret
""", name="app.py", title="Powertools parameters are cached"),
        good("""\
import boto3

ssm = boto3.client("ssm")
DB_URL = ssm.get_parameter(Name="/shop/db-url")["Parameter"]["Value"]


def handler(event, context):
    return DB_URL
""", name="app.py", title="fetched at import time"),
        good("""\
import boto3

ssm = boto3.client("ssm")
_secret = None


def handler(event, context):
    global _secret
    if _secret is None:
        _secret = ssm.get_parameter(Name="/api/key", WithDecryption=True)["Parameter"]["Value"]
    return _secret
""", name="app.py", title="lazy global"),
        good("""\
import boto3

session = boto3.session.Session()
secrets = session.client(service_name="secretsmanager")
SECRET = secrets.get_secret_value(SecretId="prod/db")["SecretString"]


def lambda_handler(event, context):
    return len(SECRET)
""", name="app.py", title="a session's client, fetched at import time"),
        good("""\
import functools

import boto3

secrets = boto3.client("secretsmanager")


@functools.cache
def secret(name):
    return secrets.get_secret_value(SecretId=name)["SecretString"]


def handler(event, context):
    return secret("prod/db")
""", name="app.py", title="functools.cache"),
        good("""\
from my_config import get_parameter


def handler(event, context):
    return get_parameter("/shop/db-url")
""", name="app.py", title="a function of the same name that is not boto3"),
        good("""\
import boto3


def lambda_handler(event, context):
    client = boto3.client("secretsmanager")
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    if step == "createSecret":
        create_secret(client, arn, token)
    elif step == "testSecret":
        test_secret(client, arn, token)


def create_secret(client, arn, token):
    client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    password = client.get_random_password(ExcludeCharacters="/@")["RandomPassword"]
    client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=password,
                            VersionStages=["AWSPENDING"])


def test_secret(client, arn, token):
    return client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
""", name="app.py", title="a rotation function reads the versions it rotates (AWS's rotation template)"),
        good("""\
import os


def handler(event, context):
    return {"table": os.environ["TABLE_NAME"]}
""", name="app.py", title="configuration from the environment"),
        bad(files={
            "app/clients.py": 'import boto3\n\nssm = boto3.client("ssm")\nsecrets = boto3.client("secretsmanager")\n',
            "app/handler.py": """\
from clients import secrets, ssm


def handler(event, context):
    url = ssm.get_parameter(Name="/shop/db-url")["Parameter"]["Value"]  # [config-fetch-in-handler]
    return url
"""}, title="client imported from a project module"),
        bad(files={
            "src/shop/__init__.py": "",
            "src/shop/aws.py": 'import boto3\n\nsecrets = boto3.session.Session().client("secretsmanager")\n',
            "src/shop/clients.py": "from .aws import secrets\n",
            "src/shop/handler.py": """\
from . import clients


def handler(event, context):
    token = clients.secrets.get_secret_value(SecretId="api")["SecretString"]  # [config-fetch-in-handler]
    return token
"""}, title="client re-exported by another project module"),
        good(files={
            "app/clients.py": 'import boto3\n\nssm = boto3.client("ssm")\n',
            "app/config.py": 'from clients import ssm\n\nDB_URL = ssm.get_parameter(Name="/shop/db-url")["Parameter"]["Value"]\n',
            "app/handler.py": """\
from clients import ssm
from config import DB_URL


def handler(event, context):
    return {"url": DB_URL, "region": ssm.meta.region_name}
"""}, title="imported client, value fetched once at import"),
        good(files={
            "app/store.py": "class Store:\n    def get_parameter(self, Name):\n        return Name\n\n\nssm = Store()\n",
            "app/handler.py": """\
from store import ssm


def handler(event, context):
    return ssm.get_parameter(Name="/shop/db-url")
"""}, title="imported object that is not a boto3 client"),
    ),
)
