"""Computed properties: definitions stored as written, validated on create and replace (400, nothing written),
evaluated in queries (projection, filter, ORDER BY, GROUP BY) and absent from SELECT *."""
from __future__ import annotations

import importlib.util
import json

import pytest

from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
CPS = [{"name": "cp_lower", "query": "SELECT VALUE LOWER(c.db_group) FROM c"},
       {"name": "cp_power", "query": "SELECT VALUE POWER(c.val, 2) FROM c"},
       {"name": "cp_str_len", "query": "SELECT VALUE LENGTH(c.stringProperty) FROM root r".replace("c.", "r.")}]
# The items of azure-cosmos's own test_computed_properties.py.
ITEMS = [("GroUp1", 5, "prefixOne"), ("GrOUp1", 5, "prefixTwo"), ("GroUp2", 5, "randomWord1"),
         ("groUp1", 5, "randomWord2"), ("GroUp3", 5, "randomWord3"), ("GrOUP1", 5, "randomWord4"),
         ("GroUp2", 5, "randomWord5"), ("group1", 0, "randomWord6"), ("group2", 3, "randomWord7"),
         ("GroUp3", 2, "randomWord8")]
HAS_RUNTIME = importlib.util.find_spec("cosmos_emulator.scripts") is not None


def make(http, database, computed=CPS, fill=True):
    name = unique("c")
    extra = {} if computed is None else {"computedProperties": computed}
    reply = http.create_container(database, name, PK, extra=extra)
    assert reply.status == 201, reply
    path = f"/dbs/{database}/colls/{name}"
    if fill:
        for index, (group, value, text) in enumerate(ITEMS):
            assert http.request("POST", f"{path}/docs", {"id": f"i{index}", "pk": "test", "val": value,
                                                         "stringProperty": text, "db_group": group},
                                partition_key=["test"]).status == 201
    return path, reply.json


def rows(http, path, sql, partition_key=("test",), **headers):
    reply = http.query(f"{path}/docs", sql, partition_key=list(partition_key) if partition_key else None,
                       headers=headers)
    assert reply.status == 200, reply
    return reply.json["Documents"]


def user(document):
    return {key: value for key, value in document.items() if not key.startswith("_")}


# ------------------------------------------------------------------------------------------------- storage
def test_definitions_read_back_as_written_and_absent_when_not_given(http, database):
    path, created = make(http, database, fill=False)
    assert created["computedProperties"] == CPS
    assert http.request("GET", path).json["computedProperties"] == CPS
    plain, created = make(http, database, computed=None, fill=False)
    assert "computedProperties" not in created and "computedProperties" not in http.request("GET", plain).json


def test_replace_sets_changes_and_removes_definitions(http, database):
    path, created = make(http, database, computed=None)
    assert rows(http, path, "SELECT VALUE c.id FROM c WHERE c.cp_lower = 'group1'") == []
    replaced = http.request("PUT", path, dict(created, computedProperties=CPS))
    assert replaced.status == 200 and replaced.json["computedProperties"] == CPS
    assert len(rows(http, path, "SELECT * FROM c WHERE c.cp_lower = 'group1'")) == 5
    new = [{"name": "cp_upper", "query": "SELECT VALUE UPPER(c.db_group) FROM c"}]
    assert http.request("PUT", path, dict(created, computedProperties=new)).status == 200
    assert len(rows(http, path, "SELECT * FROM c WHERE c.cp_upper = 'GROUP2'")) == 3
    assert rows(http, path, "SELECT * FROM c WHERE c.cp_lower = 'group1'") == []
    removed = http.request("PUT", path, {key: value for key, value in created.items() if key != "computedProperties"})
    assert removed.status == 200 and "computedProperties" not in removed.json
    assert rows(http, path, "SELECT * FROM c WHERE c.cp_upper = 'GROUP2'") == []


