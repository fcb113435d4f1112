"""Async twin of tests/test_read_items.py: read_items."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosList, PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import PARTITION_KEYS, ids, module_database, sync_client, user_properties


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    """Three items in each logical partition of PARTITION_KEYS, plus an id that exists in two partitions."""
    with module_database(cosmos_server, unique_id("db-read-items")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            container = client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
            for pk in PARTITION_KEYS:
                for n in range(3):
                    container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
            for pk in ("pk-0", "pk-1", "pk-2", "pk-4"):
                container.create_item({"id": "twin", "pk": pk, "n": -1})
        yield database_id, container_id


@pytest.fixture
async def container(cosmos_server, container_address):
    database_id, container_id = container_address
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(database_id).get_container_client(container_id)


async def test_items_come_back_in_the_requested_order_across_partitions_async(container):
    wanted = [("pk-8-2", "pk-8"), ("pk-0-0", "pk-0"), ("pk-5-1", "pk-5"), ("pk-0-2", "pk-0"), ("pk-3-0", "pk-3"),
              ("pk-2-1", "pk-2"), ("pk-6-2", "pk-6"), ("pk-1-1", "pk-1"), ("pk-7-0", "pk-7"), ("pk-4-2", "pk-4")]
    found = await container.read_items(wanted)
    assert isinstance(found, CosmosList)
    assert [(item["id"], item["pk"]) for item in found] == wanted
    assert all(isinstance(item, dict) for item in found)
    assert user_properties(found[0]) == {"id": "pk-8-2", "pk": "pk-8", "n": 2}
    assert found[0]["_etag"] == (await container.read_item("pk-8-2", "pk-8"))["_etag"]


async def test_missing_items_are_left_out_async(container):
    found = await container.read_items([("pk-1-0", "pk-1"), ("nope", "pk-1"), ("pk-2-0", "pk-2"),
                                        ("pk-2-1", "pk-9"), ("pk-8-0", "pk-8"), ("nope", "nowhere")])
    assert ids(found) == ["pk-1-0", "pk-2-0", "pk-8-0"]


async def test_nothing_found_is_an_empty_list_async(container):
    found = await container.read_items([("nope", "pk-1"), ("nope", "pk-8")])
    assert isinstance(found, CosmosList) and found == []
    assert list(found.get_response_headers()) == ["x-ms-request-charge"]
    assert float(found.get_response_headers()["x-ms-request-charge"]) > 0


async def test_empty_request_is_an_empty_list_async(container):
    found = await container.read_items([])
    assert isinstance(found, CosmosList) and found == []
    assert list(found.get_response_headers()) == []  # no request was sent


async def test_one_item_async(container):
    assert [(item["id"], item["n"]) for item in await container.read_items([("pk-7-1", "pk-7")])] == [("pk-7-1", 1)]


async def _physical_partition(container, pk):
    pk_range = await container.feed_range_from_partition_key(pk)
    return [r async for r in container.read_feed_ranges() if await container.is_feed_range_subset(r, pk_range)]


@pytest.mark.requires("multiple_partition_key_ranges")
async def test_the_same_id_in_different_physical_partitions_async(container):
    assert await _physical_partition(container, "pk-0") != await _physical_partition(container, "pk-1")  # the premise
    found = await container.read_items([("twin", "pk-1"), ("pk-5-0", "pk-5"), ("twin", "pk-0")])
    assert [(item["id"], item["pk"]) for item in found] == [("twin", "pk-1"), ("pk-5-0", "pk-5"), ("twin", "pk-0")]


async def test_the_same_id_in_two_partitions_of_one_physical_partition_async(container):
    assert await _physical_partition(container, "pk-2") == await _physical_partition(container, "pk-4")  # the premise
    found = await container.read_items([("twin", "pk-2"), ("pk-5-0", "pk-5"), ("twin", "pk-4")])
    # Both are found. 4.x documents no guaranteed order; 4.17.1 restores the requested order by id alone, so
    # both twins take the last twin's place, after "pk-5-0".
    assert sorted((item["id"], item["pk"]) for item in found) == [("pk-5-0", "pk-5"), ("twin", "pk-2"),
                                                                   ("twin", "pk-4")]


async def test_request_charge_is_the_total_async(container):
    found = await container.read_items([("pk-1-0", "pk-1"), ("pk-8-0", "pk-8"), ("pk-8-1", "pk-8")])
    assert len(found) == 3
    # Only the total charge of the point reads and queries it took (4.x): no other header.
    assert list(found.get_response_headers()) == ["x-ms-request-charge"]
    assert float(found.get_response_headers()["x-ms-request-charge"]) > 0


async def test_response_hook_is_called_once_with_the_result_async(container):
    calls = []
    found = await container.read_items([("pk-1-0", "pk-1"), ("pk-8-0", "pk-8")],
                                       response_hook=lambda headers, result: calls.append(
                                           (float(headers["x-ms-request-charge"]) > 0, ids(result))))
    assert calls == [(True, ["pk-1-0", "pk-8-0"])]
    assert ids(found) == ["pk-1-0", "pk-8-0"]


async def test_many_items_of_one_partition_async(container):
    wanted = [(f"{pk}-{n}", pk) for pk in reversed(PARTITION_KEYS) for n in (2, 0, 1)]
    assert [(item["id"], item["pk"]) for item in await container.read_items(wanted)] == wanted


@pytest.mark.requires("hierarchical_pk")
async def test_hierarchical_partition_keys_async(cosmos_server, container_address, unique_id):
    database_id, _ = container_address
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        container = await client.get_database_client(database_id).create_container(
            unique_id("c"), PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
        for n in range(4):
            await container.create_item({"id": f"i{n}", "tenant": f"t{n % 2}", "user": f"u{n}"})
        wanted = [("i3", ["t1", "u3"]), ("i0", ["t0", "u0"]), ("i2", ["t0", "u2"]), ("i1", ["t1", "nobody"])]
        assert [item["id"] for item in await container.read_items(wanted)] == ["i3", "i0", "i2"]


async def test_keyword_argument_by_its_4x_name_async(container):
    assert ids(await container.read_items(items=[("pk-6-0", "pk-6"), ("pk-0-1", "pk-0")])) == ["pk-6-0", "pk-0-1"]


async def test_max_concurrency_bounds_the_queries_at_once_async(container):
    wanted = [("pk-1-0", "pk-1"), ("pk-8-0", "pk-8"), ("pk-0-0", "pk-0"), ("pk-2-0", "pk-2")]
    assert ids(await container.read_items(wanted, max_concurrency=1)) == [item_id for item_id, _ in wanted]
    with pytest.raises(ValueError, match="max_concurrency"):
        await container.read_items(wanted, max_concurrency=0)
