"""Async twin of tests/test_container_recreate.py: a recreated container through an existing proxy."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database, sync_client


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-recreate")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def stale(client, database_id, unique_id):
    """A ContainerProxy that has been used (so the client has cached the container), then the container is
    deleted and created again, through another client."""
    proxy = await client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
    await proxy.create_item({"id": "old", "pk": "p"})
    assert (await proxy.read_item("old", "p"))["id"] == "old"
    assert [item["id"] for item in await proxy.read_items([("old", "p")])] == ["old"]
    return proxy


def _recreate(server, database_id, container_id, path):
    with sync_client(server) as other:
        other_database = other.get_database_client(database_id)
        other_database.delete_container(container_id)
        other_database.create_container(container_id, PartitionKey(path))


async def _ids(items):
    return [item["id"] async for item in items]


async def test_same_partition_key_path_async(cosmos_server, database_id, stale):
    _recreate(cosmos_server, database_id, stale.id, "/pk")
    await stale.create_item({"id": "new", "pk": "p", "n": 1})
    assert (await stale.patch_item("new", "p", [{"op": "incr", "path": "/n", "value": 1}]))["n"] == 2
    assert [item["id"] for item in await stale.read_items([("new", "p"), ("old", "p")])] == ["new"]
    assert await _ids(stale.query_items("SELECT * FROM c")) == ["new"]
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await stale.read_item("old", "p")


async def test_other_partition_key_path_point_operations_and_patch_async(cosmos_server, database_id, stale):
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    assert (await stale.create_item({"id": "a", "tenant": "t1", "n": 1}))["tenant"] == "t1"
    assert (await stale.read_item("a", "t1"))["n"] == 1
    assert (await stale.upsert_item({"id": "a", "tenant": "t1", "n": 2}))["n"] == 2
    assert (await stale.patch_item("a", "t1", [{"op": "incr", "path": "/n", "value": 3}]))["n"] == 5
    assert (await stale.read())["partitionKey"]["paths"] == ["/tenant"]
    assert await stale.delete_item("a", "t1") is None


async def test_other_partition_key_path_batch_async(cosmos_server, database_id, stale):
    cosmos_server.skip_unless("batch")
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    results = await stale.execute_item_batch([("create", ({"id": "b", "tenant": "t2"},)), ("read", ("b",))],
                                             partition_key="t2")
    assert [result["statusCode"] for result in results] == [201, 200]


async def test_other_partition_key_path_read_items_and_queries_async(cosmos_server, database_id, stale):
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    for n in range(4):
        await stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    assert sorted(await _ids(stale.query_items("SELECT * FROM c"))) == ["i0", "i1", "i2", "i3"]
    assert await _ids(stale.query_items("SELECT * FROM c WHERE c.tenant = 't2'", partition_key="t2")) == ["i2"]
    # read_items builds its query from the cached partition-key path: only the server's 400/1024 for the old
    # container tells the client to refresh it.
    cosmos_server.skip_unless("collection_rid_check")
    found = await stale.read_items([("i3", "t3"), ("i0", "t0"), ("old", "p")])
    assert [item["id"] for item in found] == ["i3", "i0"]


async def test_other_partition_key_path_feed_ranges_async(cosmos_server, database_id, stale):
    cosmos_server.skip_unless("partition_scoped_query")
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    for n in range(4):
        await stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    ranges = [feed_range async for feed_range in stale.read_feed_ranges()]
    found = [item for r in ranges for item in await _ids(stale.query_items("SELECT * FROM c", feed_range=r))]
    assert sorted(found) == ["i0", "i1", "i2", "i3"]
    scope = await stale.feed_range_from_partition_key("t1")
    assert await _ids(stale.query_items("SELECT * FROM c", feed_range=scope)) == ["i1"]


async def test_other_partition_key_path_change_feed_async(cosmos_server, database_id, stale):
    cosmos_server.skip_unless("change_feed")
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    for n in range(4):
        await stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    assert sorted(await _ids(stale.query_items_change_feed(start_time="Beginning"))) == ["i0", "i1", "i2", "i3"]
    assert await _ids(stale.query_items_change_feed(start_time="Beginning", partition_key="t2")) == ["i2"]


async def test_other_partition_key_path_partition_key_delete_async(cosmos_server, database_id, stale):
    cosmos_server.skip_unless("partition_key_delete")
    _recreate(cosmos_server, database_id, stale.id, "/tenant")
    for n in range(3):
        await stale.create_item({"id": f"i{n}", "tenant": "t" if n else "u"})
    await stale.delete_all_items_by_partition_key("t")
    assert await _ids(stale.query_items("SELECT * FROM c")) == ["i0"]
