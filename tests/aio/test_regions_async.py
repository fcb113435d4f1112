"""Async twin of tests/test_regions.py: routing by region on a multi-region emulator."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient
from cosmos_emulator.faults import FaultRule

from .._regions import READ_REGION, WRITE_REGION, counting, hits, regional_emulator


@pytest.fixture(scope="module")
def server():
    with regional_emulator() as running:
        yield running


@pytest.fixture
async def container(server):
    async with CosmosClient(server.endpoint, server.key, preferred_locations=[READ_REGION]) as client:
        database = await client.create_database_if_not_exists("regions")
        container = await database.create_container_if_not_exists("items", PartitionKey("/pk"))
        await container.upsert_item({"id": "1", "pk": "a"})
        yield container


async def test_reads_go_to_the_preferred_region_and_writes_to_the_write_region_async(server, container):
    with counting(server, "read", "upsert") as rules:
        assert (await container.read_item("1", "a"))["id"] == "1"
        await container.upsert_item({"id": "2", "pk": "a"})
        assert hits(rules) == {(WRITE_REGION, "read"): 0, (READ_REGION, "read"): 1,
                               (WRITE_REGION, "upsert"): 1, (READ_REGION, "upsert"): 0}


async def test_excluded_locations_of_one_request_async(server, container):
    with counting(server, "read") as rules:
        await container.read_item("1", "a", excluded_locations=[READ_REGION])
        assert hits(rules) == {(WRITE_REGION, "read"): 1, (READ_REGION, "read"): 0}


async def test_a_read_the_preferred_region_cannot_serve_fails_over_async(server, container):
    unavailable = server.faults.add(FaultRule(region=READ_REGION, operation="read", status=503, count=1))
    try:
        with counting(server, "read") as rules:
            assert (await container.read_item("1", "a"))["id"] == "1"
            assert unavailable.hits == 1 and hits(rules)[(WRITE_REGION, "read")] == 1
    finally:
        server.faults.remove(unavailable.id)
