"""Async twin of tests/test_partition_keys.py: every 4.x partition-key value kind, end to end."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient
from azure.cosmos.partition_key import NonePartitionKeyValue, NullPartitionKeyValue


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def database(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield database
    await client.delete_database(database.id)


async def _ids(paged):
    return [item["id"] async for item in paged]


@pytest.mark.parametrize("value", ["text", 42, -7, 2.5, True, False])
async def test_scalar_values_round_trip_async(database, unique_id, value):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await container.create_item({"id": "item", "pk": value})
    await container.create_item({"id": "other", "pk": "another partition"})
    assert (await container.read_item("item", value))["pk"] == value
    stored = "SELECT * FROM c WHERE c.pk = @pk"
    parameters = [{"name": "@pk", "value": value}]
    assert await _ids(container.query_items(stored, parameters=parameters, partition_key=value)) == ["item"]
    await container.delete_item("item", value)
    assert await _ids(container.query_items(stored, parameters=parameters, partition_key=value)) == []


async def test_null_and_missing_values_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("null_pk")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await container.create_item({"id": "null", "pk": None})
    await container.create_item({"id": "missing"})
    assert (await container.read_item("null", None))["id"] == "null"
    assert (await container.read_item("null", NullPartitionKeyValue))["id"] == "null"
    assert (await container.read_item("missing", NonePartitionKeyValue))["id"] == "missing"
    assert await _ids(container.query_items("SELECT * FROM c", partition_key=NullPartitionKeyValue)) == ["null"]
    assert await _ids(container.query_items("SELECT * FROM c", partition_key=NonePartitionKeyValue)) == ["missing"]
    await container.delete_item("missing", NonePartitionKeyValue)
    await container.delete_item("null", None)
    assert await _ids(container.read_all_items()) == []


async def test_hierarchical_values_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("hierarchical_pk")
    container = await database.create_container(unique_id("c"),
                                                PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
    await container.create_item({"id": "1", "tenant": "acme", "user": "ann"})
    await container.create_item({"id": "2", "tenant": "acme", "user": "bob"})
    await container.create_item({"id": "3", "tenant": "other", "user": "ann"})
    assert (await container.read_item("1", ["acme", "ann"]))["user"] == "ann"
    assert await _ids(container.query_items("SELECT * FROM c", partition_key=["acme", "bob"])) == ["2"]
    assert sorted(await _ids(container.query_items("SELECT * FROM c", partition_key=["acme"]))) == ["1", "2"]
    await container.delete_item("3", ["other", "ann"])
    assert sorted(await _ids(container.read_all_items())) == ["1", "2"]


async def test_wrong_partition_key_type_is_a_type_error_async(database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    with pytest.raises(TypeError):
        await container.read_item("item", object())
    with pytest.raises(TypeError):
        await container.delete_item("item", {"a": 1})
    with pytest.raises(TypeError):
        await _ids(container.query_items("SELECT * FROM c", partition_key={1, 2}))
