"""Hybrid search: ORDER BY RANK FullTextScore / RRF in one scope (rank fusion), the plan's
``hybridSearchQueryInfo`` as the service answers it, and that a client running that plan over every range (as
azure-cosmos 4.x's hybrid search aggregator does) reproduces the single-scope answer."""
from __future__ import annotations

import json

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare
from cosmos_emulator.query.gateway import execute_gateway_query

from memory_source import MemorySource

FEATURES = ("Aggregate,CountIf,Distinct,MultipleOrderBy,NonStreamingOrderBy,OffsetAndLimit,OrderBy,Top,HybridSearch,"
            "WeightedRankFusion")
TEXTS = ["swim fast swim", "run and swim", "bike to the pool", "swim", "run run run run", "swimmer",
         "swim swim swim swim", "walk and run", "run swim run swim run swim", "nothing"]


def documents():
    return [{"id": f"d{index}", "key": f"k{index % 7}", "text": text, "v": [1.0, index / 10]}
            for index, text in enumerate(TEXTS)]


def plan_of(sql, source=None, features=FEATURES):
    source = source or MemorySource(documents(), partition_key_path="/key")
    result = execute_gateway_query({"query": sql}, {"x-ms-cosmos-is-query-plan-request": "True",
                                                    "x-ms-cosmos-supported-query-features": features}, source)
    return result.plan


# ------------------------------------------------------------------------------------------------ plans
def test_full_text_rank_plan_is_the_services():
    # The plan text the service answers for this query (recorded in azure-cosmos-dotnet-v3's query plan tests).
    info = plan_of('SELECT TOP 10 * FROM c ORDER BY RANK FullTextScore(c.text, "swim", "run")')
    assert set(plan_of('SELECT TOP 10 * FROM c ORDER BY RANK FullTextScore(c.text, "swim")')) == {
        "partitionedQueryExecutionInfoVersion", "hybridSearchQueryInfo", "queryRanges"}
    info = info["hybridSearchQueryInfo"]
    score = ('_FullTextScore(c.text, ["swim", "run"], {documentdb-formattablehybridsearchquery-totaldocumentcount}, '
             '{documentdb-formattablehybridsearchquery-totalwordcount-0}, '
             '{documentdb-formattablehybridsearchquery-hitcountsarray-0})')
    assert info["globalStatisticsQuery"] == (
        'SELECT COUNT(1) AS documentCount, [{"totalWordCount": SUM(_FullTextWordCount(c.text)), "hitCounts": '
        '[COUNTIF(FullTextContains(c.text, "swim")), COUNTIF(FullTextContains(c.text, "run"))]}] AS '
        'fullTextStatistics\nFROM c')
    assert info["componentQueryInfos"] == [{
        "distinctType": "None", "top": 120, "offset": None, "limit": None, "orderBy": ["Descending"],
        "orderByExpressions": [score], "groupByExpressions": [], "groupByAliases": [], "aggregates": [],
        "groupByAliasToAggregateType": {},
        "rewrittenQuery": (f'SELECT TOP 120 c._rid, [{{"item": {score}}}] AS orderByItems, {{"payload": c, '
                           f'"componentScores": [({score} ?? -1)]}} AS payload\nFROM c\n'
                           f'WHERE ({{documentdb-formattableorderbyquery-filter}})\nORDER BY {score} DESC'),
        "hasSelectValue": False, "dCountInfo": None, "hasNonStreamingOrderBy": True}]
    assert {key: info[key] for key in ("componentWithoutPayloadQueryInfos", "projectionQueryInfo", "componentWeights",
                                       "skip", "take", "requiresGlobalStatistics")} == {
        "componentWithoutPayloadQueryInfos": [], "projectionQueryInfo": None, "componentWeights": [], "skip": None,
        "take": 10, "requiresGlobalStatistics": True}


