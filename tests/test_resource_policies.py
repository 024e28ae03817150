"""LL321 and resource-based policies: a bucket or queue policy can grant a role in the same
account what its own policies do not (the terraform-aws-modules/lambda example
`with-vpc-s3-endpoint` relies on one, made by the s3-bucket module), so a call on such a service
is not reported where the project holds such a policy or a part lambdalint did not read."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

HANDLER = '''\
import os
from uuid import uuid4

import boto3

BUCKET = os.environ["BUCKET_NAME"]


def lambda_handler(event, context):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=str(uuid4()), Body=b"hello")
    return boto3.client("ssm").get_parameter(Name="/app/flag")["Parameter"]["Value"]
'''

MAIN_TF = '''\
resource "aws_iam_role" "writer" {
  name               = "writer"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "lambda.amazonaws.com"}}]})
}

resource "aws_iam_role_policy" "logs" {
  role   = aws_iam_role.writer.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*"}]})
}

data "archive_file" "writer" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/writer.zip"
}

resource "aws_lambda_function" "writer" {
  function_name    = "writer"
  role             = aws_iam_role.writer.arn
  handler          = "index.lambda_handler"
  runtime          = "python3.12"
  timeout          = 10
  filename         = data.archive_file.writer.output_path
  reserved_concurrent_executions = 2

  environment {
    variables = {
      BUCKET_NAME = BUCKET
    }
  }
}
'''

OWN_BUCKET = '''
resource "aws_s3_bucket" "uploads" {
  bucket = "uploads-example"
}
'''

BUCKET_POLICY = '''
resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {AWS = aws_iam_role.writer.arn}, Action = "s3:PutObject", Resource = "${aws_s3_bucket.uploads.arn}/*"}]})
}
'''

BUCKET_MODULE = '''
module "s3_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.0"

  bucket        = "uploads-example"
  attach_policy = true
  policy        = data.aws_iam_policy_document.uploads.json
}
'''


def project(tmp_path: Path, bucket: str, extra: str) -> Path:
    return write_tree(tmp_path, {"main.tf": MAIN_TF.replace("BUCKET", bucket) + extra, "src/index.py": HANDLER})


def ll321(root: Path) -> list[int]:
    return [line for code, _, line in codes_at(run_lint(root, select=("LL321",))) if code == "LL321"]


def test_a_bucket_of_the_project_without_a_policy_is_reported_and_so_is_ssm(tmp_path: Path) -> None:
    assert ll321(project(tmp_path, "aws_s3_bucket.uploads.id", OWN_BUCKET)) == [11, 12]


def test_a_bucket_policy_in_the_project_may_grant_the_write(tmp_path: Path) -> None:
    # the bucket policy says nothing about SSM: that call is still reported
    assert ll321(project(tmp_path, "aws_s3_bucket.uploads.id", OWN_BUCKET + BUCKET_POLICY)) == [12]


def test_a_bucket_from_a_module_that_is_not_read_may_carry_a_policy(tmp_path: Path) -> None:
    assert ll321(project(tmp_path, "module.s3_bucket.s3_bucket_id", BUCKET_MODULE)) == [12]


def test_a_cloudformation_bucket_policy_counts_the_same(tmp_path: Path) -> None:
    template = '''\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Writer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.lambda_handler
      Runtime: python3.12
      Environment:
        Variables:
          BUCKET_NAME: !Ref Uploads
      Policies:
        - Statement:
            - Effect: Allow
              Action: logs:PutLogEvents
              Resource: "*"
'''
    policy = '''\
  UploadsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Uploads
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt WriterRole.Arn}
            Action: s3:PutObject
            Resource: !Sub "${Uploads.Arn}/*"
'''
    write_tree(tmp_path / "plain", {"template.yaml": template, "src/index.py": HANDLER})
    write_tree(tmp_path / "policy", {"template.yaml": template + policy, "src/index.py": HANDLER})
    assert ll321(tmp_path / "plain") == [11, 12]
    assert ll321(tmp_path / "policy") == [12]
