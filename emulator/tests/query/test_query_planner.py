"""Query plans: the service's plan shapes and rewritten queries, and that running the rewritten query on every
range and merging like a client reproduces the single-partition answer."""
from __future__ import annotations

import functools
import json

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare
from cosmos_emulator.query.gateway import execute_gateway_query
from cosmos_emulator.query.values import UNDEFINED, compare_total, hash_key

from memory_source import MemorySource

ALL_FEATURES = ("Aggregate,CompositeAggregate,Distinct,GroupBy,MultipleAggregates,MultipleOrderBy,OffsetAndLimit,"
                "OrderBy,Top,NonValueAggregate,DCount,NonStreamingOrderBy,CountIf")
PLACEHOLDER = "{documentdb-formattableorderbyquery-filter}"


def plan_of(sql, parameters=None, source=None, features=ALL_FEATURES):
    source = source or MemorySource([], partition_key_path="/key")
    headers = {"x-ms-cosmos-is-query-plan-request": "True"}
    if features is not None:
        headers["x-ms-cosmos-supported-query-features"] = features
    result = execute_gateway_query({"query": sql, "parameters": parameters or []}, headers, source)
    assert result.items is None
    return result.plan


# ------------------------------------------------------------------------------------------------ plan shapes
def test_plan_document_members():
    plan = plan_of("SELECT * FROM c")
    assert plan["partitionedQueryExecutionInfoVersion"] == 2
    assert set(plan["queryInfo"]) == {
        "distinctType", "top", "offset", "limit", "orderBy", "orderByExpressions", "groupByExpressions",
        "groupByAliases", "aggregates", "groupByAliasToAggregateType", "rewrittenQuery", "hasSelectValue",
        "dCountInfo", "hasNonStreamingOrderBy"}
    assert plan["queryInfo"]["rewrittenQuery"] == ""
    assert plan["queryRanges"] == [{"min": "", "max": "FF", "isMinInclusive": True, "isMaxInclusive": False}]


def test_order_by_rewrite_matches_the_service_form():
    info = plan_of("SELECT c.blah, c.blah2 FROM Root c ORDER BY c.key")["queryInfo"]
    assert info["orderBy"] == ["Ascending"] and info["orderByExpressions"] == ["c.key"]
    assert info["rewrittenQuery"] == (
        'SELECT c._rid, [{"item": c.key}] AS orderByItems, {"blah": c.blah, "blah2": c.blah2} AS payload\n'
        'FROM Root AS c\nWHERE ({documentdb-formattableorderbyquery-filter})\nORDER BY c.key')


def test_order_by_value_rewrite_adds_is_defined():
    info = plan_of("SELECT VALUE r.a FROM r WHERE r.d = true ORDER BY r.b DESC")["queryInfo"]
    assert info["hasSelectValue"] is True and info["orderBy"] == ["Descending"]
    assert info["rewrittenQuery"] == (
        'SELECT r._rid, [{"item": r.b}] AS orderByItems, r.a AS payload\nFROM r\n'
        'WHERE (((r.d = true) AND ({documentdb-formattableorderbyquery-filter})) AND IS_DEFINED(r.a))\n'
        'ORDER BY r.b DESC')


def test_aggregate_rewrites():
    assert plan_of("SELECT VALUE AVG(c.blah) FROM c")["queryInfo"]["rewrittenQuery"] == (
        'SELECT VALUE [{"item": {"sum": SUM(c.blah), "count": COUNT(c.blah)}}]\nFROM c')
    info = plan_of("SELECT VALUE MIN(c.blah) FROM c WHERE c.key = 1")["queryInfo"]
    assert info["aggregates"] == ["Min"]
    assert info["rewrittenQuery"] == (
        'SELECT VALUE [{"item": MIN(c.blah), "item2": {"min": MIN(c.blah), "count": COUNT(c.blah)}}]\n'
        'FROM c\nWHERE (c.key = 1)')
    info = plan_of("SELECT AVG(c.blah) AS avg_blah FROM c")["queryInfo"]
    assert info["aggregates"] == [] and info["groupByAliases"] == ["avg_blah"]
    assert info["groupByAliasToAggregateType"] == {"avg_blah": "Average"}
    assert info["rewrittenQuery"] == (
        'SELECT {"avg_blah": {"item": {"sum": SUM(c.blah), "count": COUNT(c.blah)}}} AS payload\nFROM c')


