"""The AWS calls a handler's code can make (`code.aws.aws_calls`): every way real handlers hold a
boto3 client or resource, Powertools utilities that call AWS, and what makes the set incomplete."""

from __future__ import annotations

from pathlib import Path

from lambdalint.code import analyse
from lambdalint.code.aws import AwsCallSet, aws_calls
from lambdalint.config import Config
from lambdalint.load import load_project

from conftest import write_tree

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""


def calls_of(tmp_path: Path, files: dict[str, str]) -> AwsCallSet:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, **files})
    config = Config()
    project = load_project([tmp_path], config, tmp_path)
    analysis = analyse(project, config.handler_patterns)
    (handler,) = analysis.handlers
    return aws_calls(analysis, handler)


def named(found: AwsCallSet) -> set[tuple[str, str, str]]:
    return {(c.service, c.kind, c.method) for c in found.calls}


def test_module_level_local_inline_session_and_self_clients(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import os
import boto3

s3 = boto3.client("s3")
session = boto3.session.Session()
kms = session.client("kms")


class Repo:
    def __init__(self):
        self.sqs = boto3.client(service_name="sqs")

    def send(self, body):
        self.sqs.send_message_batch(QueueUrl=os.environ["QUEUE_URL"], Entries=[body])


def handler(event, context):
    s3.get_object(Bucket=os.environ["BUCKET"], Key="k")
    local = boto3.client("sns")
    local.publish(TopicArn="arn", Message="m")
    boto3.client("events").put_events(Entries=[])
    kms.decrypt(CiphertextBlob=b"")
    Repo().send({})
    event.get("x")  # not a client
'''})
    assert named(found) == {("s3", "client", "get_object"), ("sns", "client", "publish"),
                            ("events", "client", "put_events"), ("kms", "client", "decrypt"),
                            ("sqs", "client", "send_message_batch")}
    assert found.complete
    (get,) = [c for c in found.calls if c.method == "get_object"]
    assert dict(get.call.keywords)["Bucket"] == ("env", "BUCKET")


def test_lazy_init_helpers_in_project_modules_and_resources(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {
        "src/app.py": '''\
import os
from clients import table, s3_resource
from storage import archive


def handler(event, context):
    table.put_item(Item={"id": "1"})
    s3_resource.Bucket(os.environ["BUCKET"]).objects.filter(Prefix="p")
    archive(event)
''',
        "src/clients.py": '''\
import os
import boto3

dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["TABLE_NAME"])
s3_resource = boto3.resource("s3")
''',
        "src/storage.py": '''\
import boto3

_client = None


def _s3():
    global _client
    if _client is None:
        _client = boto3.client("s3")
    return _client


def archive(event):
    _s3().put_object(Bucket="archive", Key="k", Body=b"")
    s3 = boto3.resource("s3")
    s3.meta.client.head_object(Bucket="archive", Key="k")
''',
    })
    assert named(found) == {("dynamodb", "Table", "put_item"), ("s3", "Bucket.objects", "filter"),
                            ("s3", "client", "put_object"), ("s3", "client", "head_object")}
    (put,) = [c for c in found.calls if c.method == "put_item"]
    assert put.client.identifier == ("env", "TABLE_NAME")
    assert found.complete


def test_powertools_utilities_call_aws(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import os
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent

persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])


@idempotent(persistence_store=persistence)
def handler(event, context):
    key = parameters.get_secret("api-key")
    return parameters.get_parameter("/app/url")
'''})
    assert named(found) >= {("secretsmanager", "client", "get_secret_value"), ("ssm", "client", "get_parameter"),
                            ("dynamodb", "client", "put_item"), ("dynamodb", "client", "get_item")}
    assert found.complete


