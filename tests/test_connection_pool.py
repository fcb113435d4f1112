"""Connections are bounded after a burst: at most 100 idle connections per endpoint stay open (4.x's
aiohttp transport keeps up to 100; the driver alone would keep every one), and idle ones are closed after
five minutes (not waited for here)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from azure.cosmos import CosmosClient, PartitionKey

from . import _connections
from ._data_plane import module_database

pytestmark = pytest.mark.skipif(not _connections.SUPPORTED, reason="counts connections through Linux's /proc")

MAX_IDLE = 100


def test_a_burst_leaves_at_most_the_idle_bound_open(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-pool")) as database_id:
        with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
            container = client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
            container.upsert_item({"id": "1", "pk": "p"})
            baseline = _connections.established_to(cosmos_server.endpoint)
            with ThreadPoolExecutor(max_workers=160) as pool:
                read = [pool.submit(container.read_item, "1", "p") for _ in range(800)]
                assert all(future.result()["id"] == "1" for future in read)
            opened = _connections.settled_count(cosmos_server.endpoint, baseline + MAX_IDLE + 1) - baseline
            # Some connections were opened beyond the bound while the threads ran; only the bound is kept.
            assert opened <= MAX_IDLE + 1, opened
            assert container.read_item("1", "p")["id"] == "1"