def test_group_by_rewrite():
    info = plan_of("SELECT c.team, COUNT(1) AS n FROM c GROUP BY c.team")["queryInfo"]
    assert info["groupByExpressions"] == ["c.team"] and info["groupByAliases"] == ["team", "n"]
    assert info["groupByAliasToAggregateType"] == {"team": None, "n": "Count"}
    assert info["rewrittenQuery"] == (
        'SELECT [{"item": c.team}] AS groupByItems, {"team": c.team, "n": {"item": COUNT(1)}} AS payload\n'
        'FROM c\nGROUP BY c.team')


def test_distinct_top_offset_forms():
    info = plan_of("SELECT DISTINCT VALUE c.name FROM c ORDER BY c.name")["queryInfo"]
    assert info["distinctType"] == "Ordered"
    assert plan_of("SELECT DISTINCT c.name FROM c ORDER BY c.name")["queryInfo"]["distinctType"] == "Unordered"
    assert plan_of("SELECT DISTINCT VALUE 1")["queryInfo"]["distinctType"] == "None"
    info = plan_of("SELECT DISTINCT TOP 5 VALUE c.name FROM c")["queryInfo"]
    assert (info["distinctType"], info["top"]) == ("Unordered", 5)
    assert info["rewrittenQuery"] == "SELECT DISTINCT VALUE c.name\nFROM c"
    assert plan_of("SELECT TOP @n * FROM c", [{"name": "@n", "value": 42}])["queryInfo"]["top"] == 42
    info = plan_of("SELECT * FROM c WHERE c.blah = 5 OFFSET @o LIMIT @l",
                   [{"name": "@o", "value": 1}, {"name": "@l", "value": 2}])["queryInfo"]
    assert (info["offset"], info["limit"]) == (1, 2)
    assert info["rewrittenQuery"] == "SELECT *\nFROM c\nWHERE (c.blah = 5)\nOFFSET 0 LIMIT 3"


def test_vector_order_by_is_non_streaming_and_most_similar_first():
    info = plan_of("SELECT TOP 3 c.id FROM c ORDER BY VectorDistance(c.v, [1, 0])")["queryInfo"]
    assert info["hasNonStreamingOrderBy"] is True and info["orderBy"] == ["Descending"]
    info = plan_of("SELECT TOP 3 c.id FROM c ORDER BY VectorDistance(c.v, [1, 0], false, "
                   "{\"distanceFunction\": \"euclidean\"})")["queryInfo"]
    assert info["orderBy"] == ["Ascending"]


def test_pinned_partition_key_gives_a_point_range():
    source = MemorySource([], partition_key_path="/key")
    plan = plan_of("SELECT * FROM c WHERE c.key = 'a' ORDER BY c.x", source=source)
    epk = source.effective_partition_key(["a"])
    assert plan["queryRanges"] == [{"min": epk, "max": epk, "isMinInclusive": True, "isMaxInclusive": True}]


def test_aggregate_with_order_by_is_planned_as_the_aggregate():
    # One aggregated row has no order to merge: 4.x's aggregate suite runs these across partitions and expects
    # the aggregate's value, which its aggregate pipeline computes from the aggregate rewrite.
    info = plan_of("SELECT VALUE AVG(r.key) FROM r WHERE IS_NUMBER(r.key) ORDER BY r.key")["queryInfo"]
    assert info["aggregates"] == ["Average"] and info["orderBy"] == [] and info["orderByExpressions"] == []
    assert info["rewrittenQuery"] == (
        'SELECT VALUE [{"item": {"sum": SUM(r.key), "count": COUNT(r.key)}}]\nFROM r\nWHERE IS_NUMBER(r.key)')
    info = plan_of("SELECT COUNT(1) AS n FROM c ORDER BY c.x DESC")["queryInfo"]
    assert info["groupByAliasToAggregateType"] == {"n": "Count"} and info["orderBy"] == []
    assert info["rewrittenQuery"] == 'SELECT {"n": {"item": COUNT(1)}} AS payload\nFROM c'
    # ... so a client declaring aggregates but not ORDER BY can run it.
    assert plan_of("SELECT VALUE COUNT(1) FROM c ORDER BY c.x", features="Aggregate")["queryInfo"]["orderBy"] == []


