"""Cross-partition aggregates, GROUP BY and DISTINCT (issue 9): the engine merges what each physical
partition answers for the service's rewritten query. Every answer is compared with one computed here
from the same documents; paging resumes exactly from every page's token in a fresh client, also after
a partition split; a token of another query is refused."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey

from . import _cross_partition as data
from ._data_plane import module_database, sync_client

CAPABILITIES = ("query_plan", "group_by", "batch", "multiple_partition_key_ranges")
pytestmark = pytest.mark.requires(*CAPABILITIES)


def skip_unless_capable(server) -> None:
    # Module fixtures load data before the per-test capability check runs.
    for capability in CAPABILITIES:
        server.skip_unless(capability)


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    skip_unless_capable(cosmos_server)
    with module_database(cosmos_server, unique_id("db-xpq")) as database_id:
        container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        data.load(container)
        yield container


@pytest.fixture
def fresh(cosmos_server, container):
    with sync_client(cosmos_server) as other:
        yield other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)


def run(container, query, **kwargs):
    return list(container.query_items(query, enable_cross_partition_query=True, **kwargs))


def test_the_documents_span_every_partition(container):
    assert len(list(container.read_feed_ranges())) > 1
    assert run(container, "SELECT VALUE COUNT(1) FROM c") == [data.DOCUMENT_COUNT]


@pytest.mark.parametrize("query", sorted(data.VALUE_AGGREGATES))
def test_value_aggregates(container, query):
    assert run(container, query) == data.VALUE_AGGREGATES[query]


@pytest.mark.parametrize("query", sorted(data.grouped_expected()))
def test_group_by_and_non_value_aggregates(container, query):
    assert data.as_multiset(run(container, query)) == data.as_multiset(data.grouped_expected()[query])


def test_grouped_rows_keep_the_select_list_order(container):
    row = run(container, "SELECT c.g, COUNT(1) AS n, MAX(c.v) AS m FROM c GROUP BY c.g")[0]
    assert list(row) == ["g", "n", "m"]


@pytest.mark.parametrize("query", sorted(data.DISTINCT))
def test_unordered_distinct(container, query):
    assert data.as_multiset(run(container, query)) == data.as_multiset(data.DISTINCT[query])


@pytest.mark.parametrize("query", sorted(data.ORDERED_DISTINCT))
def test_ordered_distinct(container, query):
    assert run(container, query) == data.ORDERED_DISTINCT[query]


def test_top_and_offset_limit_over_groups(container):
    every = run(container, "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h")
    top = run(container, "SELECT TOP 5 c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h")
    window = run(container, "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h OFFSET 3 LIMIT 4")
    assert top == every[:5]
    assert window == every[3:7]


def test_parameters(container):
    query = "SELECT VALUE COUNT(1) FROM c WHERE c.v > @low AND c.g = @g"
    expected = sum(1 for item in data.DOCUMENTS if item.get("v", -1) > 5 and item["g"] == "g2")
    assert run(container, query, parameters=[{"name": "@low", "value": 5}, {"name": "@g", "value": "g2"}]) == [expected]


def test_counts_per_feed_range_add_up(container):
    counts = [list(container.query_items("SELECT VALUE COUNT(1) FROM c", feed_range=feed_range))
              for feed_range in container.read_feed_ranges()]
    assert all(len(count) == 1 for count in counts)
    assert sum(count[0] for count in counts) == data.DOCUMENT_COUNT


def test_pages_resume_from_every_token_in_a_fresh_client(container, fresh):
    query = "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h"
    pager = container.query_items(query, enable_cross_partition_query=True, max_item_count=4).by_page()
    pages, tokens = [], []
    for page in pager:
        pages.append(list(page))
        tokens.append(pager.continuation_token)
    assert all(len(page) == 4 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 4
    assert tokens[-1] is None and all(tokens[:-1])
    rows = [row for page in pages for row in page]
    assert data.as_multiset(rows) == data.as_multiset(data.grouped_expected()[query])
    for index, token in enumerate(tokens[:-1]):
        resumed = fresh.query_items(query, enable_cross_partition_query=True, max_item_count=4).by_page(token)
        assert [row for page in resumed for row in page] == [row for page in pages[index + 1:] for row in page]


def test_distinct_pages_resume(container, fresh):
    query = "SELECT DISTINCT VALUE c.v FROM c ORDER BY c.v DESC"
    pager = container.query_items(query, enable_cross_partition_query=True, max_item_count=3).by_page()
    first = list(next(pager))
    rest = fresh.query_items(query, enable_cross_partition_query=True, max_item_count=3).by_page(
        pager.continuation_token)
    assert first + [value for page in rest for value in page] == data.ORDERED_DISTINCT[query]


def test_a_token_of_another_query_is_refused(container):
    pager = container.query_items("SELECT VALUE c.g FROM c GROUP BY c.g", enable_cross_partition_query=True,
                                  max_item_count=2).by_page()
    next(pager)
    token = pager.continuation_token
    other = container.query_items("SELECT VALUE c.h FROM c GROUP BY c.h", enable_cross_partition_query=True,
                                  max_item_count=2).by_page(token)
    with pytest.raises(ValueError, match="another query"):
        next(other)


def test_the_request_charge_of_the_merge(container):
    pager = container.query_items("SELECT VALUE COUNT(1) FROM c", enable_cross_partition_query=True).by_page()
    page = next(pager)
    assert list(page) == [data.DOCUMENT_COUNT]
    assert float(container.client_connection.last_response_headers["x-ms-request-charge"]) > 0


@pytest.mark.requires("partition_split")
def test_a_split_between_pages_loses_and_repeats_nothing(cosmos_server, client, container, unique_id):
    database = client.get_database_client(container.container_link.split("/")[1])
    target = database.create_container(unique_id("split"), PartitionKey("/pk"))
    for item in data.DOCUMENTS[:400]:
        target.upsert_item(item)
    query = "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h"
    pager = target.query_items(query, enable_cross_partition_query=True, max_item_count=5).by_page()
    first = list(next(pager))
    token = pager.continuation_token
    # The first client's cached ranges now name a range that is gone: its requests answer 410 and
    # the engine drains the two children instead.
    assert len(cosmos_server.split_range(database.id, target.id, "0")) == 2
    resumed = target.query_items(query, enable_cross_partition_query=True, max_item_count=5).by_page(token)
    rows = first + [row for page in resumed for row in page]
    expected = {}
    for item in data.DOCUMENTS[:400]:
        expected[(item["g"], item["h"])] = expected.get((item["g"], item["h"]), 0) + 1
    assert data.as_multiset(rows) == data.as_multiset(
        [{"g": g, "h": h, "n": n} for (g, h), n in expected.items()])
    assert len(rows) == len(expected)


@pytest.mark.parametrize("concurrency", [1, 2, 64])
def test_max_concurrency_gives_the_same_answer(container, concurrency):
    query = "SELECT c.g, COUNT(1) AS n, SUM(c.v) AS t FROM c GROUP BY c.g"
    assert run(container, query, max_concurrency=concurrency) == run(container, query)


@pytest.mark.parametrize("concurrency", [0, -1, 1.5, True])
def test_max_concurrency_must_be_a_positive_int(container, concurrency):
    with pytest.raises(ValueError, match="max_concurrency"):
        run(container, "SELECT VALUE COUNT(1) FROM c", max_concurrency=concurrency)


def test_query_and_index_metrics_of_every_partition_come_with_the_first_page(container):
    pager = container.query_items("SELECT c.g, COUNT(1) AS n FROM c GROUP BY c.g", enable_cross_partition_query=True,
                                  populate_query_metrics=True, populate_index_metrics=True,
                                  max_item_count=2).by_page()
    first = list(next(pager))
    headers = container.client_connection.last_response_headers
    assert first
    metrics = dict(pair.split("=", 1) for pair in headers["x-ms-documentdb-query-metrics"].split(";"))
    # Summed over every partition's requests: each scans its share of the documents.
    assert int(metrics["retrievedDocumentCount"]) == data.DOCUMENT_COUNT
    assert "x-ms-cosmos-index-utilization" in headers
