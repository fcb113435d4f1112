"""Async twin of tests/test_paging.py: paging as 4.x."""
from __future__ import annotations

import collections.abc

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import (
    expect_pages_not_filled_across_partitions, PARTITION_KEYS, module_database,
    sync_client,
)

EVERYTHING = sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(2))


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    """Two items in each logical partition of PARTITION_KEYS: 18 items over every physical partition."""
    with module_database(cosmos_server, unique_id("db-paging")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            container = client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
            for index, item_id in enumerate(EVERYTHING):
                container.create_item({"id": item_id, "pk": item_id.rsplit("-", 1)[0], "n": index})
        yield database_id, container_id


def _client(server):
    return CosmosClient(server.endpoint, server.key, **server.connection_kwargs)


@pytest.fixture
async def container(cosmos_server, container_address):
    database_id, container_id = container_address
    async with _client(cosmos_server) as client:
        yield client.get_database_client(database_id).get_container_client(container_id)


@pytest.fixture
async def fresh_container(cosmos_server, container_address):
    database_id, container_id = container_address
    async with _client(cosmos_server) as client:
        yield client.get_database_client(database_id).get_container_client(container_id)


async def _ids(items):
    return [item["id"] async for item in items]


async def _pages(pager):
    return [await _ids(page) async for page in pager]


async def _first_page(pager):
    return await _ids(await pager.__anext__())


def _cross_partition_query(container, query="SELECT * FROM c", **kwargs):
    return container.query_items(query, **kwargs)


async def test_read_all_items_pages_async(container):
    pager = container.read_all_items(max_item_count=2).by_page()
    pages = await _pages(pager)
    assert len(pages[0]) == 2
    assert all(1 <= len(page) <= 2 for page in pages), pages
    assert sorted(item for page in pages for item in page) == EVERYTHING
    assert pager.continuation_token is None


async def test_read_all_items_resumes_from_a_continuation_in_a_fresh_client_async(container, fresh_container):
    pager = container.read_all_items(max_item_count=5).by_page()
    first = await _first_page(pager)
    token = pager.continuation_token
    assert len(first) == 5 and token
    resumed = fresh_container.read_all_items(max_item_count=5).by_page(token)
    rest = await _pages(resumed)
    assert sorted(first + [item for page in rest for item in page]) == EVERYTHING
    assert resumed.continuation_token is None


async def test_cross_partition_pages_are_full_until_the_last_async(request, cosmos_server, container):
    expect_pages_not_filled_across_partitions(request, cosmos_server)
    pager = _cross_partition_query(container, max_item_count=4).by_page()
    pages = await _pages(pager)
    assert [len(page) for page in pages] == [4, 4, 4, 4, 2]
    assert sorted(item for page in pages for item in page) == EVERYTHING
    assert pager.continuation_token is None


async def test_order_by_pages_async(cosmos_server, container):
    cosmos_server.skip_unless("cross_partition_order_by")
    pager = _cross_partition_query(container, "SELECT * FROM c ORDER BY c.n DESC", max_item_count=4).by_page()
    pages = await _pages(pager)
    assert [len(page) for page in pages] == [4, 4, 4, 4, 2]
    assert [item for page in pages for item in page] == list(reversed(EVERYTHING))
    assert pager.continuation_token is None


async def test_cross_partition_query_resumes_in_a_fresh_client_async(container, fresh_container):
    pager = _cross_partition_query(container, max_item_count=5).by_page()
    first = await _first_page(pager)
    token = pager.continuation_token
    assert len(first) == 5 and token
    resumed = _cross_partition_query(fresh_container, max_item_count=5).by_page(token)
    rest = await _pages(resumed)
    assert sorted(first + [item for page in rest for item in page]) == EVERYTHING


async def test_one_item_cross_partition_query_ends_with_no_continuation_async(container):
    pager = _cross_partition_query(container, "SELECT * FROM c WHERE c.id = 'pk-8-1'").by_page()
    assert await _pages(pager) == [["pk-8-1"]]
    assert pager.continuation_token is None


async def test_a_query_without_results_yields_no_page_async(container):
    pager = _cross_partition_query(container, "SELECT * FROM c WHERE c.n < 0").by_page()
    assert await _pages(pager) == []
    assert pager.continuation_token is None
    pager = container.query_items("SELECT * FROM c WHERE c.n < 0", partition_key="pk-1").by_page()
    assert await _pages(pager) == []
    assert pager.continuation_token is None


async def test_a_partition_query_that_fills_its_last_page_exactly_async(container):
    pager = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-1'", partition_key="pk-1",
                                  max_item_count=2).by_page()
    assert await _pages(pager) == [["pk-1-0", "pk-1-1"]]
    assert pager.continuation_token is None


async def test_results_are_iterators_async(container):
    query = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-3' ORDER BY c.n", partition_key="pk-3")
    assert isinstance(query, collections.abc.AsyncIterator)
    assert (await query.__anext__())["id"] == "pk-3-0"
    assert await _ids(query) == ["pk-3-1"]
    everything = container.read_all_items()
    assert isinstance(everything, collections.abc.AsyncIterator)
    assert (await everything.__anext__())["id"] in EVERYTHING


@pytest.mark.requires("query_plan")  # the engine merges it from the service's query plan
async def test_an_aggregate_result_is_an_iterator_async(container):
    assert await _cross_partition_query(container, "SELECT VALUE COUNT(1) FROM c").__anext__() == len(EVERYTHING)


async def test_query_given_as_a_dict_async(container):
    found = _cross_partition_query(container, {"query": "SELECT * FROM c WHERE c.n >= @n AND c.n < @m",
                                               "parameters": [{"name": "@n", "value": 3}, {"name": "@m", "value": 6}]})
    assert sorted(await _ids(found)) == EVERYTHING[3:6]


async def test_max_item_count_minus_one_async(container):
    pages = await _pages(_cross_partition_query(container, max_item_count=-1).by_page())
    assert all(pages) and sorted(item for page in pages for item in page) == EVERYTHING
    pages = await _pages(container.read_all_items(max_item_count=-1).by_page())
    assert all(pages) and sorted(item for page in pages for item in page) == EVERYTHING
    one_partition = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-1'", partition_key="pk-1",
                                          max_item_count=-1)
    assert await _pages(one_partition.by_page()) == [["pk-1-0", "pk-1-1"]]


async def test_database_and_container_queries_take_the_dict_form_async(cosmos_server, container):
    database_id = container.container_link.split("/")[1]
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        spec = {"query": "SELECT * FROM r WHERE r.id = @id", "parameters": [{"name": "@id", "value": database_id}]}
        assert [d["id"] async for d in client.query_databases(spec)] == [database_id]
        database = client.get_database_client(database_id)
        spec = {"query": "SELECT * FROM r WHERE r.id = @id", "parameters": [{"name": "@id", "value": container.id}]}
        assert [c["id"] async for c in database.query_containers(spec)] == [container.id]
