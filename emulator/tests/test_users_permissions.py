"""Users, permissions and requests authorized by resource tokens."""
from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest

from cosmos_http import unique


class ManualClock:
    def __init__(self, start: float):
        self.value = start

    def __call__(self) -> float:
        return self.value


def as_token(token: str) -> str:
    return quote(token, safe="-_.!~*'()")


@pytest.fixture()
def secured(http, database):
    """Two containers with items, a user, and the database path."""
    paths = []
    for _ in range(2):
        name = unique("c")
        assert http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        path = f"/dbs/{database}/colls/{name}"
        for item_id, pk in (("a", "p1"), ("b", "p2")):
            assert http.request("POST", f"{path}/docs", {"id": item_id, "pk": pk}, partition_key=[pk]).status == 201
        paths.append(path)
    assert http.request("POST", f"/dbs/{database}/users", {"id": "alice"}).status == 201
    return {"db": f"/dbs/{database}", "container": paths[0], "other": paths[1], "users": f"/dbs/{database}/users"}


def grant(http, secured, permission_id, mode, resource, partition_key=None, headers=None):
    body = {"id": permission_id, "permissionMode": mode, "resource": resource}
    if partition_key is not None:
        body["resourcePartitionKey"] = partition_key
    reply = http.request("POST", f"{secured['users']}/alice/permissions", body, headers=headers)
    assert reply.status == 201, reply
    return reply.json


# ---------------------------------------------------------------------------------------------- users
def test_user_crud_feed_query_and_upsert(http, database):
    users = f"/dbs/{database}/users"
    created = http.request("POST", users, {"id": "u1", "team": "x"})
    assert created.status == 201
    user = created.json
    assert user["_self"].endswith(f"/users/{user['_rid']}/") and user["_permissions"] == "permissions/"
    assert http.request("POST", users, {"id": "u1"}).status == 409
    assert http.request("GET", f"{users}/u1").json["team"] == "x"
    assert http.request("GET", f"{users}/u1", headers={"if-none-match": user["_etag"]}).status == 304
    assert http.request("POST", users, {"id": "u2"}, headers={"x-ms-documentdb-is-upsert": "true"}).status == 201
    assert http.request("POST", users, {"id": "u2", "v": 2}, headers={"x-ms-documentdb-is-upsert": "true"}).status == 200
    feed = http.request("GET", users)
    assert feed.json["_count"] == 2 and sorted(u["id"] for u in feed.json["Users"]) == ["u1", "u2"]
    found = http.query(users, "SELECT * FROM u WHERE u.id = @id", [{"name": "@id", "value": "u2"}])
    assert [u["v"] for u in found.json["Users"]] == [2]
    replaced = http.request("PUT", f"{users}/u1", {"id": "renamed"})
    assert replaced.status == 200 and replaced.json["_rid"] == user["_rid"]
    assert http.request("GET", f"{users}/u1").status == 404
    assert http.request("GET", "/" + user["_self"].rstrip("/"),
                        sign_as=("users", user["_rid"].lower())).json["id"] == "renamed"
    assert http.request("PUT", f"{users}/renamed", {"id": "u2"}).status == 409
    assert http.request("DELETE", f"{users}/renamed").status == 204
    assert http.request("DELETE", f"{users}/renamed").status == 404