def test_dynamic_and_escaping_clients_make_the_set_incomplete(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import boto3
from concurrent.futures import ThreadPoolExecutor

CLIENTS = {}


def handler(event, context):
    dynamic = boto3.client(event["service"])
    dynamic.do_something()
    CLIENTS["s3"] = boto3.client("s3")
    ThreadPoolExecutor().submit(print, boto3.client("sqs"))
'''})
    reasons = sorted(u.reason for u in found.unknown)
    assert not found.complete
    assert any("not a literal" in r for r in reasons)
    assert any("stored in" in r for r in reasons)
    assert any("passed to `ThreadPoolExecutor().submit`" in r for r in reasons)
    assert all(c.method != "do_something" for c in found.calls)  # never guessed


def test_clients_passed_to_project_helpers_are_followed_into_their_parameters(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {
        "src/app.py": '''\
import boto3
from clients import sns
from storage import Archive, archive, notify

s3 = boto3.client("s3")


def handler(event, context):
    archive(s3, event["key"])
    notify(topic="t", client=sns)
    Archive().save(s3, "k")
''',
        "src/clients.py": '''\
import boto3

sns = boto3.client("sns")
''',
        "src/storage.py": '''\
import boto3


def archive(client, key):
    client.put_object(Bucket="archive", Key=key, Body=b"")


def notify(topic, client):
    client.publish(TopicArn=topic, Message="done")


class Archive:
    def save(self, client, key):
        client.delete_object(Bucket="archive", Key=key)
''',
    })
    assert named(found) == {("s3", "client", "put_object"), ("sns", "client", "publish"),
                            ("s3", "client", "delete_object")}
    assert found.complete


def test_a_client_passed_on_through_levels_of_project_functions_keeps_its_service(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {
        "src/app.py": '''\
import boto3
from common.storage import Archiver

s3 = boto3.client("s3")
sqs = boto3.client("sqs")


def outer(client, queue):
    print(client)  # reads it, keeps nothing
    Archiver().archive(client, key="k")
    notify(queue)


def notify(queue):
    _send(queue, "done")


def _send(client, body):
    client.send_message(QueueUrl="q", MessageBody=body)


def handler(event, context):
    outer(s3, sqs)
''',
        "src/common/__init__.py": "",
        "src/common/storage.py": '''\
class Archiver:
    def archive(self, client, key):
        self._copy(client=client, key=key)

    def _copy(self, client, key):
        client.copy_object(Bucket="archive", Key=key, CopySource="in/" + key)
''',
    })
    assert named(found) == {("s3", "client", "copy_object"), ("sqs", "client", "send_message")}
    assert found.complete


def test_a_client_passed_on_to_a_library_or_rebound_is_not_followed(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import boto3
from boto3.s3.transfer import S3Transfer

s3 = boto3.client("s3")


def inner(client):
    client.delete_bucket(Bucket="b")


def upload(client):
    S3Transfer(client).upload_file("/tmp/f", "b", "k")


def swap(client):
    client = boto3.client("sns")
    inner(client)


def outer(client):
    inner(client)
    upload(client)
    swap(client)


def handler(event, context):
    outer(s3)
'''})
    assert not found.complete
    assert any("passed to `boto3.s3.transfer.S3Transfer`" in u.reason for u in found.unknown)
    # followed where it is followed: two levels down, the service is still known
    assert ("s3", "client", "delete_bucket") in named(found)
    # `swap` rebinds its parameter: the new client is the walk's, the old one is not passed on
    assert ("sns", "client", "delete_bucket") in named(found)


