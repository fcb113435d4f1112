"""Queries and paging: both 4.x call forms, parameters, partition scope, pages, continuation."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey

ITEMS_PER_PARTITION = 7
PARTITIONS = ("red", "green", "blue")


def _skip_unless_partition_scoped_queries(server):
    # Not (yet) a capability declared in tests/conftest.py; the facade report asks for it.
    if server.name.startswith("vercel"):
        pytest.skip(f"server {server.name} lacks capability 'partition_scoped_query': @vercel/cosmosdb-server "
                    "never filters a query by the x-ms-documentdb-partitionkey header")


def _skip_unless_cross_partition_queries(server):
    # The engine runs every query without a partition key from a query plan, per partition-key range.
    server.skip_unless("query_plan")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture(scope="module")
def container(client, unique_id):
    database = client.create_database(unique_id("db"))
    container = database.create_container(unique_id("c"), PartitionKey("/color"))
    for color in PARTITIONS:
        for n in range(ITEMS_PER_PARTITION):
            container.create_item({"id": f"{color}-{n}", "color": color, "n": n})
    yield container
    client.delete_database(database.id)


def _ids(items):
    return [item["id"] for item in items]


def test_parameterised_query_in_one_partition(container):
    found = container.query_items("SELECT * FROM c WHERE c.color = @color AND c.n >= @min ORDER BY c.n",
                                  parameters=[{"name": "@color", "value": "green"}, {"name": "@min", "value": 5}],
                                  partition_key="green")
    assert _ids(found) == ["green-5", "green-6"]


def test_partition_key_scopes_the_query(cosmos_server, container):
    _skip_unless_partition_scoped_queries(cosmos_server)
    found = container.query_items("SELECT * FROM c WHERE c.n >= 5", partition_key="green")
    assert sorted(_ids(found)) == ["green-5", "green-6"]


def test_cross_partition_query(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    everything = list(container.query_items("SELECT * FROM c", enable_cross_partition_query=True))
    assert sorted(_ids(everything)) == sorted(f"{c}-{n}" for c in PARTITIONS for n in range(ITEMS_PER_PARTITION))
    # Without a partition key the query spans the container, flag or not.
    assert len(list(container.query_items("SELECT * FROM c WHERE c.n = 0"))) == len(PARTITIONS)


def test_legacy_positional_form(container):
    found = container.query_items("SELECT * FROM c WHERE c.color = @c AND c.n = @n",
                                  [{"name": "@c", "value": "blue"}, {"name": "@n", "value": 3}], "blue", None, 10)
    assert _ids(found) == ["blue-3"]


def test_query_given_as_dict(container):
    found = container.query_items({"query": "SELECT * FROM c WHERE c.color = 'red' AND c.n = @n",
                                   "parameters": [{"name": "@n", "value": 1}]}, partition_key="red")
    assert _ids(found) == ["red-1"]


def test_positional_and_keyword_together_is_a_value_error(container):
    with pytest.raises(ValueError):
        container.query_items("SELECT * FROM c", query="SELECT * FROM c")


def test_value_query_and_aggregate(container):
    assert list(container.query_items("SELECT VALUE c.n FROM c WHERE c.color = 'red' AND c.n < 3 ORDER BY c.n",
                                      partition_key="red")) == [0, 1, 2]
    assert list(container.query_items("SELECT VALUE COUNT(1) FROM c WHERE c.color = 'red'",
                                      partition_key="red")) == [ITEMS_PER_PARTITION]


def test_empty_result(container):
    assert list(container.query_items("SELECT * FROM c WHERE c.color = 'red' AND c.n = -1",
                                      partition_key="red")) == []


def test_pages_respect_max_item_count(container):
    pages = [list(page) for page in container.query_items("SELECT * FROM c WHERE c.color = 'red'",
                                                          partition_key="red", max_item_count=3).by_page()]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sorted(_ids(item for page in pages for item in page)) == sorted(f"red-{n}" for n in range(7))


def test_by_page_resumes_exactly_after_the_page(container):
    query = "SELECT * FROM c WHERE c.color = 'blue' ORDER BY c.n"
    first_pages = container.query_items(query, partition_key="blue", max_item_count=2).by_page()
    first = list(next(first_pages))
    token = first_pages.continuation_token
    assert _ids(first) == ["blue-0", "blue-1"] and token

    resumed = container.query_items(query, partition_key="blue", max_item_count=2).by_page(token)
    rest = [_ids(page) for page in resumed]
    assert rest == [["blue-2", "blue-3"], ["blue-4", "blue-5"], ["blue-6"]]
    assert resumed.continuation_token is None


def test_cross_partition_pages_resume_without_loss_or_repeat(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    seen, token = [], None
    while True:
        pages = container.query_items("SELECT * FROM c", enable_cross_partition_query=True,
                                      max_item_count=4).by_page(token)
        page = next(pages, None)
        if page is None:
            break
        seen.extend(_ids(page))
        token = pages.continuation_token
        if token is None:
            break
    assert sorted(seen) == sorted(f"{c}-{n}" for c in PARTITIONS for n in range(ITEMS_PER_PARTITION))


def test_read_all_items(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    assert len(list(container.read_all_items())) == len(PARTITIONS) * ITEMS_PER_PARTITION
    assert all(len(list(page)) <= 5 for page in container.read_all_items(max_item_count=5).by_page())


def test_response_headers_are_the_latest_page(container):
    paged = container.query_items("SELECT * FROM c WHERE c.color = 'red'", partition_key="red", max_item_count=3)
    assert len(paged.get_response_headers()) == 0  # nothing fetched yet
    pages = paged.by_page()
    next(pages)
    first = paged.get_response_headers()
    list(next(pages))
    second = paged.get_response_headers()
    assert first["x-ms-activity-id"] != second["x-ms-activity-id"]
    assert second["x-ms-item-count"] == "3"


def test_response_hook_runs_once_per_page(container):
    calls = []
    pages = container.query_items("SELECT * FROM c WHERE c.color = 'green'", partition_key="green", max_item_count=3,
                                  response_hook=lambda headers, page: calls.append((headers["x-ms-item-count"],
                                                                                    page["_count"])))
    assert len(list(pages)) == ITEMS_PER_PARTITION
    assert calls == [("3", 3), ("3", 3), ("1", 1)]


def test_query_metrics_are_returned_when_asked(cosmos_server, container):
    paged = container.query_items("SELECT * FROM c WHERE c.color = 'red'", partition_key="red",
                                  populate_query_metrics=True)
    list(paged)
    if cosmos_server.name.startswith("vercel"):
        pytest.skip(f"server {cosmos_server.name} lacks capability 'query_metrics': @vercel/cosmosdb-server "
                    "sends no x-ms-documentdb-query-metrics header")
    assert "x-ms-documentdb-query-metrics" in paged.get_response_headers()


def test_non_serialisable_parameter_is_a_type_error(container):
    with pytest.raises(TypeError):
        container.query_items("SELECT * FROM c WHERE c.n = @n", parameters=[{"name": "@n", "value": {1, 2}}])


def test_a_page_fetch_cut_by_the_timeout_does_not_end_the_iteration_silently(cosmos_server, unique_id):
    cosmos_server.skip_unless("faults")
    from azure.cosmos import exceptions as cosmos_exceptions
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = client.create_database(unique_id("db"))
        try:
            container = database.create_container(unique_id("c"), PartitionKey("/pk"))
            # Three pages of two: a page is read ahead, so the second call is the one that meets the fault.
            for n in range(6):
                container.create_item({"id": f"i{n}", "pk": "p"})
            pages = container.query_items("SELECT * FROM c", partition_key="p", max_item_count=2,
                                          timeout=1).by_page()
            first = list(next(pages))
            assert len(first) == 2
            with cosmos_server.fault(operation="query", resourceType="docs", delayMs=5000):
                with pytest.raises(cosmos_exceptions.CosmosClientTimeoutError):
                    list(next(pages))
            # Not an empty end: the caller is told to start again from the last token.
            with pytest.raises(RuntimeError, match="interrupted"):
                next(pages)
        finally:
            client.delete_database(database.id)
