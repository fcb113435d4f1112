"""Async twin of tests/test_cross_partition_queries.py: cross-partition aggregates, GROUP BY and DISTINCT
merged by the engine, checked against answers computed from the same documents; pages resume from every
token in a fresh client."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .. import _cross_partition as data
from .._data_plane import module_database, sync_client

CAPABILITIES = ("query_plan", "group_by", "batch", "multiple_partition_key_ranges")
pytestmark = pytest.mark.requires(*CAPABILITIES)


def skip_unless_capable(server) -> None:
    # Module fixtures load data before the per-test capability check runs.
    for capability in CAPABILITIES:
        server.skip_unless(capability)


@pytest.fixture(scope="module")
def address(cosmos_server, unique_id):
    skip_unless_capable(cosmos_server)
    with module_database(cosmos_server, unique_id("db-xpq")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            data.load(client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk")))
        yield database_id, container_id


@pytest.fixture
async def container(cosmos_server, address):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(address[0]).get_container_client(address[1])


@pytest.fixture
async def fresh(cosmos_server, address):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(address[0]).get_container_client(address[1])


async def run(container, query, **kwargs):
    return [row async for row in container.query_items(query, **kwargs)]


@pytest.mark.parametrize("query", sorted(data.VALUE_AGGREGATES))
async def test_value_aggregates_async(container, query):
    assert await run(container, query) == data.VALUE_AGGREGATES[query]


@pytest.mark.parametrize("query", sorted(data.grouped_expected()))
async def test_group_by_and_non_value_aggregates_async(container, query):
    assert data.as_multiset(await run(container, query)) == data.as_multiset(data.grouped_expected()[query])


@pytest.mark.parametrize("query", sorted(data.DISTINCT))
async def test_unordered_distinct_async(container, query):
    assert data.as_multiset(await run(container, query)) == data.as_multiset(data.DISTINCT[query])


@pytest.mark.parametrize("query", sorted(data.ORDERED_DISTINCT))
async def test_ordered_distinct_async(container, query):
    assert await run(container, query) == data.ORDERED_DISTINCT[query]


async def test_top_and_offset_limit_over_groups_async(container):
    every = await run(container, "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h")
    top = await run(container, "SELECT TOP 5 c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h")
    window = await run(container, "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h OFFSET 3 LIMIT 4")
    assert top == every[:5]
    assert window == every[3:7]


async def test_pages_resume_from_every_token_in_a_fresh_client_async(container, fresh):
    query = "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h"
    pager = container.query_items(query, max_item_count=4).by_page()
    pages, tokens = [], []
    async for page in pager:
        pages.append([row async for row in page])
        tokens.append(pager.continuation_token)
    assert tokens[-1] is None and all(tokens[:-1])
    rows = [row for page in pages for row in page]
    assert data.as_multiset(rows) == data.as_multiset(data.grouped_expected()[query])
    for index, token in enumerate(tokens[:-1]):
        resumed = fresh.query_items(query, max_item_count=4).by_page(token)
        got = [row async for page in resumed async for row in page]
        assert got == [row for page in pages[index + 1:] for row in page]


async def test_a_token_of_another_query_is_refused_async(container):
    pager = container.query_items("SELECT VALUE c.g FROM c GROUP BY c.g", max_item_count=2).by_page()
    await pager.__anext__()
    other = container.query_items("SELECT VALUE c.h FROM c GROUP BY c.h", max_item_count=2).by_page(
        pager.continuation_token)
    with pytest.raises(ValueError, match="another query"):
        await other.__anext__()


@pytest.mark.parametrize("concurrency", [1, 64])
async def test_max_concurrency_gives_the_same_answer_async(container, concurrency):
    query = "SELECT c.g, COUNT(1) AS n, SUM(c.v) AS t FROM c GROUP BY c.g"
    assert await run(container, query, max_concurrency=concurrency) == await run(container, query)


async def test_max_concurrency_must_be_a_positive_int_async(container):
    with pytest.raises(ValueError, match="max_concurrency"):
        await run(container, "SELECT VALUE COUNT(1) FROM c", max_concurrency=0)


async def test_query_and_index_metrics_of_every_partition_come_with_the_first_page_async(container):
    pager = container.query_items("SELECT c.g, COUNT(1) AS n FROM c GROUP BY c.g", populate_query_metrics=True,
                                  populate_index_metrics=True, max_item_count=2).by_page()
    first = [row async for row in await pager.__anext__()]
    headers = container.client_connection.last_response_headers
    assert first
    metrics = dict(pair.split("=", 1) for pair in headers["x-ms-documentdb-query-metrics"].split(";"))
    assert int(metrics["retrievedDocumentCount"]) == data.DOCUMENT_COUNT
    assert "x-ms-cosmos-index-utilization" in headers
