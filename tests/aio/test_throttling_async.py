"""Throttled (429) requests are retried within 4.x's budget (async twins of tests/test_throttling.py)."""
from __future__ import annotations

import warnings

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient


@pytest.fixture
async def container_of(cosmos_server, unique_id):
    clients = []

    def make(**kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            client = CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                                  **kwargs)
        clients.append(client)
        return client.get_database_client(database.id).get_container_client(container.id)

    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as setup:
        database = await setup.create_database(unique_id("db"))
        container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
        await container.upsert_item({"id": "a", "pk": "p"})
        try:
            yield make
        finally:
            for client in clients:
                await client.close()
            await setup.delete_database(database.id)


async def test_a_permanent_429_is_tried_ten_times_async(cosmos_server, container_of):
    container = container_of()
    with cosmos_server.fault(operation="read", resourceType="docs", status=429, retryAfterMs=50) as hits:
        with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
            await container.read_item("a", "p")
        assert raised.value.status_code == 429
        assert hits() == 10  # the request and 9 retries, as 4.x
    assert (await container.read_item("a", "p"))["id"] == "a"


@pytest.mark.parametrize("keyword", ["retry_throttle_total", "retry_total"])
async def test_the_retry_count_is_the_clients_async(cosmos_server, container_of, keyword):
    container = container_of(**{keyword: 2})
    with cosmos_server.fault(operation="read", resourceType="docs", status=429, retryAfterMs=50) as hits:
        with pytest.raises(exceptions.CosmosHttpResponseError):
            await container.read_item("a", "p")
        assert hits() == 3


async def test_a_transient_429_is_ridden_out_async(cosmos_server, container_of):
    container = container_of()
    with cosmos_server.fault(operation="read", resourceType="docs", status=429, retryAfterMs=50, count=3) as hits:
        assert (await container.read_item("a", "p"))["id"] == "a"
        assert hits() == 3
