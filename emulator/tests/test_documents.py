"""Items: identity, partition keys, system properties, conditions, limits, feeds, routing by range."""
from __future__ import annotations

import json

from cosmos_http import unique


def create(http, container, doc, pk=None, **kwargs):
    return http.request("POST", f"{container}/docs", doc, partition_key=[doc.get("pk")] if pk is None else pk,
                        **kwargs)


def test_create_read_system_properties_and_headers(http, container):
    reply = create(http, container, {"id": "1", "pk": "a", "n": 1})
    assert reply.status == 201
    body = reply.json
    for key in ("_rid", "_self", "_etag", "_ts", "_attachments"):
        assert key in body
    assert body["_attachments"] == "attachments/"
    assert body["_self"].endswith(f"docs/{body['_rid']}/")
    headers = reply.headers
    assert headers["etag"] == body["_etag"]
    assert float(headers["x-ms-request-charge"]) >= 5
    range_id, _, token = headers["x-ms-session-token"].partition(":")
    assert range_id == headers["x-ms-documentdb-partitionkeyrangeid"]
    assert token == f"-1#{headers['lsn']}"
    assert headers["x-ms-alt-content-path"].startswith("dbs/")
    assert headers["x-ms-schemaversion"] and headers["x-ms-gatewayversion"]
    read = http.request("GET", f"{container}/docs/1", partition_key=["a"])
    assert read.status == 200 and read.json == body
    assert 1 <= float(read.headers["x-ms-request-charge"]) < 5


def test_activity_id_is_echoed_or_generated(http, container):
    echoed = create(http, container, {"id": "act", "pk": "a"}, headers={"x-ms-activity-id": "11111111-2222"})
    assert echoed.headers["x-ms-activity-id"] == "11111111-2222"
    generated = http.request("GET", f"{container}/docs/act", partition_key=["a"])
    assert len(generated.headers["x-ms-activity-id"]) == 36


def test_identity_is_partition_key_plus_id(http, container):
    assert create(http, container, {"id": "same", "pk": "a"}).status == 201
    assert create(http, container, {"id": "same", "pk": "b"}).status == 201
    duplicate = create(http, container, {"id": "same", "pk": "a"})
    assert duplicate.status == 409 and duplicate.json["code"] == "Conflict"
    assert http.request("GET", f"{container}/docs/same", partition_key=["b"]).json["pk"] == "b"


def test_missing_item_is_404_with_service_body(http, container):
    reply = http.request("GET", f"{container}/docs/nope", partition_key=["a"])
    assert reply.status == 404
    assert reply.json["code"] == "NotFound"
    assert "does not exist" in reply.json["message"]


def test_missing_container_is_404(http, database):
    reply = http.request("GET", f"/dbs/{database}/colls/none/docs/x", partition_key=["a"])
    assert reply.status == 404


def test_partition_key_header_must_match_body(http, container):
    reply = create(http, container, {"id": "1", "pk": "a"}, pk=["b"])
    assert reply.status == 400
    assert reply.headers["x-ms-substatus"] == "1001"
    assert "doesn't match" in reply.json["message"]


def test_point_read_requires_partition_key(http, container):
    create(http, container, {"id": "1", "pk": "a"})
    assert http.request("GET", f"{container}/docs/1").status == 400


def test_missing_and_null_partition_key_values_are_distinct(http, container):
    assert create(http, container, {"id": "u"}, pk=[{}]).status == 201
    assert create(http, container, {"id": "u", "pk": None}, pk=[None]).status == 201
    assert http.request("GET", f"{container}/docs/u", partition_key=[{}]).json.get("pk", "absent") == "absent"
    assert http.request("GET", f"{container}/docs/u", partition_key=[None]).json["pk"] is None
    assert create(http, container, {"id": "v"}, pk=[None]).status == 400


def test_numeric_and_boolean_partition_keys(http, container):
    assert create(http, container, {"id": "n", "pk": 5}, pk=[5]).status == 201
    assert http.request("GET", f"{container}/docs/n", partition_key=[5.0]).status == 200
    assert create(http, container, {"id": "t", "pk": True}, pk=[True]).status == 201
    assert http.request("GET", f"{container}/docs/t", partition_key=[True]).status == 200
    assert http.request("GET", f"{container}/docs/t", partition_key=["true"]).status == 404


def test_hierarchical_partition_keys(http, database):
    name = unique("h")
    definition = {"paths": ["/tenant", "/user"], "kind": "MultiHash", "version": 2}
    assert http.create_container(database, name, definition).status == 201
    path = f"/dbs/{database}/colls/{name}"
    doc = {"id": "1", "tenant": "t1", "user": "u1"}
    assert http.request("POST", f"{path}/docs", doc, partition_key=["t1", "u1"]).status == 201
    assert http.request("GET", f"{path}/docs/1", partition_key=["t1", "u1"]).status == 200
    assert http.request("GET", f"{path}/docs/1", partition_key=["t1", "u2"]).status == 404
    assert http.request("GET", f"{path}/docs/1", partition_key=["t1"]).status == 400