def test_literal_clients_only_are_complete_and_unreached_code_is_not_counted(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import boto3

s3 = boto3.client("s3")


def unused():
    boto3.client(input()).anything()
    s3.delete_bucket(Bucket="b")


def handler(event, context):
    s3.list_objects_v2(Bucket="b")
'''})
    assert named(found) == {("s3", "client", "list_objects_v2")}
    assert found.complete


def test_a_resources_data_read_is_a_request_not_a_client_handed_on(tmp_path: Path) -> None:
    """`LOGGER.info(table.table_status)` logs a value boto3 fetches with the resource's `load()`,
    `DescribeTable`, on first read (k-pulkit/aws-terraform-lambda-sqsToDynamo, judged twice): no
    client is passed to the logger, and the call is that `load` (the set was left incomplete, so
    the `dynamodb:*` hint named no action). A resource whose model has no `load` (an S3 `Bucket`'s
    `creation_date` comes from `ListBuckets`) leaves it incomplete. What names the resource
    (`table.name`) and its actions and collections need no such request."""
    logged = calls_of(tmp_path, {"src/app.py": '''\
import logging
import os

import boto3

LOGGER = logging.getLogger()


def handler(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
    LOGGER.info(table.table_status)
    table.put_item(Item={"id": event["id"]})
'''})
    assert named(logged) == {("dynamodb", "Table", "load"), ("dynamodb", "Table", "put_item")}
    assert logged.complete
    from lambdalint.iam_actions import call_actions

    assert call_actions("dynamodb", "Table", "load").essential == ("dynamodb:DescribeTable",)
    unloadable = calls_of(tmp_path / "bucket", {"src/app.py": '''\
import boto3

bucket = boto3.resource("s3").Bucket("archive")


def handler(event, context):
    return {"created": str(bucket.creation_date)}
'''})
    assert [u.reason for u in unloadable.unknown] == [
        "`bucket.creation_date` is fetched by a request the analysis does not name"]
    named_only = calls_of(tmp_path / "named", {"src/app.py": '''\
import logging

import boto3

LOGGER = logging.getLogger()
s3 = boto3.resource("s3")
table = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    LOGGER.info("writing to %s", table.name)
    table.put_item(Item={"id": event["id"]})
    for item in s3.Bucket("archive").objects.filter(Prefix="2024/"):
        LOGGER.info("archived %s", item.key)
    s3.Object("archive", "latest").upload_file("/tmp/latest.json")
'''})
    assert not named_only.unknown
    assert ("dynamodb", "Table", "put_item") in named(named_only)


def test_a_table_of_a_resource_another_project_module_makes(tmp_path: Path) -> None:
    """`from client import ddb_res_client as client; table = client.Table(name)` (at module level,
    or in the handler): the table's calls are DynamoDB's (mubtasimfuad/aws-cdk-python-ecomm, judged:
    they were dropped as calls on something a project function returns, so LL322 said every
    DynamoDB action of the role was unused)."""
    shared = {"src/client.py": 'import boto3 as client\n\nddb_res_client = client.resource("dynamodb")\n'}
    aliased = calls_of(tmp_path / "aliased", {**shared, "src/app.py": '''\
from client import ddb_res_client as client

table = client.Table("products")


def handler(event, context):
    return table.get_item(Key={"id": event["id"]}), table.scan()
'''})
    assert named(aliased) == {("dynamodb", "Table", "get_item"), ("dynamodb", "Table", "scan")}
    assert not aliased.unknown
    local = calls_of(tmp_path / "local", {**shared, "src/app.py": '''\
from client import ddb_res_client


def handler(event, context):
    table = ddb_res_client.Table("products")
    return table.query(KeyConditionExpression="id = :id")
'''})
    assert named(local) == {("dynamodb", "Table", "query")}


def test_calls_a_model_inherits_from_its_base_class(tmp_path: Path) -> None:
    """`TodoModel(CoreModel)` calling `super(TodoModel, self).save(...)`, and `UserModel(CoreModel)`
    that defines nothing (voathnak/vlim-sam-python-boilerplate, judged: the base class's DynamoDB
    calls were lost, so LL322 said the role's DynamoDB actions were unused)."""
    found = calls_of(tmp_path, {
        "src/models/__init__.py": "",
        "src/models/core.py": '''\
import boto3

dynamodb = boto3.resource("dynamodb")


class CoreModel:
    def __init__(self, table_name):
        self._table = dynamodb.Table(table_name)

    def save(self, values):
        return self._table.put_item(Item=values)

    def get(self, key):
        return self._table.get_item(Key=key)
''',
        "src/models/todo.py": '''\
from models.core import CoreModel


class TodoModel(CoreModel):
    def save(self, values):
        return super(TodoModel, self).save(values)


class UserModel(CoreModel):
    pass
''',
        "src/app.py": '''\
from models.todo import TodoModel, UserModel


def handler(event, context):
    TodoModel("todos").save({"id": event["id"]})
    return UserModel("users").get({"id": event["id"]})
'''})
    assert named(found) == {("dynamodb", "Table", "put_item"), ("dynamodb", "Table", "get_item")}
    assert not found.unknown


REPOSITORY = '''\
import os

import boto3


class TaskRepository:
    def __init__(self):
        if "IS_OFFLINE" in os.environ:
            dynamodb = boto3.resource("dynamodb", endpoint_url="http://localhost:8000/")
        else:
            dynamodb = boto3.resource("dynamodb")
        self.table = dynamodb.Table(os.environ["TASK_DYNAMODB_TABLE"])

    def create(self, data):
        self.table.put_item(Item=data)
        return data

    def get(self, id_):
        return self.table.get_item(Key={"id": id_}).get("Item")


task_repository = TaskRepository()
'''


def test_methods_of_a_project_object_another_module_makes_are_followed(tmp_path: Path) -> None:
    """`from services.task_repository import task_repository; task_repository.create(...)`, the
    object made at module level there (matt-sm/serverless-python-dynamo, judged): its methods'
    calls are the handler's (the call set was left open, "cannot read as a client", so the
    role's `dynamodb:*` was never compared with `PutItem`)."""
    handler = '''\
from services.task_repository import task_repository


def handler(event, context):
    return task_repository.create(event["task"])
'''
    found = calls_of(tmp_path, {"src/app.py": handler, "src/services/__init__.py": "",
                                "src/services/task_repository.py": REPOSITORY})
    assert named(found) == {("dynamodb", "Table", "put_item")}
    assert found.complete


def test_an_object_of_a_library_subclass_stays_unknown(tmp_path: Path) -> None:
    """A class built on a library's (`class Store(SomeClient)`) may make calls through methods
    nobody can read: the object another module makes of it keeps the call set open."""
    library_based = REPOSITORY.replace("import boto3\n", "import boto3\nfrom storelib import SomeClient\n") \
        .replace("class TaskRepository:", "class TaskRepository(SomeClient):")
    handler = '''\
from services.task_repository import task_repository


def handler(event, context):
    return task_repository.fetch(event["id"])
'''
    found = calls_of(tmp_path, {"src/app.py": handler, "src/services/__init__.py": "",
                                "src/services/task_repository.py": library_based})
    assert not found.complete


def test_a_function_a_package_re_exports_is_followed(tmp_path: Path) -> None:
    """`import lib; lib.create_note(event)` where `lib/__init__.py` says `from lib.notes import
    create_note` (jonkyops/serverless-python-notetaking, judged on a copy whose `lib` resolves):
    the call ran nowhere, so the call set was complete and empty, and LL322 called every DynamoDB
    action of the role unused. `from lib import create_note` is the same."""
    notes = '''\
import boto3

DYNAMODB = boto3.client("dynamodb")


def create_note(event, context):
    DYNAMODB.put_item(TableName="notes", Item={"id": {"S": event["id"]}})
'''
    package = {"src/lib/__init__.py": "from lib.notes import create_note\n", "src/lib/notes.py": notes}
    for index, handler in enumerate(("import lib\n\n\ndef handler(event, context):\n    return lib.create_note(event, context)\n",
                                     "from lib import create_note\n\n\ndef handler(event, context):\n"
                                     "    return create_note(event, context)\n")):
        found = calls_of(tmp_path / str(index), {"src/app.py": handler, **package})
        assert named(found) == {("dynamodb", "client", "put_item")}
