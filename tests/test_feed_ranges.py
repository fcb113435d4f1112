"""Feed ranges: read_feed_ranges, feed_range_from_partition_key, is_feed_range_subset, queries scoped by a
feed range (also across a split); session tokens and get_latest_session_token."""
from __future__ import annotations

import json

import pytest

from azure.cosmos import PartitionKey

from ._data_plane import PARTITION_KEYS, ids, module_database, sync_client

ITEMS_PER_PARTITION = 3


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-feed-ranges")) as database_id:
        yield client.get_database_client(database_id)


def _fill(container):
    for pk in PARTITION_KEYS:
        for n in range(ITEMS_PER_PARTITION):
            container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
    return sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(ITEMS_PER_PARTITION))


@pytest.fixture(scope="module")
def container(database, unique_id):
    """ITEMS_PER_PARTITION items in each logical partition of PARTITION_KEYS (read-only for the tests)."""
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    _fill(container)
    return container


EVERYTHING = sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(ITEMS_PER_PARTITION))


def _holders(container, ranges, pk):
    pk_range = container.feed_range_from_partition_key(pk)
    return [index for index, feed_range in enumerate(ranges) if container.is_feed_range_subset(feed_range, pk_range)]


def test_feed_ranges_are_the_physical_partitions(cosmos_server, container):
    ranges = list(container.read_feed_ranges())
    assert all(isinstance(feed_range, dict) for feed_range in ranges)
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert len(ranges) == 4
    for index, parent in enumerate(ranges):
        assert [container.is_feed_range_subset(parent, child) for child in ranges] == [
            other == index for other in range(len(ranges))]


def test_every_partition_key_is_in_exactly_one_feed_range(cosmos_server, container):
    ranges = list(container.read_feed_ranges())
    holders = {pk: _holders(container, ranges, pk) for pk in PARTITION_KEYS + ("", "other", "日本")}
    assert all(len(found) == 1 for found in holders.values()), holders
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert {found[0] for found in holders.values()} == {0, 1, 2, 3}
        assert holders["pk-1"] == holders["pk-3"] and holders["pk-2"] == holders["pk-4"]


def test_feed_range_of_a_partition_key(container):
    pk_range = container.feed_range_from_partition_key("pk-1")
    assert pk_range == container.feed_range_from_partition_key("pk-1")
    assert pk_range != container.feed_range_from_partition_key("pk-3")
    assert container.is_feed_range_subset(pk_range, pk_range)
    physical = [r for r in container.read_feed_ranges() if container.is_feed_range_subset(r, pk_range)][0]
    assert not container.is_feed_range_subset(pk_range, physical)  # a physical partition is wider
    assert not container.is_feed_range_subset(pk_range, container.feed_range_from_partition_key("pk-3"))


