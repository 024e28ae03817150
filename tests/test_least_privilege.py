"""LL321/LL322 on fixture projects in each dialect: a missing permission, an unused `service:*`, a
role shared by two functions, and the traps that must stay silent (a role from another stack, a
managed policy from another stack or a parameter, a client whose service is not a literal)."""

from __future__ import annotations

from conftest import FIXTURES, codes_at, run_lint

PROJECTS = FIXTURES / "projects"


def findings(name: str) -> list[tuple[str, str, int]]:
    return codes_at(run_lint(PROJECTS / name, select=("LL321", "LL322")))


def test_sam_write_with_a_read_policy_template_and_a_wildcard_queue_policy() -> None:
    result = run_lint(PROJECTS / "least-privilege-sam", select=("LL321", "LL322"))
    assert codes_at(result) == [("LL321", "src/orders/app.py", 15), ("LL322", "template.yaml", 37)]
    (missing, unused) = result.findings
    assert "`dynamodb:PutItem` on `Orders`" in missing.message and missing.function == "OrdersFunction"
    assert "calls only `sqs:SendMessage`" in unused.message
    notes = "\n".join(result.notes)
    # the traps are silent, and say why
    assert "`ReportsFunction` uses a role defined outside the template" in notes
    assert "`ExportFunction` uses a managed policy lambdalint cannot read" in notes
    assert "`DynamicFunction` makes AWS calls that could not all be determined" in notes


def test_calls_that_cannot_be_named_are_noted_by_ll321_alone(tmp_path) -> None:
    """Every client behind a getter keyed by a service parameter (0xEB0din/HoloSecure): no call is
    known, so LL321 checks none; run alone, it says so, in the note LL322 gives too."""
    from conftest import write_tree

    write_tree(tmp_path, {
        "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Enrich:\n"
                         "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
                         "      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 30\n"
                         "      Policies:\n        - Statement:\n            - Effect: Allow\n"
                         "              Action: guardduty:ListFindings\n              Resource: '*'\n",
        "src/clients.py": "import boto3\n\n_clients = {}\n\n\ndef _get(service):\n    if service not in _clients:\n"
                          "        _clients[service] = boto3.client(service)\n    return _clients[service]\n\n\n"
                          "def guardduty():\n    return _get('guardduty')\n",
        "src/app.py": "import clients\n\n\ndef handler(event, context):\n"
                      "    return clients.guardduty().list_detectors()\n",
    })
    for select in (("LL321",), ("LL321", "LL322")):
        notes = [n for n in run_lint(tmp_path, select=select).notes if "could not all be determined" in n]
        assert len(notes) == 1 and "`Enrich`" in notes[0] and "not checked against its role" in notes[0]


def test_cloudformation_role_shared_by_two_functions_is_judged_by_the_union_of_their_calls() -> None:
    result = run_lint(PROJECTS / "least-privilege-cloudformation", select=("LL321", "LL322"))
    assert codes_at(result) == [("LL321", "src/read.py", 11), ("LL322", "template.yaml", 37),
                                ("LL322", "template.yaml", 40)]
    _, sns, sqs = result.findings
    # `sns:*` is used by NotifyFunction only, through `self.sns` of a module-level instance
    assert "calls only `sns:Publish`" in sns.message and "`NotifyFunction`" in sns.message
    assert "`sqs:*` is never used" in sqs.message
    assert any("`BoundedFunction` uses a managed policy" in n for n in result.notes)


def test_serverless_provider_role_with_the_poller_of_its_own_queue() -> None:
    # sqs:ReceiveMessage/DeleteMessage/GetQueueAttributes serve the function's own SQS event: never unused
    assert findings("least-privilege-serverless") == [("LL321", "handlers/process.py", 13),
                                                      ("LL322", "serverless.yml", 14)]


def test_a_handler_that_is_not_found_is_not_a_complete_call_set() -> None:
    # sam-default-codeuri names `orders.worker.process`, which does not exist: the DynamoDB
    # policy of that function must not look unused
    assert not [f for f in findings("sam-default-codeuri") if f[0] == "LL322"]