def test_permission_crud_and_validation(http, secured):
    permissions = f"{secured['users']}/alice/permissions"
    created = grant(http, secured, "p", "read", secured["container"].lstrip("/"))
    # Kept as written (the service validates the mode without regard to case and stores the client's spelling).
    assert created["permissionMode"] == "read" and created["_token"].startswith("type=resource&ver=1&sig=")
    assert http.request("POST", permissions, {"id": "p", "permissionMode": "All",
                                              "resource": secured["container"]}).status == 409
    assert http.request("GET", f"{permissions}/p").json["_token"]
    feed = http.request("GET", permissions).json
    assert feed["_count"] == 1 and feed["Permissions"][0]["_token"]
    queried = http.query(permissions, "SELECT * FROM p WHERE p.permissionMode = 'read'").json["Permissions"]
    assert [p["id"] for p in queried] == ["p"] and queried[0]["_token"]
    for bad in ({"id": "x", "permissionMode": "Write", "resource": secured["container"]},
                {"id": "x", "permissionMode": "All"},
                {"id": "x", "permissionMode": "All", "resource": "dbs/db/nothing/x"}):
        assert http.request("POST", permissions, bad).status == 400, bad
    for seconds in ("5", "18001", "abc"):
        reply = http.request("GET", f"{permissions}/p", headers={"x-ms-resource-token-expiry-seconds": seconds})
        assert reply.status == 400, seconds
    replaced = http.request("PUT", f"{permissions}/p", {"id": "p", "permissionMode": "All",
                                                         "resource": secured["container"]})
    assert replaced.status == 200 and replaced.json["permissionMode"] == "All"
    assert http.request("GET", f"{secured['users']}/nobody/permissions").status == 404
    assert http.request("DELETE", f"{permissions}/p").status == 204
    assert http.request("GET", f"{permissions}/p").status == 404
    grant(http, secured, "again", "All", secured["container"])
    assert http.request("DELETE", f"{secured['users']}/alice").status == 204
    assert http.request("POST", secured["users"], {"id": "alice"}).status == 201
    assert http.request("GET", permissions).json["_count"] == 0


