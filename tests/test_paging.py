"""Paging as 4.x: max_item_count, by_page() and its continuation token (None once exhausted), no empty pages,
results that are iterators, the dict form of a query, max_item_count=-1."""
from __future__ import annotations

import collections.abc

import pytest

from azure.cosmos import PartitionKey

from ._data_plane import (
    expect_pages_not_filled_across_partitions, PARTITION_KEYS, ids, module_database,
    sync_client,
)

EVERYTHING = sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(2))


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    """Two items in each logical partition of PARTITION_KEYS: 18 items over every physical partition."""
    with module_database(cosmos_server, unique_id("db-paging")) as database_id:
        container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        for index, item_id in enumerate(EVERYTHING):
            container.create_item({"id": item_id, "pk": item_id.rsplit("-", 1)[0], "n": index})
        yield container


@pytest.fixture
def fresh_container(cosmos_server, container):
    with sync_client(cosmos_server) as other:
        yield other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)


def _pages(pager):
    return [ids(page) for page in pager]


def _cross_partition_query(container, query="SELECT * FROM c", **kwargs):
    return container.query_items(query, enable_cross_partition_query=True, **kwargs)


def test_read_all_items_pages(container):
    pager = container.read_all_items(max_item_count=2).by_page()
    pages = _pages(pager)
    assert len(pages[0]) == 2
    assert all(1 <= len(page) <= 2 for page in pages), pages
    assert sorted(item for page in pages for item in page) == EVERYTHING
    assert pager.continuation_token is None


def test_read_all_items_resumes_from_a_continuation_in_a_fresh_client(container, fresh_container):
    pager = container.read_all_items(max_item_count=5).by_page()
    first = ids(next(pager))
    token = pager.continuation_token
    assert len(first) == 5 and token
    resumed = fresh_container.read_all_items(max_item_count=5).by_page(token)
    rest = _pages(resumed)
    assert sorted(first + [item for page in rest for item in page]) == EVERYTHING
    assert resumed.continuation_token is None


def test_cross_partition_pages_are_full_until_the_last(request, cosmos_server, container):
    expect_pages_not_filled_across_partitions(request, cosmos_server)
    pager = _cross_partition_query(container, max_item_count=4).by_page()
    pages = _pages(pager)
    assert [len(page) for page in pages] == [4, 4, 4, 4, 2]
    assert sorted(item for page in pages for item in page) == EVERYTHING
    assert pager.continuation_token is None


def test_order_by_pages(cosmos_server, container):
    cosmos_server.skip_unless("cross_partition_order_by")
    pager = _cross_partition_query(container, "SELECT * FROM c ORDER BY c.n DESC", max_item_count=4).by_page()
    pages = _pages(pager)
    assert [len(page) for page in pages] == [4, 4, 4, 4, 2]
    assert [item for page in pages for item in page] == list(reversed(EVERYTHING))
    assert pager.continuation_token is None


def test_cross_partition_query_resumes_in_a_fresh_client(container, fresh_container):
    pager = _cross_partition_query(container, max_item_count=5).by_page()
    first = ids(next(pager))
    token = pager.continuation_token
    assert len(first) == 5 and token
    resumed = _cross_partition_query(fresh_container, max_item_count=5).by_page(token)
    rest = _pages(resumed)
    assert sorted(first + [item for page in rest for item in page]) == EVERYTHING


def test_one_item_cross_partition_query_ends_with_no_continuation(container):
    pager = _cross_partition_query(container, "SELECT * FROM c WHERE c.id = 'pk-8-1'").by_page()
    assert _pages(pager) == [["pk-8-1"]]
    assert pager.continuation_token is None


def test_a_query_without_results_yields_no_page(container):
    pager = _cross_partition_query(container, "SELECT * FROM c WHERE c.n < 0").by_page()
    assert _pages(pager) == []
    assert pager.continuation_token is None
    pager = container.query_items("SELECT * FROM c WHERE c.n < 0", partition_key="pk-1").by_page()
    assert _pages(pager) == []
    assert pager.continuation_token is None


def test_a_partition_query_that_fills_its_last_page_exactly(container):
    pager = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-1'", partition_key="pk-1",
                                  max_item_count=2).by_page()
    assert _pages(pager) == [["pk-1-0", "pk-1-1"]]
    assert pager.continuation_token is None


def test_results_are_iterators(container):
    query = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-3' ORDER BY c.n", partition_key="pk-3")
    assert isinstance(query, collections.abc.Iterator)
    assert next(query)["id"] == "pk-3-0"
    assert ids(query) == ["pk-3-1"]
    everything = container.read_all_items()
    assert isinstance(everything, collections.abc.Iterator)
    assert next(everything)["id"] in EVERYTHING


@pytest.mark.requires("query_plan")  # the engine merges it from the service's query plan
def test_an_aggregate_result_is_an_iterator(container):
    assert next(_cross_partition_query(container, "SELECT VALUE COUNT(1) FROM c")) == len(EVERYTHING)


def test_query_given_as_a_dict(container):
    found = _cross_partition_query(container, {"query": "SELECT * FROM c WHERE c.n >= @n AND c.n < @m",
                                               "parameters": [{"name": "@n", "value": 3}, {"name": "@m", "value": 6}]})
    assert sorted(ids(found)) == EVERYTHING[3:6]


def test_max_item_count_minus_one(container):
    pages = _pages(_cross_partition_query(container, max_item_count=-1).by_page())
    assert all(pages) and sorted(item for page in pages for item in page) == EVERYTHING
    pages = _pages(container.read_all_items(max_item_count=-1).by_page())
    assert all(pages) and sorted(item for page in pages for item in page) == EVERYTHING
    one_partition = container.query_items("SELECT * FROM c WHERE c.pk = 'pk-1'", partition_key="pk-1",
                                          max_item_count=-1)
    assert _pages(one_partition.by_page()) == [["pk-1-0", "pk-1-1"]]


def test_database_and_container_queries_take_the_dict_form(client, container):
    database_id = container.container_link.split("/")[1]
    spec = {"query": "SELECT * FROM r WHERE r.id = @id", "parameters": [{"name": "@id", "value": database_id}]}
    assert [d["id"] for d in client.query_databases(spec)] == [database_id]
    database = client.get_database_client(database_id)
    spec = {"query": "SELECT * FROM r WHERE r.id = @id", "parameters": [{"name": "@id", "value": container.id}]}
    assert [c["id"] for c in database.query_containers(spec)] == [container.id]
