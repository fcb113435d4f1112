"""Async twins of tests/test_ambiguous_writes.py."""
from __future__ import annotations

import pytest
from azure.core.exceptions import IncompleteReadError, ServiceResponseError

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

pytestmark = pytest.mark.requires("faults")


@pytest.fixture
async def container(cosmos_server, unique_id):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = await client.create_database(unique_id("db"))
        try:
            yield await database.create_container(unique_id("c"), PartitionKey("/pk"))
        finally:
            await client.delete_database(database.id)


async def _stored(container, item_id):
    return [item async for item in container.query_items(
        "SELECT * FROM c WHERE c.id = @id", parameters=[{"name": "@id", "value": item_id}], partition_key="p")]


async def test_create_whose_answer_is_lost_is_not_a_conflict_async(cosmos_server, container):
    with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1) as hits:
        with pytest.raises(IncompleteReadError, match="may or may not have been applied"):
            await container.create_item({"id": "lost", "pk": "p"})
        assert hits() == 1
    assert len(await _stored(container, "lost")) == 1
    assert (await container.read_item("lost", "p"))["id"] == "lost"


async def test_delete_whose_answer_is_lost_is_not_a_missing_item_async(cosmos_server, container):
    await container.create_item({"id": "gone", "pk": "p"})
    with cosmos_server.fault(operation="delete", resourceType="docs", dropConnection=True, count=1):
        with pytest.raises(ServiceResponseError, match="may or may not have been applied"):
            await container.delete_item("gone", "p")
    assert await _stored(container, "gone") == []


async def test_an_idempotent_write_whose_answer_is_lost_is_ridden_out_async(cosmos_server, container):
    with cosmos_server.fault(operation="upsert", resourceType="docs", dropConnection=True, count=1) as hits:
        assert (await container.upsert_item({"id": "kept", "pk": "p", "v": 1}))["v"] == 1
        assert hits() == 1
    assert [item["v"] for item in await _stored(container, "kept")] == [1]


async def test_a_real_conflict_is_still_a_conflict_async(container):
    await container.create_item({"id": "twice", "pk": "p"})
    with pytest.raises(exceptions.CosmosResourceExistsError):
        await container.create_item({"id": "twice", "pk": "p"})
