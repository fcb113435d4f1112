"""Async twin of tests/test_vector_queries.py: ORDER BY VectorDistance with TOP across partitions."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .. import _vector_search as data
from .._data_plane import module_database

CAPABILITIES = ("query_plan", "vector_search", "multiple_partition_key_ranges", "bulk")
pytestmark = pytest.mark.requires(*CAPABILITIES)


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    for capability in CAPABILITIES:
        cosmos_server.skip_unless(capability)
    with module_database(cosmos_server, unique_id("db-vec")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, database_id, unique_id):
    container = await client.get_database_client(database_id).create_container(
        unique_id("c"), PartitionKey("/pk"), vector_embedding_policy=data.EMBEDDING_POLICY,
        indexing_policy=data.INDEXING_POLICY)
    results = [result async for result in container.execute_item_bulk(
        ("upsert", (document,)) for document in data.documents())]
    assert all(result.ok for result in results)
    return container


def _query(container, **kwargs):
    return container.query_items(data.TOP_QUERY, parameters=data.PARAMETERS, **kwargs)


async def test_all_of_top_1000_in_similarity_order_and_pages_resume(cosmos_server, client, container):
    rows = [row async for row in _query(container)]
    assert [row["id"] for row in rows] == data.nearest(1000)
    pages, tokens = [], []
    pager = _query(container, max_item_count=150).by_page()
    async for page in pager:
        pages.append([row async for row in page])
        tokens.append(pager.continuation_token)
    assert [len(page) for page in pages] == [150] * 6 + [100] and tokens[-1] is None
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as other:
        fresh = other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)
        for index, token in enumerate(tokens[:-1]):
            resumed = [row async for page in _query(fresh, max_item_count=150).by_page(token) async for row in page]
            assert resumed == [row for page in pages[index + 1:] for row in page]
