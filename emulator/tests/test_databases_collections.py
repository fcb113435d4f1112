"""Databases and containers: create, read, feed, replace, delete, status codes and headers."""
from __future__ import annotations

import pytest

from cosmos_http import unique


def test_create_read_delete_database(http):
    name = unique("db")
    created = http.create_database(name)
    assert created.status == 201
    body = created.json
    assert body["id"] == name
    for key in ("_rid", "_self", "_etag", "_ts", "_colls", "_users"):
        assert key in body
    assert created.headers["etag"] == body["_etag"]
    assert created.headers["content-type"].startswith("application/json")
    assert "x-ms-request-charge" in created.headers
    assert "databases=" in created.headers["x-ms-resource-quota"]
    assert http.create_database(name).status == 409
    read = http.request("GET", f"/dbs/{name}")
    assert read.status == 200 and read.json == body
    assert http.request("GET", f"/dbs/{name}", headers={"if-none-match": body["_etag"]}).status == 304
    assert http.request("DELETE", f"/dbs/{name}").status == 204
    missing = http.request("GET", f"/dbs/{name}")
    assert missing.status == 404 and missing.json["code"] == "NotFound"
    assert http.request("DELETE", f"/dbs/{name}").status == 404


def test_database_feed_pages(http):
    names = [unique("feed") for _ in range(3)]
    for name in names:
        assert http.create_database(name).status == 201
    seen = []
    token = None
    while True:
        headers = {"x-ms-max-item-count": "2"}
        if token:
            headers["x-ms-continuation"] = token
        reply = http.request("GET", "/dbs", headers=headers)
        assert reply.status == 200
        page = reply.json["Databases"]
        assert len(page) <= 2 and reply.json["_count"] == len(page)
        assert reply.headers["x-ms-item-count"] == str(len(page))
        seen.extend(d["id"] for d in page)
        token = reply.headers.get("x-ms-continuation")
        if not token:
            break
    assert set(names) <= set(seen)
    for name in names:
        http.request("DELETE", f"/dbs/{name}")


def test_invalid_ids_are_rejected(http):
    for bad in ("a/b", "a\\b", "a?b", "a#b", "", "x" * 256, "trailing "):
        reply = http.create_database(bad)
        assert reply.status == 400, (bad, reply)
    assert http.request("POST", "/dbs", {"noid": 1}).status == 400


def test_container_create_defaults_and_headers(http, database):
    reply = http.create_container(database, "c1", {"paths": ["/pk"], "kind": "Hash", "version": 2})
    assert reply.status == 201
    body = reply.json
    assert body["partitionKey"] == {"paths": ["/pk"], "kind": "Hash", "version": 2}
    assert body["indexingPolicy"]["indexingMode"] == "consistent"
    assert {"path": "/\"_etag\"/?"} in body["indexingPolicy"]["excludedPaths"]
    for key in ("_rid", "_self", "_etag", "_ts", "_docs", "_sprocs", "_triggers", "_udfs", "_conflicts"):
        assert key in body
    assert body["_self"] == f"dbs/{http.request('GET', f'/dbs/{database}').json['_rid']}/colls/{body['_rid']}/"
    assert http.create_container(database, "c1", {"paths": ["/pk"]}).status == 409
    read = http.request("GET", f"/dbs/{database}/colls/c1", headers={"x-ms-documentdb-populatequotainfo": "true"})
    assert read.status == 200
    assert "documentsCount=0" in read.headers["x-ms-resource-usage"]
    assert "collectionSize" in read.headers["x-ms-resource-quota"]
    feed = http.request("GET", f"/dbs/{database}/colls")
    assert [c["id"] for c in feed.json["DocumentCollections"]] == ["c1"]


def test_container_in_missing_database_is_404(http):
    assert http.create_container(unique("nodb"), "c", {"paths": ["/pk"]}).status == 404


def test_container_bad_partition_key_definition_is_400(http, database):
    assert http.create_container(database, "bad", {"paths": []}).status == 400
    assert http.create_container(database, "bad2", {"paths": ["/a", "/b"], "kind": "Hash"}).status == 400
    assert http.create_container(database, "bad3", {"paths": ["nope"]}).status == 400


