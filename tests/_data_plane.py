"""Shared pieces of the data-plane feature tests (patch, batch, change feed, read_items, feed ranges,
partition-key delete, conflicts, paging) and of their async twins."""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterable, Iterator, List

import pytest

import azure.cosmos
from azure.cosmos import CosmosClient

# Partition-key values that spread over every physical partition of a container as the emulator
# makes them (4 partition-key ranges): pk-2, pk-4, pk-5 hash into range 0, pk-0 and pk-7 into
# range 1, pk-1, pk-3, pk-6 into range 2, pk-8 into range 3. Tests that depend on where a value
# lands check it through feed ranges first.
PARTITION_KEYS = tuple(f"pk-{n}" for n in range(9))

# True when the suite runs against azure-cosmos 4.x (the reference the behaviour is taken from),
# used only to mark the few places where 4.17.1 itself is wrong as expected failures.
RUNNING_REFERENCE_SDK = azure.cosmos.__version__.startswith("4.")

def expect_pages_not_filled_across_partitions(request, server) -> None:
    """Mark the calling test as a strict expected failure where pages come from several physical partitions:
    azure-cosmos 5 hands out one partition's page at a time so that every continuation token resumes
    exactly; 4.x fills a page from several partitions (a documented difference)."""
    if not RUNNING_REFERENCE_SDK and server.supports("multiple_partition_key_ranges"):
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "azure-cosmos 5 hands out one physical partition's page at a time so that every continuation token "
            "resumes exactly; 4.x fills a page from several partitions (a documented difference)")))


def user_properties(document: Dict[str, Any]) -> Dict[str, Any]:
    """The properties of an item that are not system properties (``_rid``, ``_etag``, ...)."""
    return {name: value for name, value in document.items() if not name.startswith("_")}


def ids(items: Iterable[Dict[str, Any]]) -> List[str]:
    return [item["id"] for item in items]


def sync_client(server) -> CosmosClient:
    return CosmosClient(server.endpoint, server.key, **server.connection_kwargs)


@contextlib.contextmanager
def module_database(server, database_id: str) -> Iterator[str]:
    """A database for one test module, created and deleted with a sync client (so that async
    modules can share it too without a module-scoped event loop)."""
    with sync_client(server) as client:
        client.create_database(database_id)
    try:
        yield database_id
    finally:
        with sync_client(server) as client:
            client.delete_database(database_id)
