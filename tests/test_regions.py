"""Regions on a multi-region emulator (two regions, each at its own port): reads follow preferred_locations and
excluded_locations, writes go to the write region, a read that a region answers 503 fails over to the other."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey
from cosmos_emulator.faults import FaultRule

from ._regions import READ_REGION, WRITE_REGION, counting, hits, regional_emulator


@pytest.fixture(scope="module")
def server():
    with regional_emulator() as running:
        yield running


@pytest.fixture(scope="module")
def container(server):
    with CosmosClient(server.endpoint, server.key, preferred_locations=[READ_REGION]) as client:
        container = client.create_database_if_not_exists("regions").create_container_if_not_exists(
            "items", PartitionKey("/pk"))
        container.upsert_item({"id": "1", "pk": "a"})
        yield container


def test_reads_go_to_the_preferred_region_and_writes_to_the_write_region(server, container):
    with counting(server, "read", "upsert") as rules:
        assert container.read_item("1", "a")["id"] == "1"
        container.upsert_item({"id": "2", "pk": "a"})
        assert hits(rules) == {(WRITE_REGION, "read"): 0, (READ_REGION, "read"): 1,
                               (WRITE_REGION, "upsert"): 1, (READ_REGION, "upsert"): 0}


def test_excluded_locations_of_one_request(server, container):
    with counting(server, "read") as rules:
        container.read_item("1", "a", excluded_locations=[READ_REGION])
        assert hits(rules) == {(WRITE_REGION, "read"): 1, (READ_REGION, "read"): 0}


def test_a_read_the_preferred_region_cannot_serve_fails_over(server, container):
    unavailable = server.faults.add(FaultRule(region=READ_REGION, operation="read", status=503, count=1))
    try:
        with counting(server, "read") as rules:
            assert container.read_item("1", "a")["id"] == "1"
            assert unavailable.hits == 1 and hits(rules)[(WRITE_REGION, "read")] == 1
    finally:
        server.faults.remove(unavailable.id)
