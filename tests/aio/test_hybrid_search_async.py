"""Async twin of tests/test_hybrid_search.py: hybrid search across physical partitions."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .. import _hybrid_search as data
from .._data_plane import module_database

CAPABILITIES = ("query_plan", "vector_search", "hybrid_search", "multiple_partition_key_ranges", "bulk")
pytestmark = pytest.mark.requires(*CAPABILITIES)


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    for capability in CAPABILITIES:
        cosmos_server.skip_unless(capability)
    with module_database(cosmos_server, unique_id("db-hybrid")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


async def test_rrf_weighted_rrf_full_text_and_resume(client, database_id, unique_id):
    container = await client.get_database_client(database_id).create_container(
        unique_id("c"), PartitionKey("/pk"), vector_embedding_policy=data.EMBEDDING_POLICY,
        full_text_policy=data.FULL_TEXT_POLICY, indexing_policy=data.INDEXING_POLICY)
    results = [r async for r in container.execute_item_bulk(("upsert", (d,)) for d in data.documents())]
    assert all(r.ok for r in results)

    async def ids(query, **kwargs):
        return [row["id"] async for row in container.query_items(query, parameters=data.PARAMETERS, **kwargs)]

    assert await ids(data.RRF_QUERY) == data.fused_top()
    assert await ids(data.WEIGHTED_QUERY) == data.fused_top((3.0, 1.0))
    rows = [row async for row in container.query_items(data.TEXT_QUERY)]
    hits = [("swim" in row["text"]) + ("climb" in row["text"]) for row in rows]
    assert len(rows) == data.TOP and hits == sorted(hits, reverse=True) and hits[0] == 2
    pager = container.query_items(data.RRF_QUERY, parameters=data.PARAMETERS, max_item_count=15).by_page()
    pages, tokens = [], []
    async for page in pager:
        pages.append([row["id"] async for row in page])
        tokens.append(pager.continuation_token)
    assert [len(page) for page in pages] == [15, 15, 15, 5]
    resumed = container.query_items(data.RRF_QUERY, parameters=data.PARAMETERS, max_item_count=15).by_page(tokens[1])
    assert [row["id"] async for page in resumed async for row in page] == [i for p in pages[2:] for i in p]
