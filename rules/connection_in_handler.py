"""
## What it does
Reports a database, cache or HTTP connection (or pool) opened on every invocation:
`psycopg2.connect`, `psycopg.connect`, `psycopg_pool.ConnectionPool` / `AsyncConnectionPool`,
`pg8000.connect` / `pg8000.native.Connection`, `asyncpg.connect` / `create_pool`,
`pymysql.connect`, `mysql.connector.connect`, `sqlalchemy.create_engine` / `create_async_engine`,
`redis.Redis` / `StrictRedis` / `from_url`, `pymongo.MongoClient`, OpenSearch and Elasticsearch
clients, `requests.Session`, `httpx.Client` / `AsyncClient`, `urllib3.PoolManager`,
`aiohttp.ClientSession`, and `connect(...)` of any imported module whose name says it is a
database driver or connector (`aurora_dsql_psycopg2.connect`, `snowflake.connector.connect`,
`redshift_connector.connect`); in the handler or in a project function it calls. One-off requests
(`requests.get`) and local databases (`sqlite3.connect`) are not connections and stay silent, as
do connections opened once (module scope, lazy-init guards, cached factories) and those of a
Secrets Manager rotation function (its module names the four rotation steps, `createSecret` to
`finishSecret`), which must connect with the credentials each step sets or tests.

## Why is this bad?
A new connection costs a TCP and TLS handshake and, for databases, authentication: often more than
the query itself. Under load, a connection per request also exhausts the database's connection
limit, since frozen execution environments keep theirs open.

## Example
```python
import pymysql

def handler(event, context):
    conn = pymysql.connect(host="db", user="app", password="...", database="shop")
    ...
```

## How to fix
Open the connection once at module scope or behind a lazy-init guard (reconnect when it is
closed). `lambdalint check --fix` moves `name = factory("literal", ...)` to module scope when safe.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html#function-code
- https://aws.amazon.com/blogs/compute/using-amazon-rds-proxy-with-aws-lambda/
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (CONNECTION_NAMES, Context, Finding, Handler, Reached, Rule, bad, call_findings, connection,
                                good, to_module_scope)


def message(what: str, reached: Reached) -> str:
    if reached.in_helper:
        return f"{reached.helper} opens a `{what}` connection on every invocation"
    return f"`{what}` connection opened on every invocation"


def check(ctx: Context) -> Iterator[Finding]:
    def rotation(handler: Handler) -> bool:
        # a Secrets Manager rotation function connects with the credentials each step sets or
        # tests: a connection kept from an earlier invocation would hold the old ones
        home = handler.home
        source = ctx.project.sources.get(home.display) if home is not None else None
        return source is not None and all(f"'{step}'" in source.text or f'"{step}"' in source.text
                                          for step in _ROTATION_STEPS)

    yield from call_findings(ctx, connection, message,
                             "Open the connection once at module scope (or behind a lazy-init guard) and reuse it.",
                             to_module_scope, skip=rotation)


_ROTATION_STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


RULE = Rule(
    code="LL102",
    slug="connection-in-handler",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="A database, cache or HTTP connection is opened on every invocation",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=CONNECTION_NAMES,
    tags=("performance",),
    examples=(
        bad("""\
import os

import psycopg2


def handler(event, context):
    conn = psycopg2.connect(os.environ["DATABASE_URL"])  # [connection-in-handler]
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
""", name="app.py", title="psycopg2"),
        bad("""\
import pymysql


def lambda_handler(event, context):
    conn = pymysql.connect(host="db.internal", user="app", database="shop")  # [connection-in-handler]
    return conn.ping()
""", name="app.py", title="pymysql"),
        bad("""\
from redis import Redis


def handler(event, context):
    cache = Redis(host="cache.internal", port=6379)  # [connection-in-handler]
    return cache.get(event["key"])
""", name="app.py", title="redis"),
        bad("""\
import pymongo
from sqlalchemy import create_engine


def handler(event, context):
    client = pymongo.MongoClient("mongodb://db:27017")  # [connection-in-handler]
    engine = create_engine("postgresql://app@db/shop")  # [connection-in-handler]
    return client, engine
""", name="app.py", title="pymongo and sqlalchemy"),
        bad("""\
import requests


def handler(event, context):
    http = requests.Session()  # [connection-in-handler]
    return http.get(event["url"]).json()
""", name="app.py", title="requests.Session"),
        bad("""\
from .db import connect_db


def handler(event, context):
    conn = connect_db()  # [connection-in-handler]
    return conn.execute("SELECT 1")
