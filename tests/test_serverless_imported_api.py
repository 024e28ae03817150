"""`http` events on a REST API another stack makes (`provider.apiGateway.restApiId`), as fifteen
services of a judged backend share one: the API's resource policy is not in this service, so the
routes are not judged by LL216, and the run says so instead of passing them in silence."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

SERVICE = """\
service: embedding
provider:
  name: aws
  runtime: python3.11
  apiGateway:
    restApiId:
      Fn::ImportValue: !Sub "${sls:stage}-RestApiId"
    restApiRootResourceId:
      Fn::ImportValue: !Sub "${sls:stage}-RestApiRootResourceId"
functions:
  delete_embeddings:
    handler: service/core.delete_embeddings
    timeout: 10
    reservedConcurrency: 5
    events:
      - http:
          path: /embedding-delete
          method: post
          cors: true
"""


def test_routes_on_an_imported_api_are_noted_not_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVICE,
                          "service/core.py": "def delete_embeddings(event, context):\n    return {}\n"})
    result = run_lint(tmp_path, select=("LL216",))
    assert codes_at(result) == []
    assert any("`delete_embeddings`: the authorization of API trigger" in note for note in result.notes)
    # the same service owning its API: the open route is reported
    owned = SERVICE[:SERVICE.index("  apiGateway:")] + SERVICE[SERVICE.index("functions:"):]
    write_tree(tmp_path, {"serverless.yml": owned})
    assert [code for code, _, _ in codes_at(run_lint(tmp_path, select=("LL216",)))] == ["LL216"]
