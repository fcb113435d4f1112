"""The data the distributed tests write and read: 10,000 documents over the emulator's 4 physical
partitions, and what each read must give back (computed here, not by the code under test)."""
from __future__ import annotations

import contextlib
import time
from typing import Iterator

import pyarrow as pa

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos.distributed import CosmosConnection, plan_slices, read_slice

DOCUMENT_COUNT = 10_000
PARTITION_KEYS = 500

SCHEMA = pa.schema([
    ("id", pa.string()), ("pk", pa.string()), ("n", pa.int64()), ("score", pa.float64()), ("tag", pa.string()),
    ("nested", pa.struct([("a", pa.int64()), ("b", pa.string())])),
])


def document(n: int) -> dict:
    return {"id": f"doc-{n:05d}", "pk": f"pk-{n % PARTITION_KEYS:03d}", "n": n, "score": n / 4,
            "tag": ("even", "odd")[n % 2], "nested": {"a": n * 3, "b": f"b{n % 7}"}}


def documents() -> list:
    return [document(n) for n in range(DOCUMENT_COUNT)]


def documents_table() -> pa.Table:
    return pa.Table.from_pylist(documents(), schema=SCHEMA)


def normalized(rows) -> dict:
    """Rows by id, as plain dicts of the schema's columns (engines give Row objects, numpy values, ...)."""
    return {row["id"]: row for row in rows}


@contextlib.contextmanager
def emulator_container(server, name: str) -> Iterator[CosmosConnection]:
    """An empty container on the emulator (4 physical partitions) for one test module."""
    with CosmosClient(server.endpoint, server.key, **server.connection_kwargs) as client:
        database = client.create_database(name)
        try:
            container = database.create_container("items", PartitionKey("/pk"))
            assert len(list(container.read_feed_ranges())) == 4  # the premise: 4 physical partitions
            yield CosmosConnection(server.endpoint, server.key, name, "items", dict(server.connection_kwargs))
        finally:
            client.delete_database(name)


def stored_documents(connection: CosmosConnection) -> dict:
    """What the container holds, read with the SDK alone (no engine), system properties left out."""
    container = connection.container_client()
    return {item["id"]: {k: v for k, v in item.items() if not k.startswith("_")}
            for item in container.query_items("SELECT * FROM c")}


def first_page_of_a_range(connection: CosmosConnection, index: int, page_size: int) -> tuple:
    """What a task that failed after handing over one page knows: the slice, the rows it read, the
    continuation after them; and the ids of the slice's rows still to come (read with the SDK alone)."""
    slice_ = plan_slices(connection)[index]
    container = connection.container_client()
    every_id = [item["id"] for item in container.query_items("SELECT c.id FROM c", feed_range=dict(slice_.feed_range))]
    batch, continuation = next(read_slice(connection, slice_, "SELECT * FROM c", [], SCHEMA, page_size=page_size))
    handed_over = batch.column("id").to_pylist()
    assert continuation is not None and len(handed_over) == page_size < len(every_id)
    return slice_, continuation, set(every_id) - set(handed_over)


class Stopwatch:
    """Wall-clock docs/s of one engine step, printed for the report (never asserted: shared machines)."""

    def __init__(self, label: str, count: int) -> None:
        self.label, self.count = label, count

    def __enter__(self) -> "Stopwatch":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.start
        print(f"\n[throughput] {self.label}: {self.count} docs in {seconds:.2f} s = {self.count / seconds:.0f} docs/s")
