"""Stored procedures, triggers and UDFs over the wire: resource routes, execution against storage,
transactions, triggers around item writes, UDFs in queries."""
from __future__ import annotations

import importlib.util
import json

import pytest

from cosmos_emulator import EmulatorServer

from cosmos_http import CosmosHttp

HAS_RUNTIME = importlib.util.find_spec("cosmos_emulator.scripts") is not None
needs_runtime = pytest.mark.skipif(not HAS_RUNTIME, reason="the JavaScript runtime (cosmos_emulator.scripts) "
                                                           "is not installed: scripts cannot execute")

WRITE_THEN_MAYBE_FAIL = """function (id, fail) {
    var c = getContext().getCollection();
    c.createDocument(c.getSelfLink(), {id: id, pk: 'p'}, function (err, created) {
        if (err) throw err;
        console.log('wrote ' + id);
        c.createDocument(c.getSelfLink(), {id: id + '-2', pk: 'p'}, function (err2) {
            if (err2) throw err2;
            if (fail) throw new Error('refused');
            getContext().getResponse().setBody({written: [id, id + '-2']});
        });
    });
}"""


def execute(http, container, sproc, params, pk, **headers):
    return http.request("POST", f"{container}/sprocs/{sproc}", raw_body=json.dumps(params).encode(),
                        partition_key=pk, headers=dict({"content-type": "application/json"}, **headers))


def create_script(http, container, kind, body):
    reply = http.request("POST", f"{container}/{kind}", body)
    assert reply.status == 201, reply
    return reply.json


def read_item(http, container, item_id, pk="p"):
    return http.request("GET", f"{container}/docs/{item_id}", partition_key=[pk])


# ---------------------------------------------------------------------------------------------- routes
def test_script_resource_crud_feed_and_query(http, container):
    sproc = create_script(http, container, "sprocs", {"id": "s1", "body": "function () {}"})
    assert sproc["_self"] == f"{http.request('GET', container).json['_self']}sprocs/{sproc['_rid']}/"
    assert http.request("POST", f"{container}/sprocs", {"id": "s1", "body": "function () {}"}).status == 409
    assert http.request("POST", f"{container}/sprocs", {"id": "nobody"}).status == 400
    trigger = create_script(http, container, "triggers", {"id": "t1", "body": "function () {}",
                                                          "triggerType": "pre", "triggerOperation": "create"})
    assert (trigger["triggerType"], trigger["triggerOperation"]) == ("pre", "create")  # kept as written
    assert http.request("POST", f"{container}/triggers", {"id": "t2", "body": "function () {}",
                                                          "triggerType": "Sideways", "triggerOperation": "All"}).status == 400
    create_script(http, container, "udfs", {"id": "u1", "body": "function (x) { return x; }"})
    for kind, key, expected in (("sprocs", "StoredProcedures", ["s1"]), ("triggers", "Triggers", ["t1"]),
                                ("udfs", "UserDefinedFunctions", ["u1"])):
        feed = http.request("GET", f"{container}/{kind}").json
        assert [resource["id"] for resource in feed[key]] == expected and feed["_count"] == 1
        queried = http.query(f"{container}/{kind}", "SELECT * FROM r WHERE r.id = @id",
                             [{"name": "@id", "value": expected[0]}]).json[key]
        assert [resource["id"] for resource in queried] == expected
    replaced = http.request("PUT", f"{container}/sprocs/s1", {"id": "s1", "body": "function () { return 1; }"})
    assert replaced.status == 200 and replaced.json["_rid"] == sproc["_rid"] and replaced.json["_etag"] != sproc["_etag"]
    assert http.request("PUT", f"{container}/sprocs/s1", {"id": "s1", "body": "function () {}"},
                        headers={"if-match": sproc["_etag"]}).status == 412
    assert http.request("GET", f"{container}/sprocs/s1", headers={"if-none-match": replaced.json["_etag"]}).status == 304
    renamed = http.request("PUT", f"{container}/sprocs/s1", {"id": "s9", "body": "function () {}"})
    assert renamed.status == 200 and http.request("GET", f"{container}/sprocs/s1").status == 404
    upserted = http.request("POST", f"{container}/udfs", {"id": "u1", "body": "function (x) { return 2 * x; }"},
                            headers={"x-ms-documentdb-is-upsert": "true"})
    assert upserted.status == 200
    assert http.request("DELETE", f"{container}/sprocs/s9").status == 204
    assert http.request("DELETE", f"{container}/sprocs/s9").status == 404
    usage = http.request("GET", container).headers["x-ms-resource-usage"]
    assert "storedProcedures=0" in usage and "triggers=1" in usage and "functions=1" in usage


