"""Async twins of tests/test_outages.py."""
from __future__ import annotations

import sys

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from ..test_outages import RestartableEmulator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")


@pytest.fixture
def emulator(tmp_path):
    server = RestartableEmulator(str(tmp_path / "data"))
    yield server
    server.stop()


async def test_writes_and_reads_ride_out_a_restart_async(emulator, key):
    async with CosmosClient(emulator.endpoint, key) as client:
        database = await client.create_database("outage")
        container = await database.create_container("c", PartitionKey("/pk"))
        await container.upsert_item({"id": "before", "pk": "p"})
        emulator.kill_and_restart_later()
        await container.create_item({"id": "during", "pk": "p"})
        assert (await container.read_item("before", "p"))["id"] == "before"
        emulator.wait_restarted()
        for n in range(5):
            await container.upsert_item({"id": f"after-{n}", "pk": "p"})
        ids = sorted([item["id"] async for item in container.query_items("SELECT * FROM c", partition_key="p")])
        assert ids == ["after-0", "after-1", "after-2", "after-3", "after-4", "before", "during"]
