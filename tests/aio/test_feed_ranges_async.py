"""Async twin of tests/test_feed_ranges.py: feed ranges, feed-range queries, session tokens."""
from __future__ import annotations

import json

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import PARTITION_KEYS, module_database, sync_client

ITEMS_PER_PARTITION = 3
EVERYTHING = sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(ITEMS_PER_PARTITION))


def _fill_sync(container):
    for pk in PARTITION_KEYS:
        for n in range(ITEMS_PER_PARTITION):
            container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-feed-ranges")) as database_id:
        yield database_id


@pytest.fixture(scope="module")
def filled_container_id(cosmos_server, database_id, unique_id):
    """ITEMS_PER_PARTITION items in each logical partition of PARTITION_KEYS (read-only for the tests)."""
    container_id = unique_id("c")
    with sync_client(cosmos_server) as client:
        _fill_sync(client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk")))
    return container_id


def _client(server):
    return CosmosClient(server.endpoint, server.key, **server.connection_kwargs)


@pytest.fixture
async def client(cosmos_server):
    async with _client(cosmos_server) as client:
        yield client


@pytest.fixture
def database(client, database_id):
    return client.get_database_client(database_id)


@pytest.fixture
def container(database, filled_container_id):
    return database.get_container_client(filled_container_id)


async def _fill(container):
    for pk in PARTITION_KEYS:
        for n in range(ITEMS_PER_PARTITION):
            await container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
    return EVERYTHING


async def _ranges(container, **kwargs):
    return [feed_range async for feed_range in container.read_feed_ranges(**kwargs)]


async def _ids(items):
    return [item["id"] async for item in items]


async def _holders(container, ranges, pk):
    pk_range = await container.feed_range_from_partition_key(pk)
    return [index for index, feed_range in enumerate(ranges)
            if await container.is_feed_range_subset(feed_range, pk_range)]


async def test_feed_ranges_are_the_physical_partitions_async(cosmos_server, container):
    ranges = await _ranges(container)
    assert all(isinstance(feed_range, dict) for feed_range in ranges)
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert len(ranges) == 4
    for index, parent in enumerate(ranges):
        assert [await container.is_feed_range_subset(parent, child) for child in ranges] == [
            other == index for other in range(len(ranges))]


async def test_every_partition_key_is_in_exactly_one_feed_range_async(cosmos_server, container):
    ranges = await _ranges(container)
    holders = {pk: await _holders(container, ranges, pk) for pk in PARTITION_KEYS + ("", "other", "日本")}
    assert all(len(found) == 1 for found in holders.values()), holders
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert {found[0] for found in holders.values()} == {0, 1, 2, 3}
        assert holders["pk-1"] == holders["pk-3"] and holders["pk-2"] == holders["pk-4"]


async def test_feed_range_of_a_partition_key_async(container):
    pk_range = await container.feed_range_from_partition_key("pk-1")
    other = await container.feed_range_from_partition_key("pk-3")
    assert pk_range == await container.feed_range_from_partition_key("pk-1")
    assert pk_range != other
    assert await container.is_feed_range_subset(pk_range, pk_range)
    physical = [r for r in await _ranges(container) if await container.is_feed_range_subset(r, pk_range)][0]
    assert not await container.is_feed_range_subset(pk_range, physical)  # a physical partition is wider
    assert not await container.is_feed_range_subset(pk_range, other)


async def test_queries_per_feed_range_cover_the_container_once_async(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    ranges = await _ranges(container)
    per_range = [await _ids(container.query_items("SELECT * FROM c", feed_range=feed_range)) for feed_range in ranges]
    assert sorted(item for found in per_range for item in found) == EVERYTHING
    for index, found in enumerate(per_range):
        for item in found:
            assert await _holders(container, ranges, item.rsplit("-", 1)[0]) == [index]
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert all(per_range)


async def test_query_scoped_to_the_feed_range_of_a_partition_key_async(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    found = container.query_items("SELECT * FROM c WHERE c.n >= @n", parameters=[{"name": "@n", "value": 1}],
                                  feed_range=await container.feed_range_from_partition_key("pk-3"))
    assert sorted(await _ids(found)) == ["pk-3-1", "pk-3-2"]


async def test_order_by_and_aggregate_inside_a_feed_range_async(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    for feed_range in await _ranges(container):
        ordered = [item async for item in container.query_items("SELECT c.id, c.n FROM c ORDER BY c.n DESC",
                                                                 feed_range=feed_range)]
        assert [item["n"] for item in ordered] == sorted((item["n"] for item in ordered), reverse=True)
        counted = [count async for count in container.query_items("SELECT VALUE COUNT(1) FROM c",
                                                                   feed_range=feed_range)]
        assert counted == [len(ordered)]


async def test_a_feed_range_survives_json_and_another_client_async(cosmos_server, container):
    cosmos_server.skip_unless("partition_scoped_query")
    ranges = await _ranges(container)
    stored = json.dumps(ranges)
    async with _client(cosmos_server) as other:
        proxy = other.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)
        restored = json.loads(stored)
        assert [sorted(await _ids(proxy.query_items("SELECT * FROM c", feed_range=r))) for r in restored] == [
            sorted(await _ids(container.query_items("SELECT * FROM c", feed_range=r))) for r in ranges]


async def test_feed_range_and_partition_key_are_exclusive_async(container):
    pk_range = await container.feed_range_from_partition_key("pk-1")
    with pytest.raises(ValueError):
        await _ids(container.query_items("SELECT * FROM c", partition_key="pk-1", feed_range=pk_range))


async def test_feed_ranges_after_a_split_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("partition_split")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    everything = await _fill(container)
    before = await _ranges(container)
    assert len(cosmos_server.split_range(database.id, container.id, "2")) == 2
    after = await _ranges(container, force_refresh=True)
    assert len(after) == len(before) + 1
    # Every new range lies in exactly one old one.
    for new in after:
        assert [await container.is_feed_range_subset(old, new) for old in before].count(True) == 1
    assert sorted([item for r in after
                   for item in await _ids(container.query_items("SELECT * FROM c", feed_range=r))]) == everything
    # A range read before the split still scopes a query to the same items.
    assert sorted([item for r in before
                   for item in await _ids(container.query_items("SELECT * FROM c", feed_range=r))]) == everything
    async with _client(cosmos_server) as other:
        assert len(await _ranges(other.get_database_client(database.id).get_container_client(container.id))) == len(
            after)


def _session_token(result):
    return result.get_response_headers()["x-ms-session-token"]


async def test_writes_return_a_session_token_of_their_partition_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("session_token")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    first = _session_token(await container.create_item({"id": "a", "pk": "pk-1"}))
    second = _session_token(await container.upsert_item({"id": "a", "pk": "pk-1", "v": 1}))
    elsewhere = _session_token(await container.create_item({"id": "a", "pk": "pk-8"}))
    # "<partition key range id>:<session token of that range>"
    assert first.split(":")[0] == second.split(":")[0] != elsewhere.split(":")[0]
    assert first != second
    assert _session_token(await container.read_item("a", "pk-1")).split(":")[0] == first.split(":")[0]


async def test_get_latest_session_token_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("session_token")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    older = _session_token(await container.create_item({"id": "a", "pk": "pk-1"}))
    newer = _session_token(await container.upsert_item({"id": "a", "pk": "pk-1", "v": 1}))
    elsewhere = _session_token(await container.create_item({"id": "a", "pk": "pk-8"}))
    pk1 = await container.feed_range_from_partition_key("pk-1")
    pk8 = await container.feed_range_from_partition_key("pk-8")
    latest = container.get_latest_session_token
    assert await latest([(pk1, older), (pk1, newer), (pk8, elsewhere)], pk1) == newer
    assert await latest([(pk1, newer), (pk1, older)], pk1) == newer
    assert await latest([(pk1, older), (pk8, elsewhere)], pk8) == elsewhere
    physical = [r for r in await _ranges(container) if await container.is_feed_range_subset(r, pk1)][0]
    assert await latest([(physical, newer)], pk1) == newer
    # Tokens of two logical partitions of one physical partition: the later write wins for the physical range.
    neighbour = _session_token(await container.create_item({"id": "b", "pk": "pk-3"}))
    pk3 = await container.feed_range_from_partition_key("pk-3")
    assert await container.is_feed_range_subset(physical, pk3)  # the premise: pk-3 lives with pk-1
    assert await latest([(pk1, newer), (pk3, neighbour), (pk8, elsewhere)], physical) == neighbour
    with pytest.raises(ValueError):
        await latest([(pk8, elsewhere)], pk1)
    with pytest.raises(ValueError):
        await latest([], pk1)


async def test_keyword_arguments_by_their_4x_names_async(cosmos_server, container):
    pk_range = await container.feed_range_from_partition_key(partition_key="pk-1")
    physical = [r for r in await _ranges(container, force_refresh=True)
                if await container.is_feed_range_subset(parent_feed_range=r, child_feed_range=pk_range)]
    assert len(physical) == 1
    cosmos_server.skip_unless("session_token")
    token = _session_token(await container.read_item("pk-1-0", "pk-1"))
    assert await container.get_latest_session_token(feed_ranges_to_session_tokens=[(pk_range, token)],
                                                    target_feed_range=pk_range) == token
