"""What opens a database, cache or HTTP connection: LL102 reports one opened per invocation, LL202
raises missing reserved concurrency to a warning for a function whose code opens one at all.

A call opens a connection when its qualified name is one of `FACTORIES`, or when it is `connect`
of an imported module whose name says it is a database driver or connector
(`aurora_dsql_psycopg2.connect`, `mysql.connector.connect`, `snowflake.connector.connect`): new
drivers appear faster than any list, and they all spell their entry point the same way.
"""

from __future__ import annotations

import re

from lambdalint.code.facts import CallFact
from lambdalint.lazy_pattern import LazyPattern

FACTORIES = frozenset({
    # PostgreSQL
    "psycopg2.connect", "psycopg.connect", "psycopg.Connection.connect", "psycopg.AsyncConnection.connect",
    "psycopg2.pool.SimpleConnectionPool", "psycopg2.pool.ThreadedConnectionPool",
    "psycopg_pool.ConnectionPool", "psycopg_pool.AsyncConnectionPool", "psycopg_pool.NullConnectionPool",
    "pg8000.connect", "pg8000.dbapi.connect", "pg8000.native.Connection", "pg8000.dbapi.Connection",
    "asyncpg.connect", "asyncpg.create_pool",
    # MySQL / MariaDB
    "pymysql.connect", "pymysql.connections.Connection", "mysql.connector.connect",
    "mysql.connector.pooling.MySQLConnectionPool", "aiomysql.connect", "aiomysql.create_pool",
    # SQLAlchemy and friends
    "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
    # caches
    "redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.Redis.from_url", "redis.client.Redis",
    "redis.ConnectionPool", "redis.asyncio.Redis", "redis.asyncio.from_url", "redis.cluster.RedisCluster",
    "redis.asyncio.cluster.RedisCluster", "valkey.Valkey", "valkey.from_url",
    "pymemcache.client.base.Client", "pymemcache.client.hash.HashClient",
    # document and graph stores
    "pymongo.MongoClient", "pymongo.mongo_client.MongoClient", "pymongo.AsyncMongoClient",
    "motor.motor_asyncio.AsyncIOMotorClient", "neo4j.GraphDatabase.driver", "cassandra.cluster.Cluster",
    "opensearchpy.OpenSearch", "opensearchpy.AsyncOpenSearch", "elasticsearch.Elasticsearch",
    "elasticsearch.AsyncElasticsearch",
    # HTTP connection pools
    "requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient",
    "urllib3.PoolManager", "aiohttp.ClientSession",
})
# HTTP pools are not a finite resource someone else runs out of: LL202 leaves them out.
HTTP = frozenset({"requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client",
                  "httpx.AsyncClient", "urllib3.PoolManager", "aiohttp.ClientSession"})
# Module names that say "database driver or connector". sqlite3 and duckdb open local files.
_DRIVER = LazyPattern(
    r"psycopg|mysql|pg8000|postgres|mariadb|oracle|mssql|odbc|redshift|dsql|snowflake|connector|asyncpg|"
    r"aiopg|clickhouse|trino|presto|teradata|vertica|ibm_db|hdbcli|databricks|cockroach", re.I)
# What a module's text shows when it may open one (`Rule.code_names`).
NAMES = tuple(sorted(FACTORIES)) + ("connect",)


def driver_connect(name: str) -> bool:
    """`aurora_dsql_psycopg2.connect`: `connect` of a module named like a database driver."""
    module, _, function = name.rpartition(".")
    return function == "connect" and bool(module) and not module.startswith(".") and \
        _DRIVER.search(module) is not None


def connection(call: CallFact) -> str | None:
    """The qualified name of the connection a call opens, or None."""
    found = sorted(call.names & FACTORIES)
    if found:
        return found[0]
    if call.imported:
        for name in sorted(call.names):
            if driver_connect(name):
                return name
    return None
