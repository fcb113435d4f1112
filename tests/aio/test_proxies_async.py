"""Async twin of tests/test_proxies.py: the aio client's requests go through the environment's proxy too."""
from __future__ import annotations

from ..test_proxies import expect_every_kind_of_request, run_through_proxy

ASYNC_PROGRAM = """
import asyncio
from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

async def main():
    async with CosmosClient({endpoint!r}, {key!r}) as client:
        database = await client.create_database_if_not_exists({database!r})
        container = await database.create_container_if_not_exists("c", PartitionKey("/pk"))
        await container.upsert_item({{"id": "1", "pk": "p"}})
        assert (await container.read_item("1", "p"))["id"] == "1"
        assert [u async for u in database.list_users()] == []
        await client.delete_database({database!r})

asyncio.run(main())
print("done")
"""


def test_async_requests_go_through_the_environments_proxy(cosmos_server, unique_id):
    database = unique_id("db-proxy")
    expect_every_kind_of_request(cosmos_server, run_through_proxy(cosmos_server, ASYNC_PROGRAM, database), database)
