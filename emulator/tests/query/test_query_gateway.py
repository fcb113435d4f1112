"""execute_gateway_query: scoping, cross-partition rules, paging and continuation."""
from __future__ import annotations

import json

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query.gateway import execute_gateway_query

from memory_source import MemorySource


def make_source(count=40, **options):
    documents = [{"id": f"d{i:03d}", "pk": f"p{i % 7}", "n": i, "tags": ["a", "b"] if i % 3 == 0 else ["c"]}
                 for i in range(count)]
    return MemorySource(documents, **options)


def query(source, sql, parameters=None, **headers):
    lowered = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return execute_gateway_query({"query": sql, "parameters": parameters or []}, lowered, source)


def all_pages(source, sql, parameters=None, **headers):
    pages, token = [], None
    while True:
        if token:
            headers["x_ms_continuation"] = token
        result = query(source, sql, parameters, **headers)
        pages.append(result.items)
        token = result.continuation
        if not token:
            return pages


def test_partition_key_header_scopes_to_one_logical_partition():
    source = make_source()
    result = query(source, "SELECT VALUE c.n FROM c", x_ms_documentdb_partitionkey='["p3"]')
    assert result.items == [n for n in range(40) if n % 7 == 3]
    assert result.continuation is None
    assert result.documents_scanned == len(result.items)


def test_every_feature_runs_inside_one_partition():
    source = make_source()
    result = query(source, "SELECT TOP 2 VALUE c.n FROM c ORDER BY c.n DESC", x_ms_documentdb_partitionkey='["p3"]')
    assert result.items == [38, 31]
    result = query(source, "SELECT VALUE COUNT(1) FROM c", x_ms_documentdb_partitionkey='["p3"]')
    assert result.items == [6]


def test_range_id_header_scopes_to_one_range():
    source = make_source()
    per_range = [query(source, "SELECT VALUE c.id FROM c", x_ms_documentdb_partitionkeyrangeid=entry["id"]).items
                 for entry in source.partition_key_ranges()]
    assert sorted(sum(per_range, [])) == sorted(f"d{i:03d}" for i in range(40))
    assert all(len(items) < 40 for items in per_range)


def test_unknown_range_id_is_gone():
    with pytest.raises(CosmosError) as error:
        query(make_source(), "SELECT * FROM c", x_ms_documentdb_partitionkeyrangeid="99")
    assert error.value.status == 410 and error.value.substatus == 1002


