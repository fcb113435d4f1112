"""Hybrid search across physical partitions (issue 9): ORDER BY RANK RRF(...) and FullTextScore from the gateway's
hybridSearchQueryInfo (statistics over every partition, each component on every partition, fused by reciprocal rank),
compared with the fusion computed here from the same documents; paging resumes from every page's token."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey

from . import _hybrid_search as data
from ._data_plane import module_database, sync_client

CAPABILITIES = ("query_plan", "vector_search", "hybrid_search", "multiple_partition_key_ranges", "bulk")
pytestmark = pytest.mark.requires(*CAPABILITIES)


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    for capability in CAPABILITIES:  # module fixtures run before the per-test capability check
        cosmos_server.skip_unless(capability)
    with module_database(cosmos_server, unique_id("db-hybrid")) as database_id:
        container = client.get_database_client(database_id).create_container(
            unique_id("c"), PartitionKey("/pk"), vector_embedding_policy=data.EMBEDDING_POLICY,
            full_text_policy=data.FULL_TEXT_POLICY, indexing_policy=data.INDEXING_POLICY)
        assert all(r.ok for r in container.execute_item_bulk(("upsert", (d,)) for d in data.documents()))
        yield container


def _ids(container, query, **kwargs):
    return [row["id"] for row in container.query_items(query, parameters=data.PARAMETERS,
                                                       enable_cross_partition_query=True, **kwargs)]


def test_rrf_of_two_vector_components(container):
    assert len(list(container.read_feed_ranges())) > 1
    assert _ids(container, data.RRF_QUERY) == data.fused_top()


def test_weighted_rrf(container):
    assert _ids(container, data.WEIGHTED_QUERY) == data.fused_top((3.0, 1.0))


def test_full_text_score_ranks_documents_with_the_terms_first(container):
    rows = list(container.query_items(data.TEXT_QUERY, enable_cross_partition_query=True))
    assert len(rows) == data.TOP
    with_both = sum(1 for d in data.documents() if "swim" in d["text"] and "climb" in d["text"])
    # Documents with both terms outrank those with one, which outrank those with none.
    hits = [("swim" in row["text"]) + ("climb" in row["text"]) for row in rows]
    assert hits == sorted(hits, reverse=True) and hits[0] == 2 and hits.count(2) == min(with_both, data.TOP)


def test_pages_resume_from_every_token_in_a_fresh_client(cosmos_server, container):
    pager = container.query_items(data.RRF_QUERY, parameters=data.PARAMETERS, enable_cross_partition_query=True,
                                  max_item_count=15).by_page()
    pages, tokens = [], []
    for page in pager:
        pages.append([row["id"] for row in page])
        tokens.append(pager.continuation_token)
    assert [len(page) for page in pages] == [15, 15, 15, 5] and tokens[-1] is None
    with sync_client(cosmos_server) as other:
        fresh = other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)
        for index, token in enumerate(tokens[:-1]):
            resumed = fresh.query_items(data.RRF_QUERY, parameters=data.PARAMETERS,
                                        enable_cross_partition_query=True, max_item_count=15).by_page(token)
            assert [row["id"] for page in resumed for row in page] == [i for p in pages[index + 1:] for i in p]