def test_group_by_with_order_by_is_refused_in_every_scope():
    sql = "SELECT c.team, COUNT(1) AS n FROM c GROUP BY c.team ORDER BY c.team"
    with pytest.raises(CosmosError) as planned:
        plan_of(sql)
    with pytest.raises(CosmosError) as scoped:
        execute_gateway_query({"query": sql}, {"x-ms-documentdb-partitionkey": '["k1"]'},
                              MemorySource(documents(), partition_key_path="/key"))
    for error in (planned.value, scoped.value):
        assert error.status == 400 and error.substatus is None
        entry = json.loads(error.message[len("Message: "):])["errors"][0]
        assert entry["message"] == "ORDER BY is not supported in a query with GROUP BY."
        assert entry["location"]["start"] == sql.index("c.team ORDER") + len("c.team ORDER BY ")


def test_undeclared_feature_is_refused_like_the_service():
    with pytest.raises(CosmosError) as error:
        plan_of("SELECT * FROM c ORDER BY c.a", features="Aggregate,Top")
    assert error.value.status == 400
    lines = error.value.message.splitlines()
    assert lines[0] == ("Query contains 1 or more unsupported features. Upgrade your SDK to a version that does "
                        "support the requested features:")
    assert lines[1] == "Query contained OrderBy, which the calling client does not support."
    with pytest.raises(CosmosError) as error:
        plan_of("SELECT VALUE COUNT(1) FROM c", features=None)
    assert "Query contained Aggregate" in error.value.message
    # azure-cosmos 4.x does not declare GroupBy.
    with pytest.raises(CosmosError) as error:
        plan_of("SELECT c.a, COUNT(1) AS n FROM c GROUP BY c.a",
                features="Aggregate,CompositeAggregate,Distinct,MultipleOrderBy,OffsetAndLimit,OrderBy,Top")
    assert "Query contained GroupBy" in error.value.message


def test_composition_of_aggregates_is_refused_in_plans():
    with pytest.raises(CosmosError) as error:
        plan_of("SELECT VALUE COUNT(1) + 1 FROM c")
    assert "Compositions of aggregates and other expressions are not allowed." in error.value.message


# ------------------------------------------------------------------------------------------------ round trips
def documents():
    result = []
    for i in range(60):
        document = {"id": f"d{i:02d}", "key": f"k{i % 9}", "n": (i * 37) % 23, "team": ["red", "blue", "green"][i % 3],
                    "tags": ["a", "b", "c"][: i % 4]}
        if i % 10 == 0:
            del document["n"]
        result.append(document)
    return result


def _orderby_cmp(directions, left, right):
    for index, direction in enumerate(directions):
        a = left["orderByItems"][index].get("item", UNDEFINED)
        b = right["orderByItems"][index].get("item", UNDEFINED)
        difference = compare_total(a, b)
        if difference:
            return -difference if direction == "Descending" else difference
    return left["__range"] - right["__range"]