# ---------------------------------------------------------------------------------------------- tokens
def test_read_token_allows_reads_within_its_container_only(http, secured):
    token = as_token(grant(http, secured, "r", "Read", secured["container"].lstrip("/"))["_token"])
    container, other = secured["container"], secured["other"]
    assert http.request("GET", "/", auth=token).status == 200
    assert http.request("GET", container, auth=token).status == 200
    assert http.request("GET", f"{container}/pkranges", auth=token).status == 200
    assert http.request("GET", f"{container}/docs/a", partition_key=["p1"], auth=token).status == 200
    assert http.request("GET", f"{container}/docs", auth=token).json["_count"] == 2
    reply = http.query(f"{container}/docs", "SELECT * FROM c", auth=token,
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true"})
    assert reply.status == 200, reply
    denied = http.request("POST", f"{container}/docs", {"id": "x", "pk": "p1"}, partition_key=["p1"], auth=token)
    assert denied.status == 403 and "Insufficient permissions" in denied.json["message"]
    assert http.request("DELETE", f"{container}/docs/a", partition_key=["p1"], auth=token).status == 403
    assert http.request("GET", f"{other}/docs/a", partition_key=["p1"], auth=token).status == 403
    assert http.request("GET", secured["db"], auth=token).status == 403
    assert http.request("GET", f"{secured['db']}/colls", auth=token).status == 403
    assert http.request("GET", secured["users"], auth=token).status == 403


def test_all_token_with_partition_key_is_limited_to_that_logical_partition(http, secured):
    container = secured["container"]
    token = as_token(grant(http, secured, "w", "All", container.lstrip("/"), ["p1"])["_token"])
    assert http.request("POST", f"{container}/docs", {"id": "n", "pk": "p1"}, partition_key=["p1"],
                        auth=token).status == 201
    assert http.request("PUT", f"{container}/docs/n", {"id": "n", "pk": "p1", "v": 1}, partition_key=["p1"],
                        auth=token).status == 200
    assert http.request("POST", f"{container}/docs", {"id": "n", "pk": "p2"}, partition_key=["p2"],
                        auth=token).status == 403
    assert http.request("GET", f"{container}/docs/b", partition_key=["p2"], auth=token).status == 403
    assert http.query(f"{container}/docs", "SELECT * FROM c", auth=token, partition_key=["p1"]).status == 200
    assert http.query(f"{container}/docs", "SELECT * FROM c", auth=token).status == 403
    assert http.request("GET", container, auth=token).status == 200


def test_document_token_and_rid_based_resource_links(http, secured):
    container = secured["container"]
    item = http.request("GET", f"{container}/docs/a", partition_key=["p1"]).json
    token = as_token(grant(http, secured, "doc", "All", f"{container.lstrip('/')}/docs/a")["_token"])
    assert http.request("GET", f"{container}/docs/a", partition_key=["p1"], auth=token).status == 200
    assert http.request("GET", f"{container}/docs/b", partition_key=["p2"], auth=token).status == 403
    assert http.request("GET", f"{container}/docs", auth=token).status == 403
    assert http.request("GET", container, auth=token).status == 200
    collection_self = http.request("GET", container).json["_self"]
    by_rid = as_token(grant(http, secured, "rid", "Read", collection_self)["_token"])
    assert http.request("GET", f"{container}/docs/a", partition_key=["p1"], auth=by_rid).status == 200
    assert http.request("GET", f"{secured['other']}/docs/a", partition_key=["p1"], auth=by_rid).status == 403
    assert item["_rid"]


def test_bad_and_expired_tokens_answer_401(http, secured, server):
    container = secured["container"]
    token = grant(http, secured, "t", "Read", container.lstrip("/"),
                  headers={"x-ms-resource-token-expiry-seconds": "10"})["_token"]
    payload, mac = token.split("sig=", 1)[1].strip(";").split(";")
    tampered = token.replace(payload, payload[:-2] + ("AA" if not payload.endswith("AA") else "BB"))
    assert http.request("GET", container, auth=as_token(tampered)).status == 401
    assert http.request("GET", container, auth=as_token("type=resource&ver=1&sig=nonsense")).status == 401
    original = server.account.clock
    clock = ManualClock(time.time())
    server.account.clock = clock
    try:
        assert http.request("GET", container, auth=as_token(token)).status == 200
        clock.value += 11
        expired = http.request("GET", container, auth=as_token(token))
        assert expired.status == 401 and "expired" in expired.json["message"]
    finally:
        server.account.clock = original


def test_tokens_are_self_contained_after_the_permission_changes(http, secured):
    """Like the service's, a token stays valid until it expires (the permission is not looked up)."""
    container = secured["container"]
    token = as_token(grant(http, secured, "gone", "Read", container.lstrip("/"))["_token"])
    assert http.request("DELETE", f"{secured['users']}/alice/permissions/gone").status == 204
    assert http.request("GET", f"{container}/docs/a", partition_key=["p1"], auth=token).status == 200


def test_token_signature_is_bound_to_the_account_key(http, secured, tmp_path):
    from cosmos_emulator import EmulatorServer
    from cosmos_http import CosmosHttp
    token = grant(http, secured, "k", "Read", secured["container"].lstrip("/"))["_token"]
    other_key = "A" * 86 + "=="
    with EmulatorServer(port=0, key=other_key, partitions=4) as elsewhere:
        client = CosmosHttp(elsewhere.endpoint, other_key)
        assert client.request("GET", "/", auth=as_token(token)).status == 401
        client.close()
    assert json.loads(json.dumps(token))


def test_users_permissions_and_their_tokens_survive_a_restart(tmp_path):
    from cosmos_emulator import EmulatorServer
    from cosmos_http import CosmosHttp
    data_dir = str(tmp_path / "data")
    with EmulatorServer(port=0, data_dir=data_dir, partitions=4) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert client.create_database("db").status == 201
        assert client.create_container("db", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        assert client.request("POST", "/dbs/db/users", {"id": "bob"}).status == 201
        first = client.request("POST", "/dbs/db/users/bob/permissions",
                               {"id": "p1", "permissionMode": "Read", "resource": "dbs/db/colls/c"})
        assert first.status == 201
        token = first.json["_token"]
        client.close()
    with EmulatorServer(port=0, data_dir=data_dir, partitions=4) as server:
        client = CosmosHttp(server.endpoint, server.key)
        permission = client.request("GET", "/dbs/db/users/bob/permissions/p1").json
        assert permission["_rid"] == first.json["_rid"] and permission["permissionMode"] == "Read"
        assert client.request("GET", "/dbs/db/colls/c", auth=as_token(token)).status == 200
        second = client.request("POST", "/dbs/db/users/bob/permissions",
                                {"id": "p2", "permissionMode": "All", "resource": "dbs/db/colls/c"})
        assert second.status == 201 and second.json["_rid"] != first.json["_rid"]
        client.close()
