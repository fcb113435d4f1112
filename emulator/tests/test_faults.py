"""Fault injection (Python API and admin endpoint) and the run-time split control."""
from __future__ import annotations

import email.utils
import http.client as http_client
import json

import pytest

from cosmos_emulator.faults import FaultRule

from cosmos_http import sign


@pytest.fixture()
def faults(server):
    server.faults.clear()
    yield server.faults
    server.faults.clear()


def admin(server, verb, path, body=None, key=None):
    connection = http_client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"content-type": "application/json"}
    if key is not False:
        headers["x-ms-emulator-key"] = key or server.key
    connection.request(verb, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    return response.status, (json.loads(raw) if raw else None)


def seed(http, container):
    assert http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"]).status == 201


def test_off_by_default_and_admin_needs_the_master_key(server, faults, http, container):
    seed(http, container)
    assert faults.rules() == []
    assert admin(server, "GET", "/_emulator/faults")[1]["rules"] == []
    assert admin(server, "GET", "/_emulator/faults", key=False)[0] == 401
    assert admin(server, "POST", "/_emulator/faults", {"status": 503}, key="wrong")[0] == 401
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200


def test_throttling_with_retry_after_for_a_limited_count(server, faults, http, container):
    seed(http, container)
    status, rule = admin(server, "POST", "/_emulator/faults",
                         {"operation": "read", "resourceType": "docs", "status": 429, "retryAfterMs": 250, "count": 2})
    assert status == 201 and rule["id"]
    for _ in range(2):
        reply = http.request("GET", f"{container}/docs/a", partition_key=["p"])
        assert reply.status == 429 and reply.headers["x-ms-retry-after-ms"] == "250"
        assert reply.json["code"] == "TooManyRequests" and reply.headers["x-ms-request-charge"] == "0"
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200
    assert admin(server, "GET", "/_emulator/faults")[1]["rules"][0]["hits"] == 2


@pytest.mark.parametrize("status,sub_status,code", [
    (503, None, "ServiceUnavailable"), (408, None, "RequestTimeout"), (410, 1002, "Gone"),
    (404, 1002, "NotFound"), (449, None, "RetryWith"), (429, None, "TooManyRequests")])
def test_each_error_status_has_the_service_shape(faults, http, container, status, sub_status, code):
    seed(http, container)
    faults.inject(operation="read", status=status, sub_status=sub_status, count=1)
    reply = http.request("GET", f"{container}/docs/a", partition_key=["p"])
    assert reply.status == status and reply.json["code"] == code
    assert reply.headers.get("x-ms-substatus") == (str(sub_status) if sub_status else None)
    assert ("x-ms-retry-after-ms" in reply.headers) == (status == 429)
    assert "ActivityId:" in reply.json["message"]


def test_matching_by_operation_method_resource_and_path(faults, http, container, database):
    seed(http, container)
    faults.inject(operation="create", status=503)
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200
    assert http.request("POST", f"{container}/docs", {"id": "b", "pk": "p"}, partition_key=["p"]).status == 503
    assert http.request("POST", f"{container}/docs", {"id": "b", "pk": "p"}, partition_key=["p"],
                        headers={"x-ms-documentdb-is-upsert": "true"}).status == 201
    faults.clear()
    faults.inject(path=r"/docs/a$", status=408)
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 408
    assert http.request("GET", f"{container}/docs/b", partition_key=["p"]).status == 200
    faults.clear()
    faults.inject(method="DELETE", resource_type="docs", status=449)
    assert http.request("DELETE", f"{container}/docs/b", partition_key=["p"]).status == 449
    assert http.request("GET", f"/dbs/{database}").status == 200
    faults.clear()
    faults.inject(operation="query", status=503, count=1)
    assert http.query(f"{container}/docs", "SELECT * FROM c", partition_key=["p"]).status == 503
    faults.inject(operation="change_feed", status=503, count=1)
    assert http.request("GET", f"{container}/docs", partition_key=["p"], headers={"a-im": "Incremental feed"}).status == 503
    assert http.request("GET", f"{container}/docs", partition_key=["p"]).status == 200


def test_removing_one_rule(server, faults, http, container):
    seed(http, container)
    _, first = admin(server, "POST", "/_emulator/faults", {"operation": "read", "status": 503})
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 503
    assert admin(server, "DELETE", f"/_emulator/faults/{first['id']}")[0] == 204
    assert admin(server, "DELETE", f"/_emulator/faults/{first['id']}")[0] == 404
    assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200
    assert admin(server, "POST", "/_emulator/faults", {"operation": "nonsense", "status": 503})[0] == 400
    assert admin(server, "POST", "/_emulator/faults", {"operation": "read"})[0] == 400
    assert admin(server, "POST", "/_emulator/faults", {"operation": "read", "status": 200})[0] == 400
    assert admin(server, "POST", "/_emulator/faults", {"color": "red", "status": 503})[0] == 400


def test_latency_waits_through_the_injected_sleep(server, faults, http, container):
    seed(http, container)
    waited = []
    original = server.state.sleep

    async def record(seconds):
        waited.append(seconds)
    server.state.sleep = record
    try:
        faults.inject(operation="read", delay_ms=1500, count=1)
        assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200
        assert http.request("GET", f"{container}/docs/a", partition_key=["p"]).status == 200
    finally:
        server.state.sleep = original
    assert waited == [1.5]


def test_dropped_connection_after_the_work_is_done(server, faults, http, container):
    seed(http, container)
    faults.inject(operation="read", drop_connection=True, count=1)
    connection = http_client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    date = email.utils.formatdate(usegmt=True)
    connection.request("GET", f"{container}/docs/a", headers={
        "x-ms-date": date, "authorization": sign(server.key, "GET", "docs", f"{container.strip('/')}/docs/a", date),
        "x-ms-documentdb-partitionkey": '["p"]'})
    response = connection.getresponse()
    assert response.status == 200
    with pytest.raises(http_client.IncompleteRead):
        response.read()
    connection.close()
    # A write dropped on the way back has still happened: the client's retry sees the conflict.
    faults.inject(operation="create", drop_connection=True, count=1)
    with pytest.raises(http_client.IncompleteRead):
        http.request("POST", f"{container}/docs", {"id": "n", "pk": "p"}, partition_key=["p"])
    http.close()
    retried = http.request("POST", f"{container}/docs", {"id": "n", "pk": "p"}, partition_key=["p"])
    assert retried.status == 409
    assert http.request("GET", f"{container}/docs/n", partition_key=["p"]).status == 200


def test_rule_validation_in_python():
    with pytest.raises(ValueError):
        FaultRule(operation="read")
    with pytest.raises(ValueError):
        FaultRule(status=503, count=0)
    rule = FaultRule(status=429, operation="read")
    assert rule.answer("id").headers["x-ms-retry-after-ms"] == "100"


def test_split_through_the_admin_endpoint(server, http, container, database):
    for index in range(10):
        assert http.request("POST", f"{container}/docs", {"id": f"i{index}", "pk": f"k{index}"},
                            partition_key=[f"k{index}"]).status == 201
    name = container.rsplit("/", 1)[1]
    status, body = admin(server, "POST", "/_emulator/split", {"database": database, "container": name, "range": "1"})
    assert status == 200 and len(body["newRanges"]) == 2
    ranges = [r["id"] for r in http.request("GET", f"{container}/pkranges").json["PartitionKeyRanges"]]
    assert "1" not in ranges and set(body["newRanges"]) <= set(ranges)
    stale = http.request("GET", f"{container}/docs", headers={"x-ms-documentdb-partitionkeyrangeid": "1"})
    assert stale.status == 410 and stale.headers["x-ms-substatus"] == "1002"
    assert http.request("GET", f"{container}/docs").json["_count"] == 10
    assert admin(server, "POST", "/_emulator/split", {"database": database, "container": "nope"})[0] == 404
    assert admin(server, "POST", "/_emulator/split", {"database": database, "container": name, "range": "1"})[0] == 404
