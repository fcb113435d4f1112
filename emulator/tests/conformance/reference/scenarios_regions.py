"""Scenarios for a multi-region emulator (``EmulatorServer(regions=[...])``): how 4.17.1 routes reads by its
preferred and excluded locations, sends writes to the write region and fails reads over to the next region.

``run.params["regions"]`` maps each region's port (as text) to its name."""
from __future__ import annotations

from typing import List

from azure.cosmos import CosmosClient, PartitionKey

from runtime import Run, scenario


def _regions_since(run: Run, mark: int) -> List[str]:
    names = run.params["regions"]
    return [f"{names.get(str(exchange.port), exchange.port)} {exchange.status}" for exchange in run.wire.since(mark)]


@scenario("regions.routing")
def routing(run: Run) -> None:
    account = run.client.get_database_account()
    run.observe("writable regions", [entry["name"] for entry in account.WritableLocations])
    run.observe("readable regions", [entry["name"] for entry in account.ReadableLocations])
    database = run.database()
    container = database.create_container("routed", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p", "v": 1})
    east_first = run.new_client(preferred_locations=["East US", "West US"])
    routed = east_first.get_database_client(database.id).get_container_client(container.id)
    mark = run.wire.mark()
    routed.read_item("a", "p")
    run.observe("read, East US preferred", _regions_since(run, mark))
    mark = run.wire.mark()
    routed.upsert_item({"id": "a", "pk": "p", "v": 2})
    run.observe("write, East US preferred", _regions_since(run, mark))
    mark = run.wire.mark()
    run.observe("value read back", routed.read_item("a", "p")["v"])
    run.observe("read after the write", _regions_since(run, mark))
    mark = run.wire.mark()
    routed.read_item("a", "p", excluded_locations=["East US"])
    run.observe("read with East US excluded", _regions_since(run, mark))
    run.control("inject_fault", region="East US", operation="read", resource_type="docs", status=503, count=1)
    mark = run.wire.mark()
    run.observe("read while East US answers 503", routed.read_item("a", "p")["v"])
    run.observe("attempts of that read", _regions_since(run, mark))
    run.control("clear_faults")
    # A client pinned to the read region's endpoint (no discovery) is refused writes there: 403/3.
    only_east = CosmosClient(run.params["east_endpoint"], run.key, enable_endpoint_discovery=False,
                             connection_verify=False, raw_response_hook=run.wire.hook)
    pinned_container = only_east.get_database_client(database.id).get_container_client(container.id)
    mark = run.wire.mark()
    run.observe("write to the read region without discovery", run.status(
        lambda: pinned_container.upsert_item({"id": "b", "pk": "p"})))
    run.observe("sub-status of that refusal", [exchange.sub_status for exchange in run.wire.since(mark)][-1:])
    run.observe("read from the read region without discovery", pinned_container.read_item("a", "p")["v"])