@needs_runtime
def test_trigger_and_udf_bodies_are_compiled_on_write(http, container):
    for kind, extra in (("triggers", {"triggerType": "Pre", "triggerOperation": "All"}), ("udfs", {})):
        reply = http.request("POST", f"{container}/{kind}", {"id": "broken", "body": "function ( {", **extra})
        assert reply.status == 400 and "compiling" in reply.json["message"].lower()
        assert http.request("GET", f"{container}/{kind}/broken").status == 404


BROKEN_SPROC = "function ( {"
COMPILE_FAILURE = "Encountered exception while compiling Javascript. Exception = SyntaxError: "


def _errors(reply):
    """The reasons of a gateway error body: ``Message: {"Errors":[...]}`` followed by activity lines."""
    message = reply.json["message"]
    assert message.startswith("Message: "), message
    return json.loads(message[len("Message: "):].split("\r\n")[0])["Errors"]


@needs_runtime
def test_stored_procedure_body_is_stored_as_given_and_compiled_when_it_runs(http, container):
    created = http.request("POST", f"{container}/sprocs", {"id": "broken", "body": BROKEN_SPROC})
    assert created.status == 201, created
    assert created.json["body"] == BROKEN_SPROC
    assert http.request("GET", f"{container}/sprocs/broken").json["body"] == BROKEN_SPROC
    ran = http.request("POST", f"{container}/sprocs/broken", [], partition_key=["p"])
    assert ran.status == 400, ran
    assert ran.json["code"] == "BadRequest"
    errors = _errors(ran)
    assert len(errors) == 1 and errors[0].startswith(COMPILE_FAILURE), errors
    # Replace and upsert store a broken body too; fixing it makes the procedure run.
    assert http.request("PUT", f"{container}/sprocs/broken", {"id": "broken", "body": "function ( ) {"}).status == 200
    assert http.request("POST", f"{container}/sprocs", {"id": "up", "body": BROKEN_SPROC},
                        headers={"x-ms-documentdb-is-upsert": "true"}).status == 201
    fixed = http.request("PUT", f"{container}/sprocs/broken",
                         {"id": "broken", "body": "function () { getContext().getResponse().setBody(7); }"})
    assert fixed.status == 200
    assert http.request("POST", f"{container}/sprocs/broken", [], partition_key=["p"]).json == 7


