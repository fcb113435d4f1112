"""Transactional batch (and bulk) over the wire: results, atomicity, limits, LSN and durability."""
from __future__ import annotations

import json

from cosmos_emulator import EmulatorServer

from cosmos_http import CosmosHttp, unique

BATCH_HEADERS = {"x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-atomic": "True",
                 "x-ms-cosmos-batch-continue-on-error": "False"}


def run_batch(http, container, operations, pk, headers=None):
    sent = dict(BATCH_HEADERS)
    sent.update(headers or {})
    return http.request("POST", f"{container}/docs", raw_body=json.dumps(operations).encode(),
                        headers=dict(sent, **{"content-type": "application/json"}), partition_key=pk)


def statuses(reply):
    return [result["statusCode"] for result in reply.json]


def read(http, container, item_id, pk):
    return http.request("GET", f"{container}/docs/{item_id}", partition_key=[pk])


def test_every_operation_kind_succeeds_together(http, container):
    assert http.request("POST", f"{container}/docs", {"id": "r", "pk": "p", "v": 1}, partition_key=["p"]).status == 201
    assert http.request("POST", f"{container}/docs", {"id": "d", "pk": "p"}, partition_key=["p"]).status == 201
    before = int(read(http, container, "r", "p").headers["lsn"])
    reply = run_batch(http, container, [
        {"operationType": "Create", "resourceBody": {"id": "c", "pk": "p"}},
        {"operationType": "Upsert", "resourceBody": {"id": "u", "pk": "p"}},
        {"operationType": "Replace", "id": "r", "resourceBody": {"id": "r", "pk": "p", "v": 2}},
        {"operationType": "Patch", "id": "r", "resourceBody": {"operations": [{"op": "incr", "path": "/v", "value": 5}]}},
        {"operationType": "Read", "id": "r"},
        {"operationType": "Delete", "id": "d"},
    ], ["p"])
    assert reply.status == 200, reply
    assert statuses(reply) == [201, 201, 200, 200, 200, 204]
    results = reply.json
    assert results[3]["resourceBody"]["v"] == 7 and results[4]["resourceBody"]["v"] == 7
    assert results[0]["eTag"] == results[0]["resourceBody"]["_etag"]
    assert "resourceBody" not in results[5]
    assert all(result["requestCharge"] > 0 for result in results)
    # The whole batch commits at one partition LSN.
    assert int(reply.headers["lsn"]) == before + 1
    assert reply.headers["x-ms-session-token"].endswith(f"#{before + 1}")
    assert read(http, container, "c", "p").status == 200
    assert read(http, container, "d", "p").status == 404


def test_failure_rolls_back_and_reports_424_for_the_others(http, container):
    assert http.request("POST", f"{container}/docs", {"id": "keep", "pk": "p", "v": 1}, partition_key=["p"]).status == 201
    lsn_before = read(http, container, "keep", "p").headers["lsn"]
    reply = run_batch(http, container, [
        {"operationType": "Replace", "id": "keep", "resourceBody": {"id": "keep", "pk": "p", "v": 99}},
        {"operationType": "Create", "resourceBody": {"id": "new", "pk": "p"}},
        {"operationType": "Create", "resourceBody": {"id": "new", "pk": "p"}},
        {"operationType": "Delete", "id": "keep"},
    ], ["p"])
    assert reply.status == 207, reply
    assert statuses(reply) == [424, 424, 409, 424]
    assert read(http, container, "keep", "p").json["v"] == 1
    assert read(http, container, "new", "p").status == 404
    assert read(http, container, "keep", "p").headers["lsn"] == lsn_before


def test_missing_item_and_wrong_partition_key_fail_their_operation(http, container):
    reply = run_batch(http, container, [{"operationType": "Read", "id": "nope"},
                                        {"operationType": "Read", "id": "nope2"}], ["p"])
    assert reply.status == 207 and statuses(reply) == [404, 424]
    reply = run_batch(http, container, [{"operationType": "Create", "resourceBody": {"id": "a", "pk": "p"}},
                                        {"operationType": "Create", "resourceBody": {"id": "b", "pk": "other"}}], ["p"])
    assert statuses(reply) == [424, 400]
    assert reply.json[1]["substatusCode"] == 1001
    reply = run_batch(http, container, [{"operationType": "Create", "resourceBody": {"id": "a", "pk": "p"}},
                                        {"operationType": "Create", "resourceBody": {"id": "b"}}], ["p"])
    assert statuses(reply) == [424, 400]
    assert read(http, container, "a", "p").status == 404


