"""Async twin of tests/test_partition_key_delete.py: delete_all_items_by_partition_key."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import PARTITION_KEYS, module_database

pytestmark = pytest.mark.requires("partition_key_delete")


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-pk-delete")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, database_id, unique_id):
    """Four items in each logical partition of PARTITION_KEYS."""
    container = await client.get_database_client(database_id).create_container(
              unique_id("c"), PartitionKey("/pk"), change_feed_policy={"retentionDuration": 10})
    for pk in PARTITION_KEYS:
        for n in range(4):
            await container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
    return container


async def _everything(container):
    return sorted([item["id"] async for item in container.query_items("SELECT * FROM c")])


async def _ids(feed):
    return [item["id"] async for item in feed]


async def test_only_that_partition_is_emptied_async(cosmos_server, container):
    assert await container.delete_all_items_by_partition_key("pk-1") is None
    assert await _ids(container.query_items("SELECT * FROM c", partition_key="pk-1")) == []
    # pk-3 shares pk-1's physical partition; every other logical partition keeps all its items.
    assert await _everything(container) == sorted(
        f"{pk}-{n}" for pk in PARTITION_KEYS if pk != "pk-1" for n in range(4))
    assert (await container.read_item("pk-3-2", "pk-3"))["n"] == 2
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read_item("pk-1-0", "pk-1")


async def test_items_are_gone_from_point_reads_and_read_items_async(cosmos_server, container):
    await container.delete_all_items_by_partition_key("pk-8")
    kept = await container.read_item("pk-0-0", "pk-0")
    assert await container.read_items([("pk-8-0", "pk-8"), ("pk-8-3", "pk-8"), ("pk-0-0", "pk-0")]) == [kept]
    cosmos_server.skip_unless("missing_item_404")
    for n in range(4):
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            await container.read_item(f"pk-8-{n}", "pk-8")


async def test_several_partitions_one_after_the_other_async(container):
    for pk in ("pk-0", "pk-2", "pk-4"):
        await container.delete_all_items_by_partition_key(pk)
    kept = [pk for pk in PARTITION_KEYS if pk not in ("pk-0", "pk-2", "pk-4")]
    assert await _everything(container) == sorted(f"{pk}-{n}" for pk in kept for n in range(4))


async def test_a_partition_without_items_async(container):
    assert await container.delete_all_items_by_partition_key("empty") is None
    assert len(await _everything(container)) == 4 * len(PARTITION_KEYS)


@pytest.mark.requires("null_pk")
async def test_none_is_the_partition_of_null_values_async(container):
    await container.create_item({"id": "null-a", "pk": None})
    await container.create_item({"id": "null-b", "pk": None})
    await container.delete_all_items_by_partition_key(None)
    assert await _everything(container) == sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(4))


async def test_the_partition_can_be_written_again_async(container):
    await container.delete_all_items_by_partition_key("pk-5")
    await container.create_item({"id": "pk-5-0", "pk": "pk-5", "n": 100})
    assert [(item["id"], item["n"]) async for item in container.query_items(
        "SELECT * FROM c", partition_key="pk-5")] == [("pk-5-0", 100)]


async def test_response_hook_receives_the_headers_async(container):
    seen = []
    await container.delete_all_items_by_partition_key("pk-6", response_hook=lambda headers, result: seen.append(
        ("x-ms-activity-id" in headers, result)))
    assert seen == [(True, None)]


async def test_latest_version_change_feed_no_longer_has_the_items_async(cosmos_server, container):
    cosmos_server.skip_unless("change_feed")
    await container.delete_all_items_by_partition_key("pk-7")
    assert sorted(await _ids(container.query_items_change_feed(start_time="Beginning"))) == sorted(
        f"{pk}-{n}" for pk in PARTITION_KEYS if pk != "pk-7" for n in range(4))


async def test_all_versions_and_deletes_change_feed_shows_each_delete_async(cosmos_server, container):
    cosmos_server.skip_unless("change_feed")
    assert await _ids(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = container.client_connection.last_response_headers["etag"]
    await container.delete_all_items_by_partition_key("pk-2")
    changes = [change async for change in container.query_items_change_feed(continuation=token)]
    assert sorted((c["metadata"]["operationType"], c["metadata"]["id"], c["metadata"]["partitionKey"]["pk"])
                  for c in changes) == [("delete", f"pk-2-{n}", "pk-2") for n in range(4)]
    assert all(c["metadata"]["timeToLiveExpired"] is False for c in changes)


async def test_keyword_argument_by_its_4x_name_async(container):
    await container.delete_all_items_by_partition_key(partition_key="pk-3")
    assert len(await _everything(container)) == 4 * (len(PARTITION_KEYS) - 1)