def test_sdk_methods_named_unlike_their_action_are_checked_for_the_mapped_action() -> None:
    # iam-dataset's mapping: list_objects_v2 needs s3:ListBucket, a role that only reads objects
    # does not allow it; the same calls with s3:ListBucket granted (ArchiveFunction) stay silent
    result = run_lint(PROJECTS / "least-privilege-sdk-names", select=("LL321", "LL322"))
    assert codes_at(result) == [("LL321", "src/browse/app.py", 11), ("LL321", "src/ingest/app.py", 12)]
    listing, partiql = result.findings
    assert listing.message.startswith("`list_objects_v2` needs `s3:ListBucket` on `Documents`")
    assert listing.function == "BrowseFunction"
    # a literal SELECT statement decides the conditional PartiQL action; the read policy template
    # lacks it. send_message_batch is sqs:SendMessage, which SQSSendMessagePolicy grants (silent)
    assert partiql.message.startswith("`execute_statement` needs `dynamodb:PartiQLSelect`,")


def test_a_role_allowing_the_mapped_action_is_silent_and_the_policy_lists_it() -> None:
    from lambdalint.api import least_privilege

    documents = {d["function"]: d for d in least_privilege([PROJECTS / "least-privilege-sdk-names"])}
    browse = documents["BrowseFunction"]
    assert browse["complete"] is True
    actions = {a for s in browse["policy"]["Statement"] for a in s["Action"]}
    # head_object without a VersionId is s3:GetObject; s3:GetObjectVersion is only for versioned reads
    assert actions == {"s3:ListBucket", "s3:GetObject"}
    archive = documents["ArchiveFunction"]
    # the PartiQL statement is built at run time: the policy cannot be complete, and says why
    assert archive["complete"] is False
    assert any("execute_statement" in line and "dynamodb:PartiQLUpdate" in line for line in archive["not_determined"])
    assert {"s3:GetObject", "s3:PutObject"} <= {a for s in archive["policy"]["Statement"] for a in s["Action"]}


def test_calls_iam_never_evaluates_need_nothing_and_keep_the_call_set_complete() -> None:
    # Cognito's public API (sign_up, confirm_sign_up, initiate_auth) and sts.get_caller_identity:
    # the role allows none of them and stays silent; admin_get_user in the same handler is reported
    result = run_lint(PROJECTS / "cognito-public-auth", select=("LL321", "LL322"))
    assert codes_at(result) == [("LL321", "src/auth/app.py", 44), ("LL322", "template.yaml", 54)]
    missing, unused = result.findings
    assert missing.message.startswith("`admin_get_user` needs `cognito-idp:AdminGetUser`")
    # LoginFunction's grants of the unevaluated actions count as used; sns:Publish is reported, which
    # LL322 does only when the call set is complete
    assert unused.message == "`sns:Publish` is never used by the code of `LoginFunction`"


def test_the_policy_leaves_out_calls_iam_never_evaluates_and_names_them() -> None:
    from lambdalint.api import least_privilege

    documents = {d["function"]: d for d in least_privilege([PROJECTS / "cognito-public-auth"])}
    auth = documents["AuthFunction"]
    assert auth["complete"] is True and auth["not_determined"] == []
    assert [s["Action"] for s in auth["policy"]["Statement"]] == [
        ["cognito-idp:AdminGetUser", "cognito-idp:AdminUpdateUserAttributes"]]
    assert [line.split(": ", 1)[1] for line in auth["needs_no_permission"]] == [
        "`sts` `get_caller_identity`: needs no IAM permission", "`cognito-idp` `sign_up`: needs no IAM permission",
        "`cognito-idp` `confirm_sign_up`: needs no IAM permission",
        "`cognito-idp` `initiate_auth`: needs no IAM permission"]
    login = documents["LoginFunction"]
    assert login["complete"] is True and login["policy"]["Statement"] == []
    assert len(login["needs_no_permission"]) == 3
