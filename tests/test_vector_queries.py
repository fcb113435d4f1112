"""ORDER BY VectorDistance with TOP across physical partitions (issue 9): all of TOP 1000 comes back (the
driver alone buffers such a query and hands out its first page only), in the order computed here from the
same documents, and paging resumes from every page's token in a fresh client."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey

from . import _vector_search as data
from ._data_plane import module_database, sync_client

CAPABILITIES = ("query_plan", "vector_search", "multiple_partition_key_ranges", "bulk")
pytestmark = pytest.mark.requires(*CAPABILITIES)


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    for capability in CAPABILITIES:  # module fixtures run before the per-test capability check
        cosmos_server.skip_unless(capability)
    with module_database(cosmos_server, unique_id("db-vec")) as database_id:
        container = client.get_database_client(database_id).create_container(
            unique_id("c"), PartitionKey("/pk"), vector_embedding_policy=data.EMBEDDING_POLICY,
            indexing_policy=data.INDEXING_POLICY)
        assert all(result.ok for result in container.execute_item_bulk(
            ("upsert", (document,)) for document in data.documents()))
        yield container


def _query(container, **kwargs):
    return container.query_items(data.TOP_QUERY, parameters=data.PARAMETERS, enable_cross_partition_query=True,
                                 **kwargs)


def test_all_of_top_1000_in_similarity_order(container):
    assert len(list(container.read_feed_ranges())) > 1
    rows = list(_query(container))
    assert [row["id"] for row in rows] == data.nearest(1000)
    expected = data.scores()
    assert all(abs(row["score"] - expected[row["id"]]) < 1e-5 for row in rows)


def test_pages_resume_from_every_token_in_a_fresh_client(cosmos_server, container):
    pages = [list(page) for page in _query(container, max_item_count=150).by_page()]
    assert [len(page) for page in pages] == [150] * 6 + [100]
    tokens = []
    pager = _query(container, max_item_count=150).by_page()
    for _ in pager:
        tokens.append(pager.continuation_token)
    assert tokens[-1] is None and all(tokens[:-1])
    with sync_client(cosmos_server) as other:
        fresh = other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)
        for index, token in enumerate(tokens[:-1]):
            resumed = [row for page in _query(fresh, max_item_count=150).by_page(token) for row in page]
            assert resumed == [row for page in pages[index + 1:] for row in page]