""", name="svc/app.py", files={
            "svc/__init__.py": "",
            "svc/db.py": """\
import httpx


def connect_db():
    return httpx.Client(base_url="https://db.example.com")
"""}, title="helper in another module (relative import)"),
        bad("""\
from psycopg_pool import ConnectionPool


def lambda_handler(event, context):
    pool = ConnectionPool("postgresql://app@db/shop", min_size=1)  # [connection-in-handler]
    with pool.connection() as conn:
        return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
""", name="app.py", title="psycopg_pool in a file that names nothing else"),
        bad("""\
import pg8000.native


def handler(event, context):
    con = pg8000.native.Connection("app", host="db.internal", database="shop")  # [connection-in-handler]
    return con.run("SELECT 1")
""", name="app.py", title="pg8000.native"),
        bad("""\
import asyncio

from sqlalchemy.ext.asyncio import create_async_engine


async def count():
    engine = create_async_engine("postgresql+asyncpg://app@db/shop")
    async with engine.connect() as conn:
        return await conn.scalar("SELECT 1")


def handler(event, context):
    return asyncio.run(count())  # [connection-in-handler]
""", name="app.py", title="SQLAlchemy async engine in a coroutine the handler runs"),
        bad("""\
import aurora_dsql_psycopg2 as dsql


def handler(event, context):
    conn = dsql.connect(host="abc.dsql.us-east-1.on.aws", user="admin")  # [connection-in-handler]
    return conn.cursor().execute("SELECT 1")
""", name="app.py", title="any driver's connect (Aurora DSQL connector)"),
        good("""\
import sqlite3


def handler(event, context):
    db = sqlite3.connect("/tmp/cache.db")
    return db.execute("SELECT 1").fetchone()
""", name="app.py", title="local SQLite file"),
        good("""\
import aurora_dsql_psycopg2 as dsql

CONN = dsql.connect(host="abc.dsql.us-east-1.on.aws", user="admin")


def handler(event, context, mysql_pool=None):
    conn = mysql_pool.connect() if mysql_pool else CONN
    return conn.cursor().execute("SELECT 1")
""", name="app.py", title="driver connection at import; a parameter's connect is not a module's"),
        good("""\
import os

import psycopg2

conn = psycopg2.connect(os.environ["DATABASE_URL"])


def handler(event, context):
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
""", name="app.py", title="connection at module scope"),
        good("""\
import pymysql

_conn = None


def connection():
    global _conn
    if _conn is None or not _conn.open:
        _conn = pymysql.connect(host="db.internal", user="app", database="shop")
    return _conn


def lambda_handler(event, context):
    return connection().ping()
""", name="app.py", title="lazy connection with reconnect"),
        good("""\
import requests


def handler(event, context):
    return requests.get(event["url"], timeout=5).json()
""", name="app.py", title="one-off request, no session"),
        good("""\
from functools import cache

import redis


@cache
def cache_client():
    return redis.Redis.from_url("redis://cache:6379")


def handler(event, context):
    return cache_client().get(event["key"])
""", name="app.py", title="cached factory"),
        good("""\
import httpx

HTTP = httpx.Client(timeout=5)


def handler(event, context):
    return HTTP.get(event["url"]).text
""", name="app.py", title="module-level httpx client"),
        good("""\
from sqlalchemy import create_engine


class Database:
    engine = None

    @classmethod
    def get(cls):
        if cls.engine is None:
            cls.engine = create_engine("postgresql://app@db/shop")
        return cls.engine


def handler(event, context):
    return Database.get().connect()
""", name="app.py", title="class-level lazy engine"),
        good("""\
import json

import boto3
import psycopg2

secrets = boto3.client("secretsmanager")


def handler(event, context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    if step == "createSecret":
        create_secret(arn, token)
    elif step == "setSecret":
        set_secret(arn, token)
    elif step == "testSecret":
        test_secret(arn, token)
    elif step == "finishSecret":
        finish_secret(arn, token)


def connect(secret):
    return psycopg2.connect(host=secret["host"], user=secret["username"], password=secret["password"])


def pending(arn, token):
    value = secrets.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    return json.loads(value["SecretString"])


def create_secret(arn, token):
    secrets.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString="{}")


def set_secret(arn, token):
    with connect(pending(arn, token)) as conn:
        conn.cursor().execute("ALTER USER app WITH PASSWORD %s", (pending(arn, token)["password"],))


def test_secret(arn, token):
    connect(pending(arn, token)).close()


def finish_secret(arn, token):
    secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token)
""", name="app.py", title="a Secrets Manager rotation function connects with the credentials of each step"),
    ),
)