def test_replace_keeps_rid_changes_etag_and_honours_if_match(http, container):
    created = create(http, container, {"id": "r", "pk": "a", "v": 1}).json
    replaced = http.request("PUT", f"{container}/docs/r", {"id": "r", "pk": "a", "v": 2}, partition_key=["a"])
    assert replaced.status == 200
    assert replaced.json["_rid"] == created["_rid"] and replaced.json["_etag"] != created["_etag"]
    stale = http.request("PUT", f"{container}/docs/r", {"id": "r", "pk": "a", "v": 3}, partition_key=["a"],
                         headers={"if-match": created["_etag"]})
    assert stale.status == 412 and stale.json["code"] == "PreconditionFailed"
    fresh = http.request("PUT", f"{container}/docs/r", {"id": "r", "pk": "a", "v": 3}, partition_key=["a"],
                         headers={"if-match": replaced.json["_etag"]})
    assert fresh.status == 200
    assert http.request("PUT", f"{container}/docs/missing", {"id": "missing", "pk": "a"},
                        partition_key=["a"]).status == 404
    # A body carrying another id renames the item, as the service does (only the partition key is immutable).
    renamed = http.request("PUT", f"{container}/docs/r", {"id": "other", "pk": "a"}, partition_key=["a"])
    assert renamed.status == 200 and renamed.json["id"] == "other"
    assert http.request("GET", f"{container}/docs/r", partition_key=["a"]).status == 404
    assert http.request("GET", f"{container}/docs/other", partition_key=["a"]).status == 200


def test_upsert_creates_then_replaces(http, container):
    headers = {"x-ms-documentdb-is-upsert": "true"}
    first = create(http, container, {"id": "u", "pk": "a", "v": 1}, headers=headers)
    assert first.status == 201
    second = create(http, container, {"id": "u", "pk": "a", "v": 2}, headers=headers)
    assert second.status == 200 and second.json["v"] == 2 and second.json["_rid"] == first.json["_rid"]
    stale = create(http, container, {"id": "u", "pk": "a", "v": 3},
                   headers={**headers, "if-match": first.json["_etag"]})
    assert stale.status == 412


def test_delete_honours_if_match(http, container):
    created = create(http, container, {"id": "d", "pk": "a"}).json
    wrong = http.request("DELETE", f"{container}/docs/d", partition_key=["a"], headers={"if-match": '"x"'})
    assert wrong.status == 412
    deleted = http.request("DELETE", f"{container}/docs/d", partition_key=["a"],
                           headers={"if-match": created["_etag"]})
    assert deleted.status == 204 and not deleted.raw
    assert float(deleted.headers["x-ms-request-charge"]) >= 5
    assert http.request("DELETE", f"{container}/docs/d", partition_key=["a"]).status == 404


def test_if_none_match_on_read_gives_304(http, container):
    created = create(http, container, {"id": "c", "pk": "a"}).json
    reply = http.request("GET", f"{container}/docs/c", partition_key=["a"], headers={"if-none-match": created["_etag"]})
    assert reply.status == 304 and not reply.raw
    assert http.request("GET", f"{container}/docs/c", partition_key=["a"],
                        headers={"if-none-match": '"other"'}).status == 200


def test_client_system_properties_are_ignored(http, container):
    reply = create(http, container, {"id": "s", "pk": "a", "_rid": "bogus", "_ts": 1, "_etag": "x"})
    assert reply.status == 201
    assert reply.json["_rid"] != "bogus" and reply.json["_ts"] != 1


def test_item_over_2mb_is_413(http, container):
    big = {"id": "big", "pk": "a", "blob": "x" * (2 * 1024 * 1024 + 10)}
    reply = create(http, container, big)
    assert reply.status == 413
    assert reply.json["code"] == "RequestEntityTooLarge"


def test_invalid_ids(http, container):
    # Item ids may have up to 1023 bytes (names of databases and containers: 255 characters).
    for bad in ("a/b", "a\\b", "a?b", "a#b", "", "x" * 1024, "é" * 512):
        assert create(http, container, {"id": bad, "pk": "a"}).status == 400, bad
    assert create(http, container, {"pk": "a"}).status == 400
    assert create(http, container, {"id": 5, "pk": "a"}).status == 400
    for good in ("with space", "ünïcödé", "a.b-c_d", "x" * 300, "x" * 1023, "%41"):
        assert create(http, container, {"id": good, "pk": "a"}).status == 201, good
        assert http.request("GET", f"{container}/docs/{good}", partition_key=["a"]).json["id"] == good


def test_malformed_json_is_400(http, container):
    reply = http.request("POST", f"{container}/docs", raw_body=b"{not json", partition_key=["a"],
                         headers={"content-type": "application/json"})
    assert reply.status == 400