def test_scripts_survive_a_restart(tmp_path):
    data_dir = str(tmp_path / "data")
    with EmulatorServer(port=0, data_dir=data_dir, partitions=4) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert client.create_database("db").status == 201
        assert client.create_container("db", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        create_script(client, "/dbs/db/colls/c", "sprocs", {"id": "keep", "body": "function () {}"})
        client.close()
    with EmulatorServer(port=0, data_dir=data_dir, partitions=4) as server:
        client = CosmosHttp(server.endpoint, server.key)
        assert client.request("GET", "/dbs/db/colls/c/sprocs/keep").json["body"] == "function () {}"
        client.close()


# ---------------------------------------------------------------------------------------- execution
@needs_runtime
def test_stored_procedure_commits_its_writes_at_one_lsn(http, container):
    create_script(http, container, "sprocs", {"id": "w", "body": WRITE_THEN_MAYBE_FAIL})
    assert http.request("POST", f"{container}/docs", {"id": "seed", "pk": "p"}, partition_key=["p"]).status == 201
    before = int(read_item(http, container, "seed").headers["lsn"])
    reply = execute(http, container, "w", ["a", False], ["p"], **{"x-ms-documentdb-script-enable-logging": "true"})
    assert reply.status == 200, reply
    assert reply.json == {"written": ["a", "a-2"]}
    assert reply.headers["x-ms-documentdb-script-log-results"] == "wrote%20a"
    assert int(reply.headers["lsn"]) == before + 1
    assert read_item(http, container, "a").json["_etag"] and read_item(http, container, "a-2").status == 200
    quiet = execute(http, container, "w", ["b", False], ["p"])
    assert "x-ms-documentdb-script-log-results" not in quiet.headers


@needs_runtime
def test_a_throwing_stored_procedure_leaves_no_writes(http, container):
    create_script(http, container, "sprocs", {"id": "w", "body": WRITE_THEN_MAYBE_FAIL})
    reply = execute(http, container, "w", ["x", True], ["p"])
    assert reply.status == 400 and "refused" in reply.json["message"]
    assert read_item(http, container, "x").status == 404 and read_item(http, container, "x-2").status == 404
    conflict = execute(http, container, "w", ["dup", False], ["p"])
    assert conflict.status == 200
    again = execute(http, container, "w", ["dup", False], ["p"])
    assert again.status == 400 and again.headers.get("x-ms-substatus") == "409"


@needs_runtime
def test_stored_procedure_needs_and_keeps_to_its_partition_key(http, container):
    create_script(http, container, "sprocs", {"id": "w", "body": WRITE_THEN_MAYBE_FAIL})
    assert execute(http, container, "w", ["x", False], None).status == 400
    reply = execute(http, container, "w", ["x", False], ["other"])
    assert reply.status == 400
    assert read_item(http, container, "x", "other").status == 404
    assert execute(http, container, "missing", [], ["p"]).status == 404


@needs_runtime
def test_stored_procedure_reads_and_queries_its_partition(http, container):
    for item_id, pk in (("a", "p"), ("b", "p"), ("c", "q")):
        assert http.request("POST", f"{container}/docs", {"id": item_id, "pk": pk, "n": 1}, partition_key=[pk]).status == 201
    create_script(http, container, "udfs", {"id": "twice", "body": "function (x) { return 2 * x; }"})
    create_script(http, container, "sprocs", {"id": "q", "body": """function () {
        var c = getContext().getCollection();
        c.queryDocuments(c.getSelfLink(), 'SELECT VALUE udf.twice(r.n) FROM r', {}, function (err, rows) {
            if (err) throw err;
            c.readDocument(c.getAltLink() + '/docs/a', {}, function (err2, doc) {
                if (err2) throw err2;
                getContext().getResponse().setBody({rows: rows, read: doc.id});
            });
        });
    }"""})
    reply = execute(http, container, "q", [], ["p"])
    assert reply.status == 200, reply
    assert reply.json == {"rows": [2, 2], "read": "a"}


@needs_runtime
def test_stored_procedure_arguments_that_are_not_json_answer_400(http, container):
    create_script(http, container, "sprocs", {"id": "w", "body": WRITE_THEN_MAYBE_FAIL})
    for raw in (b"[x:4]", b"['a', false]", b"[1,"):
        reply = http.request("POST", f"{container}/sprocs/w", raw_body=raw, partition_key=["p"],
                             headers={"content-type": "application/json"})
        assert (reply.status, reply.json["code"]) == (400, "BadRequest"), (raw, reply)
        assert reply.json["message"].startswith("The request payload is invalid.")
        assert "ActivityId:" in reply.json["message"]
    assert read_item(http, container, "a").status == 404


@needs_runtime
def test_scripts_see_the_services_request_headers_but_not_the_credentials(http, container):
    reader = ("var r = getContext().getRequest(); var seen = {}; "
              "['authorization', 'user-agent', 'host', 'x-ms-date', 'x-ms-documentdb-partitionkey', "
              "'x-ms-custom-tag', 'if-match'].forEach(function (name) { seen[name] = typeof r.getValue(name); });")
    create_script(http, container, "sprocs", {"id": "headers", "body": "function () { " + reader +
                                               " getContext().getResponse().setBody(seen); }"})
    create_script(http, container, "triggers", {"id": "headers", "triggerType": "Pre", "triggerOperation": "All",
                                                "body": "function () { " + reader + " var d = r.getBody(); "
                                                        "d.seen = seen; r.setBody(d); }"})
    sent = {"x-ms-custom-tag": "t", "user-agent": "tests", "if-match": "*"}
    expected = {"authorization": "undefined", "user-agent": "undefined", "host": "undefined", "x-ms-date": "string",
                "x-ms-documentdb-partitionkey": "string", "x-ms-custom-tag": "string", "if-match": "string"}
    reply = execute(http, container, "headers", [], ["p"], **sent)
    assert reply.status == 200 and reply.json == expected, reply
    assert http.request("POST", f"{container}/docs", {"id": "h", "pk": "p"}, partition_key=["p"]).status == 201
    replaced = http.request("PUT", f"{container}/docs/h", {"id": "h", "pk": "p"}, partition_key=["p"],
                            headers=dict(sent, **{"x-ms-documentdb-pre-trigger-include": "headers"}))
    assert replaced.status == 200 and replaced.json["seen"] == expected, replaced


# ------------------------------------------------------------------------------------------ triggers
@needs_runtime
def test_pre_trigger_rewrites_the_document_and_post_trigger_can_veto(http, container):
    create_script(http, container, "triggers", {"id": "stamp", "triggerType": "Pre", "triggerOperation": "All",
                                                "body": "function () { var r = getContext().getRequest(); "
                                                        "var d = r.getBody(); d.stamped = true; r.setBody(d); }"})
    create_script(http, container, "triggers", {"id": "veto", "triggerType": "Post", "triggerOperation": "All",
                                                "body": "function () { throw new Error('vetoed'); }"})
    create_script(http, container, "triggers", {"id": "audit", "triggerType": "Post", "triggerOperation": "Create",
                                                "body": "function () { var c = getContext().getCollection(); "
                                                        "var doc = getContext().getResponse().getBody(); "
                                                        "c.createDocument(c.getSelfLink(), {id: 'audit-' + doc.id, "
                                                        "pk: doc.pk}, function (e) { if (e) throw e; }); }"})
    created = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-pre-trigger-include": "stamp",
                                    "x-ms-documentdb-post-trigger-include": "audit"})
    assert created.status == 201 and created.json["stamped"] is True
    assert read_item(http, container, "audit-a").status == 200
    vetoed = http.request("POST", f"{container}/docs", {"id": "b", "pk": "p"}, partition_key=["p"],
                          headers={"x-ms-documentdb-post-trigger-include": "veto"})
    assert vetoed.status == 400 and "vetoed" in vetoed.json["message"]
    assert read_item(http, container, "b").status == 404
    deleted = http.request("DELETE", f"{container}/docs/a", partition_key=["p"],
                           headers={"x-ms-documentdb-post-trigger-include": "veto"})
    assert deleted.status == 400 and read_item(http, container, "a").status == 200
    replaced = http.request("PUT", f"{container}/docs/a", {"id": "a", "pk": "p"}, partition_key=["p"],
                            headers={"x-ms-documentdb-pre-trigger-include": "stamp"})
    assert replaced.status == 200 and replaced.json["stamped"] is True


