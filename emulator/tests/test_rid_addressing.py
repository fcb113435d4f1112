"""Rid-based addressing: every resource can be reached through its ``_self`` link (``dbs/{rid}/colls/{rid}/...``)
as well as by name, signed with the lower-cased rid of the last resource in the link, as clients sign it (the
service computes the same), and every ``_self`` the emulator hands out resolves."""
from __future__ import annotations

import json

import pytest

SPROC_BODY = "function (x) { getContext().getResponse().setBody(x + 1); }"  # the resource_tree fixture's


def rid_request(http, verb, link, body=None, **kwargs):
    return http.rid_request(verb, link, body, **kwargs)


@pytest.fixture()
def tree(resource_tree):
    return resource_tree


@pytest.mark.parametrize("key", ["db", "coll", "doc", "sproc", "trigger", "udf", "user", "perm", "pkrange", "offer"])
def test_every_self_link_resolves(http, tree, key):
    resource = tree[key]
    extra = {"partition_key": ["p"]} if key == "doc" else {}
    reply = rid_request(http, "GET", resource["_self"], **extra)
    assert reply.status == 200, reply
    assert (reply.json["id"], reply.json["_rid"], reply.json["_self"]) == (resource["id"], resource["_rid"],
                                                                           resource["_self"])
    if key != "pkrange":
        assert reply.headers["etag"] == resource["_etag"]


@pytest.mark.parametrize("feed, key", [("colls", "DocumentCollections"), ("users", "Users")])
def test_database_feeds_by_rid(http, tree, feed, key):
    reply = rid_request(http, "GET", tree["db"]["_self"] + feed)
    assert reply.status == 200, reply
    assert reply.json["_rid"] == tree["db"]["_rid"] and reply.json["_count"] >= 1


@pytest.mark.parametrize("feed, key, count", [("docs", "Documents", 1), ("sprocs", "StoredProcedures", 1),
                                              ("triggers", "Triggers", 1), ("udfs", "UserDefinedFunctions", 1),
                                              ("conflicts", "Conflicts", 0), ("pkranges", "PartitionKeyRanges", 4)])
def test_container_feeds_and_queries_by_rid(http, tree, feed, key, count):
    link = tree["coll"]["_self"] + feed
    reply = rid_request(http, "GET", link)
    assert reply.status == 200, reply
    assert (reply.json["_rid"], len(reply.json[key])) == (tree["coll"]["_rid"], count)
    for resource in reply.json[key]:
        extra = {"partition_key": [resource["pk"]]} if feed == "docs" else {}
        assert rid_request(http, "GET", resource["_self"], **extra).status == 200
    if feed not in ("conflicts", "pkranges"):
        query = rid_request(http, "POST", link, raw_body=json.dumps({"query": "SELECT * FROM c", "parameters": []}).encode(),
                            headers={"x-ms-documentdb-isquery": "true", "content-type": "application/query+json",
                                     "x-ms-documentdb-query-enablecrosspartition": "true"})
        assert query.status == 200 and len(query.json[key]) == count, query


def test_item_operations_by_rid(http, tree):
    doc = tree["doc"]
    link = doc["_self"]
    replaced = rid_request(http, "PUT", link, {"id": "a", "pk": "p", "n": 2}, partition_key=["p"])
    assert replaced.status == 200 and replaced.json["_rid"] == doc["_rid"] and replaced.json["n"] == 2
    # A replace without the partition key header finds the item from the body's partition key.
    assert rid_request(http, "PUT", link, {"id": "a", "pk": "p", "n": 3}).status == 200
    patched = rid_request(http, "PATCH", link, {"operations": [{"op": "incr", "path": "/n", "value": 10}]},
                          partition_key=["p"])
    assert patched.status == 200 and patched.json["n"] == 13
    assert rid_request(http, "GET", link, partition_key=["p"], headers={"if-none-match": patched.json["_etag"]}).status == 304
    stale = rid_request(http, "DELETE", link, partition_key=["p"], headers={"if-match": doc["_etag"]})
    assert stale.status == 412
    assert rid_request(http, "DELETE", link, partition_key=["p"]).status == 204
    assert rid_request(http, "GET", link, partition_key=["p"]).status == 404
    assert http.request("GET", f"{tree['path']}/docs/a", partition_key=["p"]).status == 404
    assert rid_request(http, "DELETE", link, partition_key=["p"]).status == 404