def test_rrf_plan_has_a_component_per_score_and_the_absolute_weights():
    info = plan_of("SELECT c.id FROM c WHERE c.key != 'k0' ORDER BY RANK RRF(VectorDistance(c.v, [1, 0]), "
                   "FullTextScore(c.text, 'swim'), [1, -0.5]) OFFSET 2 LIMIT 3")["hybridSearchQueryInfo"]
    assert info["globalStatisticsQuery"].startswith('SELECT COUNT(1) AS documentCount, [{"totalWordCount": '
                                                    'SUM(_FullTextWordCount(c.text))')
    assert (info["skip"], info["take"], info["componentWeights"]) == (2, 3, [1.0, 0.5])
    vector, text = info["componentQueryInfos"]
    # Cosine similarity ranks the largest first; the negative weight turns the full-text ranking around.
    assert (vector["orderBy"], text["orderBy"]) == (["Descending"], ["Ascending"])
    assert vector["orderByExpressions"] == ["_VectorScore(c.v, [1, 0])"] and vector["top"] == 60
    assert vector["rewrittenQuery"].startswith(
        'SELECT TOP 60 c._rid, [{"item": _VectorScore(c.v, [1, 0])}] AS orderByItems, {"payload": {"id": c.id}, '
        '"componentScores": [(_VectorScore(c.v, [1, 0]) ?? -1.79769e+308), (_FullTextScore(c.text, ["swim"], ')
    assert "\nWHERE ((c.key != \"k0\") AND ({documentdb-formattableorderbyquery-filter}))\n" in vector["rewrittenQuery"]
    assert info["requiresGlobalStatistics"] is True
    assert plan_of("SELECT TOP 3 c.id FROM c ORDER BY RANK RRF(VectorDistance(c.v, [1, 0]), VectorDistance(c.v, "
                   "[0, 1]))")["hybridSearchQueryInfo"]["globalStatisticsQuery"] == (
        "SELECT COUNT(1) AS documentCount, [] AS fullTextStatistics\nFROM c")


def test_a_client_without_hybrid_search_is_refused():
    with pytest.raises(CosmosError) as error:
        plan_of("SELECT TOP 3 c.id FROM c ORDER BY RANK FullTextScore(c.text, 'swim')", features="OrderBy,Top")
    assert error.value.status == 400
    assert "Query contained HybridSearch, which the calling client does not support." in error.value.message
    weighted = "SELECT TOP 3 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'a'), FullTextScore(c.text, 'b'), "
    with pytest.raises(CosmosError) as error:
        plan_of(weighted + "[1, 2])", features="OrderBy,Top,HybridSearch")
    assert "Query contained WeightedRankFusion, which the calling client does not support." in error.value.message
    assert plan_of(weighted + "[1, 2])", features="HybridSearch,WeightedRankFusion")
    assert plan_of(weighted.rstrip(", ") + ")", features="HybridSearch")


def test_cross_partition_hybrid_query_is_refused_with_the_plan():
    with pytest.raises(CosmosError) as error:
        execute_gateway_query({"query": "SELECT TOP 3 c.id FROM c ORDER BY RANK FullTextScore(c.text, 'swim')"},
                              {"x-ms-documentdb-query-enablecrosspartition": "True"},
                              MemorySource(documents(), partition_key_path="/key"))
    assert (error.value.status, error.value.substatus) == (400, 1004)
    assert "hybridSearchQueryInfo" in json.loads(error.value.additional_error_info)


@pytest.mark.parametrize("sql", [
    "SELECT ORDER BY RANK RRF(FullTextScore(c.text, 'a')) FROM c",
    "SELECT TOP 3 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'a'))",
    "SELECT TOP 3 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'a'), c.n)",
    "SELECT TOP 3 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'a'), FullTextScore(c.text, 'b'), [1])",
])
def test_malformed_rrf_is_400(sql):
    with pytest.raises(CosmosError) as error:
        prepare(sql).run(documents())
    assert error.value.status == 400


# ------------------------------------------------------------------------------------------------ one scope
def test_rrf_fuses_the_component_ranks():
    sql = "SELECT VALUE c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'swim'), FullTextScore(c.text, 'run'))"
    ranked = prepare(sql).run(documents())
    # swim: d6 (4) > d8 (3) > d0 (2) > d1, d3 (1) > the rest; run: d4 (4) > d8 (3) > d1, d7 (1) > the rest.
    swim = {"d6": 1, "d8": 2, "d0": 3, "d1": 4, "d3": 4}
    run = {"d4": 1, "d8": 2, "d1": 3, "d7": 3}
    fused = {f"d{i}": 1 / (60 + swim.get(f"d{i}", 5)) + 1 / (60 + run.get(f"d{i}", 4)) for i in range(len(TEXTS))}
    assert ranked[:2] == ["d8", "d6"]
    assert [fused[item] for item in ranked] == sorted(fused.values(), reverse=True)


