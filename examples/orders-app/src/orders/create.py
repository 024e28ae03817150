"""Create an order: validate the request and store it."""

import json
import os
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    if "items" not in body:
        return {"statusCode": 400, "body": json.dumps({"error": "items required"})}
    order = {"id": str(uuid.uuid4()), "items": body["items"]}
    TABLE.put_item(Item=order)
    return {"statusCode": 201, "body": json.dumps(order)}
