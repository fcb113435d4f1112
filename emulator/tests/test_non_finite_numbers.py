"""``NaN``, ``Infinity`` and ``-Infinity`` in a request body (what Python's ``json.dumps`` writes for float
nan/inf) are not JSON: every route that takes a body answers 400 and writes nothing, as the service does."""
from __future__ import annotations

import json

import pytest

from cosmos_http import unique

NON_FINITE = [float("nan"), float("inf"), float("-inf")]
IDS = ["NaN", "Infinity", "-Infinity"]
JSON_HEADERS = {"content-type": "application/json"}


def raw(value) -> bytes:
    """The body as Python's json.dumps writes it (allow_nan is its default)."""
    text = json.dumps(value)
    assert "NaN" in text or "Infinity" in text
    return text.encode()


def assert_invalid(reply):
    assert reply.status == 400, reply
    assert reply.json["code"] == "BadRequest"
    assert "The request payload is invalid" in reply.json["message"]


def item_count(http, container):
    reply = http.request("GET", f"{container}/docs", headers={"x-ms-max-item-count": "1000"})
    assert reply.status == 200
    return len(reply.json["Documents"])


@pytest.mark.parametrize("bad", NON_FINITE, ids=IDS)
def test_item_writes_refuse_non_finite_numbers(http, container, bad):
    assert http.request("POST", f"{container}/docs", {"id": "kept", "pk": "p", "v": 1}, partition_key=["p"]).status == 201
    etag = http.request("GET", f"{container}/docs/kept", partition_key=["p"]).json["_etag"]
    create = http.request("POST", f"{container}/docs", raw_body=raw({"id": "new", "pk": "p", "v": bad}),
                          partition_key=["p"], headers=JSON_HEADERS)
    assert_invalid(create)
    upsert = http.request("POST", f"{container}/docs", raw_body=raw({"id": "kept", "pk": "p", "v": {"deep": [bad]}}),
                          partition_key=["p"], headers={**JSON_HEADERS, "x-ms-documentdb-is-upsert": "true"})
    assert_invalid(upsert)
    replace = http.request("PUT", f"{container}/docs/kept", raw_body=raw({"id": "kept", "pk": "p", "v": bad}),
                           partition_key=["p"], headers=JSON_HEADERS)
    assert_invalid(replace)
    patch = http.request("PATCH", f"{container}/docs/kept",
                         raw_body=raw({"operations": [{"op": "set", "path": "/v", "value": bad}]}),
                         partition_key=["p"], headers=JSON_HEADERS)
    assert_invalid(patch)
    # Nothing was written: the new item does not exist, the kept one is unchanged.
    assert http.request("GET", f"{container}/docs/new", partition_key=["p"]).status == 404
    kept = http.request("GET", f"{container}/docs/kept", partition_key=["p"]).json
    assert (kept["v"], kept["_etag"]) == (1, etag)
    assert item_count(http, container) == 1


@pytest.mark.parametrize("atomic", ["True", "False"])
def test_batches_refuse_non_finite_numbers(http, container, atomic):
    operations = [{"operationType": "Create", "partitionKey": '["p"]', "resourceBody": {"id": "a", "pk": "p"}},
                  {"operationType": "Create", "partitionKey": '["p"]',
                   "resourceBody": {"id": "b", "pk": "p", "v": float("nan")}}]
    reply = http.request("POST", f"{container}/docs", raw_body=raw(operations), partition_key=["p"],
                         headers={**JSON_HEADERS, "x-ms-cosmos-is-batch-request": "True",
                                  "x-ms-cosmos-batch-atomic": atomic})
    assert_invalid(reply)
    assert item_count(http, container) == 0


def test_query_parameters_refuse_non_finite_numbers(http, container):
    body = raw({"query": "SELECT * FROM c WHERE c.v = @v", "parameters": [{"name": "@v", "value": float("inf")}]})
    reply = http.request("POST", f"{container}/docs", raw_body=body, partition_key=["p"],
                         headers={"x-ms-documentdb-isquery": "true", "content-type": "application/query+json"})
    assert_invalid(reply)


def test_stored_procedure_arguments_refuse_non_finite_numbers(http, container):
    sproc = {"id": "w", "body": "function (doc) { getContext().getCollection().createDocument("
                                "getContext().getCollection().getSelfLink(), doc, function () {}); }"}
    assert http.request("POST", f"{container}/sprocs", sproc).status == 201
    reply = http.request("POST", f"{container}/sprocs/w", raw_body=raw([{"id": "s", "pk": "p", "v": float("nan")}]),
                         partition_key=["p"], headers=JSON_HEADERS)
    assert_invalid(reply)
    assert item_count(http, container) == 0


def test_metadata_writes_refuse_non_finite_numbers(http, database, container):
    bad = float("nan")
    name = unique("c")
    assert_invalid(http.request("POST", "/dbs", raw_body=raw({"id": unique("db"), "x": bad}), headers=JSON_HEADERS))
    assert_invalid(http.request("POST", f"/dbs/{database}/colls",
                                raw_body=raw({"id": name, "partitionKey": {"paths": ["/pk"], "kind": "Hash"},
                                              "defaultTtl": float("inf")}), headers=JSON_HEADERS))
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404
    assert_invalid(http.request("POST", f"{container}/udfs",
                                raw_body=raw({"id": "u", "body": "function () { return 1; }", "x": bad}),
                                headers=JSON_HEADERS))
    assert http.request("GET", f"{container}/udfs/u").status == 404
    assert_invalid(http.request("POST", f"/dbs/{database}/users", raw_body=raw({"id": "u", "x": bad}),
                                headers=JSON_HEADERS))
    assert http.request("GET", f"/dbs/{database}/users/u").status == 404
    assert http.request("POST", f"/dbs/{database}/users", {"id": "u"}).status == 201
    assert_invalid(http.request("POST", f"/dbs/{database}/users/u/permissions",
                                raw_body=raw({"id": "p", "permissionMode": "Read", "resource": container.strip("/"),
                                              "x": bad}), headers=JSON_HEADERS))
    assert http.request("GET", f"/dbs/{database}/users/u/permissions/p").status == 404


def test_offer_replace_refuses_non_finite_numbers(http, database):
    name = unique("c")
    created = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash"},
                                    headers={"x-ms-offer-throughput": "400"})
    assert created.status == 201
    offer = next(o for o in http.request("GET", "/offers").json["Offers"] if o["offerResourceId"] == created.json["_rid"])
    changed = dict(offer, content=dict(offer["content"], offerThroughput=float("inf")))
    reply = http.request("PUT", f"/offers/{offer['_rid']}", raw_body=raw(changed), headers=JSON_HEADERS,
                         sign_as=("offers", offer["_rid"].lower()))
    assert_invalid(reply)
    again = http.request("GET", f"/offers/{offer['_rid']}", sign_as=("offers", offer["_rid"].lower())).json
    assert again["content"]["offerThroughput"] == 400 and again["_etag"] == offer["_etag"]


def test_numbers_overflowing_a_double_are_refused_too(http, container):
    reply = http.request("POST", f"{container}/docs", raw_body=b'{"id": "big", "pk": "p", "v": 1e400}',
                         partition_key=["p"], headers=JSON_HEADERS)
    assert_invalid(reply)
    assert http.request("GET", f"{container}/docs/big", partition_key=["p"]).status == 404
    # Large but finite numbers stay accepted.
    fine = http.request("POST", f"{container}/docs", raw_body=b'{"id": "ok", "pk": "p", "v": -1e300}',
                        partition_key=["p"], headers=JSON_HEADERS)
    assert fine.status == 201, fine
    assert fine.json["v"] == -1e300