def test_an_item_rid_names_one_logical_partition(http, tree):
    # Another item with the same id in another logical partition is not what the rid names.
    other = http.request("POST", f"{tree['path']}/docs", {"id": "a", "pk": "q", "n": 100}, partition_key=["q"])
    assert other.status == 201
    link = tree["doc"]["_self"]
    assert rid_request(http, "GET", link, partition_key=["q"]).status == 404
    assert rid_request(http, "DELETE", link, partition_key=["q"]).status == 404
    assert rid_request(http, "PUT", link, {"id": "a", "pk": "q", "n": 0}).status == 404
    assert http.request("GET", f"{tree['path']}/docs/a", partition_key=["q"]).json["n"] == 100
    assert rid_request(http, "GET", link, partition_key=["p"]).json["n"] == 1
    # An item rid of another container, or no such rid, is not found.
    assert rid_request(http, "GET", tree["coll"]["_self"] + "docs/" + other.json["_rid"][:-4] + "AAA=/",
                       partition_key=["q"]).status == 404


def test_item_rid_stays_valid_across_a_split(http, server, tree, database):
    for index in range(30):
        assert http.request("POST", f"{tree['path']}/docs", {"id": f"x{index}", "pk": f"k{index}"},
                            partition_key=[f"k{index}"]).status == 201
    name = tree["coll"]["id"]
    for range_id in ("0", "1", "2", "3"):
        server.split_partition(database, name, range_id)
    items = rid_request(http, "GET", tree["coll"]["_self"] + "docs", headers={"x-ms-max-item-count": "100"}).json
    assert len(items["Documents"]) == 31
    for item in items["Documents"]:
        assert rid_request(http, "GET", item["_self"], partition_key=[item["pk"]]).json["id"] == item["id"]


def test_script_operations_by_rid(http, tree):
    sproc = tree["sproc"]
    executed = rid_request(http, "POST", sproc["_self"], [41], partition_key=["p"])
    assert executed.status == 200 and executed.json == 42
    replaced = rid_request(http, "PUT", sproc["_self"], {"id": "s", "body": SPROC_BODY.replace("+ 1", "+ 2")})
    assert replaced.status == 200 and replaced.json["_rid"] == sproc["_rid"]
    assert rid_request(http, "POST", sproc["_self"], [40], partition_key=["p"]).json == 42
    for key in ("sproc", "trigger", "udf"):
        assert rid_request(http, "DELETE", tree[key]["_self"]).status == 204
        assert rid_request(http, "GET", tree[key]["_self"]).status == 404


def test_user_and_permission_operations_by_rid(http, tree):
    user, permission = tree["user"], tree["perm"]
    replaced = rid_request(http, "PUT", permission["_self"],
                           {"id": "read", "permissionMode": "All", "resource": tree["path"].strip("/")})
    assert replaced.status == 200 and replaced.json["permissionMode"] == "All" and replaced.json["_token"]
    feed = rid_request(http, "GET", user["_self"] + "permissions")
    assert [p["_rid"] for p in feed.json["Permissions"]] == [permission["_rid"]]
    assert rid_request(http, "DELETE", permission["_self"]).status == 204
    assert rid_request(http, "PUT", user["_self"], {"id": "alice", "team": "x"}).json["team"] == "x"
    assert rid_request(http, "DELETE", user["_self"]).status == 204
    assert rid_request(http, "GET", user["_self"]).status == 404


def test_offer_operations_by_rid(http, tree):
    offer = tree["offer"]
    assert offer["resource"] == tree["coll"]["_self"]
    changed = dict(offer, content=dict(offer["content"], offerThroughput=500))
    replaced = rid_request(http, "PUT", offer["_self"], changed)
    assert replaced.status == 200 and replaced.json["content"]["offerThroughput"] == 500
    assert rid_request(http, "GET", offer["_self"]).json["content"]["offerThroughput"] == 500