def test_paging_resumes_exactly_in_one_partition():
    source = make_source(200)
    pages = all_pages(source, "SELECT VALUE c.n FROM c", x_ms_max_item_count="4",
                      x_ms_documentdb_partitionkey='["p1"]')
    expected = [n for n in range(200) if n % 7 == 1]
    assert sum(pages, []) == expected
    assert all(len(page) == 4 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 4


def test_paging_of_join_results_splits_inside_a_document():
    source = make_source(30)
    pages = all_pages(source, "SELECT c.n, t FROM c JOIN t IN c.tags", x_ms_max_item_count="3",
                      x_ms_documentdb_query_enablecrosspartition="true")
    flat = sum(pages, [])
    expected = [{"n": d["n"], "t": t} for d in source.documents() for t in d["tags"]]
    assert sorted(json.dumps(x) for x in flat) == sorted(json.dumps(x) for x in expected)
    assert len(flat) == len(expected)


def test_cross_partition_streamable_query_is_served_with_continuation():
    source = make_source(100)
    pages = all_pages(source, "SELECT VALUE c.n FROM c WHERE c.n % 2 = 0", x_ms_max_item_count="7",
                      x_ms_documentdb_query_enablecrosspartition="True")
    flat = sum(pages, [])
    assert sorted(flat) == list(range(0, 100, 2))
    assert all(len(page) == 7 for page in pages[:-1])


def test_whole_query_paging_in_one_partition():
    source = make_source(100)
    pages = all_pages(source, "SELECT VALUE c.n FROM c ORDER BY c.n DESC", x_ms_max_item_count="5",
                      x_ms_documentdb_partitionkey='["p2"]')
    assert sum(pages, []) == sorted((n for n in range(100) if n % 7 == 2), reverse=True)


def test_cross_partition_non_streamable_query_answers_1004_with_the_plan():
    for sql in ("SELECT * FROM c ORDER BY c.n", "SELECT TOP 1 * FROM c", "SELECT VALUE COUNT(1) FROM c",
                "SELECT DISTINCT c.pk FROM c", "SELECT * FROM c OFFSET 1 LIMIT 1"):
        for range_count in (4, 1):  # the service refuses these even on a single-range container
            with pytest.raises(CosmosError) as error:
                query(make_source(range_count=range_count), sql, x_ms_documentdb_query_enablecrosspartition="true")
            assert (error.value.status, error.value.substatus) == (400, 1004), sql
            plan = json.loads(error.value.additional_error_info)
            assert plan["partitionedQueryExecutionInfoVersion"] == 2 and "queryInfo" in plan, sql


def test_cross_partition_group_by_and_non_value_aggregates_are_refused_without_a_plan():
    for sql in ("SELECT c.pk, COUNT(1) AS n FROM c GROUP BY c.pk", "SELECT COUNT(1) AS n FROM c"):
        with pytest.raises(CosmosError) as error:
            query(make_source(), sql, x_ms_documentdb_query_enablecrosspartition="true")
        assert error.value.status == 400 and error.value.substatus is None, sql
        assert "only supports 'VALUE <AggregateFunc>'" in error.value.message


def test_cross_partition_header_refuses_non_streamable_queries_pinned_by_their_filter():
    # 4.x's aggregate suite expects `SELECT AVG(r.f) FROM r WHERE r.key = 'x'` with cross-partition queries on to
    # fail and the VALUE form to answer through the plan (whose range is the pinned key's point).
    pinned = [{"name": "@pk", "value": "p4"}]
    with pytest.raises(CosmosError) as error:
        query(make_source(), "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk", pinned,
              x_ms_documentdb_query_enablecrosspartition="true")
    assert (error.value.status, error.value.substatus) == (400, 1004)
    ranges = json.loads(error.value.additional_error_info)["queryRanges"]
    assert len(ranges) == 1 and ranges[0]["min"] == ranges[0]["max"]
    with pytest.raises(CosmosError) as error:
        query(make_source(), "SELECT COUNT(1) AS n FROM c WHERE c.pk = @pk", pinned,
              x_ms_documentdb_query_enablecrosspartition="true")
    assert error.value.status == 400 and "only supports 'VALUE <AggregateFunc>'" in error.value.message
    streamed = query(make_source(), "SELECT VALUE c.n FROM c WHERE c.pk = @pk", pinned,
                     x_ms_documentdb_query_enablecrosspartition="true")
    assert streamed.items == [n for n in range(40) if n % 7 == 4]
    unflagged = query(make_source(), "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk", pinned)
    assert unflagged.items == [len([n for n in range(40) if n % 7 == 4])]


def test_cross_partition_without_header_is_rejected():
    with pytest.raises(CosmosError) as error:
        query(make_source(), "SELECT * FROM c")
    assert error.value.status == 400
    assert "Cross partition query is required but disabled" in error.value.message


def test_filter_pinning_the_partition_key_needs_no_header():
    source = make_source()
    result = query(source, "SELECT VALUE c.n FROM c WHERE c.pk = @pk ORDER BY c.n DESC",
                   [{"name": "@pk", "value": "p4"}])
    assert result.items == sorted((n for n in range(40) if n % 7 == 4), reverse=True)


def test_single_range_container_still_needs_the_cross_partition_header():
    with pytest.raises(CosmosError) as error:
        query(make_source(range_count=1), "SELECT VALUE c.n FROM c")
    assert error.value.status == 400
    result = query(make_source(range_count=1), "SELECT VALUE c.n FROM c",
                   x_ms_documentdb_query_enablecrosspartition="true")
    assert sorted(result.items) == list(range(40))


def test_default_and_dynamic_page_sizes():
    source = make_source(1500, range_count=1)
    assert len(query(source, "SELECT * FROM c", x_ms_documentdb_query_enablecrosspartition="true").items) == 1000
    assert len(query(source, "SELECT * FROM c", x_ms_documentdb_query_enablecrosspartition="true",
                     x_ms_max_item_count="0").items) == 1000
    assert len(query(source, "SELECT * FROM c", x_ms_documentdb_query_enablecrosspartition="true",
                     x_ms_max_item_count="-1").items) == 1500
    with pytest.raises(CosmosError) as error:
        query(source, "SELECT * FROM c", x_ms_documentdb_query_enablecrosspartition="true",
              x_ms_max_item_count="abc")
    assert "The input PageSize abc is invalid" in error.value.message


def test_non_partitioned_feed():
    source = make_source(partition_key_path=None)
    assert query(source, "SELECT VALUE COUNT(1) FROM c").items == [40]


def test_continuation_survives_inserts_and_deletes_before_the_position():
    source = make_source(20, range_count=1)
    first = query(source, "SELECT VALUE c.id FROM c", x_ms_max_item_count="5",
                  x_ms_documentdb_query_enablecrosspartition="true")
    assert first.items == ["d000", "d001", "d002", "d003", "d004"]
    source.remove("d001")
    source.add({"id": "new", "pk": "p0", "n": 99})
    second = query(source, "SELECT VALUE c.id FROM c", x_ms_max_item_count="5", x_ms_continuation=first.continuation,
                   x_ms_documentdb_query_enablecrosspartition="true")
    assert second.items == ["d005", "d006", "d007", "d008", "d009"]


def test_bad_continuation_is_400():
    with pytest.raises(CosmosError) as error:
        query(make_source(), "SELECT * FROM c", x_ms_documentdb_partitionkey='["p1"]', x_ms_continuation="garbage")
    assert error.value.status == 400


def test_id_filter_uses_the_id_lookup():
    source = make_source(500)
    result = query(source, "SELECT * FROM c WHERE c.id = @id", [{"name": "@id", "value": "d123"}],
                   x_ms_documentdb_query_enablecrosspartition="true")
    assert [item["id"] for item in result.items] == ["d123"]
    assert result.documents_scanned == 1


def test_id_filter_without_lookup_still_correct():
    source = make_source(50, with_id_lookup=False)
    result = query(source, "SELECT * FROM c WHERE c.id IN ('d001', 'd002')",
                   x_ms_documentdb_query_enablecrosspartition="true")
    assert sorted(item["id"] for item in result.items) == ["d001", "d002"]
    assert result.documents_scanned == 50


def test_query_metrics_headers():
    result = query(make_source(), "SELECT * FROM c", x_ms_documentdb_partitionkey='["p1"]',
                   x_ms_documentdb_populatequerymetrics="true", x_ms_cosmos_populateindexmetrics="true")
    metrics = dict(part.split("=") for part in result.headers["x-ms-documentdb-query-metrics"].split(";"))
    assert metrics["retrievedDocumentCount"] == str(result.documents_scanned)
    assert metrics["outputDocumentCount"] == str(len(result.items))
    assert "x-ms-cosmos-index-utilization" in result.headers


@pytest.mark.parametrize("sql", [
    "SELECT VALUE c.id FROM c ORDER BY c.pk",                                  # ties on the only key
    "SELECT VALUE c.id FROM c ORDER BY c.pk DESC, c.n",                        # mixed directions
    "SELECT c.id, t FROM c JOIN t IN c.tags ORDER BY c.n DESC",                # a document repeated by a JOIN
    "SELECT TOP 23 VALUE c.id FROM c ORDER BY c.pk",                           # TOP across pages
])
def test_order_by_pages_resume_after_the_last_result(sql):
    source = make_source()
    whole = query(source, sql, x_ms_documentdb_partitionkeyrangeid="0", x_ms_max_item_count="1000").items
    pages = all_pages(source, sql, x_ms_documentdb_partitionkeyrangeid="0", x_ms_max_item_count="4")
    assert [item for page in pages for item in page] == whole
    assert all(len(page) <= 4 for page in pages) and len(pages) > 2


def test_order_by_token_is_not_a_streamed_token():
    source = make_source()
    first = query(source, "SELECT VALUE c.id FROM c", x_ms_documentdb_partitionkeyrangeid="0", x_ms_max_item_count="2")
    with pytest.raises(CosmosError) as error:
        query(source, "SELECT VALUE c.id FROM c ORDER BY c.n", x_ms_documentdb_partitionkeyrangeid="0",
              x_ms_continuation=first.continuation)
    assert error.value.status == 400
