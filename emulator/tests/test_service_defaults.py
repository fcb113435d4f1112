"""Defaults and validation as the service returns them: the indexing policy's stored shape, id refusals worded as
the service words them, time-to-live rules for containers and items."""
from __future__ import annotations

import pytest

from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
DEFAULT_POLICY = {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
                  "excludedPaths": [{"path": "/\"_etag\"/?"}]}
TTL_SUFFIX = ("Ensure to provide a nonzero positive integer less than or equal to '2147483647', or '-1' which means "
              "never expire.")


def create(http, database, policy=None, **extra):
    name = unique("c")
    body = dict(extra)
    if policy is not None:
        body["indexingPolicy"] = policy
    reply = http.create_container(database, name, PK, extra=body)
    return name, reply


# ------------------------------------------------------------------------------------------ indexing policy
@pytest.mark.parametrize("policy", [
    None,
    {},
    {"indexingMode": "consistent", "automatic": True},
    {"includedPaths": [{"path": "/*"}]},
    {"includedPaths": [{"path": "/*", "indexes": [{"kind": "Hash", "dataType": "String"},
                                                  {"kind": "Range", "dataType": "Number"}]}]},
    {"indexingMode": "Consistent", "includedPaths": [{"path": "/*", "indexes": [
        {"kind": "Range", "dataType": "String", "precision": -1}]}], "excludedPaths": [{"path": "/\"_etag\"/?"}]},
])
def test_default_indexing_policy_shape(http, database, policy):
    name, reply = create(http, database, policy)
    assert reply.status == 201
    assert reply.json["indexingPolicy"] == DEFAULT_POLICY
    assert http.request("GET", f"/dbs/{database}/colls/{name}").json["indexingPolicy"] == DEFAULT_POLICY


def test_legacy_indexes_dropped_and_other_paths_kept(http, database):
    policy = {"automatic": True, "indexingMode": "consistent",
              "includedPaths": [{"path": "/", "indexes": [{"kind": "Hash", "dataType": "Number", "precision": 2}]}],
              "excludedPaths": [{"path": "/\"systemMetadata\"/*"}]}
    name, reply = create(http, database, policy)
    assert reply.status == 201
    stored = reply.json["indexingPolicy"]
    assert stored["includedPaths"] == [{"path": "/"}]
    assert stored["excludedPaths"] == [{"path": "/\"systemMetadata\"/*"}, {"path": "/\"_etag\"/?"}]


def test_composite_and_spatial_indexes_read_back_as_written(http, database):
    policy = {"spatialIndexes": [{"path": "/p0/*", "types": ["Point", "LineString", "Polygon", "MultiPolygon"]}],
              "compositeIndexes": [[{"path": "/a", "order": "ascending"}, {"path": "/b", "order": "descending"}]]}
    name, reply = create(http, database, policy)
    stored = http.request("GET", f"/dbs/{database}/colls/{name}").json["indexingPolicy"]
    assert stored["spatialIndexes"] == policy["spatialIndexes"]
    assert stored["compositeIndexes"] == policy["compositeIndexes"]


def test_replace_drops_legacy_indexes_too(http, database):
    name, reply = create(http, database)
    body = reply.json
    body["indexingPolicy"] = {"includedPaths": [{"path": "/a/?", "indexes": [{"kind": "Range", "dataType": "Number"}]}],
                              "excludedPaths": [{"path": "/*"}]}
    replaced = http.request("PUT", f"/dbs/{database}/colls/{name}", body)
    assert replaced.status == 200
    assert replaced.json["indexingPolicy"]["includedPaths"] == [{"path": "/a/?"}]


# ---------------------------------------------------------------------------------------------------- ids
LONG = "ID_with_more_than_255" + "_added" * 255


@pytest.mark.parametrize("route", ["dbs", "colls", "sprocs", "users"])
def test_resource_id_refusals_worded_as_the_service(http, database, route):
    path = {"dbs": "/dbs", "colls": f"/dbs/{database}/colls", "users": f"/dbs/{database}/users"}.get(route)
    body = {"id": LONG}
    if route == "sprocs":
        name, _ = create(http, database)
        path = f"/dbs/{database}/colls/{name}/sprocs"
        body["body"] = "function () {}"
    if route == "colls":
        body["partitionKey"] = PK
    reply = http.request("POST", path, body)
    assert reply.status == 400
    assert reply.json["message"].startswith(
        f"Message: {{\"Errors\":[\"The input name '{LONG}' is invalid. Ensure to provide a unique non-empty string "
        f"less than '255' characters.\"]}}")
    for bad in ("", "a/b", "a#b", "trailing "):
        assert http.request("POST", path, dict(body, id=bad)).status == 400
    key = {"dbs": "Databases", "colls": "DocumentCollections", "sprocs": "StoredProcedures", "users": "Users"}[route]
    listed = {resource["id"] for resource in http.request("GET", path).json[key]}
    assert not listed & {LONG, "", "a/b", "a#b", "trailing "}  # nothing written


