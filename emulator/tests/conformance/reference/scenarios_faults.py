"""Scenarios for injected faults: what azure-cosmos 4.17.1's retry policies make of each answer.

Faults are installed through the emulator's admin endpoint (``/_emulator/faults``). Each scenario clears
them again, whatever happens, so a failure cannot leak faults into the next scenario.
"""
from __future__ import annotations

from typing import Any, Dict

from azure.core.exceptions import AzureError
from azure.cosmos import PartitionKey

from runtime import Run, scenario


class Faults:
    """Installs fault rules on the emulator for the duration of a ``with`` block."""

    def __init__(self, run: Run):
        self.run = run

    def add(self, **rule: Any) -> None:
        self.run.admin("POST", "/_emulator/faults", rule)

    def state(self) -> Dict[str, Any]:
        return self.run.admin("GET", "/_emulator/faults")

    def clear(self) -> None:
        self.run.admin("DELETE", "/_emulator/faults")

    def __enter__(self) -> "Faults":
        self.clear()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.clear()


def prepared_container(run: Run, database=None):
    database = database or run.database()
    container = database.create_container("faulty", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p", "v": 1})
    return container


def read_outcome(run: Run, operation) -> Dict[str, Any]:
    """Final status of an operation (or the transport error it raised) and every status its attempts
    got on the wire."""
    mark = run.wire.mark()
    try:
        status: Any = run.status(operation)
    except AzureError as error:  # no HTTP answer at all (a dropped connection)
        status = type(error).__name__
    return {"status": status, "attempts": run.wire.statuses_since(mark)}


@scenario("faults.throttling")
def throttling(run: Run) -> None:
    database = run.database()
    container = prepared_container(run, database)
    with Faults(run) as faults:
        faults.add(operation="read", resourceType="docs", status=429, retryAfterMs=5, count=2)
        run.observe("429 twice with x-ms-retry-after-ms, then success",
                    read_outcome(run, lambda: container.read_item("a", "p")))
        run.observe("the rule counted its hits", [rule.get("hits") for rule in faults.state()["rules"]])
        faults.clear()
        faults.add(operation="create", resourceType="docs", status=429, retryAfterMs=1, count=1)
        run.observe("429 once on a create",
                    read_outcome(run, lambda: container.create_item({"id": "b", "pk": "p"})))
        faults.clear()
        impatient = run.new_client(retry_total=3)
        impatient_container = impatient.get_database_client(database.id).get_container_client(container.id)
        impatient_container.read()
        faults.add(operation="read", resourceType="docs", status=429, retryAfterMs=1, count=100)
        run.observe("429 beyond retry_total=3", read_outcome(run, lambda: impatient_container.read_item("a", "p")))


@scenario("faults.unavailable_and_timeouts")
def unavailable_and_timeouts(run: Run) -> None:
    container = prepared_container(run)
    with Faults(run) as faults:
        faults.add(operation="read", resourceType="docs", status=503, count=1)
        run.observe("503 once on a read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="read", resourceType="docs", status=503, count=100)
        run.observe("503 on every read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="create", resourceType="docs", status=503, count=1)
        run.observe("503 once on a create", read_outcome(run, lambda: container.create_item({"id": "c", "pk": "p"})))
        faults.clear()
        faults.add(operation="read", resourceType="docs", status=408, count=1)
        run.observe("408 once on a read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="create", resourceType="docs", status=408, count=1)
        run.observe("408 once on a create", read_outcome(run, lambda: container.create_item({"id": "d", "pk": "p"})))


@scenario("faults.gone_and_session")
def gone_and_session(run: Run) -> None:
    container = prepared_container(run)
    for index in range(8):
        container.create_item({"id": f"q{index}", "pk": f"k{index}"})
    list(container.query_items("SELECT VALUE c.id FROM c ORDER BY c.id", enable_cross_partition_query=True))
    with Faults(run) as faults:
        faults.add(operation="query", resourceType="docs", status=410, subStatus=1002, count=1)
        mark = run.wire.mark()
        found = list(container.query_items("SELECT VALUE c.id FROM c ORDER BY c.id",
                                           enable_cross_partition_query=True))
        run.observe("410/1002 once during a cross-partition query: complete answer", found == sorted(
            ["a"] + [f"q{index}" for index in range(8)]))
        run.observe("the query saw the 410", 410 in run.wire.statuses_since(mark))
        faults.clear()
        faults.add(operation="read", resourceType="docs", status=410, subStatus=1002, count=1)
        run.observe("410/1002 once on a point read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="read", resourceType="docs", status=404, subStatus=1002, count=1)
        run.observe("404/1002 once on a point read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="read", resourceType="docs", status=449, count=1)
        run.observe("449 once on a point read", read_outcome(run, lambda: container.read_item("a", "p")))


@scenario("faults.connection")
def connection(run: Run) -> None:
    container = prepared_container(run)
    with Faults(run) as faults:
        faults.add(operation="read", resourceType="docs", delayMs=200, count=1)
        run.observe("added latency", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        faults.add(operation="read", resourceType="docs", dropConnection=True, count=1)
        run.observe("connection dropped once on a read", read_outcome(run, lambda: container.read_item("a", "p")))
        faults.clear()
        run.observe("after clearing", read_outcome(run, lambda: container.read_item("a", "p")))