def test_container_and_database_operations_by_rid(http, tree):
    coll = tree["coll"]
    body = {key: value for key, value in coll.items() if not key.startswith("_")}
    body["defaultTtl"] = 100
    replaced = rid_request(http, "PUT", coll["_self"], body)
    assert replaced.status == 200 and replaced.json["defaultTtl"] == 100
    # Container operations are signed as the container.
    deleted_pk = http.request("POST", "/" + coll["_self"] + "operations/partitionkeydelete", partition_key=["p"],
                              sign_as=("colls", coll["_rid"].lower()))
    assert deleted_pk.status in (200, 202), deleted_pk
    assert http.request("GET", f"{tree['path']}/docs/a", partition_key=["p"]).status == 404
    assert rid_request(http, "DELETE", coll["_self"]).status == 204
    assert rid_request(http, "GET", coll["_self"]).status == 404
    assert rid_request(http, "GET", coll["_self"] + "docs").status == 404
    database = tree["db"]
    assert rid_request(http, "DELETE", database["_self"]).status == 204
    assert rid_request(http, "GET", database["_self"]).status == 404


def test_pkrange_by_rid_and_by_id_and_gone_after_split(http, server, tree, database):
    pkrange = tree["pkrange"]
    assert http.request("GET", f"{tree['path']}/pkranges/{pkrange['id']}").json["_rid"] == pkrange["_rid"]
    server.split_partition(database, tree["coll"]["id"], pkrange["id"])
    assert rid_request(http, "GET", pkrange["_self"]).status == 404
    assert rid_request(http, "GET", tree["coll"]["_self"] + "conflicts/" + pkrange["_rid"]).status == 404


def test_rid_links_are_signed_with_the_lower_cased_rid(http, tree):
    doc = tree["doc"]
    path = "/" + doc["_self"].strip("/")
    assert doc["_rid"] != doc["_rid"].lower()
    as_sent = http.request("GET", path, partition_key=["p"], sign_as=("docs", doc["_rid"]))
    assert as_sent.status == 401
    assert f"get\ndocs\n{doc['_rid'].lower()}\n" in as_sent.json["message"]
    by_full_link = http.request("GET", path, partition_key=["p"], sign_as=("docs", doc["_self"].strip("/")))
    assert by_full_link.status == 401
    assert http.request("GET", path, partition_key=["p"], sign_as=("docs", doc["_rid"].lower())).status == 200
    # Name-based links are signed with the link as written.
    assert http.request("POST", f"{tree['path']}/docs", {"id": "Mixed", "pk": "p"}, partition_key=["p"]).status == 201
    named = f"{tree['path']}/docs/Mixed"
    assert http.request("GET", named, partition_key=["p"], sign_as=("docs", named.strip("/").lower())).status == 401
    assert http.request("GET", named, partition_key=["p"]).status == 200


def test_resource_tokens_apply_to_rid_links(http, server, tree):
    from cosmos_http import CosmosHttp
    doc = tree["doc"]
    granted = http.request("POST", f"/dbs/{tree['db']['id']}/users/alice/permissions",
                           {"id": "one", "permissionMode": "All", "resource": f"{tree['path'].strip('/')}/docs/a"})
    assert granted.status == 201
    token = granted.json["_token"]
    from urllib.parse import quote
    auth = quote(token, safe="-_.!~*'()")
    client = CosmosHttp(server.endpoint, server.key)
    try:
        by_rid = client.request("GET", "/" + doc["_self"].strip("/"), partition_key=["p"], auth=auth)
        assert by_rid.status == 200, by_rid
        other = http.request("POST", f"{tree['path']}/docs", {"id": "b", "pk": "p"}, partition_key=["p"]).json
        assert client.request("GET", "/" + other["_self"].strip("/"), partition_key=["p"], auth=auth).status == 403
    finally:
        client.close()