@needs_runtime
def test_pre_trigger_setting_a_body_that_is_not_a_document_fails_the_write(http, container):
    for index, value in enumerate(("'text'", "[1, 2]", "42", "null")):
        trigger_id = f"bad{index}"
        body = f"function () {{ getContext().getRequest().setBody({value}); }}"
        create_script(http, container, "triggers", {"id": trigger_id, "triggerType": "Pre", "triggerOperation": "All",
                                                    "body": body})
        reply = http.request("POST", f"{container}/docs", {"id": trigger_id, "pk": "p"}, partition_key=["p"],
                             headers={"x-ms-documentdb-pre-trigger-include": trigger_id})
        assert (reply.status, reply.json["code"]) == (400, "BadRequest"), (value, reply)
        assert reply.json["message"].startswith("The request payload is invalid.")
        assert read_item(http, container, trigger_id).status == 404


@needs_runtime
def test_post_trigger_replaces_the_answer_not_the_stored_item(http, container):
    create_script(http, container, "triggers", {"id": "quota", "triggerType": "Post", "triggerOperation": "All",
                                                "body": "function () { var r = getContext().getResponse(); "
                                                        "var d = r.getBody(); d.quota = r.getMaxResourceQuota(); "
                                                        "d.usage = r.getResourceQuotaCurrentUsage(); r.setBody(d); }"})
    create_script(http, container, "triggers", {"id": "summary", "triggerType": "Post", "triggerOperation": "All",
                                                "body": "function () { var r = getContext().getResponse(); "
                                                        "r.setBody({summary: r.getBody().id, "
                                                        "hadQuota: typeof r.getBody().quota}); }"})
    create_script(http, container, "triggers", {"id": "quiet", "triggerType": "Post", "triggerOperation": "All",
                                                "body": "function () { getContext().getResponse().getBody(); }"})
    assert http.request("POST", f"{container}/docs", {"id": "old", "pk": "p"}, partition_key=["p"]).status == 201
    created = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p", "big": 9007199254740993},
                           partition_key=["p"], headers={"x-ms-documentdb-post-trigger-include": "quota"})
    assert created.status == 201, created
    assert created.json["quota"].startswith("functions=") and "collectionSize=" in created.json["quota"]
    # The usage counts the item just written (the transaction has not committed yet).
    assert "documentsCount=2;" in created.json["usage"] and "triggers=3;" in created.json["usage"]
    stored = read_item(http, container, "a")
    assert "quota" not in stored.json and stored.json["big"] == 9007199254740993
    assert stored.json["_etag"] == created.headers["etag"]
    chained = http.request("PUT", f"{container}/docs/a", {"id": "a", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-post-trigger-include": "quota,summary"})
    assert chained.status == 200 and chained.json == {"summary": "a", "hadQuota": "string"}, chained
    assert read_item(http, container, "a").json["_etag"] == chained.headers["etag"]
    # A trigger that leaves the body alone leaves the answer exact, even numbers JavaScript would round.
    untouched = http.request("POST", f"{container}/docs", {"id": "b", "pk": "p", "big": 9007199254740993},
                             partition_key=["p"], headers={"x-ms-documentdb-post-trigger-include": "quiet"})
    assert untouched.status == 201 and untouched.json["big"] == 9007199254740993
    minimal = http.request("POST", f"{container}/docs", {"id": "c", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-post-trigger-include": "summary", "prefer": "return=minimal"})
    assert minimal.status == 201 and minimal.raw == b""


@needs_runtime
def test_trigger_selection_rules(http, container):
    create_script(http, container, "triggers", {"id": "onCreate", "triggerType": "Pre", "triggerOperation": "Create",
                                                "body": "function () {}"})
    create_script(http, container, "triggers", {"id": "after", "triggerType": "Post", "triggerOperation": "All",
                                                "body": "function () {}"})
    upsert = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"],
                          headers={"x-ms-documentdb-is-upsert": "true", "x-ms-documentdb-pre-trigger-include": "onCreate"})
    assert upsert.status == 400
    assert "was defined with operation type 'Create', and therefore is invalid for 'Upsert'" in upsert.json["message"]
    wrong_kind = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"],
                              headers={"x-ms-documentdb-pre-trigger-include": "after"})
    assert wrong_kind.status == 400
    missing = http.request("POST", f"{container}/docs", {"id": "a", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-pre-trigger-include": "nope"})
    assert missing.status == 404
    assert read_item(http, container, "a").status == 404


# ---------------------------------------------------------------------------------------------- UDFs
@needs_runtime
def test_udfs_in_gateway_queries(http, container):
    assert http.request("POST", f"{container}/docs", {"id": "a", "pk": "p", "n": 3}, partition_key=["p"]).status == 201
    create_script(http, container, "udfs", {"id": "square", "body": "function (x) { return x * x; }"})
    reply = http.query(f"{container}/docs", "SELECT VALUE udf.square(c.n) FROM c", partition_key=["p"])
    assert reply.status == 200 and reply.json["Documents"] == [9]
    failing = http.query(f"{container}/docs", "SELECT VALUE udf.nope(c.n) FROM c", partition_key=["p"])
    assert failing.status == 400
