"""Async twin of tests/test_connection_pool.py: 256 reads in flight, then at most 100 idle connections kept."""
from __future__ import annotations

import asyncio

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .. import _connections
from .._data_plane import module_database

pytestmark = pytest.mark.skipif(not _connections.SUPPORTED, reason="counts connections through Linux's /proc")

MAX_IDLE = 100


async def test_a_burst_leaves_at_most_the_idle_bound_open_async(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-pool")) as database_id:
        async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
            database = client.get_database_client(database_id)
            container = await database.create_container("c", PartitionKey("/pk"))
            await container.upsert_item({"id": "1", "pk": "p"})
            baseline = _connections.established_to(cosmos_server.endpoint)
            read = await asyncio.gather(*(container.read_item("1", "p") for _ in range(256)))
            assert all(item["id"] == "1" for item in read)
            opened = _connections.settled_count(cosmos_server.endpoint, baseline + MAX_IDLE + 1) - baseline
            assert opened <= MAX_IDLE + 1, opened
            assert (await container.read_item("1", "p"))["id"] == "1"
