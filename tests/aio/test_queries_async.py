"""Async twin of tests/test_queries.py: queries and paging."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

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


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, unique_id):
    database = await client.create_database(unique_id("db"))
    container = await database.create_container(unique_id("c"), PartitionKey("/color"))
    for color in PARTITIONS:
        for n in range(ITEMS_PER_PARTITION):
            await container.create_item({"id": f"{color}-{n}", "color": color, "n": n})
    yield container
    await client.delete_database(database.id)


async def _ids(items):
    return [item["id"] async for item in items]


async def _pages(paged_by_page):
    return [[item async for item in page] async for page in paged_by_page]


async def test_parameterised_query_in_one_partition_async(container):
    found = container.query_items("SELECT * FROM c WHERE c.color = @color AND c.n >= @min ORDER BY c.n",
                                  parameters=[{"name": "@color", "value": "green"}, {"name": "@min", "value": 5}],
                                  partition_key="green")
    assert await _ids(found) == ["green-5", "green-6"]


async def test_partition_key_scopes_the_query_async(cosmos_server, container):
    _skip_unless_partition_scoped_queries(cosmos_server)
    found = container.query_items("SELECT * FROM c WHERE c.n >= 5", partition_key="green")
    assert sorted(await _ids(found)) == ["green-5", "green-6"]


async def test_cross_partition_query_async(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    everything = await _ids(container.query_items("SELECT * FROM c"))
    assert sorted(everything) == sorted(f"{c}-{n}" for c in PARTITIONS for n in range(ITEMS_PER_PARTITION))


async def test_only_the_query_is_positional_async(container):
    # The async client's query_items takes the query alone positionally, as in 4.x.
    with pytest.raises(ValueError):
        container.query_items("SELECT * FROM c", [{"name": "@n", "value": 1}])


async def test_positional_and_keyword_together_is_a_value_error_async(container):
    with pytest.raises(ValueError):
        container.query_items("SELECT * FROM c", query="SELECT * FROM c")


async def test_query_given_as_dict_async(container):
    found = container.query_items({"query": "SELECT * FROM c WHERE c.color = 'red' AND c.n = @n",
                                   "parameters": [{"name": "@n", "value": 1}]}, partition_key="red")
    assert await _ids(found) == ["red-1"]


async def test_value_query_and_aggregate_async(container):
    values = [v async for v in container.query_items(
        "SELECT VALUE c.n FROM c WHERE c.color = 'red' AND c.n < 3 ORDER BY c.n", partition_key="red")]
    assert values == [0, 1, 2]
    counts = [v async for v in container.query_items("SELECT VALUE COUNT(1) FROM c WHERE c.color = 'red'",
                                                     partition_key="red")]
    assert counts == [ITEMS_PER_PARTITION]


async def test_empty_result_async(container):
    assert await _ids(container.query_items("SELECT * FROM c WHERE c.color = 'red' AND c.n = -1",
                                            partition_key="red")) == []


async def test_pages_respect_max_item_count_async(container):
    pages = await _pages(container.query_items("SELECT * FROM c WHERE c.color = 'red'", partition_key="red",
                                               max_item_count=3).by_page())
    assert [len(page) for page in pages] == [3, 3, 1]


async def test_by_page_resumes_exactly_after_the_page_async(container):
    query = "SELECT * FROM c WHERE c.color = 'blue' ORDER BY c.n"
    first_pages = container.query_items(query, partition_key="blue", max_item_count=2).by_page()
    first = [item["id"] async for item in await first_pages.__anext__()]
    token = first_pages.continuation_token
    assert first == ["blue-0", "blue-1"] and token

    resumed = container.query_items(query, partition_key="blue", max_item_count=2).by_page(token)
    rest = [[item["id"] for item in page] for page in await _pages(resumed)]
    assert rest == [["blue-2", "blue-3"], ["blue-4", "blue-5"], ["blue-6"]]
    assert resumed.continuation_token is None


async def test_cross_partition_pages_resume_without_loss_or_repeat_async(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    seen, token = [], None
    while True:
        pages = container.query_items("SELECT * FROM c", max_item_count=4).by_page(token)
        try:
            page = await pages.__anext__()
        except StopAsyncIteration:
            break
        seen.extend([item["id"] async for item in page])
        token = pages.continuation_token
        if token is None:
            break
    assert sorted(seen) == sorted(f"{c}-{n}" for c in PARTITIONS for n in range(ITEMS_PER_PARTITION))


async def test_read_all_items_async(cosmos_server, container):
    _skip_unless_cross_partition_queries(cosmos_server)
    assert len(await _ids(container.read_all_items())) == len(PARTITIONS) * ITEMS_PER_PARTITION
    assert all(len(page) <= 5 for page in await _pages(container.read_all_items(max_item_count=5).by_page()))


async def test_response_headers_are_the_latest_page_async(container):
    paged = container.query_items("SELECT * FROM c WHERE c.color = 'red'", partition_key="red", max_item_count=3)
    assert len(paged.get_response_headers()) == 0
    pages = paged.by_page()
    await pages.__anext__()
    first = paged.get_response_headers()
    await pages.__anext__()
    second = paged.get_response_headers()
    assert first["x-ms-activity-id"] != second["x-ms-activity-id"]
    assert second["x-ms-item-count"] == "3"


async def test_response_hook_runs_once_per_page_async(container):
    calls = []
    paged = container.query_items("SELECT * FROM c WHERE c.color = 'green'", partition_key="green", max_item_count=3,
                                  response_hook=lambda headers, page: calls.append((headers["x-ms-item-count"],
                                                                                    page["_count"])))
    assert len(await _ids(paged)) == ITEMS_PER_PARTITION
    assert calls == [("3", 3), ("3", 3), ("1", 1)]


async def test_query_metrics_are_returned_when_asked_async(cosmos_server, container):
    paged = container.query_items("SELECT * FROM c WHERE c.color = 'red'", partition_key="red",
                                  populate_query_metrics=True)
    await _ids(paged)
    if cosmos_server.name.startswith("vercel"):
        pytest.skip(f"server {cosmos_server.name} lacks capability 'query_metrics': @vercel/cosmosdb-server "
                    "sends no x-ms-documentdb-query-metrics header")
    assert "x-ms-documentdb-query-metrics" in paged.get_response_headers()


async def test_non_serialisable_parameter_is_a_type_error_async(container):
    with pytest.raises(TypeError):
        container.query_items("SELECT * FROM c WHERE c.n = @n", parameters=[{"name": "@n", "value": {1, 2}}])


async def test_a_page_fetch_cut_by_the_timeout_does_not_end_the_iteration_silently_async(cosmos_server, unique_id):
    cosmos_server.skip_unless("faults")
    from azure.cosmos import exceptions as cosmos_exceptions
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = await client.create_database(unique_id("db"))
        try:
            container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
            # Three pages of two: a page is read ahead, so the second call is the one that meets the fault.
            for n in range(6):
                await container.create_item({"id": f"i{n}", "pk": "p"})
            pages = container.query_items("SELECT * FROM c", partition_key="p", max_item_count=2,
                                          timeout=1).by_page()
            first = [item async for item in await pages.__anext__()]
            assert len(first) == 2
            with cosmos_server.fault(operation="query", resourceType="docs", delayMs=5000):
                with pytest.raises(cosmos_exceptions.CosmosClientTimeoutError):
                    await pages.__anext__()
            with pytest.raises(RuntimeError, match="interrupted"):
                await pages.__anext__()
        finally:
            await client.delete_database(database.id)
