"""Connections are bounded after a burst: at most 100 idle connections per endpoint stay open (4.x's
aiohttp transport keeps up to 100; the driver alone would keep every one), and idle ones are closed after
five minutes (not waited for here). A sync client does not bound its requests in flight, as 4.x's requests
transport does not (the async client's bound of 100 is tested in the async twin)."""
from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from azure.cosmos import CosmosClient, PartitionKey

from . import _connections
from ._data_plane import module_database

pytestmark = pytest.mark.skipif(not _connections.SUPPORTED, reason="counts connections through Linux's /proc")

MAX_IDLE = 100


@contextlib.contextmanager
def _container_holding(cosmos_server, database_id, *items):
    """A new container of ``database_id`` holding ``items``, on a client of its own."""
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        container = client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
        for item in items:
            container.upsert_item(item)
        yield container


def test_a_burst_leaves_at_most_the_idle_bound_open(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-pool")) as database_id:
        with _container_holding(cosmos_server, database_id, {"id": "1", "pk": "p"}) as container:
            baseline = _connections.established_to(cosmos_server.endpoint)
            with ThreadPoolExecutor(max_workers=160) as pool:
                read = [pool.submit(container.read_item, "1", "p") for _ in range(800)]
                assert all(future.result()["id"] == "1" for future in read)
            opened = _connections.settled_count(cosmos_server.endpoint, baseline + MAX_IDLE + 1) - baseline
            # Some connections were opened beyond the bound while the threads ran; only the bound is kept.
            assert opened <= MAX_IDLE + 1, opened
            assert container.read_item("1", "p")["id"] == "1"


def test_a_sync_client_does_not_bound_its_requests_in_flight(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-slots")) as database_id:
        with _container_holding(cosmos_server, database_id, {"id": "1", "pk": "p"}) as container:
            with cosmos_server.fault(operation="read", resourceType="docs", delayMs=400) as delayed:
                with ThreadPoolExecutor(max_workers=130) as pool:
                    reads = [pool.submit(container.read_item, "1", "p") for _ in range(130)]
                    most = 0
                    while not all(future.done() for future in reads):
                        most = max(most, _connections.established_to(cosmos_server.endpoint))
                        time.sleep(0.01)
                    assert all(future.result()["id"] == "1" for future in reads)
                assert delayed() == 130
            # More than the async client's bound of 100 were on the wire at once.
            assert most > 100, most