def client_merge(sql, parameters, source):
    """A minimal client pipeline over the plan, as azure-cosmos 4.x runs it (without paging)."""
    plan = plan_of(sql, parameters, source)
    info = plan["queryInfo"]
    text = (info["rewrittenQuery"] or sql).replace(PLACEHOLDER, "true")
    per_range = []
    for index, entry in enumerate(source.partition_key_ranges()):
        result = execute_gateway_query({"query": text, "parameters": parameters or []},
                                       {"x-ms-documentdb-partitionkeyrangeid": entry["id"],
                                        "x-ms-max-item-count": "-1"}, source)
        per_range.append([dict(item, __range=index) if isinstance(item, dict) else item for item in result.items])
    if info["orderBy"]:
        merged = sorted((item for items in per_range for item in items),
                        key=functools.cmp_to_key(functools.partial(_orderby_cmp, info["orderBy"])))
        values = [item["payload"] for item in merged]
    elif info["aggregates"] and not info["groupByExpressions"]:
        kind = info["aggregates"][0]
        partials = [items[0][0] for items in per_range if items and items[0] and "item" in items[0][0]]
        partials = [entry["item"] for entry in partials]
        if kind == "Average":
            total = sum(p["sum"] for p in partials if "sum" in p)
            count = sum(p["count"] for p in partials)
            values = [total / count] if count else []
        elif kind in ("Count", "Sum"):
            values = [sum(partials)]
        else:
            values = [(min if kind == "Min" else max)(partials, key=functools.cmp_to_key(compare_total))] \
                if partials else []
    else:
        values = [item for items in per_range for item in items]
        values = [{k: v for k, v in item.items() if k != "__range"} if isinstance(item, dict) else item
                  for item in values]
    if info["distinctType"] != "None":
        seen, unique = set(), []
        for value in values:
            if hash_key(value) not in seen:
                seen.add(hash_key(value))
                unique.append(value)
        values = unique
    if info["offset"] is not None:
        values = values[info["offset"]:info["offset"] + info["limit"]]
    if info["top"] is not None:
        values = values[:info["top"]]
    return values


@pytest.mark.parametrize("sql", [
    "SELECT c.id, c.n FROM c ORDER BY c.n, c.id",
    "SELECT VALUE c.id FROM c ORDER BY c.n DESC, c.id DESC",
    "SELECT TOP 7 c.id FROM c ORDER BY c.id DESC",
    "SELECT c.id FROM c ORDER BY c.id OFFSET 5 LIMIT 10",
    "SELECT VALUE COUNT(1) FROM c",
    "SELECT VALUE COUNT(c.n) FROM c WHERE c.team = 'red'",
    "SELECT VALUE SUM(c.n) FROM c",
    "SELECT VALUE AVG(c.n) FROM c",
    "SELECT VALUE MIN(c.n) FROM c",
    "SELECT VALUE MAX(c.id) FROM c",
    "SELECT DISTINCT VALUE c.team FROM c ORDER BY c.team",
    "SELECT DISTINCT VALUE c.team FROM c ORDER BY c.team OFFSET 1 LIMIT 1",
    "SELECT VALUE COUNT(c.n) FROM c ORDER BY c.n",
    "SELECT VALUE AVG(c.n) FROM c WHERE IS_NUMBER(c.n) ORDER BY c.n DESC",
    "SELECT VALUE MAX(c.id) FROM c ORDER BY c.id",
    "SELECT VALUE c.id FROM c JOIN t IN c.tags WHERE t = 'b' ORDER BY c.id",
])
def test_rewritten_queries_merge_to_the_single_partition_answer(sql):
    source = MemorySource(documents(), partition_key_path="/key", range_count=4)
    whole = prepare(sql).run(source.documents())
    assert client_merge(sql, [], source) == whole


def test_distinct_merge_is_the_same_set():
    source = MemorySource(documents(), partition_key_path="/key", range_count=4)
    sql = "SELECT DISTINCT VALUE c.team FROM c"
    assert sorted(client_merge(sql, [], source)) == sorted(prepare(sql).run(source.documents()))


def test_resume_filter_continues_after_the_boundary():
    source = MemorySource(documents(), partition_key_path="/key", range_count=1)
    text = plan_of("SELECT c.id FROM c ORDER BY c.n, c.id", source=source)["queryInfo"]["rewrittenQuery"]
    text = text.replace(PLACEHOLDER, "true")
    headers = {"x-ms-documentdb-partitionkeyrangeid": "0", "x-ms-max-item-count": "-1"}
    full = execute_gateway_query({"query": text}, headers, source).items
    boundary = full[20]
    resume = {"value": [item.get("item", []) for item in boundary["orderByItems"]], "rid": boundary["_rid"],
              "exclude": False}
    resumed = execute_gateway_query({"query": text, "resumeFilter": resume}, headers, source).items
    assert resumed == full[20:]
    resume["exclude"] = True
    assert execute_gateway_query({"query": text, "resumeFilter": resume}, headers, source).items == full[21:]
    assert json.dumps(resumed)  # plain JSON, nothing undefined left
