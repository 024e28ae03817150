"""The per-run and per-template analyses rules share: what they answer must not depend on how
they are cached (resources by type, the statement grouping of LL301/LL302, the frozen function list)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

from lambdalint.iam import ExecutionRole, execution_role
from lambdalint.located import Located
from lambdalint.rulekit import _statements_once

_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SharedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: work
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: "*"
  First:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt SharedRole.Arn
      Code: {ZipFile: "def handler(e, c): pass"}
  FirstVersion:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref First}
  Topic:
    Type: AWS::SNS::Topic
  Computed:
    Type: !Ref SomeParameter
  FirstAlias:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref First, FunctionVersion: "1", Name: live}
  Second:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt SharedRole.Arn
      Code: {ZipFile: "def handler(e, c): pass"}
  SecondVersion:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Second}
"""


def _project(tmp_path: Path):
    write_tree(tmp_path, {"template.yaml": _TEMPLATE})
    result = run_lint(tmp_path, select=("LL301",))
    assert result.project is not None
    return result.project


def test_resources_of_keeps_template_order_across_types_and_follows_dropped_resources(tmp_path: Path) -> None:
    template = _project(tmp_path).templates[0]
    versions_and_aliases = ["FirstVersion", "FirstAlias", "SecondVersion"]
    assert [i for i, _ in template.resources_of("AWS::Lambda::Alias", "AWS::Lambda::Version")] == versions_and_aliases
    assert [i for i, _ in template.resources_of("AWS::Lambda::Version", "AWS::Lambda::Alias")] == versions_and_aliases
    assert [i for i, _ in template.resources_of("AWS::SNS::Topic")] == ["Topic"]
    assert template.resources_of("AWS::S3::Bucket") == []
    # a type that is not a literal is no type: the walk over every resource skipped it too
    assert all(i != "Computed" for types in (("AWS::SNS::Topic",), ("AWS::Lambda::Alias",))
               for i, _ in template.resources_of(*types))
    # the caller's list is its own
    template.resources_of("AWS::SNS::Topic").clear()
    assert [i for i, _ in template.resources_of("AWS::SNS::Topic")] == ["Topic"]
    # cdkout drops resources and clears the template's analyses: the index follows
    template.resources.pop("FirstAlias")
    template.analyses.clear()
    assert [i for i, _ in template.resources_of("AWS::Lambda::Alias", "AWS::Lambda::Version")] == \
        ["FirstVersion", "SecondVersion"]


def test_a_shared_role_statement_is_one_place_with_every_function(tmp_path: Path) -> None:
    project = _project(tmp_path)
    roles = [execution_role(f) for f in project.functions]
    grouped = _statements_once(roles)
    assert [s.actions[0].value for s, _ in grouped] == ["s3:GetObject", "sqs:SendMessage"]
    assert all([f.name for f in functions] == ["First", "Second"] for _, functions in grouped)


def test_different_nodes_at_one_place_are_one_statement_only_when_their_values_match(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first, second = project.functions
    statement = execution_role(first).statements[0]
    same_value = statement._replace(node=statement.node.but())  # a copy: same span, same value
    other_value = statement._replace(node=statement.node.but(value={
        **statement.node.value, "Action": Located("s3:PutObject", statement.node.span)}))
    roles = [ExecutionRole(first, "R", statements=[statement]),
             ExecutionRole(second, "R", statements=[other_value, same_value])]
    grouped = _statements_once(roles)
    assert [(s.node, [f.name for f in fs]) for s, fs in grouped] == \
        [(statement.node, ["First", "Second"]), (other_value.node, ["Second"])]
    assert grouped[0][0] is statement and grouped[1][0] is other_value


def test_the_function_list_is_a_new_list_each_time(tmp_path: Path) -> None:
    project = _project(tmp_path)
    functions = project.functions
    assert [f.name for f in functions] == ["First", "Second"]
    functions.clear()
    assert [f.name for f in project.functions] == ["First", "Second"]