def test_conditions_inside_a_batch(http, container):
    created = http.request("POST", f"{container}/docs", {"id": "x", "pk": "p"}, partition_key=["p"]).json
    reply = run_batch(http, container, [{"operationType": "Read", "id": "x", "ifNoneMatch": created["_etag"]}], ["p"])
    assert reply.status == 200 and statuses(reply) == [304]
    reply = run_batch(http, container, [
        {"operationType": "Upsert", "resourceBody": {"id": "y", "pk": "p"}},
        {"operationType": "Replace", "id": "x", "resourceBody": {"id": "x", "pk": "p"}, "ifMatch": "\"stale\""},
    ], ["p"])
    assert statuses(reply) == [424, 412]
    reply = run_batch(http, container, [
        {"operationType": "Replace", "id": "x", "resourceBody": {"id": "x", "pk": "p", "ok": 1}, "ifMatch": created["_etag"]},
    ], ["p"])
    assert statuses(reply) == [200]
    reply = run_batch(http, container, [
        {"operationType": "Create", "resourceBody": {"id": "x", "pk": "p"}, "ifNoneMatch": "*"}], ["p"])
    assert statuses(reply) == [412]
    reply = run_batch(http, container, [
        {"operationType": "Patch", "id": "x", "resourceBody": {
            "operations": [{"op": "set", "path": "/f", "value": 1}], "condition": "from c where c.ok = 2"}}], ["p"])
    assert statuses(reply) == [412]


def test_request_level_limits(http, container):
    reply = run_batch(http, container, [], ["p"])
    assert reply.status == 400 and "Batch request has no operations." in reply.json["message"]
    too_many = [{"operationType": "Create", "resourceBody": {"id": f"i{n}", "pk": "p"}} for n in range(101)]
    reply = run_batch(http, container, too_many, ["p"])
    assert reply.status == 400 and "more operations than what is supported" in reply.json["message"]
    exactly = too_many[:100]
    reply = run_batch(http, container, exactly, ["p"])
    assert reply.status == 200 and statuses(reply) == [201] * 100
    huge = {"id": "huge", "pk": "p", "blob": "x" * (2 * 1024 * 1024 + 10)}
    reply = run_batch(http, container, [{"operationType": "Create", "resourceBody": huge}], ["p"])
    assert reply.status == 413
    reply = run_batch(http, container, [{"operationType": "Explode", "id": "a"}], ["p"])
    assert reply.status == 400


def test_hierarchical_key_needs_every_level(http, database):
    name = unique("h")
    assert http.create_container(database, name, {"paths": ["/a", "/b"], "kind": "MultiHash", "version": 2}).status == 201
    path = f"/dbs/{database}/colls/{name}"
    ops = [{"operationType": "Create", "resourceBody": {"id": "1", "a": "x", "b": "y"}}]
    reply = run_batch(http, path, ops, ["x"])
    assert reply.status == 400 and "doesn't correspond to definition" in reply.json["message"]
    reply = run_batch(http, path, ops, ["x", "y"])
    assert reply.status == 200 and statuses(reply) == [201]


def test_bulk_requests_apply_operations_independently(http, container):
    headers = {"x-ms-cosmos-batch-atomic": "False", "x-ms-cosmos-batch-continue-on-error": "True"}
    operations = [
        {"operationType": "Create", "resourceBody": {"id": "a", "pk": "p1"}, "partitionKey": "[\"p1\"]"},
        {"operationType": "Create", "resourceBody": {"id": "a", "pk": "p1"}, "partitionKey": "[\"p1\"]"},
        {"operationType": "Create", "resourceBody": {"id": "b", "pk": "p2"}, "partitionKey": "[\"p2\"]"},
    ]
    reply = run_batch(http, container, operations, None, headers)
    assert reply.status == 207 and statuses(reply) == [201, 409, 201]
    assert read(http, container, "b", "p2").status == 200
    headers["x-ms-cosmos-batch-continue-on-error"] = "False"
    operations[2]["resourceBody"]["id"] = "c"
    reply = run_batch(http, container, operations, None, headers)
    assert statuses(reply) == [409, 424, 424]
    assert read(http, container, "c", "p2").status == 404


def test_committed_batch_survives_restart_and_failed_batch_leaves_nothing(tmp_path):
    data_dir = str(tmp_path / "data")
    with EmulatorServer(port=0, data_dir=data_dir, partitions=2) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert client.create_database("db").status == 201
        assert client.create_container("db", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        ok = run_batch(client, "/dbs/db/colls/c", [
            {"operationType": "Create", "resourceBody": {"id": "1", "pk": "p"}},
            {"operationType": "Create", "resourceBody": {"id": "2", "pk": "p"}}], ["p"])
        assert ok.status == 200
        failed = run_batch(client, "/dbs/db/colls/c", [
            {"operationType": "Create", "resourceBody": {"id": "3", "pk": "p"}},
            {"operationType": "Read", "id": "missing"}], ["p"])
        assert failed.status == 207
        client.close()
        journal = (tmp_path / "data" / "journal.jsonl").read_text().splitlines()
        # Database, container (+ nothing for the failed batch) and ONE line for the two-item batch.
        batch_lines = [line for line in journal if '"item.put"' in line]
        assert len(batch_lines) == 1 and batch_lines[0].count('"item.put"') == 2
    with EmulatorServer(port=0, data_dir=data_dir, partitions=2) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert read(client, "/dbs/db/colls/c", "1", "p").status == 200
        assert read(client, "/dbs/db/colls/c", "2", "p").status == 200
        assert read(client, "/dbs/db/colls/c", "3", "p").status == 404
        client.close()