def test_queries_per_feed_range_cover_the_container_once(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    ranges = list(container.read_feed_ranges())
    per_range = [ids(container.query_items("SELECT * FROM c", feed_range=feed_range)) for feed_range in ranges]
    assert sorted(item for found in per_range for item in found) == EVERYTHING
    for index, found in enumerate(per_range):
        assert all(_holders(container, ranges, item.rsplit("-", 1)[0]) == [index] for item in found)
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert all(per_range)


def test_query_scoped_to_the_feed_range_of_a_partition_key(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    found = container.query_items("SELECT * FROM c WHERE c.n >= @n", parameters=[{"name": "@n", "value": 1}],
                                  feed_range=container.feed_range_from_partition_key("pk-3"))
    assert sorted(ids(found)) == ["pk-3-1", "pk-3-2"]


def test_order_by_and_aggregate_inside_a_feed_range(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    for feed_range in container.read_feed_ranges():
        ordered = list(container.query_items("SELECT c.id, c.n FROM c ORDER BY c.n DESC", feed_range=feed_range))
        assert [item["n"] for item in ordered] == sorted((item["n"] for item in ordered), reverse=True)
        counted = list(container.query_items("SELECT VALUE COUNT(1) FROM c", feed_range=feed_range))
        assert counted == [len(ordered)]


def test_a_feed_range_survives_json_and_another_client(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    ranges = list(container.read_feed_ranges())
    stored = json.dumps(ranges)
    with sync_client(cosmos_server) as other:
        proxy = other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)
        restored = json.loads(stored)
        assert [sorted(ids(proxy.query_items("SELECT * FROM c", feed_range=r))) for r in restored] == [
            sorted(ids(container.query_items("SELECT * FROM c", feed_range=r))) for r in ranges]


def test_feed_range_and_partition_key_are_exclusive(container):
    with pytest.raises(ValueError):
        list(container.query_items("SELECT * FROM c", partition_key="pk-1",
                                   feed_range=container.feed_range_from_partition_key("pk-1")))


def test_feed_ranges_after_a_split(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("partition_split")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    everything = _fill(container)
    before = list(container.read_feed_ranges())
    assert len(cosmos_server.split_range(database.id, container.id, "2")) == 2
    after = list(container.read_feed_ranges(force_refresh=True))
    assert len(after) == len(before) + 1
    # Every new range lies in exactly one old one.
    assert all(sum(container.is_feed_range_subset(old, new) for old in before) == 1 for new in after)
    assert sorted(item for r in after for item in ids(container.query_items("SELECT * FROM c", feed_range=r))) == (
        everything)
    # A range read before the split still scopes a query to the same items.
    assert sorted(item for r in before for item in ids(container.query_items("SELECT * FROM c", feed_range=r))) == (
        everything)
    with sync_client(cosmos_server) as other:
        assert len(list(other.get_database_client(database.id).get_container_client(container.id)
                        .read_feed_ranges())) == len(after)


def _session_token(result):
    return result.get_response_headers()["x-ms-session-token"]


def test_writes_return_a_session_token_of_their_partition(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("session_token")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    first = _session_token(container.create_item({"id": "a", "pk": "pk-1"}))
    second = _session_token(container.upsert_item({"id": "a", "pk": "pk-1", "v": 1}))
    elsewhere = _session_token(container.create_item({"id": "a", "pk": "pk-8"}))
    # "<partition key range id>:<session token of that range>"
    assert first.split(":")[0] == second.split(":")[0] != elsewhere.split(":")[0]
    assert first != second
    assert _session_token(container.read_item("a", "pk-1")).split(":")[0] == first.split(":")[0]


def test_get_latest_session_token(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("session_token")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    older = _session_token(container.create_item({"id": "a", "pk": "pk-1"}))
    newer = _session_token(container.upsert_item({"id": "a", "pk": "pk-1", "v": 1}))
    elsewhere = _session_token(container.create_item({"id": "a", "pk": "pk-8"}))
    pk1 = container.feed_range_from_partition_key("pk-1")
    pk8 = container.feed_range_from_partition_key("pk-8")
    assert container.get_latest_session_token([(pk1, older), (pk1, newer), (pk8, elsewhere)], pk1) == newer
    assert container.get_latest_session_token([(pk1, newer), (pk1, older)], pk1) == newer
    assert container.get_latest_session_token([(pk1, older), (pk8, elsewhere)], pk8) == elsewhere
    physical = [r for r in container.read_feed_ranges() if container.is_feed_range_subset(r, pk1)][0]
    assert container.get_latest_session_token([(physical, newer)], pk1) == newer
    # Tokens of two logical partitions of one physical partition: the later write wins for the physical range.
    neighbour = _session_token(container.create_item({"id": "b", "pk": "pk-3"}))
    pk3 = container.feed_range_from_partition_key("pk-3")
    assert container.is_feed_range_subset(physical, pk3)  # the premise: pk-3 lives with pk-1
    assert container.get_latest_session_token([(pk1, newer), (pk3, neighbour), (pk8, elsewhere)], physical) == (
        neighbour)
    with pytest.raises(ValueError):
        container.get_latest_session_token([(pk8, elsewhere)], pk1)
    with pytest.raises(ValueError):
        container.get_latest_session_token([], pk1)


def test_keyword_arguments_by_their_4x_names(cosmos_server, container):
    pk_range = container.feed_range_from_partition_key(partition_key="pk-1")
    physical = [r for r in container.read_feed_ranges(force_refresh=True)
                if container.is_feed_range_subset(parent_feed_range=r, child_feed_range=pk_range)]
    assert len(physical) == 1
    cosmos_server.skip_unless("session_token")
    token = _session_token(container.read_item("pk-1-0", "pk-1"))
    assert container.get_latest_session_token(feed_ranges_to_session_tokens=[(pk_range, token)],
                                              target_feed_range=pk_range) == token
