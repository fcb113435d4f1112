"""Async twin of tests/test_connection_pool.py: 256 reads in flight, then at most 100 idle connections kept; and
at most 100 requests in flight at once, as 4.x's aiohttp transport (its default connector) allows, a request
beyond them waiting for a slot within its timeout."""
from __future__ import annotations

import asyncio
import contextlib

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .. import _connections
from .._data_plane import module_database

pytestmark = pytest.mark.skipif(not _connections.SUPPORTED, reason="counts connections through Linux's /proc")

MAX_IDLE = 100
# aiohttp's default TCPConnector(limit=100), which 4.x's async transport uses; also the engine's bound.
REQUESTS_IN_FLIGHT = 100


@contextlib.asynccontextmanager
async def _container_holding(cosmos_server, database_id, *items):
    """A new container of ``database_id`` holding ``items``, on a client of its own."""
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        container = await client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
        for item in items:
            await container.upsert_item(item)
        yield container


async def test_a_burst_leaves_at_most_the_idle_bound_open_async(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-pool")) as database_id:
        async with _container_holding(cosmos_server, database_id, {"id": "1", "pk": "p"}) as container:
            baseline = _connections.established_to(cosmos_server.endpoint)
            read = await asyncio.gather(*(container.read_item("1", "p") for _ in range(256)))
            assert all(item["id"] == "1" for item in read)
            opened = _connections.settled_count(cosmos_server.endpoint, baseline + MAX_IDLE + 1) - baseline
            assert opened <= MAX_IDLE + 1, opened
            assert (await container.read_item("1", "p"))["id"] == "1"


async def test_at_most_100_requests_are_in_flight_at_once_async(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-slots")) as database_id:
        async with _container_holding(cosmos_server, database_id, {"id": "1", "pk": "p"}) as container:
            # Each read is held by the server long enough for every one that may be sent to be on the wire.
            # Open already: the connections of the driver's metadata requests and of the database's creation.
            baseline = _connections.established_to(cosmos_server.endpoint)
            with cosmos_server.fault(operation="read", resourceType="docs", delayMs=400) as delayed:
                reads = asyncio.ensure_future(asyncio.gather(*(container.read_item("1", "p") for _ in range(150))))
                most = 0
                while not reads.done():
                    most = max(most, _connections.established_to(cosmos_server.endpoint))
                    await asyncio.sleep(0.01)
                assert all(item["id"] == "1" for item in await reads)
                assert delayed() == 150
            # HTTP/1.1 carries one request per connection: the connections opened for the burst are its requests
            # on the wire (a few fewer if some of the earlier ones were reused).
            assert REQUESTS_IN_FLIGHT - 5 <= most - baseline <= REQUESTS_IN_FLIGHT, (baseline, most)


async def test_a_request_waiting_for_a_slot_is_bounded_by_its_timeout_async(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-slots")) as database_id:
        async with _container_holding(cosmos_server, database_id,
                                      {"id": "slow", "pk": "p"}, {"id": "quick", "pk": "p"}) as container:
            with cosmos_server.fault(operation="read", resourceType="docs", path="docs/slow", delayMs=2000) as held:
                slow = [asyncio.ensure_future(container.read_item("slow", "p")) for _ in range(REQUESTS_IN_FLIGHT)]
                while held() < REQUESTS_IN_FLIGHT:
                    await asyncio.sleep(0.02)
                # The server would answer this one at once; it waits for a slot, as 4.x's for a connection.
                with pytest.raises(exceptions.CosmosClientTimeoutError):
                    await container.read_item("quick", "p", timeout=0.5)
                for read in slow:
                    read.cancel()
                await asyncio.gather(*slow, return_exceptions=True)
            # Cancelled requests give their slots back.
            assert (await container.read_item("quick", "p", timeout=5))["id"] == "quick"
