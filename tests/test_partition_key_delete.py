"""delete_all_items_by_partition_key: one logical partition emptied, every other one untouched."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions

from ._data_plane import PARTITION_KEYS, ids, module_database, sync_client

pytestmark = pytest.mark.requires("partition_key_delete")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-pk-delete")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def container(database, unique_id):
    """Four items in each logical partition of PARTITION_KEYS."""
    container = database.create_container(unique_id("c"), PartitionKey("/pk"),
                                          change_feed_policy={"retentionDuration": 10})
    for pk in PARTITION_KEYS:
        for n in range(4):
            container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
    return container


def _everything(container):
    return sorted(ids(container.query_items("SELECT * FROM c", enable_cross_partition_query=True)))


def test_only_that_partition_is_emptied(cosmos_server, container):
    assert container.delete_all_items_by_partition_key("pk-1") is None
    assert list(container.query_items("SELECT * FROM c", partition_key="pk-1")) == []
    # pk-3 shares pk-1's physical partition; every other logical partition keeps all its items.
    assert _everything(container) == sorted(f"{pk}-{n}" for pk in PARTITION_KEYS if pk != "pk-1" for n in range(4))
    assert container.read_item("pk-3-2", "pk-3")["n"] == 2
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read_item("pk-1-0", "pk-1")


def test_items_are_gone_from_point_reads_and_read_items(cosmos_server, container):
    container.delete_all_items_by_partition_key("pk-8")
    assert container.read_items([("pk-8-0", "pk-8"), ("pk-8-3", "pk-8"), ("pk-0-0", "pk-0")]) == [
        container.read_item("pk-0-0", "pk-0")]
    cosmos_server.skip_unless("missing_item_404")
    for n in range(4):
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            container.read_item(f"pk-8-{n}", "pk-8")


def test_several_partitions_one_after_the_other(container):
    for pk in ("pk-0", "pk-2", "pk-4"):
        container.delete_all_items_by_partition_key(pk)
    kept = [pk for pk in PARTITION_KEYS if pk not in ("pk-0", "pk-2", "pk-4")]
    assert _everything(container) == sorted(f"{pk}-{n}" for pk in kept for n in range(4))


def test_a_partition_without_items(container):
    assert container.delete_all_items_by_partition_key("empty") is None
    assert len(_everything(container)) == 4 * len(PARTITION_KEYS)


@pytest.mark.requires("null_pk")
def test_none_is_the_partition_of_null_values(container):
    container.create_item({"id": "null-a", "pk": None})
    container.create_item({"id": "null-b", "pk": None})
    container.delete_all_items_by_partition_key(None)
    assert _everything(container) == sorted(f"{pk}-{n}" for pk in PARTITION_KEYS for n in range(4))


def test_the_partition_can_be_written_again(container):
    container.delete_all_items_by_partition_key("pk-5")
    container.create_item({"id": "pk-5-0", "pk": "pk-5", "n": 100})
    assert sorted((item["id"], item["n"]) for item in container.query_items(
        "SELECT * FROM c", partition_key="pk-5")) == [("pk-5-0", 100)]


def test_response_hook_receives_the_headers(container):
    seen = []
    container.delete_all_items_by_partition_key("pk-6", response_hook=lambda headers, result: seen.append(
        ("x-ms-activity-id" in headers, result)))
    assert seen == [(True, None)]


def test_latest_version_change_feed_no_longer_has_the_items(cosmos_server, container):
    cosmos_server.skip_unless("change_feed")
    container.delete_all_items_by_partition_key("pk-7")
    assert sorted(ids(container.query_items_change_feed(start_time="Beginning"))) == sorted(
        f"{pk}-{n}" for pk in PARTITION_KEYS if pk != "pk-7" for n in range(4))


def test_all_versions_and_deletes_change_feed_shows_each_delete(cosmos_server, container):
    cosmos_server.skip_unless("change_feed")
    assert list(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = container.client_connection.last_response_headers["etag"]
    container.delete_all_items_by_partition_key("pk-2")
    changes = list(container.query_items_change_feed(continuation=token))
    assert sorted((c["metadata"]["operationType"], c["metadata"]["id"], c["metadata"]["partitionKey"]["pk"])
                  for c in changes) == [("delete", f"pk-2-{n}", "pk-2") for n in range(4)]
    assert all(c["metadata"]["timeToLiveExpired"] is False for c in changes)


def test_keyword_argument_by_its_4x_name(container):
    container.delete_all_items_by_partition_key(partition_key="pk-3")
    assert len(_everything(container)) == 4 * (len(PARTITION_KEYS) - 1)
