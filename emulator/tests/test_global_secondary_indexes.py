"""Global secondary index containers: the definition accepted under either name, stored and answered as the
service's materializedViewDefinition (source rid, status), and the service's documented checks (source by
rid, projection-only query, autoscale, at most 5 per source, immutable, source not deletable first)."""
from __future__ import annotations

import json

import pytest

from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
AUTOSCALE = {"x-ms-cosmos-offer-autopilot-settings": json.dumps({"maxThroughput": 1000})}


@pytest.fixture()
def source(http, database):
    name = unique("src")
    reply = http.create_container(database, name, PK)
    assert reply.status == 201, reply
    return reply.json


def create_index(http, database, definition, *, name=None, headers=AUTOSCALE, keys=("materializedViewDefinition",
                                                                                   "globalSecondaryIndexDefinition")):
    name = name or unique("gsi")
    extra = {key: definition for key in keys}
    return name, http.create_container(database, name, {"paths": ["/customerId"], "kind": "Hash", "version": 2},
                                       extra=extra, headers=headers)


def definition_of(source, query="SELECT c.customerId, c.name FROM c"):
    return {"sourceCollectionId": source["id"], "sourceCollectionRid": source["_rid"], "definition": query}


def errors_text(reply):
    return json.loads(reply.json["message"].split("\r\n")[0][len("Message: "):])["Errors"][0]


@pytest.mark.parametrize("keys", [("materializedViewDefinition", "globalSecondaryIndexDefinition"),
                                  ("materializedViewDefinition",), ("globalSecondaryIndexDefinition",)])
def test_created_index_is_answered_under_the_service_name_with_its_status(http, database, source, keys):
    name, reply = create_index(http, database, definition_of(source), keys=keys)
    assert reply.status == 201, reply
    expected = dict(definition_of(source), status="Initializing")
    for body in (reply.json, http.request("GET", f"/dbs/{database}/colls/{name}").json):
        assert body["materializedViewDefinition"] == expected
        assert "globalSecondaryIndexDefinition" not in body


def test_source_is_completed_from_its_rid(http, database, source):
    sent = definition_of(source)
    del sent["sourceCollectionId"]
    _, reply = create_index(http, database, sent)
    assert reply.status == 201, reply
    assert reply.json["materializedViewDefinition"]["sourceCollectionId"] == source["id"]


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.pop("sourceCollectionRid"), "must name its source by sourceCollectionRid"),
    (lambda d: d.update(sourceCollectionRid="AAAAAAAAAAA="), "does not exist"),
    (lambda d: d.update(sourceCollectionId="other"), "does not match"),
    (lambda d: d.pop("definition"), "query is required"),
    (lambda d: d.update(definition="  "), "query is required"),
])
def test_bad_source_or_missing_query_is_400(http, database, source, change, expected):
    sent = definition_of(source)
    change(sent)
    name, reply = create_index(http, database, sent)
    assert reply.status == 400 and expected in errors_text(reply), reply
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


def test_the_two_names_must_carry_the_same_definition(http, database, source):
    name = unique("gsi")
    reply = http.create_container(database, name, PK, headers=AUTOSCALE, extra={
        "materializedViewDefinition": definition_of(source),
        "globalSecondaryIndexDefinition": definition_of(source, "SELECT * FROM c")})
    assert reply.status == 400, reply


@pytest.mark.parametrize("query", ["SELECT * FROM c", "select c.a FROM c", "SELECT c.a,c.b FROM c",
                                   "SELECT root.customerId FROM root"])
def test_projection_queries_are_accepted(http, database, source, query):
    _, reply = create_index(http, database, definition_of(source, query))
    assert reply.status == 201, reply
    assert reply.json["materializedViewDefinition"]["definition"] == query


