"""Change feed over the wire: LatestVersion and AllVersionsAndDeletes, scopes, starts, continuations."""
from __future__ import annotations

import email.utils
import json
import time

import pytest

from cosmos_emulator import EmulatorServer

from cosmos_http import CosmosHttp, unique

LATEST = {"a-im": "Incremental feed"}
ALL_VERSIONS = {"a-im": "Full-Fidelity Feed", "x-ms-cosmos-changefeed-wire-format-version": "2021-09-15"}


class ManualClock:
    def __init__(self, start: float):
        self.value = start

    def __call__(self) -> float:
        return self.value


@pytest.fixture()
def clock(server):
    manual = ManualClock(time.time())
    original = server.account.clock
    server.account.clock = manual
    yield manual
    server.account.clock = original


def make_container(http, database, partitions_pk="/pk", **extra):
    name = unique("cf")
    reply = http.create_container(database, name, {"paths": [partitions_pk], "kind": "Hash", "version": 2},
                                  extra=extra)
    assert reply.status == 201, reply
    return f"/dbs/{database}/colls/{name}"


def write(http, path, doc, verb="POST"):
    target = f"{path}/docs" if verb == "POST" else f"{path}/docs/{doc['id']}"
    reply = http.request(verb, target, doc, partition_key=[doc["pk"]])
    assert reply.status in (200, 201), reply
    return reply


def feed(http, path, mode=None, pk=None, range_id=None, etag=None, since=None, page=None, extra=None):
    headers = dict(mode or LATEST)
    if range_id is not None:
        headers["x-ms-documentdb-partitionkeyrangeid"] = range_id
    if etag is not None:
        headers["if-none-match"] = etag
    if since is not None:
        headers["if-modified-since"] = email.utils.formatdate(since, usegmt=True)
    if page is not None:
        headers["x-ms-max-item-count"] = str(page)
    headers.update(extra or {})
    return http.request("GET", f"{path}/docs", headers=headers, partition_key=pk)


def ids(reply):
    return [document["id"] for document in reply.json["Documents"]] if reply.status == 200 else []


# ------------------------------------------------------------------------------------------- latest
def test_latest_version_per_partition_key_from_beginning_now_and_continuation(http, database):
    path = make_container(http, database)
    write(http, path, {"id": "a", "pk": "k"})
    write(http, path, {"id": "b", "pk": "k"})
    write(http, path, {"id": "other", "pk": "elsewhere"})
    first = feed(http, path, pk=["k"])
    assert first.status == 200 and ids(first) == ["a", "b"]
    assert all("_lsn" in document for document in first.json["Documents"])
    etag = first.headers["etag"]
    nothing = feed(http, path, pk=["k"], etag=etag)
    assert nothing.status == 304 and nothing.headers["etag"]
    now = feed(http, path, pk=["k"], etag="*")
    assert now.status == 304
    write(http, path, {"id": "a", "pk": "k", "v": 2}, verb="PUT")
    write(http, path, {"id": "c", "pk": "k"})
    assert http.request("DELETE", f"{path}/docs/b", partition_key=["k"]).status == 204
    later = feed(http, path, pk=["k"], etag=now.headers["etag"])
    assert ids(later) == ["a", "c"] and later.json["Documents"][0]["v"] == 2
    assert feed(http, path, pk=["k"], etag=later.headers["etag"]).status == 304


