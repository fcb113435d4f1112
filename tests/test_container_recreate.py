"""A container deleted and created again under the same name (with the same or another partition-key path)
keeps working through an existing client and the ContainerProxy it had: patch, batch, read_items, change
feed, feed ranges, partition-key delete and queries all reach the new container."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions

from ._data_plane import ids, module_database, sync_client


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-recreate")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def stale(database, unique_id):
    """A ContainerProxy that has been used (so the client has cached the container), then the container is
    deleted and created again with another partition-key path, through another client."""
    container_id = unique_id("c")
    proxy = database.create_container(container_id, PartitionKey("/pk"))
    proxy.create_item({"id": "old", "pk": "p"})
    assert proxy.read_item("old", "p")["id"] == "old"
    assert [item["id"] for item in proxy.read_items([("old", "p")])] == ["old"]
    return proxy


def _recreate(server, database, container_id, path):
    with sync_client(server) as other:
        other_database = other.get_database_client(database.id)
        other_database.delete_container(container_id)
        other_database.create_container(container_id, PartitionKey(path))


def test_same_partition_key_path(cosmos_server, database, stale):
    _recreate(cosmos_server, database, stale.id, "/pk")
    stale.create_item({"id": "new", "pk": "p", "n": 1})
    assert stale.patch_item("new", "p", [{"op": "incr", "path": "/n", "value": 1}])["n"] == 2
    assert ids(stale.read_items([("new", "p"), ("old", "p")])) == ["new"]
    assert ids(stale.query_items("SELECT * FROM c", enable_cross_partition_query=True)) == ["new"]
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        stale.read_item("old", "p")


def test_other_partition_key_path_point_operations_and_patch(cosmos_server, database, stale):
    _recreate(cosmos_server, database, stale.id, "/tenant")
    assert stale.create_item({"id": "a", "tenant": "t1", "n": 1})["tenant"] == "t1"
    assert stale.read_item("a", "t1")["n"] == 1
    assert stale.upsert_item({"id": "a", "tenant": "t1", "n": 2})["n"] == 2
    assert stale.patch_item("a", "t1", [{"op": "incr", "path": "/n", "value": 3}])["n"] == 5
    assert stale.read()["partitionKey"]["paths"] == ["/tenant"]
    assert stale.delete_item("a", "t1") is None


def test_other_partition_key_path_batch(cosmos_server, database, stale):
    cosmos_server.skip_unless("batch")
    _recreate(cosmos_server, database, stale.id, "/tenant")
    results = stale.execute_item_batch([("create", ({"id": "b", "tenant": "t2"},)), ("read", ("b",))],
                                       partition_key="t2")
    assert [result["statusCode"] for result in results] == [201, 200]


def test_other_partition_key_path_read_items_and_queries(cosmos_server, database, stale):
    _recreate(cosmos_server, database, stale.id, "/tenant")
    for n in range(4):
        stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    assert sorted(ids(stale.query_items("SELECT * FROM c", enable_cross_partition_query=True))) == [
        "i0", "i1", "i2", "i3"]
    assert ids(stale.query_items("SELECT * FROM c WHERE c.tenant = 't2'", partition_key="t2")) == ["i2"]
    # read_items builds its query from the cached partition-key path: only the server's 400/1024 for the old
    # container tells the client to refresh it.
    cosmos_server.skip_unless("collection_rid_check")
    assert ids(stale.read_items([("i3", "t3"), ("i0", "t0"), ("old", "p")])) == ["i3", "i0"]


def test_other_partition_key_path_feed_ranges(cosmos_server, database, stale):
    cosmos_server.skip_unless("partition_scoped_query")
    _recreate(cosmos_server, database, stale.id, "/tenant")
    for n in range(4):
        stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    ranges = list(stale.read_feed_ranges())
    assert sorted(item for r in ranges for item in ids(stale.query_items("SELECT * FROM c", feed_range=r))) == [
        "i0", "i1", "i2", "i3"]
    assert ids(stale.query_items("SELECT * FROM c", feed_range=stale.feed_range_from_partition_key("t1"))) == ["i1"]


def test_other_partition_key_path_change_feed(cosmos_server, database, stale):
    cosmos_server.skip_unless("change_feed")
    _recreate(cosmos_server, database, stale.id, "/tenant")
    for n in range(4):
        stale.create_item({"id": f"i{n}", "tenant": f"t{n}"})
    assert sorted(ids(stale.query_items_change_feed(start_time="Beginning"))) == ["i0", "i1", "i2", "i3"]
    assert ids(stale.query_items_change_feed(start_time="Beginning", partition_key="t2")) == ["i2"]


def test_other_partition_key_path_partition_key_delete(cosmos_server, database, stale):
    cosmos_server.skip_unless("partition_key_delete")
    _recreate(cosmos_server, database, stale.id, "/tenant")
    for n in range(3):
        stale.create_item({"id": f"i{n}", "tenant": "t" if n else "u"})
    stale.delete_all_items_by_partition_key("t")
    assert ids(stale.query_items("SELECT * FROM c", enable_cross_partition_query=True)) == ["i0"]
