"""Type-checked, never run: calls the annotations must reject.

Each line below carries ``# type: ignore[code]``; both checkers report an ignore comment that
suppresses nothing (pyright: ``reportUnnecessaryTypeIgnoreComment``; mypy: ``warn_unused_ignores``,
part of ``strict``), so the check fails if a call here stops being an error.
"""
from __future__ import annotations

from azure.cosmos import ContainerProxy, CosmosClient, PartitionKey
from azure.cosmos.aio import ContainerProxy as AsyncContainerProxy


def rejected_sync_calls(client: CosmosClient, container: ContainerProxy) -> None:
    container.read_item("a")  # type: ignore[call-arg]
    container.create_item(["not", "a", "dict"])  # type: ignore[arg-type]
    container.query_items_change_feed(mode="Latest")  # type: ignore[call-overload]
    container.query_items_change_feed(start_time="Yesterday")  # type: ignore[call-overload]
    container.query_items("SELECT * FROM c", parameters={"@id": "a"})  # type: ignore[call-overload]
    container.patch_item("a", "p", {"op": "set"})  # type: ignore[arg-type]
    container.read_item("a", partition_key="p").get_response_headers().nope  # type: ignore[attr-defined]
    client.get_database_client("db").create_container("c", partition_key="/pk")  # type: ignore[call-overload]
    PartitionKey(path="/pk", kind="Range")  # type: ignore[call-overload]


async def rejected_async_calls(container: AsyncContainerProxy) -> None:
    container.read_item("a", partition_key="p")["id"]  # type: ignore[index]
    await container.delete_item("a")  # type: ignore[call-arg]
    container.query_items_change_feed(priority="Urgent")  # type: ignore[call-overload]