def test_latest_version_per_range_covers_each_item_once(http, database):
    path = make_container(http, database)
    for index in range(12):
        write(http, path, {"id": f"i{index}", "pk": f"k{index}"})
    ranges = [r["id"] for r in http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"]]
    seen = []
    for range_id in ranges:
        reply = feed(http, path, range_id=range_id)
        seen.extend(ids(reply))
        if reply.status == 200:
            assert reply.headers["x-ms-documentdb-partitionkeyrangeid"] == range_id
    assert sorted(seen) == sorted(f"i{index}" for index in range(12))
    assert feed(http, path, range_id="999").status == 410
    assert feed(http, path, range_id="999").headers["x-ms-substatus"] == "1002"
    unscoped = feed(http, path)
    assert unscoped.status == 400


def test_epk_window_narrows_a_range(http, database):
    from cosmos_emulator import partitioning
    path = make_container(http, database)
    for index in range(16):
        write(http, path, {"id": f"i{index}", "pk": f"k{index}"})
    whole = http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"][0]
    full = ids(feed(http, path, range_id=whole["id"]))
    cut = partitioning.midpoint(whole["minInclusive"], whole["maxExclusive"])
    halves = [ids(feed(http, path, range_id=whole["id"], extra={
        "x-ms-start-epk": low, "x-ms-end-epk": high, "x-ms-read-key-type": "EffectivePartitionKeyRange"}))
        for low, high in ((whole["minInclusive"], cut), (cut, whole["maxExclusive"]))]
    assert sorted(halves[0] + halves[1]) == sorted(full) and not set(halves[0]) & set(halves[1])
    assert halves[0] and halves[1], halves


def test_point_in_time_start(http, database, clock):
    path = make_container(http, database)
    write(http, path, {"id": "old", "pk": "k"})
    clock.value += 100
    write(http, path, {"id": "new", "pk": "k"})
    since = clock.value - 50
    assert ids(feed(http, path, pk=["k"], since=since)) == ["new"]
    assert ids(feed(http, path, pk=["k"], since=clock.value - 200)) == ["old", "new"]
    assert feed(http, path, pk=["k"], since=clock.value + 10).status == 304


def test_batch_changes_share_an_lsn_and_a_page(http, database):
    path = make_container(http, database)
    operations = [{"operationType": "Create", "resourceBody": {"id": f"b{n}", "pk": "k"}} for n in range(5)]
    reply = http.request("POST", f"{path}/docs", raw_body=json.dumps(operations).encode(), partition_key=["k"],
                         headers={"x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-atomic": "True",
                                  "content-type": "application/json"})
    assert reply.status == 200
    write(http, path, {"id": "after", "pk": "k"})
    first = feed(http, path, pk=["k"], page=2)
    assert ids(first) == [f"b{n}" for n in range(5)]
    assert len({document["_lsn"] for document in first.json["Documents"]}) == 1
    second = feed(http, path, pk=["k"], page=2, etag=first.headers["etag"])
    assert ids(second) == ["after"]


def test_ttl_expired_items_leave_the_latest_version_feed(http, database, clock):
    path = make_container(http, database, defaultTtl=10)
    write(http, path, {"id": "short", "pk": "k"})
    write(http, path, {"id": "forever", "pk": "k", "ttl": -1})
    clock.value += 11
    assert ids(feed(http, path, pk=["k"])) == ["forever"]


def test_bad_requests(http, database):
    path = make_container(http, database)
    assert feed(http, path, pk=["k"], extra={"a-im": "Something"}).status == 400
    assert feed(http, path, pk=["k"], etag="\"not-a-number\"").status == 400
    assert feed(http, path, pk=["k"], extra={"if-modified-since": "yesterday"}).status == 400


# ------------------------------------------------------------------------------------- all versions
def test_all_versions_needs_a_change_feed_policy(http, database):
    path = make_container(http, database)
    reply = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag="*")
    assert reply.status == 400 and "change feed policy" in reply.json["message"]


def test_all_versions_reports_every_change_with_metadata(http, database):
    path = make_container(http, database, changeFeedPolicy={"retentionDuration": 60})
    start = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag="*")
    assert start.status == 304
    created = write(http, path, {"id": "x", "pk": "k", "v": 1}).json
    replaced = write(http, path, {"id": "x", "pk": "k", "v": 2}, verb="PUT").json
    assert http.request("DELETE", f"{path}/docs/x", partition_key=["k"]).status == 204
    reply = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=start.headers["etag"])
    assert reply.status == 200
    changes = reply.json["Documents"]
    assert [c["metadata"]["operationType"] for c in changes] == ["create", "replace", "delete"]
    create, replace, delete = changes
    assert create["current"] == created and "previousImageLSN" not in create["metadata"]
    assert replace["current"] == replaced
    assert replace["metadata"]["previousImageLSN"] == create["metadata"]["lsn"]
    assert delete["current"] == {} and delete["previous"] == replaced
    assert delete["metadata"]["id"] == "x" and delete["metadata"]["partitionKey"] == {"pk": "k"}
    assert delete["metadata"]["timeToLiveExpired"] is False
    assert delete["metadata"]["previousImageLSN"] == replace["metadata"]["lsn"]
    lsns = [c["metadata"]["lsn"] for c in changes]
    assert lsns == sorted(lsns) and len(set(lsns)) == 3
    assert all(isinstance(c["metadata"]["crts"], int) and c["metadata"]["crts"] > 0 for c in changes)
    assert reply.headers["etag"] == f"\"{lsns[-1]}\""
    assert feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=reply.headers["etag"]).status == 304
    # The LatestVersion feed of the same container shows none of it (the item is gone).
    assert feed(http, path, pk=["k"]).status == 304