def test_rrf_weights_scale_and_turn_components():
    sql = ("SELECT VALUE c.id FROM c ORDER BY RANK RRF(VectorDistance(c.v, [1, 0]), FullTextScore(c.text, 'swim'), "
           "[2, -1])")
    ranked = prepare(sql).run(documents())
    # Cosine to [1, 0] falls as index grows: d0 ranks first by the vector; the negative weight ranks the
    # full-text scores lowest first, so the documents without 'swim' gain on the others.
    vector_rank = {f"d{i}": i + 1 for i in range(len(TEXTS))}
    swim_rank_low_first = {"d6": 5, "d8": 4, "d0": 3, "d1": 2, "d3": 2}
    fused = {item: 2 / (60 + vector_rank[item]) + 1 / (60 + swim_rank_low_first.get(item, 1)) for item in vector_rank}
    assert [fused[item] for item in ranked] == sorted(fused.values(), reverse=True)
    assert ranked[0] == "d0"


# ------------------------------------------------------------------------------------------------ round trips
def _drain(source, text, range_id):
    headers = {"x-ms-documentdb-partitionkeyrangeid": range_id, "x-ms-max-item-count": "-1"}
    return execute_gateway_query({"query": text}, headers, source).items


def client_hybrid_search(sql, source):
    """azure-cosmos 4.x's hybrid search aggregation, in short: statistics summed over every range, placeholders
    filled, components drained per range, rows merged by _rid, ranked per component, fused, windowed."""
    info = plan_of(sql, source)["hybridSearchQueryInfo"]
    ranges = [entry["id"] for entry in source.partition_key_ranges()]
    count, statistics = 0, None
    if info["requiresGlobalStatistics"]:
        for range_id in ranges:
            for row in _drain(source, info["globalStatisticsQuery"], range_id):
                count += row["documentCount"]
                if statistics is None:
                    statistics = row["fullTextStatistics"]
                else:
                    for total, part in zip(statistics, row["fullTextStatistics"]):
                        total["totalWordCount"] += part["totalWordCount"]
                        total["hitCounts"] = [a + b for a, b in zip(total["hitCounts"], part["hitCounts"])]
    rows = {}
    for component in info["componentQueryInfos"]:
        text = component["rewrittenQuery"].replace("{documentdb-formattableorderbyquery-filter}", "true")
        text = text.replace("{documentdb-formattablehybridsearchquery-totaldocumentcount}", str(count))
        for index, entry in enumerate(statistics or []):
            text = text.replace(f"{{documentdb-formattablehybridsearchquery-totalwordcount-{index}}}",
                                str(entry["totalWordCount"]))
            text = text.replace(f"{{documentdb-formattablehybridsearchquery-hitcountsarray-{index}}}",
                                json.dumps(entry["hitCounts"]))
        for range_id in ranges:
            for row in _drain(source, text, range_id):
                rows[row["_rid"]] = row
    merged = [rows[rid] for rid in sorted(rows)]
    weights = info["componentWeights"] or [1.0] * len(info["componentQueryInfos"])
    fused = [0.0] * len(merged)
    for index, component in enumerate(info["componentQueryInfos"]):
        order = sorted(range(len(merged)), key=lambda row: merged[row]["payload"]["componentScores"][index],
                       reverse=component["orderBy"][0] == "Descending")
        rank, previous = 0, None
        for position, row in enumerate(order):
            score = merged[row]["payload"]["componentScores"][index]
            if position == 0 or score != previous:
                rank, previous = rank + 1, score
            fused[row] += weights[index] / (60 + rank)
    ordered = [row for _, row in sorted(zip(fused, merged), key=lambda pair: pair[0], reverse=True)]
    skip = info["skip"] or 0
    return [row["payload"]["payload"] for row in ordered[skip:skip + info["take"]]], sorted(fused, reverse=True)


@pytest.mark.parametrize("sql", [
    "SELECT TOP 3 VALUE c.id FROM c ORDER BY RANK FullTextScore(c.text, 'swim')",
    "SELECT TOP 6 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'swim'), FullTextScore(c.text, 'run'), [1, 0.7])",
    "SELECT TOP 7 c.id, c.text FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'run'), VectorDistance(c.v, [0, 1]), "
    "[1, 0.4])",
    "SELECT c.id FROM c WHERE c.key != 'k3' ORDER BY RANK RRF(VectorDistance(c.v, [1, 0]), "
    "FullTextScore(c.text, 'swim'), [0.6, -1]) OFFSET 1 LIMIT 4",
])
def test_the_plan_run_over_every_range_gives_the_single_scope_answer(sql):
    source = MemorySource(documents(), partition_key_path="/key", range_count=4)
    merged, fused = client_hybrid_search(sql, source)
    window = fused[:len(merged) + 1]
    assert len(set(window)) == len(window), "the data must not tie"
    assert merged == prepare(sql).run(source.documents())
