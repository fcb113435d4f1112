"""Upsert with ``If-Match``: replace semantics when the item exists (the etag must match, ``*`` matches any, else
412 and nothing written), create semantics when it does not (``If-Match`` does not apply: 201), as the service
documents for UpsertItem ("will ignore IfMatchEtag when materialized as Create"). The same on every path that
upserts: the REST route, batch and bulk operations, and stored procedures."""
from __future__ import annotations

import importlib.util
import json

import pytest

STALE = '"00000000-0000-0000-0000-000000000000"'
UPSERT = {"x-ms-documentdb-is-upsert": "true"}
HAS_RUNTIME = importlib.util.find_spec("py_mini_racer") is not None


def upsert(http, container, body, if_match=None):
    headers = dict(UPSERT)
    if if_match is not None:
        headers["if-match"] = if_match
    return http.request("POST", f"{container}/docs", body, partition_key=[body["pk"]], headers=headers)


def read(http, container, item_id, pk="p"):
    return http.request("GET", f"{container}/docs/{item_id}", partition_key=[pk])


def test_upsert_of_an_existing_item_needs_its_current_etag(http, container):
    created = upsert(http, container, {"id": "a", "pk": "p", "v": 1})
    assert created.status == 201
    etag = created.json["_etag"]
    stale = upsert(http, container, {"id": "a", "pk": "p", "v": 2}, if_match=STALE)
    assert stale.status == 412 and stale.json["code"] == "PreconditionFailed"
    assert read(http, container, "a").json["_etag"] == etag
    current = upsert(http, container, {"id": "a", "pk": "p", "v": 3}, if_match=etag)
    assert current.status == 200 and current.json["v"] == 3 and current.json["_rid"] == created.json["_rid"]
    # The etag of the first version is stale now.
    assert upsert(http, container, {"id": "a", "pk": "p", "v": 4}, if_match=etag).status == 412
    star = upsert(http, container, {"id": "a", "pk": "p", "v": 5}, if_match="*")
    assert star.status == 200 and read(http, container, "a").json["v"] == 5


@pytest.mark.parametrize("if_match", [STALE, "*"])
def test_upsert_of_a_missing_item_creates_it_whatever_if_match_says(http, container, if_match):
    reply = upsert(http, container, {"id": "new", "pk": "p", "v": 1}, if_match=if_match)
    assert reply.status == 201, reply
    assert read(http, container, "new").json["v"] == 1


def test_upsert_of_an_expired_item_is_a_create(http, database, server):
    name = "ttl"
    assert http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                 extra={"defaultTtl": 5}).status == 201
    path = f"/dbs/{database}/colls/{name}"
    created = upsert(http, path, {"id": "a", "pk": "p", "v": 1})
    clock = server.account.clock
    server.account.clock = lambda: clock() + 10
    try:
        again = upsert(http, path, {"id": "a", "pk": "p", "v": 2}, if_match=created.json["_etag"])
        assert again.status == 201 and again.json["_rid"] != created.json["_rid"]
    finally:
        server.account.clock = clock


def test_create_ignores_if_match(http, container):
    reply = http.request("POST", f"{container}/docs", {"id": "c", "pk": "p"}, partition_key=["p"],
                         headers={"if-match": STALE})
    assert reply.status == 201


def batch(http, container, operations, atomic=True):
    headers = {"x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-atomic": str(atomic),
               "content-type": "application/json"}
    return http.request("POST", f"{container}/docs", raw_body=json.dumps(operations).encode(), headers=headers,
                        partition_key=["p"])


def test_batch_upsert_with_if_match(http, container):
    etag = upsert(http, container, {"id": "a", "pk": "p", "v": 1}).json["_etag"]
    refused = batch(http, container, [
        {"operationType": "Upsert", "ifMatch": STALE, "resourceBody": {"id": "a", "pk": "p", "v": 2}},
        {"operationType": "Upsert", "ifMatch": STALE, "resourceBody": {"id": "b", "pk": "p", "v": 2}}])
    assert refused.status == 207 and [r["statusCode"] for r in refused.json] == [412, 424]
    assert read(http, container, "b").status == 404 and read(http, container, "a").json["v"] == 1
    accepted = batch(http, container, [
        {"operationType": "Upsert", "ifMatch": etag, "resourceBody": {"id": "a", "pk": "p", "v": 3}},
        {"operationType": "Upsert", "ifMatch": STALE, "resourceBody": {"id": "b", "pk": "p", "v": 3}}])
    assert accepted.status == 200 and [r["statusCode"] for r in accepted.json] == [200, 201]
    bulk = batch(http, container, [
        {"operationType": "Upsert", "partitionKey": '["p"]', "ifMatch": STALE,
         "resourceBody": {"id": "c", "pk": "p"}},
        {"operationType": "Upsert", "partitionKey": '["p"]', "ifMatch": STALE,
         "resourceBody": {"id": "a", "pk": "p", "v": 4}}], atomic=False)
    assert [r["statusCode"] for r in bulk.json] == [201, 412]
    assert read(http, container, "a").json["v"] == 3


@pytest.mark.skipif(not HAS_RUNTIME, reason="the JavaScript runtime (py_mini_racer) is not installed")
def test_stored_procedure_upsert_with_an_etag(http, container):
    etag = upsert(http, container, {"id": "a", "pk": "p", "v": 1}).json["_etag"]
    body = """function (doc, etag) {
        var collection = getContext().getCollection();
        collection.upsertDocument(collection.getSelfLink(), doc, {etag: etag}, function (err, written) {
            getContext().getResponse().setBody(err ? err.number : written.v);
        });
    }"""
    assert http.request("POST", f"{container}/sprocs", {"id": "up", "body": body}).status == 201

    def run(doc, with_etag):
        reply = http.request("POST", f"{container}/sprocs/up", [doc, with_etag], partition_key=["p"])
        assert reply.status == 200, reply
        return reply.json
    assert run({"id": "a", "pk": "p", "v": 2}, STALE) == 412
    assert run({"id": "a", "pk": "p", "v": 3}, etag) == 3
    assert run({"id": "fresh", "pk": "p", "v": 4}, STALE) == 4
    assert read(http, container, "fresh").json["v"] == 4