def test_all_versions_reports_ttl_expiry_and_honours_retention(http, database, clock):
    path = make_container(http, database, changeFeedPolicy={"retentionDuration": 5}, defaultTtl=30)
    start = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag="*")
    write(http, path, {"id": "brief", "pk": "k"})
    clock.value += 31
    reply = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=start.headers["etag"])
    kinds = [(c["metadata"]["operationType"], c["metadata"].get("timeToLiveExpired")) for c in reply.json["Documents"]]
    assert kinds == [("create", None), ("delete", True)]
    clock.value += 6 * 60
    write(http, path, {"id": "fresh", "pk": "k"})
    stale = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=start.headers["etag"])
    assert stale.status == 400 and "retention" in stale.json["message"]
    recent = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=reply.headers["etag"])
    assert [c["current"]["id"] for c in recent.json["Documents"]] == ["fresh"]


def test_all_versions_history_follows_a_split_and_survives_a_restart(tmp_path):
    data_dir = str(tmp_path / "data")
    with EmulatorServer(port=0, data_dir=data_dir, partitions=1) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert client.create_database("db").status == 201
        assert client.create_container("db", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                       extra={"changeFeedPolicy": {"retentionDuration": 60}}).status == 201
        path = "/dbs/db/colls/c"
        for index in range(6):
            write(client, path, {"id": f"i{index}", "pk": f"k{index}"})
        assert client.request("DELETE", f"{path}/docs/i0", partition_key=["k0"]).status == 204
        before = feed(client, path, mode=ALL_VERSIONS, range_id="0")
        assert len(before.json["Documents"]) == 7
        children = server.split_partition("db", "c", "0")
        after_split = []
        for range_id in children:
            after_split.extend(feed(client, path, mode=ALL_VERSIONS, range_id=range_id).json["Documents"])
        assert sorted(c["metadata"]["lsn"] for c in after_split) == sorted(
            c["metadata"]["lsn"] for c in before.json["Documents"])
        assert feed(client, path, mode=ALL_VERSIONS, range_id="0").status == 410
        client.close()
    with EmulatorServer(port=0, data_dir=data_dir, partitions=1) as server:
        client = CosmosHttp(server.endpoint, server.key)
        restored = []
        for range_id in children:
            restored.extend(feed(client, "/dbs/db/colls/c", mode=ALL_VERSIONS, range_id=range_id).json["Documents"])
        assert sorted(json.dumps(c, sort_keys=True) for c in restored) == sorted(
            json.dumps(c, sort_keys=True) for c in after_split)
        client.close()


def test_rolled_back_writes_leave_no_history(http, database):
    path = make_container(http, database, changeFeedPolicy={"retentionDuration": 60})
    start = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag="*")
    write(http, path, {"id": "kept", "pk": "k"})
    operations = [{"operationType": "Create", "resourceBody": {"id": "ghost", "pk": "k"}},
                  {"operationType": "Replace", "id": "kept", "resourceBody": {"id": "kept", "pk": "k", "v": 9}},
                  {"operationType": "Read", "id": "missing"}]
    reply = http.request("POST", f"{path}/docs", raw_body=json.dumps(operations).encode(), partition_key=["k"],
                         headers={"x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-atomic": "True",
                                  "content-type": "application/json"})
    assert reply.status == 207
    changes = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=start.headers["etag"]).json["Documents"]
    assert [(c["metadata"]["operationType"], c["current"]["id"]) for c in changes] == [("create", "kept")]
    write(http, path, {"id": "next", "pk": "k"})
    later = feed(http, path, mode=ALL_VERSIONS, pk=["k"], etag=start.headers["etag"]).json["Documents"]
    lsns = [c["metadata"]["lsn"] for c in later]
    assert [c["current"]["id"] for c in later] == ["kept", "next"] and lsns[1] == lsns[0] + 1
