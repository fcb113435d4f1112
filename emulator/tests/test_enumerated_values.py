"""``triggerType``, ``triggerOperation`` and ``permissionMode`` are validated without regard to case and read back
exactly as written (4.x writes ``"pre"``, ``"all"``, ``"read"``), while they still decide what runs and what a
resource token allows."""
from __future__ import annotations

import importlib.util
from urllib.parse import quote

import pytest

HAS_RUNTIME = importlib.util.find_spec("py_mini_racer") is not None
needs_runtime = pytest.mark.skipif(not HAS_RUNTIME, reason="the JavaScript runtime (py_mini_racer) is not installed")
STAMP = "function () { var r = getContext().getRequest(); var d = r.getBody(); d.stamped = true; r.setBody(d); }"


def trigger(http, container, trigger_id, trigger_type, operation, body="function () {}"):
    return http.request("POST", f"{container}/triggers", {"id": trigger_id, "body": body, "triggerType": trigger_type,
                                                          "triggerOperation": operation})


@pytest.mark.parametrize("trigger_type, operation", [("pre", "all"), ("POST", "Create"), ("Pre", "rEpLaCe"),
                                                     ("post", "delete"), ("pre", "upsert"), ("Post", "update")])
def test_trigger_values_read_back_as_written(http, container, trigger_type, operation):
    created = trigger(http, container, "t", trigger_type, operation)
    assert created.status == 201, created
    assert (created.json["triggerType"], created.json["triggerOperation"]) == (trigger_type, operation)
    read = http.request("GET", f"{container}/triggers/t").json
    assert (read["triggerType"], read["triggerOperation"]) == (trigger_type, operation)
    listed = http.request("GET", f"{container}/triggers").json["Triggers"]
    assert [(t["triggerType"], t["triggerOperation"]) for t in listed] == [(trigger_type, operation)]
    queried = http.query(f"{container}/triggers", "SELECT VALUE t.triggerType FROM t").json["Triggers"]
    assert queried == [trigger_type]
    replaced = http.request("PUT", f"{container}/triggers/t", {"id": "t", "body": "function () {}",
                                                               "triggerType": trigger_type.upper(),
                                                               "triggerOperation": operation.lower()})
    assert (replaced.json["triggerType"], replaced.json["triggerOperation"]) == (trigger_type.upper(), operation.lower())


@pytest.mark.parametrize("field, value", [("triggerType", "sideways"), ("triggerType", "pre "),
                                          ("triggerOperation", "read"), ("triggerOperation", None),
                                          ("triggerType", 1)])
def test_unknown_trigger_values_are_refused(http, container, field, value):
    body = {"id": "t", "body": "function () {}", "triggerType": "pre", "triggerOperation": "all", field: value}
    reply = http.request("POST", f"{container}/triggers", body)
    assert reply.status == 400 and reply.json["code"] == "BadRequest", reply
    assert http.request("GET", f"{container}/triggers/t").status == 404


@needs_runtime
def test_triggers_written_in_any_case_still_run_by_type_and_operation(http, container):
    assert trigger(http, container, "stamp", "pre", "all", STAMP).status == 201
    assert trigger(http, container, "on-create", "PRE", "create", STAMP).status == 201
    created = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-pre-trigger-include": "stamp"})
    assert created.status == 201 and created.json["stamped"] is True
    also = http.request("POST", f"{container}/docs", {"id": "b", "pk": "p"}, partition_key=["p"],
                        headers={"x-ms-documentdb-pre-trigger-include": "on-create"})
    assert also.status == 201 and also.json["stamped"] is True
    # A create-only trigger on a replace, and a pre-trigger named as a post-trigger, are refused (400).
    wrong_operation = http.request("PUT", f"{container}/docs/b", {"id": "b", "pk": "p"}, partition_key=["p"],
                                   headers={"x-ms-documentdb-pre-trigger-include": "on-create"})
    assert wrong_operation.status == 400 and "operation type 'create'" in wrong_operation.json["message"]
    wrong_type = http.request("POST", f"{container}/docs", {"id": "c", "pk": "p"}, partition_key=["p"],
                              headers={"x-ms-documentdb-post-trigger-include": "stamp"})
    assert wrong_type.status == 400
    assert http.request("GET", f"{container}/docs/c", partition_key=["p"]).status == 404


def grant(http, database, container, permission_id, mode):
    users = f"/dbs/{database}/users"
    if http.request("GET", f"{users}/bob").status == 404:
        assert http.request("POST", users, {"id": "bob"}).status == 201
    return http.request("POST", f"{users}/bob/permissions",
                        {"id": permission_id, "permissionMode": mode, "resource": container.strip("/")})


@pytest.mark.parametrize("mode", ["read", "READ", "Read"])
def test_read_permission_mode_as_written_still_allows_reads_only(http, database, container, mode):
    granted = grant(http, database, container, "r", mode)
    assert granted.status == 201 and granted.json["permissionMode"] == mode
    assert http.request("GET", f"/dbs/{database}/users/bob/permissions/r").json["permissionMode"] == mode
    listed = http.request("GET", f"/dbs/{database}/users/bob/permissions").json["Permissions"]
    assert [p["permissionMode"] for p in listed] == [mode]
    token = quote(granted.json["_token"], safe="-_.!~*'()")
    assert http.request("GET", f"{container}/docs", auth=token).status == 200
    denied = http.request("POST", f"{container}/docs", {"id": "x", "pk": "p"}, partition_key=["p"], auth=token)
    assert denied.status == 403


@pytest.mark.parametrize("mode", ["all", "ALL"])
def test_all_permission_mode_as_written_still_allows_writes(http, database, container, mode):
    granted = grant(http, database, container, "w", mode)
    assert granted.status == 201 and granted.json["permissionMode"] == mode
    token = quote(granted.json["_token"], safe="-_.!~*'()")
    written = http.request("POST", f"{container}/docs", {"id": "x", "pk": "p"}, partition_key=["p"], auth=token)
    assert written.status == 201, written
    replaced = http.request("PUT", f"/dbs/{database}/users/bob/permissions/w",
                            {"id": "w", "permissionMode": "read", "resource": container.strip("/")})
    assert replaced.status == 200 and replaced.json["permissionMode"] == "read"


@pytest.mark.parametrize("mode", ["write", "none", "", None, "All "])
def test_unknown_permission_modes_are_refused(http, database, container, mode):
    reply = grant(http, database, container, "bad", mode)
    assert reply.status == 400 and reply.json["code"] == "BadRequest", reply
    assert http.request("GET", f"/dbs/{database}/users/bob/permissions/bad").status == 404
