"""Conditional reads: ``If-None-Match: <current etag>`` on a point read answers 304 Not Modified with no body, for
every resource that can be read (by name and by ``_self``); a stale etag reads the resource (200)."""
from __future__ import annotations

import pytest

READABLE = ["db", "coll", "doc", "sproc", "trigger", "udf", "user", "perm", "offer"]


def read(http, tree, key, by_rid, **headers):
    extra = {"partition_key": ["p"]} if key == "doc" else {}
    resource = tree[key]
    if by_rid or key == "offer":
        return http.rid_request("GET", resource["_self"], headers=headers, **extra)
    path = {"db": f"/dbs/{tree['db']['id']}", "coll": tree["path"], "doc": f"{tree['path']}/docs/a",
            "sproc": f"{tree['path']}/sprocs/s", "trigger": f"{tree['path']}/triggers/t",
            "udf": f"{tree['path']}/udfs/u", "user": f"/dbs/{tree['db']['id']}/users/alice",
            "perm": f"/dbs/{tree['db']['id']}/users/alice/permissions/read"}[key]
    return http.request("GET", path, headers=headers, **extra)


@pytest.mark.parametrize("by_rid", [False, True], ids=["by-name", "by-rid"])
@pytest.mark.parametrize("key", READABLE)
def test_current_etag_answers_304_without_a_body(http, resource_tree, key, by_rid):
    etag = resource_tree[key]["_etag"]
    unchanged = read(http, resource_tree, key, by_rid, **{"if-none-match": etag})
    assert unchanged.status == 304, unchanged
    assert unchanged.raw == b""
    assert unchanged.headers["etag"] == etag
    assert "x-ms-request-charge" in unchanged.headers
    stale = read(http, resource_tree, key, by_rid, **{"if-none-match": '"00000000-0000-0000-0000-000000000000"'})
    assert stale.status == 200 and stale.json["_etag"] == etag


def test_item_304_carries_the_item_headers_of_a_200(http, resource_tree):
    # A later write in the same logical partition: the partition's LSN moves past the item's.
    assert http.request("POST", f"{resource_tree['path']}/docs", {"id": "later", "pk": "p"},
                        partition_key=["p"]).status == 201
    full = read(http, resource_tree, "doc", False)
    assert int(full.headers["x-ms-item-lsn"]) < int(full.headers["lsn"])
    unchanged = read(http, resource_tree, "doc", False, **{"if-none-match": full.json["_etag"]})
    assert unchanged.status == 304
    for name in ("x-ms-session-token", "lsn", "x-ms-item-lsn", "x-ms-documentdb-partitionkeyrangeid", "etag"):
        assert unchanged.headers[name] == full.headers[name], name


def test_a_write_makes_the_old_etag_stale(http, resource_tree):
    old = resource_tree["doc"]["_etag"]
    replaced = http.request("PUT", f"{resource_tree['path']}/docs/a", {"id": "a", "pk": "p", "n": 2},
                            partition_key=["p"]).json
    again = read(http, resource_tree, "doc", False, **{"if-none-match": old})
    assert again.status == 200 and again.json["n"] == 2
    assert read(http, resource_tree, "doc", True, **{"if-none-match": replaced["_etag"]}).status == 304


def test_pkrange_by_self_and_missing_items(http, resource_tree):
    pkrange = resource_tree["pkrange"]
    assert http.rid_request("GET", pkrange["_self"], headers={"if-none-match": pkrange["_etag"]}).status == 304
    missing = http.request("GET", f"{resource_tree['path']}/docs/nope", partition_key=["p"],
                           headers={"if-none-match": resource_tree["doc"]["_etag"]})
    assert missing.status == 404


def test_if_match_on_a_read_is_ignored(http, resource_tree):
    # The service honours If-Match on writes only; a read with a stale one still answers the resource.
    stale = '"00000000-0000-0000-0000-000000000000"'
    for key in ("doc", "coll", "sproc", "user"):
        reply = read(http, resource_tree, key, False, **{"if-match": stale})
        assert reply.status == 200, (key, reply)