def test_minimal_return_preference(http, container):
    reply = create(http, container, {"id": "m", "pk": "a"}, headers={"prefer": "return=minimal"})
    assert reply.status == 201 and reply.raw == b"" and reply.headers["etag"]


def test_read_feed_pages_through_all_ranges(http, container):
    ids = {f"f{i}" for i in range(25)}
    for index, item_id in enumerate(sorted(ids)):
        assert create(http, container, {"id": item_id, "pk": f"k{index}"}).status == 201
    seen, token, pages = [], None, 0
    while True:
        headers = {"x-ms-max-item-count": "4"}
        if token:
            headers["x-ms-continuation"] = token
        reply = http.request("GET", f"{container}/docs", headers=headers)
        assert reply.status == 200
        body = reply.json
        assert len(body["Documents"]) <= 4 and body["_count"] == len(body["Documents"])
        seen.extend(d["id"] for d in body["Documents"])
        pages += 1
        token = reply.headers.get("x-ms-continuation")
        if not token:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(ids)
    assert pages >= 7


def test_read_feed_scoped_by_partition_key(http, container):
    for index in range(6):
        create(http, container, {"id": f"s{index}", "pk": "only" if index % 2 else "other"})
    reply = http.request("GET", f"{container}/docs", partition_key=["only"])
    assert sorted(d["id"] for d in reply.json["Documents"]) == ["s1", "s3", "s5"]


def test_range_id_header_serves_that_range_only(http, container):
    for index in range(40):
        create(http, container, {"id": f"r{index}", "pk": f"k{index}"})
    ranges = http.request("GET", f"{container}/pkranges").json["PartitionKeyRanges"]
    assert len(ranges) == 4
    seen = []
    for entry in ranges:
        reply = http.request("GET", f"{container}/docs",
                             headers={"x-ms-documentdb-partitionkeyrangeid": entry["id"], "x-ms-max-item-count": "1000"})
        docs = reply.json["Documents"]
        assert docs, "every range should hold some of 40 spread keys"
        seen.extend(d["id"] for d in docs)
        for doc in docs:
            point = http.request("GET", f"{container}/docs/{doc['id']}", partition_key=[doc["pk"]])
            assert point.headers["x-ms-documentdb-partitionkeyrangeid"] == entry["id"]
    assert len(seen) == 40 == len(set(seen))
    gone = http.request("GET", f"{container}/docs", headers={"x-ms-documentdb-partitionkeyrangeid": "99"})
    assert gone.status == 410 and gone.headers["x-ms-substatus"] == "1002"


def test_lsn_increases_per_partition_write(http, container):
    first = create(http, container, {"id": "l1", "pk": "same"})
    second = create(http, container, {"id": "l2", "pk": "same"})
    assert int(second.headers["lsn"]) == int(first.headers["lsn"]) + 1


def test_pkranges_feed_and_incremental_304(http, container):
    reply = http.request("GET", f"{container}/pkranges")
    assert reply.status == 200
    ranges = reply.json["PartitionKeyRanges"]
    assert [r["id"] for r in ranges] == ["0", "1", "2", "3"]
    assert ranges[0]["minInclusive"] == "" and ranges[-1]["maxExclusive"] == "FF"
    etag = reply.headers["etag"]
    again = http.request("GET", f"{container}/pkranges",
                         headers={"a-im": "Incremental feed", "if-none-match": etag})
    assert again.status == 304
    fresh = http.request("GET", f"{container}/pkranges", headers={"a-im": "Incremental feed"})
    assert fresh.status == 200 and len(fresh.json["PartitionKeyRanges"]) == 4


def test_change_feed_latest_version(http, container):
    create(http, container, {"id": "c1", "pk": "cf"})
    create(http, container, {"id": "c2", "pk": "cf"})
    headers = {"a-im": "Incremental feed"}
    first = http.request("GET", f"{container}/docs", partition_key=["cf"], headers=headers)
    assert first.status == 200
    assert [d["id"] for d in first.json["Documents"]] == ["c1", "c2"]
    assert all("_lsn" in d for d in first.json["Documents"])
    etag = first.headers["etag"]
    nothing = http.request("GET", f"{container}/docs", partition_key=["cf"], headers={**headers, "if-none-match": etag})
    assert nothing.status == 304
    http.request("PUT", f"{container}/docs/c1", {"id": "c1", "pk": "cf", "v": 2}, partition_key=["cf"])
    changed = http.request("GET", f"{container}/docs", partition_key=["cf"], headers={**headers, "if-none-match": etag})
    assert changed.status == 200 and [d["id"] for d in changed.json["Documents"]] == ["c1"]


def test_unknown_resource_path_is_400(http, container):
    assert http.request("GET", f"{container}/bogus").status == 400


def test_session_token_format_parses_as_service_token(http, container):
    token = create(http, container, {"id": "st", "pk": "a"}).headers["x-ms-session-token"]
    range_id, value = token.split(":")
    version, lsn = value.split("#")
    assert range_id.isdigit() and version == "-1" and int(lsn) >= 1
    json.dumps(token)