def test_item_id_refusals_worded_as_the_service(http, container):
    for bad in (LONG, "x" * 1024, "a/b", "a?b", ""):
        reply = http.request("POST", f"{container}/docs", {"id": bad, "pk": "p"}, partition_key=["p"])
        assert reply.status == 400, bad
        assert (f"The input name '{bad}' is invalid. Ensure to provide a unique non-empty string less than '1024' "
                f"characters.") in reply.json["message"]
    assert http.request("POST", f"{container}/docs", {"id": "x" * 1023, "pk": "p"}, partition_key=["p"]).status == 201
    assert http.request("GET", f"{container}/docs").json["_count"] == 1


# -------------------------------------------------------------------------------------------- time to live
@pytest.mark.parametrize("value, shown", [(0, "0"), (-2, "-2"), ("10", "10"), (True, "true"), (1.5, "1.5"),
                                          (2_147_483_648, "2147483648")])
def test_container_default_ttl_refused(http, database, value, shown):
    name, reply = create(http, database, defaultTtl=value)
    assert reply.status == 400
    assert reply.json["message"].startswith(
        f"Message: {{\"Errors\":[\"The input defaultTtl '{shown}' is invalid. {TTL_SUFFIX}\"]}}")
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


@pytest.mark.parametrize("value", [-1, 1, 3600, 2_147_483_647])
def test_container_default_ttl_accepted(http, database, value):
    name, reply = create(http, database, defaultTtl=value)
    assert reply.status == 201 and reply.json["defaultTtl"] == value


def test_replacing_with_a_bad_default_ttl_changes_nothing(http, database):
    name, reply = create(http, database, defaultTtl=60)
    body = dict(reply.json, defaultTtl=0)
    refused = http.request("PUT", f"/dbs/{database}/colls/{name}", body)
    assert refused.status == 400 and "The input defaultTtl '0' is invalid." in refused.json["message"]
    assert http.request("GET", f"/dbs/{database}/colls/{name}").json["defaultTtl"] == 60


@pytest.mark.parametrize("with_default", [True, False])
def test_item_ttl_rules(http, database, with_default):
    name, _ = create(http, database, **({"defaultTtl": -1} if with_default else {}))
    docs = f"/dbs/{database}/colls/{name}/docs"
    for value, shown in ((0, "0"), (None, "null"), (-5, "-5"), ("x", "x"), (2_147_483_648, "2147483648")):
        reply = http.request("POST", docs, {"id": "i", "pk": "p", "ttl": value}, partition_key=["p"])
        assert reply.status == 400, value
        assert f"The input ttl '{shown}' is invalid. {TTL_SUFFIX}" in reply.json["message"]
    assert http.request("GET", docs).json["_count"] == 0
    for index, value in enumerate((-1, 1, 3600)):
        assert http.request("POST", docs, {"id": f"ok{index}", "pk": "p", "ttl": value},
                            partition_key=["p"]).status == 201
    item = http.request("GET", f"{docs}/ok0", partition_key=["p"]).json
    assert http.request("PUT", f"{docs}/ok0", dict(item, ttl=0), partition_key=["p"]).status == 400
    assert http.request("POST", docs, dict(item, ttl=-3), partition_key=["p"],
                        headers={"x-ms-documentdb-is-upsert": "true"}).status == 400
    patched = http.request("PATCH", f"{docs}/ok0", {"operations": [{"op": "set", "path": "/ttl", "value": 0}]},
                           partition_key=["p"])
    assert patched.status == 400
    assert http.request("GET", f"{docs}/ok0", partition_key=["p"]).json["ttl"] == -1


def test_item_ttl_refused_inside_a_batch_writes_nothing(http, container):
    operations = [{"operationType": "Create", "resourceBody": {"id": "a", "pk": "p"}},
                  {"operationType": "Create", "resourceBody": {"id": "b", "pk": "p", "ttl": 0}}]
    reply = http.request("POST", f"{container}/docs", operations, partition_key=["p"],
                         headers={"x-ms-cosmos-is-batch-request": "true", "x-ms-cosmos-batch-atomic": "true"})
    assert reply.status == 207
    assert [entry["statusCode"] for entry in reply.json] == [424, 400]
    assert http.request("GET", f"{container}/docs").json["_count"] == 0