@pytest.mark.parametrize("query", [
    "SELECT c.a AS b FROM c", "SELECT c.a FROM c WHERE c.a = 1", "SELECT c.a FROM c JOIN t IN c.tags",
    "SELECT DISTINCT c.a FROM c", "SELECT c.a FROM c GROUP BY c.a", "SELECT c.a FROM c ORDER BY c.a",
    "SELECT TOP 5 c.a FROM c", "SELECT c.a FROM c OFFSET 0 LIMIT 5", "SELECT VALUE c.a FROM c",
    "SELECT LOWER(c.a) FROM c", "SELECT udf.f(c.a) FROM c", "SELECT c.a.b FROM c", "SELECT x.a FROM c",
    "SELECT c.a FROM c WHERE EXISTS(SELECT VALUE t FROM t IN c.tags)", "DELETE FROM c",
])
def test_queries_beyond_a_projection_are_400(http, database, source, query):
    _, reply = create_index(http, database, definition_of(source, query))
    assert reply.status == 400, reply
    assert "is invalid" in errors_text(reply) or "unknown alias" in errors_text(reply)


@pytest.mark.parametrize("headers", [{"x-ms-offer-throughput": "400"}, {}])
def test_an_index_needs_autoscale_throughput(http, database, source, headers):
    _, reply = create_index(http, database, definition_of(source), headers=headers)
    assert reply.status == 400 and "autoscale" in errors_text(reply), reply


def test_an_index_in_an_autoscale_database_shares_its_throughput(http, source):
    shared = unique("db")
    assert http.create_database(shared, headers=AUTOSCALE).status == 201
    try:
        src = http.create_container(shared, "src", PK).json
        _, reply = create_index(http, shared, definition_of(src), headers={})
        assert reply.status == 201, reply
    finally:
        http.request("DELETE", f"/dbs/{shared}")


def test_at_most_five_indexes_per_source(http, database, source):
    for _ in range(5):
        assert create_index(http, database, definition_of(source))[1].status == 201
    _, reply = create_index(http, database, definition_of(source))
    assert reply.status == 400 and "at most 5" in errors_text(reply), reply


def test_an_index_cannot_be_a_source(http, database, source):
    _, reply = create_index(http, database, definition_of(source))
    _, reply = create_index(http, database, definition_of(reply.json))
    assert reply.status == 400, reply


def test_replace_keeps_the_definition_and_refuses_to_change_it(http, database, source):
    name, created = create_index(http, database, definition_of(source))
    stored = created.json["materializedViewDefinition"]
    path = f"/dbs/{database}/colls/{name}"
    pk = created.json["partitionKey"]
    kept = http.request("PUT", path, {"id": name, "partitionKey": pk, "defaultTtl": 60})
    assert kept.status == 200 and kept.json["materializedViewDefinition"] == stored, kept
    same = http.request("PUT", path, {"id": name, "partitionKey": pk, "materializedViewDefinition": definition_of(source),
                                      "globalSecondaryIndexDefinition": definition_of(source)})
    assert same.status == 200 and same.json["materializedViewDefinition"] == stored, same
    changed = http.request("PUT", path, {"id": name, "partitionKey": pk,
                                         "materializedViewDefinition": definition_of(source, "SELECT * FROM c")})
    assert changed.status == 400 and "cannot be changed" in errors_text(changed), changed
    assert http.request("GET", path).json["materializedViewDefinition"] == stored


def test_an_existing_container_cannot_become_an_index(http, database, source):
    other = http.create_container(database, unique("c"), PK).json
    reply = http.request("PUT", f"/dbs/{database}/colls/{other['id']}",
                         {"id": other["id"], "partitionKey": PK, "materializedViewDefinition": definition_of(source)})
    assert reply.status == 400 and "cannot become" in errors_text(reply), reply


def test_a_source_is_deleted_after_its_indexes(http, database, source):
    name, _ = create_index(http, database, definition_of(source))
    source_path = f"/dbs/{database}/colls/{source['id']}"
    refused = http.request("DELETE", source_path)
    assert refused.status == 400 and name in errors_text(refused), refused
    assert http.request("GET", source_path).status == 200
    assert http.request("DELETE", f"/dbs/{database}/colls/{name}").status == 204
    assert http.request("DELETE", source_path).status == 204


def test_plain_containers_carry_no_index_definition(http, database, source):
    assert "materializedViewDefinition" not in source
    replaced = http.request("PUT", f"/dbs/{database}/colls/{source['id']}", {"id": source["id"], "partitionKey": PK})
    assert replaced.status == 200 and "materializedViewDefinition" not in replaced.json
