"""AWS clients followed across project modules: a function in `common/` that returns a client,
a resource or a `Table` types the calls made on what it returns, wherever that is kept (a local, a
module-level name, `self.x` of a repository class), and what cannot be followed stays a reason the
set is incomplete."""

from __future__ import annotations

from pathlib import Path

from test_aws_calls import calls_of, named

DB = '''\
import os

import boto3

_dynamodb = boto3.resource("dynamodb")


def get_table():
    return _dynamodb.Table(os.environ["TABLE_NAME"])


def s3_client():
    return boto3.client("s3")


def client_for(service):
    return boto3.client(service)


def load_settings():
    return {"region": os.environ.get("AWS_REGION")}
'''

REPOSITORY = '''\
from common.db import get_table


class OrderRepository:
    def __init__(self):
        self.table = get_table()

    def find(self, order_id):
        return self.table.get_item(Key={"id": order_id}).get("Item")

    def _events(self):
        return _bus()

    def publish(self, order):
        self._events().put_events(Entries=[{"Detail": order}])


def _bus():
    # defined below its first use: the walk meets the call before the `def`
    import boto3
    return boto3.client("events")
'''


def project(handler: str) -> dict[str, str]:
    return {"src/app.py": handler, "src/common/__init__.py": "", "src/common/db.py": DB,
            "src/common/repository.py": REPOSITORY}


def test_clients_returned_by_project_functions_type_their_call_sites(tmp_path: Path) -> None:
    found = calls_of(tmp_path, project('''\
from common import db
from common.db import get_table, load_settings, s3_client
from common.repository import OrderRepository

TABLE = get_table()
REPO = OrderRepository()


def handler(event, context):
    order = REPO.find(event["id"])
    REPO.publish(order)
    TABLE.update_item(Key={"id": event["id"]}, UpdateExpression="SET seen = :t")
    db.s3_client().put_object(Bucket="archive", Key=event["id"], Body=b"")
    archive = s3_client()
    archive.head_object(Bucket="archive", Key=event["id"])
    settings = load_settings()
    return settings.get("region")  # a dict, not a client: no AWS call
'''))
    assert named(found) == {("dynamodb", "Table", "get_item"), ("dynamodb", "Table", "update_item"),
                            ("events", "client", "put_events"), ("s3", "client", "put_object"),
                            ("s3", "client", "head_object")}
    (get,) = [c for c in found.calls if c.method == "get_item"]
    assert get.client.identifier == ("env", "TABLE_NAME")
    assert found.complete


def test_a_returned_client_whose_service_is_not_a_literal_is_never_guessed(tmp_path: Path) -> None:
    found = calls_of(tmp_path, project('''\
from common.db import client_for


def handler(event, context):
    client_for("sqs").send_message(QueueUrl="q", MessageBody="m")
'''))
    assert not found.calls
    assert not found.complete
    assert any("not a literal" in u.reason for u in found.unknown)


def test_a_returned_client_handed_where_the_walk_cannot_follow_makes_the_set_incomplete(tmp_path: Path) -> None:
    found = calls_of(tmp_path, project('''\
from boto3.dynamodb.table import BatchWriter
from common.db import get_table, s3_client

CACHE = {}


def handler(event, context):
    table = get_table()
    BatchWriter(table, "name").put_item(Item={})
    CACHE["s3"] = s3_client()
    s3_client().list_buckets()
'''))
    assert named(found) == {("s3", "client", "list_buckets")}
    reasons = [u.reason for u in found.unknown]
    # `table` escapes into a library; `s3_client()` into a dict: both are returned to this module
    assert sum("returned to another module" in r for r in reasons) == 2, reasons


def test_a_client_returned_again_by_a_wrapper_is_followed_to_its_callers(tmp_path: Path) -> None:
    found = calls_of(tmp_path, project('''\
from common.db import get_table


def table():
    t = get_table()
    t.describe_table()
    return t


def handler(event, context):
    table().delete_item(Key={"id": "1"})
    keep = table()
    print(keep)
'''))
    assert named(found) == {("dynamodb", "Table", "describe_table"), ("dynamodb", "Table", "delete_item")}
    assert found.complete


SERVICE = '''\
import os

import boto3


class PaymentService:
    def __init__(self):
        self.sqs = boto3.client("sqs")
        self.table = boto3.resource("dynamodb").Table(os.environ["PAYMENTS_TABLE"])

    def charge(self, payment):
        self.table.put_item(Item=payment)
        self._notify(payment["id"])

    def _notify(self, payment_id):
        self.sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=payment_id)


class InjectedRepository:
    def __init__(self, client):
        self.client = client

    def save(self, key):
        self.client.put_object(Bucket="b", Key=key, Body=b"")
'''


def test_clients_bound_on_self_in_init_are_the_clients_of_every_method(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
from common.service import PaymentService

SERVICE = PaymentService()


def handler(event, context):
    SERVICE.charge(event)
''', "src/common/__init__.py": "", "src/common/service.py": SERVICE})
    assert {(c.service, c.kind, c.method) for c in found.calls} == {
        ("dynamodb", "Table", "put_item"), ("sqs", "client", "send_message")}
    (put,) = [c for c in found.calls if c.method == "put_item"]
    assert put.client.identifier == ("env", "PAYMENTS_TABLE")
    assert found.complete


def test_a_client_injected_through_init_is_not_guessed(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import boto3

from common.service import InjectedRepository


def handler(event, context):
    InjectedRepository(boto3.client("s3")).save(event["key"])
''', "src/common/__init__.py": "", "src/common/service.py": SERVICE})
    assert not found.complete
    assert any("passed to `InjectedRepository`" in u.reason for u in found.unknown)


def test_a_name_rebound_to_something_else_is_no_longer_the_returned_client(tmp_path: Path) -> None:
    found = calls_of(tmp_path, project('''\
from common.db import get_table, load_settings


def handler(event, context):
    table = get_table()
    table.put_item(Item={"id": event["id"]})
    table = load_settings()
    return table.get("region")
'''))
    assert {(c.service, c.kind, c.method) for c in found.calls} == {("dynamodb", "Table", "put_item")}
    assert found.complete