# ---------------------------------------------------------------------------------------------- validation
BAD_DEFINITIONS = [
    ({"name": "cp_lower", "query": "SELECT VALUE LOWER(c.db_group) FROM c"}, "must be an array"),
    ([{"name": "cp"}], "a string 'name' and a string 'query'"),
    ([{"query": "SELECT VALUE c.a FROM c"}], "a string 'name' and a string 'query'"),
    ([{"name": 5, "query": "SELECT VALUE c.a FROM c"}], "a string 'name' and a string 'query'"),
    (["SELECT VALUE c.a FROM c"], "a string 'name' and a string 'query'"),
    ([{"name": "", "query": "SELECT VALUE c.a FROM c"}], "cannot be empty"),
    ([{"name": "id", "query": "SELECT VALUE c.a FROM c"}], "system property"),
    ([{"name": "_ts", "query": "SELECT VALUE c.a FROM c"}], "system property"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c"}, {"name": "cp", "query": "SELECT VALUE c.b FROM c"}],
     "more than once"),
    ([{"name": f"cp{index}", "query": "SELECT VALUE c.a FROM c"} for index in range(21)], "at most 20"),
    ([{"name": "cp", "query": "SELECT c.a FROM c"}], "SELECT VALUE"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c WHERE c.b = 1"}], "WHERE"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c ORDER BY c.a"}], "ORDER BY"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c GROUP BY c.a"}], "GROUP BY"),
    ([{"name": "cp", "query": "SELECT TOP 1 VALUE c.a FROM c"}], "DISTINCT or TOP"),
    ([{"name": "cp", "query": "SELECT DISTINCT VALUE c.a FROM c"}], "DISTINCT or TOP"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c OFFSET 0 LIMIT 1"}], "OFFSET LIMIT"),
    ([{"name": "cp", "query": "SELECT VALUE t FROM c JOIN t IN c.tags"}], "JOIN"),
    ([{"name": "cp", "query": "SELECT VALUE COUNT(1) FROM c"}], "aggregate"),
    ([{"name": "cp", "query": "SELECT VALUE udf.f(c.a) FROM c"}], "user-defined"),
    ([{"name": "cp", "query": "SELECT VALUE GetCurrentDateTime() FROM c"}], "nondeterministic"),
    ([{"name": "cp", "query": "SELECT VALUE RAND() FROM c"}], "nondeterministic"),
    ([{"name": "cp", "query": "SELECT VALUE ARRAY(SELECT VALUE t FROM t IN c.tags) FROM c"}], "subqueries"),
    ([{"name": "cp", "query": "SELECT VALUE @p FROM c"}], "parameters"),
    ([{"name": "cp", "query": "SELECT VALUE c.a FROM c"}, {"name": "cp2", "query": "SELECT VALUE c.cp FROM c"}],
     "cannot reference the computed property 'cp'"),
    ([{"name": "cp", "query": "SELECT VALUE t FROM t IN c.tags"}], "whole item"),
    ([{"name": "cp", "query": "SELECT VALUE NOPE(c.a) FROM c"}], "'NOPE' is not a recognized built-in function"),
    ([{"name": "cp", "query": "SELECT VALUE FROM c"}], "not valid syntax"),
    ([{"name": "cp", "query": ""}], "empty"),
]


@pytest.mark.parametrize("definitions, reason", BAD_DEFINITIONS)
def test_bad_definitions_refused_on_create(http, database, definitions, reason):
    name = unique("c")
    reply = http.create_container(database, name, PK, extra={"computedProperties": definitions})
    assert reply.status == 400, reply
    message = reply.json["message"]
    assert message.startswith('Message: {"Errors":["One of the specified inputs is invalid",')
    assert reason in json.loads(message.split("\r\n")[0][len("Message: "):])["Errors"][1]
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


@pytest.mark.parametrize("definitions, reason", BAD_DEFINITIONS[:3] + BAD_DEFINITIONS[10:13])
def test_bad_definitions_refused_on_replace_change_nothing(http, database, definitions, reason):
    path, created = make(http, database, fill=False)
    reply = http.request("PUT", path, dict(created, computedProperties=definitions))
    assert reply.status == 400 and reason in reply.json["message"]
    assert http.request("GET", path).json["computedProperties"] == CPS


# ----------------------------------------------------------------------------------------------- evaluation
def test_filters_as_azure_cosmos_tests_expect(http, database):
    path, _ = make(http, database)
    assert len(rows(http, path, 'Select * from c Where c.cp_lower = "group1"')) == 5
    assert rows(http, path, 'Select * from c Where c.cp_lower = "group4"') == []
    assert len(rows(http, path, "Select * from c Where c.cp_power = 25")) == 7
    assert rows(http, path, "Select * from c Where c.cp_power = 16") == []
    assert len(rows(http, path, "Select * from c Where c.cp_str_len = 9")) == 2
    assert rows(http, path, 'Select * from c Where c.cp_upper = "GROUP2"') == []  # not defined


