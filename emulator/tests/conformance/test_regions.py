"""Conformance: a multi-region emulator (``regions=["West US", "East US"]``) driven by azure-cosmos 4.17.1
(scenarios in ``reference/scenarios_regions.py``): the account's regions, reads routed by preferred and excluded
locations, writes to the write region, a read failed over when its region answers 503, and the 403/3 a read
region gives a write."""
from __future__ import annotations

from typing import Any, Dict, Iterator, Tuple

import pytest

from cosmos_emulator import EmulatorServer

from .harness import ReferenceWorker, Target


@pytest.fixture(scope="module")
def regions_server() -> Iterator[Tuple[EmulatorServer, Target]]:
    server = EmulatorServer(port=0, partitions=1, regions=["West US", "East US"]).start()

    def control(action: str, arguments: Dict[str, Any]) -> Any:
        if action == "inject_fault":
            return server.faults.inject(**arguments).id
        if action == "clear_faults":
            return server.faults.clear()
        raise ValueError(f"unknown control action {action!r}")
    try:
        yield server, Target("emulator-regions", "emulator", server.endpoint, server.key, discovery=True,
                             control=control)
    finally:
        server.stop()


def test_routing_across_regions(regions_server: Tuple[EmulatorServer, Target], reference_worker: ReferenceWorker):
    server, target = regions_server
    endpoints = server.region_endpoints
    ports = {endpoint.rstrip("/").rsplit(":", 1)[1]: name for name, endpoint in endpoints.items()}
    observed = reference_worker.run("regions.routing", target,
                                    params={"regions": ports, "east_endpoint": endpoints["East US"]})
    assert observed == {
        "writable regions": ["West US"],
        "readable regions": ["West US", "East US"],
        # (the new client's first request reads the container's properties, from its preferred region too)
        "read, East US preferred": ["East US 200", "East US 200"],
        "write, East US preferred": ["West US 200"],
        "value read back": 2,
        "read after the write": ["East US 200"],
        "read with East US excluded": ["West US 200"],
        "read while East US answers 503": 2,
        "attempts of that read": ["East US 503", "West US 200"],
        "write to the read region without discovery": 403,
        "sub-status of that refusal": [3],
        "read from the read region without discovery": 2,
    }