def test_container_replace_keeps_data_and_rejects_pk_change(http, database):
    path = f"/dbs/{database}/colls/keep"
    assert http.create_container(database, "keep", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
    assert http.request("POST", f"{path}/docs", {"id": "1", "pk": "a"}, partition_key=["a"]).status == 201
    current = http.request("GET", path).json
    current["defaultTtl"] = 1000
    replaced = http.request("PUT", path, current)
    assert replaced.status == 200
    assert replaced.json["defaultTtl"] == 1000 and replaced.json["_rid"] == current["_rid"]
    assert replaced.json["_etag"] != current["_etag"]
    assert http.request("GET", f"{path}/docs/1", partition_key=["a"]).status == 200
    stale = http.request("PUT", path, current, headers={"if-match": current["_etag"]})
    assert stale.status == 412
    changed = dict(replaced.json, partitionKey={"paths": ["/other"], "kind": "Hash", "version": 2})
    assert http.request("PUT", path, changed).status == 400


def test_delete_container_removes_items(http, database):
    path = f"/dbs/{database}/colls/gone"
    http.create_container(database, "gone", {"paths": ["/pk"]})
    http.request("POST", f"{path}/docs", {"id": "1", "pk": "a"}, partition_key=["a"])
    assert http.request("DELETE", path).status == 204
    assert http.request("GET", path).status == 404
    http.create_container(database, "gone", {"paths": ["/pk"]})
    assert http.request("GET", f"{path}/docs/1", partition_key=["a"]).status == 404


def test_container_without_partition_key_gets_system_key(http, database):
    reply = http.create_container(database, "legacy")
    assert reply.status == 201
    assert reply.json["partitionKey"]["paths"] == ["/_partitionKey"]
    path = f"/dbs/{database}/colls/legacy"
    assert http.request("POST", f"{path}/docs", {"id": "x"}, partition_key=[]).status == 201
    assert http.request("GET", f"{path}/docs/x", partition_key=[]).status == 200


def test_offer_created_with_throughput_header(http, database):
    reply = http.create_container(database, "tp", {"paths": ["/pk"]}, headers={"x-ms-offer-throughput": "500"})
    assert reply.status == 201
    offers = http.request("GET", "/offers").json["Offers"]
    mine = [o for o in offers if o["offerResourceId"] == reply.json["_rid"]]
    assert len(mine) == 1 and mine[0]["content"]["offerThroughput"] == 500
    assert mine[0]["resource"] == reply.json["_self"]
    bad = http.create_container(database, "tp2", {"paths": ["/pk"]}, headers={"x-ms-offer-throughput": "450"})
    assert bad.status == 400


INVALID_PARTITION_KEYS = [
    {"paths": ["pk"], "kind": "Hash", "version": 2},                              # no leading '/'
    {"paths": ["/a", "/b", "/c", "/d"], "kind": "MultiHash", "version": 2},       # more than 3 paths
    {"paths": ["/a", "/b"], "kind": "Hash", "version": 2},                        # Hash with several paths
    {"paths": ["/pk"], "kind": "Hash", "version": 3},                             # version other than 1 or 2
    {"paths": ["/pk"], "kind": "Hash", "version": 0},
    {"paths": ["/pk"], "kind": "Hash", "version": True},
    {"paths": ["/pk"], "kind": "Hash", "version": "2"},
    {"paths": ["/a", "/b"], "kind": "MultiHash", "version": 1},
    {"paths": ["/a", "/b"], "kind": "MultiHash", "version": 3},
    {"paths": ["/"], "kind": "Hash", "version": 2},
    {"paths": [], "kind": "Hash", "version": 2},
    {"paths": [7], "kind": "Hash", "version": 2},
    {"paths": ["/pk"], "kind": "Spread", "version": 2},
]


@pytest.mark.parametrize("definition", INVALID_PARTITION_KEYS, ids=lambda d: repr(d))
def test_invalid_partition_key_definition_is_400_before_409_and_writes_nothing(http, database, definition):
    # A new id: 400, and nothing is created (no container, no offer).
    offers_before = len(http.request("GET", "/offers").json["Offers"])
    fresh = unique("c")
    reply = http.create_container(database, fresh, definition, headers={"x-ms-offer-throughput": "400"})
    assert reply.status == 400, reply
    assert reply.json["code"] == "BadRequest"
    assert http.request("GET", f"/dbs/{database}/colls/{fresh}").status == 404
    assert len(http.request("GET", "/offers").json["Offers"]) == offers_before
    # An existing id: still 400 (not 409), and the existing container is untouched.
    existing = unique("c")
    created = http.create_container(database, existing, {"paths": ["/pk"], "kind": "Hash", "version": 2})
    assert created.status == 201, created
    reply = http.create_container(database, existing, definition)
    assert reply.status == 400, reply
    after = http.request("GET", f"/dbs/{database}/colls/{existing}")
    assert after.status == 200
    assert after.json["partitionKey"] == {"paths": ["/pk"], "kind": "Hash", "version": 2}
    assert after.json["_etag"] == created.json["_etag"]
    names = [c["id"] for c in http.request("GET", f"/dbs/{database}/colls").json["DocumentCollections"]]
    assert sorted(names) == [existing]


def test_valid_partition_key_definition_under_existing_id_is_409(http, database):
    name = unique("c")
    assert http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
    assert http.create_container(database, name, {"paths": ["/a", "/b", "/c"], "kind": "MultiHash",
                                                  "version": 2}).status == 409
    assert http.create_container(database, unique("c"), {"paths": ["/a", "/b", "/c"], "kind": "MultiHash"}).status == 201
    assert http.create_container(database, unique("c"), {"paths": ["/pk"], "kind": "Hash", "version": 1}).status == 201