def test_select_star_and_the_document_do_not_show_them(http, database):
    path, _ = make(http, database)
    for sql in ("SELECT * FROM c WHERE c.id = 'i0'", "SELECT VALUE c FROM c WHERE c.id = 'i0'"):
        assert user(rows(http, path, sql)[0]) == {"id": "i0", "pk": "test", "val": 5, "stringProperty": "prefixOne",
                                                 "db_group": "GroUp1"}


def test_projection_names_them(http, database):
    path, _ = make(http, database)
    assert rows(http, path, "SELECT c.id, c.cp_lower, c['cp_power'], c.cp_str_len AS n FROM c WHERE c.id = 'i0'") == [
        {"id": "i0", "cp_lower": "group1", "cp_power": 25, "n": 9}]
    assert rows(http, path, "SELECT VALUE r.cp_power FROM root r WHERE r.id IN ('i7', 'i8')") == [0, 9]
    assert rows(http, path, "SELECT VALUE {\"g\": c.cp_lower} FROM c WHERE c.id = 'i2'") == [{"g": "group2"}]


def test_order_by_and_group_by(http, database):
    path, _ = make(http, database)
    assert rows(http, path, "SELECT VALUE c.id FROM c WHERE c.val < 5 ORDER BY c.cp_power DESC") == ["i8", "i9", "i7"]
    assert rows(http, path, "SELECT VALUE c.id FROM c ORDER BY c.cp_str_len, c.id")[:2] == ["i0", "i1"]
    assert rows(http, path, "SELECT c.cp_lower AS g, COUNT(1) AS n FROM c GROUP BY c.cp_lower") == [
        {"g": "group1", "n": 5}, {"g": "group2", "n": 3}, {"g": "group3", "n": 2}]


def test_undefined_inputs_give_undefined(http, database):
    path, _ = make(http, database)
    assert http.request("POST", f"{path}/docs", {"id": "bare", "pk": "test"}, partition_key=["test"]).status == 201
    assert rows(http, path, "SELECT VALUE IS_DEFINED(c.cp_lower) FROM c WHERE c.id = 'bare'") == [False]
    assert rows(http, path, "SELECT c.cp_lower FROM c WHERE c.id = 'bare'") == [{}]


def test_cross_partition_order_by_plan_names_the_property(http, database):
    path, _ = make(http, database, fill=False)
    reply = http.query(f"{path}/docs", "SELECT c.id FROM c ORDER BY c.cp_power DESC",
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true",
                                "x-ms-cosmos-is-query-plan-request": "true",
                                "x-ms-cosmos-supported-query-features": "OrderBy"})
    assert reply.status == 200
    info = reply.json["queryInfo"]
    assert info["orderByExpressions"] == ["c.cp_power"]
    assert "c.cp_power" in info["rewrittenQuery"] and "POWER" not in info["rewrittenQuery"]


def test_per_range_order_by_over_every_range(http, database):
    path, _ = make(http, database, fill=False)
    for index, value in enumerate((3, 1, 4, 1, 5, 9, 2, 6)):
        assert http.request("POST", f"{path}/docs", {"id": f"x{index}", "pk": f"k{index}", "val": value},
                            partition_key=[f"k{index}"]).status == 201
    ranges = http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"]
    merged = []
    for entry in ranges:
        merged += rows(http, path, 'SELECT c._rid, [{"item": c.cp_power}] AS orderByItems, c.id AS payload FROM c '
                                   'ORDER BY c.cp_power', partition_key=None,
                       **{"x-ms-documentdb-partitionkeyrangeid": entry["id"]})
    assert sorted(row["orderByItems"][0]["item"] for row in merged) == [1, 1, 4, 9, 16, 25, 36, 81]


@pytest.mark.skipif(not HAS_RUNTIME, reason="the JavaScript runtime is not installed")
def test_stored_procedure_queries_see_them(http, database):
    path, _ = make(http, database)
    body = """function () {
        var c = getContext().getCollection();
        c.queryDocuments(c.getSelfLink(), "SELECT VALUE c.cp_power FROM c WHERE c.cp_lower = 'group2'", {},
            function (err, rows) { if (err) throw err; getContext().getResponse().setBody(rows); });
    }"""
    assert http.request("POST", f"{path}/sprocs", {"id": "q", "body": body}).status == 201
    reply = http.request("POST", f"{path}/sprocs/q", [], partition_key=["test"])
    assert reply.status == 200 and sorted(reply.json) == [9, 25, 25]
