"""Drive a running emulator with the reference client (azure-cosmos 4.17.1) through the features
beyond CRUD: transactional batch, users/permissions/resource tokens, change feed (both modes),
fault injection, delete-by-partition-key, and stored procedures/triggers/UDFs.

Run with the reference virtualenv against a running emulator::

    .venv-ref/bin/python emulator/tools/reference_features.py http://127.0.0.1:8081/ [--no-discovery]
        [--only batch,users,changefeed,faults,pkdelete,scripts]

Prints one line per step and exits non-zero on the first failure.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
import urllib.request
import uuid
from typing import Callable, Dict, List

from azure.cosmos import CosmosClient, PartitionKey, exceptions

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


class Steps:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, text: str) -> None:
        self.count += 1
        print(f"ok {self.count:3d} {text}", flush=True)


def expect_error(call: Callable[[], object], status: int, what: str, sub_status: int = None):
    try:
        call()
    except exceptions.CosmosHttpResponseError as error:
        assert error.status_code == status, f"{what}: expected {status}, got {error.status_code}: {error.message}"
        if sub_status is not None:
            assert error.sub_status == sub_status, f"{what}: sub-status {error.sub_status}"
        return error
    raise AssertionError(f"{what}: expected {status}, but it succeeded")


# ------------------------------------------------------------------------------------------------
def check_batch(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("batch", PartitionKey("/pk"))
    container.create_item({"id": "r", "pk": "p", "v": 1})
    container.create_item({"id": "d", "pk": "p"})
    lsn_before = int(container.read_item("r", "p").get_response_headers()["lsn"])
    results = container.execute_item_batch([
        ("create", ({"id": "c", "pk": "p"},)),
        ("upsert", ({"id": "u", "pk": "p"},)),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 2})),
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 5}])),
        ("read", ("r",)),
        ("delete", ("d",)),
    ], partition_key="p")
    assert [r["statusCode"] for r in results] == [201, 201, 200, 200, 200, 204], results
    assert results[4]["resourceBody"]["v"] == 7
    assert int(results.get_response_headers()["lsn"]) == lsn_before + 1
    step("execute_item_batch: create/upsert/replace/patch/read/delete -> 201,201,200,200,200,204; one LSN")
    try:
        container.execute_item_batch([("create", ({"id": "n", "pk": "p"},)),
                                      ("create", ({"id": "n", "pk": "p"},))], partition_key="p")
        raise AssertionError("duplicate create in batch accepted")
    except exceptions.CosmosBatchOperationError as error:
        assert error.status_code == 409 and error.error_index == 1, (error.status_code, error.error_index)
        assert [r["statusCode"] for r in error.operation_responses] == [424, 409]
    expect_error(lambda: container.read_item("n", "p"), 404, "rolled back create")
    step("batch failure -> CosmosBatchOperationError(409, index 1), [424, 409], nothing written")
    try:
        container.execute_item_batch([("upsert", ({"id": "q", "pk": "p"},)),
                                      ("replace", ("r", {"id": "r", "pk": "p"}), {"if_match_etag": "\"x\""})],
                                     partition_key="p")
        raise AssertionError("stale etag in batch accepted")
    except exceptions.CosmosBatchOperationError as error:
        assert error.status_code == 412 and error.error_index == 1
    step("batch if_match_etag stale -> 412 at index 1")
    try:
        container.execute_item_batch([("patch", ("r", [{"op": "set", "path": "/x", "value": 1}]),
                                       {"filter_predicate": "from c where c.v = 0"})], partition_key="p")
        raise AssertionError("false filter in batch accepted")
    except exceptions.CosmosBatchOperationError as error:
        assert error.status_code == 412
    step("batch patch filter_predicate false -> 412")
    expect_error(lambda: container.execute_item_batch([], partition_key="p"), 400, "empty batch")
    many = [("create", ({"id": f"m{n}", "pk": "p"},)) for n in range(101)]
    error = expect_error(lambda: container.execute_item_batch(many, partition_key="p"), 400, "101 operations")
    assert "more operations than what is supported" in error.message
    assert len(container.execute_item_batch(many[:100], partition_key="p")) == 100
    step("batch limits: empty -> 400, 101 ops -> 400, 100 ops -> ok")
    hier = database.create_container("batchh", PartitionKey(["/a", "/b"], kind="MultiHash"))
    ops = [("create", ({"id": "1", "a": "x", "b": "y"},))]
    expect_error(lambda: hier.execute_item_batch(ops, partition_key=["x"]), 400, "incomplete hierarchical key")
    assert hier.execute_item_batch(ops, partition_key=["x", "y"])[0]["statusCode"] == 201
    step("batch hierarchical key: prefix -> 400, full -> 201")


# ------------------------------------------------------------------------------------------------
def check_users(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("secured", PartitionKey("/pk"))
    other = database.create_container("other", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p1"})
    container.create_item({"id": "b", "pk": "p2"})
    other.create_item({"id": "z", "pk": "p1"})
    user = database.create_user({"id": "alice"})
    assert user.read()["id"] == "alice"
    expect_error(lambda: database.create_user({"id": "alice"}), 409, "duplicate user")
    assert [u["id"] for u in database.list_users()] == ["alice"]
    assert [u["id"] for u in database.query_users("SELECT * FROM u WHERE u.id = 'alice'")] == ["alice"]
    step("users: create/read/duplicate 409/list/query")
    read_all = user.create_permission({"id": "read-all", "permissionMode": "Read",
                                       "resource": container.container_link})
    assert read_all.properties["_token"], read_all.properties
    write_p1 = user.create_permission({"id": "write-p1", "permissionMode": "All",
                                       "resource": container.container_link, "resourcePartitionKey": ["p1"]})
    assert sorted(p["id"] for p in user.list_permissions()) == ["read-all", "write-p1"]
    assert user.get_permission("write-p1").properties["_token"]
    step("permissions: create (Read, All+partition key) with _token, list, read")
    reader = CosmosClient(arguments.endpoint, {container.container_link: read_all.properties["_token"]},
                          connection_verify=False, enable_endpoint_discovery=not arguments.no_discovery)
    reader_container = reader.get_database_client(database.id).get_container_client(container.id)
    assert reader_container.read_item("a", "p1")["id"] == "a"
    assert len(list(reader_container.query_items("SELECT * FROM c", enable_cross_partition_query=True))) == 2
    step("resource token (Read): read_item and cross-partition query work")
    expect_error(lambda: reader_container.create_item({"id": "x", "pk": "p1"}), 403, "write with Read token")
    expect_error(lambda: reader_container.delete_item("a", "p1"), 403, "delete with Read token")
    step("resource token (Read): create/delete -> 403")
    reader_other = reader.get_database_client(database.id).get_container_client(other.id)
    expect_error(lambda: reader_other.read_item("z", "p1"), 403, "read outside the token's scope")
    step("resource token: other container -> 403")
    # (4.17.1 keys a permission feed by the last segment of each permission's resource link, which
    # never matches a name-based request path, so the mapping form is the one that works.)
    writer = CosmosClient(arguments.endpoint, {container.container_link: write_p1.properties["_token"]},
                          connection_verify=False, enable_endpoint_discovery=not arguments.no_discovery)
    writer_container = writer.get_database_client(database.id).get_container_client(container.id)
    writer_container.create_item({"id": "w", "pk": "p1"})
    writer_container.upsert_item({"id": "w", "pk": "p1", "v": 2})
    assert writer_container.read_item("w", "p1")["v"] == 2
    step("resource token (All, pk p1): create/upsert/read in p1")
    expect_error(lambda: writer_container.create_item({"id": "w", "pk": "p2"}), 403, "write outside partition key")
    expect_error(lambda: writer_container.read_item("b", "p2"), 403, "read outside partition key")
    step("resource token (All, pk p1): other partition key -> 403")
    forged = read_all.properties["_token"].replace("sig=", "sig=x")
    expect_error(lambda: CosmosClient(arguments.endpoint, {container.container_link: forged},
                                      connection_verify=False, enable_endpoint_discovery=False),
                 401, "forged token")
    step("forged resource token -> 401 (already on the account read)")
    replaced = user.replace_permission("read-all", {"id": "read-all", "permissionMode": "All",
                                                     "resource": container.container_link})
    assert replaced.permission_mode == "All"
    user.delete_permission("write-p1")
    expect_error(lambda: user.get_permission("write-p1"), 404, "deleted permission")
    database.replace_user("alice", {"id": "alice", "note": "x"})
    database.delete_user("alice")
    expect_error(lambda: database.get_user_client("alice").read(), 404, "deleted user")
    step("replace/delete permission, replace/delete user")


# ------------------------------------------------------------------------------------------------
def check_change_feed(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("feed", PartitionKey("/pk"))
    for index in range(6):
        container.create_item({"id": f"i{index}", "pk": f"p{index % 2}"})
    everything = list(container.query_items_change_feed(start_time="Beginning"))
    assert sorted(d["id"] for d in everything) == [f"i{n}" for n in range(6)], everything
    assert all("_lsn" in d for d in everything)
    step(f"change feed from beginning (all ranges) -> {len(everything)}")
    # 4.17.1 ends the iteration on a 304 without a page, so the continuation of a poll that found
    # nothing is read from the last response's etag (as its samples do).
    assert list(container.query_items_change_feed(start_time="Now")) == []
    token = container.client_connection.last_response_headers["etag"]
    container.create_item({"id": "late", "pk": "p0"})
    container.upsert_item({"id": "i1", "pk": "p1", "changed": True})
    new = list(container.query_items_change_feed(continuation=token))
    assert sorted(d["id"] for d in new) == ["i1", "late"], new
    step("change feed from now + continuation -> new writes on the next poll")
    token2 = container.client_connection.last_response_headers["etag"]
    assert list(container.query_items_change_feed(continuation=token2)) == []
    container.create_item({"id": "later", "pk": "p1"})
    assert [d["id"] for d in container.query_items_change_feed(continuation=token2)] == ["later"]
    container.delete_item("later", "p1")
    step("change feed drained continuation -> nothing new (304), then the next write")
    by_key = list(container.query_items_change_feed(partition_key="p0", start_time="Beginning"))
    assert sorted(d["id"] for d in by_key) == ["i0", "i2", "i4", "late"], [d["id"] for d in by_key]
    step("change feed per partition key")
    ranges = list(container.read_feed_ranges())
    per_range = [list(container.query_items_change_feed(feed_range=r, start_time="Beginning")) for r in ranges]
    assert sum(len(page) for page in per_range) == 7, [len(page) for page in per_range]
    step(f"change feed per feed range ({len(ranges)} ranges) -> 7 in total")
    time.sleep(1.1)
    moment = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.1)
    container.create_item({"id": "after", "pk": "p1"})
    since = list(container.query_items_change_feed(start_time=moment))
    assert [d["id"] for d in since] == ["after"], [d["id"] for d in since]
    step("change feed from a point in time")
    paged = list(container.query_items_change_feed(start_time="Beginning", max_item_count=2).by_page())
    assert sum(len(list(page)) for page in paged) >= 8
    step(f"change feed paged by 2 -> {len(paged)} pages")

    avad = database.create_container("feedavad", PartitionKey("/pk"), change_feed_policy={"retentionDuration": 10})
    assert list(avad.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = avad.client_connection.last_response_headers["etag"]
    avad.create_item({"id": "x", "pk": "p"})
    avad.replace_item("x", {"id": "x", "pk": "p", "v": 2})
    avad.delete_item("x", "p")
    changes = list(avad.query_items_change_feed(mode="AllVersionsAndDeletes", continuation=token))
    kinds = [c["metadata"]["operationType"] for c in changes]
    assert kinds == ["create", "replace", "delete"], changes
    assert changes[1]["current"]["v"] == 2 and changes[1]["metadata"]["previousImageLSN"] == changes[0]["metadata"]["lsn"]
    assert changes[2]["metadata"]["id"] == "x" and changes[2]["metadata"]["timeToLiveExpired"] is False
    assert all(isinstance(c["metadata"]["crts"], int) and c["metadata"]["lsn"] > 0 for c in changes)
    step("AllVersionsAndDeletes: create/replace/delete with lsn/crts/operationType/previousImageLSN/id")
    per_key = list(avad.query_items_change_feed(mode="AllVersionsAndDeletes", partition_key="p",
                                                continuation=token))
    assert len(per_key) == 3
    step("AllVersionsAndDeletes per partition key")


# ------------------------------------------------------------------------------------------------
def admin(arguments, path: str, body=None, method: str = "POST"):
    request = urllib.request.Request(arguments.endpoint.rstrip("/") + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"x-ms-emulator-key": arguments.key,
                                              "content-type": "application/json"})
    import ssl
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(request, context=context) as response:
        text = response.read()
        return json.loads(text) if text else None


def check_faults(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("faulty", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p"})
    admin(arguments, "/_emulator/faults", method="DELETE")
    rule = admin(arguments, "/_emulator/faults", {"operation": "read", "resourceType": "docs", "status": 429,
                                                  "retryAfterMs": 10, "count": 2})
    started = time.time()
    assert container.read_item("a", "p")["id"] == "a"
    state = admin(arguments, "/_emulator/faults", method="GET")
    assert [r["hits"] for r in state["rules"] if r["id"] == rule["id"]] == [2], state
    step(f"429 x2 with x-ms-retry-after-ms: client retried and succeeded ({time.time() - started:.2f}s)")
    admin(arguments, "/_emulator/faults", {"operation": "create", "status": 503, "count": 1})
    if arguments.no_discovery:
        # Without endpoint discovery 4.17.1 does not retry a write answered 503.
        expect_error(lambda: container.create_item({"id": "b", "pk": "p"}), 503, "503 on create")
        container.create_item({"id": "b", "pk": "p"})
        step("503 once on create (no endpoint discovery): surfaced, the next create landed")
    else:
        container.create_item({"id": "b", "pk": "p"})
        step("503 once on create: client retried, create landed")
    admin(arguments, "/_emulator/faults", {"operation": "read", "status": 404, "subStatus": 1002, "count": 1})
    if arguments.no_discovery:
        # 4.17.1's session retry needs endpoint discovery.
        expect_error(lambda: container.read_item("a", "p"), 404, "404/1002 on read", sub_status=1002)
        assert container.read_item("a", "p")["id"] == "a"
        step("404/1002 once on read (no endpoint discovery): surfaced, next read fine")
    else:
        assert container.read_item("a", "p")["id"] == "a"
        step("404/1002 once on read: client retried")
    admin(arguments, "/_emulator/faults", {"operation": "read", "status": 410, "subStatus": 1002, "count": 1})
    # 4.17.1 refreshes its routing map on a point operation's 410/1002 but does not retry it.
    expect_error(lambda: container.read_item("a", "p"), 410, "410/1002 on a point read", sub_status=1002)
    assert container.read_item("a", "p")["id"] == "a"
    step("410/1002 once on read: surfaced once (4.17.1 does not retry point ops), next read fine")
    admin(arguments, "/_emulator/faults", {"operation": "query", "resourceType": "docs", "status": 410,
                                           "subStatus": 1002, "count": 1})
    assert len(list(container.query_items("SELECT * FROM c", enable_cross_partition_query=True))) == 2
    step("410/1002 once on a query page: client refreshed routing and retried")
    admin(arguments, "/_emulator/faults", {"operation": "read", "status": 408, "count": 100})
    expect_error(lambda: container.read_item("a", "p"), 408, "408 every time")
    admin(arguments, "/_emulator/faults", method="DELETE")
    step("408 on every read -> surfaced as 408; faults cleared")
    admin(arguments, "/_emulator/faults", {"operation": "read", "status": 449, "count": 1})
    expect_error(lambda: container.read_item("a", "p"), 449, "449 on a read")
    assert container.read_item("a", "p")["id"] == "a"
    step("449 once on read: surfaced (4.17.1 has no RetryWith policy), next read fine")
    admin(arguments, "/_emulator/faults", {"operation": "read", "dropConnection": True, "count": 1})
    assert container.read_item("a", "p")["id"] == "a"
    step("connection dropped mid-response once: client retried the read")
    admin(arguments, "/_emulator/faults", {"operation": "read", "delayMs": 300, "count": 1})
    started = time.time()
    container.read_item("a", "p")
    assert time.time() - started >= 0.3
    step("latency injected")
    admin(arguments, "/_emulator/faults", method="DELETE")
    split = admin(arguments, "/_emulator/split", {"database": database.id, "container": container.id, "range": "0"})
    assert len(split["newRanges"]) == 2
    for index in range(20):
        container.upsert_item({"id": f"s{index}", "pk": f"k{index}"})
    assert len(list(container.read_all_items())) == 22
    assert len(list(container.query_items("SELECT * FROM c", enable_cross_partition_query=True))) == 22
    step(f"split through the admin endpoint -> {split['newRanges']}; client kept working")


# ------------------------------------------------------------------------------------------------
def check_pk_delete(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("pkdel", PartitionKey("/pk"))
    for index in range(10):
        container.create_item({"id": f"i{index}", "pk": "gone" if index < 6 else "kept"})
    container.delete_all_items_by_partition_key("gone")
    remaining = sorted(d["id"] for d in container.read_all_items())
    assert remaining == ["i6", "i7", "i8", "i9"], remaining
    step("delete_all_items_by_partition_key removes exactly that logical partition")


# ------------------------------------------------------------------------------------------------
def check_scripts(client: CosmosClient, database, step: Steps, arguments) -> None:
    container = database.create_container("scripted", PartitionKey("/pk"))
    scripts = container.scripts
    sproc = scripts.create_stored_procedure({"id": "hello", "body": "function (name) { "
                                             "getContext().getResponse().setBody('hi ' + name); }"})
    assert sproc["id"] == "hello" and sproc["_rid"]
    assert [s["id"] for s in scripts.list_stored_procedures()] == ["hello"]
    assert scripts.get_stored_procedure("hello")["body"].startswith("function")
    scripts.replace_stored_procedure("hello", {"id": "hello", "body": "function () { "
                                                "getContext().getResponse().setBody(42); }"})
    expect_error(lambda: scripts.create_stored_procedure({"id": "hello", "body": "function(){}"}), 409, "dup sproc")
    step("stored procedures: create/list/read/replace, duplicate 409")
    scripts.create_trigger({"id": "stamp", "body": "function () { var r = getContext().getRequest(); "
                            "var d = r.getBody(); d.stamped = true; r.setBody(d); }",
                            "triggerType": "Pre", "triggerOperation": "Create"})
    scripts.create_user_defined_function({"id": "double", "body": "function (x) { return x * 2; }"})
    assert [t["id"] for t in scripts.list_triggers()] == ["stamp"]
    assert [u["id"] for u in scripts.query_user_defined_functions("SELECT * FROM u")] == ["double"]
    step("triggers and UDFs: create/list/query")
    try:
        assert scripts.execute_stored_procedure("hello", partition_key="p") == 42
        step("execute_stored_procedure -> 42")
        created = container.create_item({"id": "t", "pk": "p"}, pre_trigger_include="stamp")
        assert created.get("stamped") is True
        step("pre-trigger ran on create")
        values = list(container.query_items("SELECT VALUE udf.double(2) FROM c WHERE c.id = 't'", partition_key="p"))
        assert values == [4], values
        step("UDF in a query")
        scripts.create_stored_procedure({"id": "writeThenFail", "body": """function (id, fail) {
            var c = getContext().getCollection();
            c.createDocument(c.getSelfLink(), {id: id, pk: 'p'}, function (err) {
                if (err) throw err;
                console.log('wrote ' + id);
                if (fail) throw new Error('refused');
                getContext().getResponse().setBody({written: id});
            });
        }"""})
        answer = scripts.execute_stored_procedure("writeThenFail", partition_key="p", params=["ok1", False],
                                                  enable_script_logging=True)
        assert answer == {"written": "ok1"}, answer
        log = container.client_connection.last_response_headers.get("x-ms-documentdb-script-log-results")
        assert log == "wrote%20ok1", log
        assert container.read_item("ok1", "p")["id"] == "ok1"
        step("stored procedure with params writes; script log header returned")
        error = expect_error(lambda: scripts.execute_stored_procedure("writeThenFail", partition_key="p",
                                                                      params=["ko1", True]), 400, "throwing sproc")
        assert "refused" in error.message
        expect_error(lambda: container.read_item("ko1", "p"), 404, "write of a failed sproc")
        step("stored procedure that throws -> 400 and its write is rolled back")
        scripts.create_trigger({"id": "veto", "body": "function () { throw new Error('vetoed'); }",
                                "triggerType": "Post", "triggerOperation": "All"})
        expect_error(lambda: container.create_item({"id": "v", "pk": "p"}, post_trigger_include="veto"), 400,
                     "post-trigger veto")
        expect_error(lambda: container.read_item("v", "p"), 404, "write vetoed by post-trigger")
        step("post-trigger that throws -> 400 and the write is rolled back")
        scripts.delete_trigger("veto")
        scripts.delete_stored_procedure("writeThenFail")
    except exceptions.CosmosHttpResponseError as error:
        print(f"-- script execution not available: {error.status_code} {error.message.splitlines()[0]}")
    scripts.delete_stored_procedure("hello")
    scripts.delete_trigger("stamp")
    scripts.delete_user_defined_function("double")
    expect_error(lambda: scripts.get_stored_procedure("hello"), 404, "deleted sproc")
    step("scripts deleted")


CHECKS: Dict[str, Callable] = {
    "batch": check_batch,
    "users": check_users,
    "changefeed": check_change_feed,
    "faults": check_faults,
    "pkdelete": check_pk_delete,
    "scripts": check_scripts,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--key", default=WELL_KNOWN_KEY)
    parser.add_argument("--no-discovery", action="store_true")
    parser.add_argument("--only", default=",".join(CHECKS))
    arguments = parser.parse_args()
    client = CosmosClient(arguments.endpoint, arguments.key, connection_verify=False,
                          enable_endpoint_discovery=not arguments.no_discovery)
    step = Steps()
    selected: List[str] = [name.strip() for name in arguments.only.split(",") if name.strip()]
    for name in selected:
        database = client.create_database(f"ref-{name}-{uuid.uuid4().hex[:8]}")
        try:
            CHECKS[name](client, database, step, arguments)
        finally:
            client.delete_database(database.id)
    print(f"all {step.count} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
