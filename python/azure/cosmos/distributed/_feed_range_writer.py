# The MIT License (MIT)
"""The engine-agnostic core of the distributed writers: Arrow record batches -> item writes.

Every write task calls :func:`write_batches` in its own worker with a picklable
:class:`~azure.cosmos.distributed.CosmosConnection`. Writes go through the container's bulk API
(``execute_item_bulk``, grouped per physical partition by the SDK) when the installed SDK has it,
else one ``upsert_item``/``create_item`` per row. Writes are upserts by default, so a retried task
that writes its rows again leaves the same items behind.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

import pyarrow as pa

from ._feed_range_reader import CosmosConnection

__all__ = ("CosmosWriteError", "WRITE_OPERATIONS", "batch_documents", "write_batches")

WRITE_OPERATIONS = ("upsert", "create")

# Operations handed to one bulk call: the SDK streams them, this only bounds what a task holds at once.
_BULK_CHUNK = 10_000


class CosmosWriteError(Exception):
    """Some writes of a task failed.

    :ivar int written: Rows the task wrote.
    :ivar list failures: ``(item id, status code, error)`` of the rows that failed (the first 20).
    """

    def __init__(self, written: int, failed: int, failures: list) -> None:
        self.written, self.failed, self.failures = written, failed, failures
        super().__init__(f"{failed} writes failed ({written} succeeded); first failures: {failures[:3]!r}")


def batch_documents(batch: pa.RecordBatch) -> list:
    """A record batch's rows as documents; null columns are left out, as a document read back without
    that property gives null again.

    :param batch: Rows with at least ``id`` and the partition-key property.
    :type batch: pyarrow.RecordBatch
    :returns: The documents.
    :rtype: list[dict[str, Any]]
    """
    return [{name: value for name, value in row.items() if value is not None} for row in batch.to_pylist()]


def write_batches(connection: CosmosConnection, batches: Iterable[pa.RecordBatch], *,
                  operation: str = "upsert") -> int:
    """Write record batches into the container.

    :param connection: The container.
    :type connection: CosmosConnection
    :param batches: The rows.
    :type batches: Iterable[pyarrow.RecordBatch]
    :keyword str operation: ``"upsert"`` (default: a re-run overwrites) or ``"create"`` (an existing id fails).
    :returns: How many rows were written.
    :rtype: int
    :raises CosmosWriteError: Some rows could not be written (after the SDK's retries).
    :raises ValueError: An unknown operation.
    """
    if operation not in WRITE_OPERATIONS:
        raise ValueError(f"operation must be one of {WRITE_OPERATIONS}, got {operation!r}")
    container = connection.container_client()
    documents = (document for batch in batches for document in batch_documents(batch))
    if hasattr(container, "execute_item_bulk"):
        return _write_bulk(container, documents, operation)
    return _write_one_by_one(container, documents, operation)


def _chunks(documents: Iterator[Mapping[str, Any]], size: int) -> Iterator[list]:
    chunk: list = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_bulk(container: Any, documents: Iterator[Mapping[str, Any]], operation: str) -> int:
    written = failed = 0
    failures: list = []
    for chunk in _chunks(documents, _BULK_CHUNK):
        results = container.execute_item_bulk((operation, (document,)) for document in chunk)
        for document, result in zip(chunk, results):
            if result.ok:
                written += 1
                continue
            failed += 1
            if len(failures) < 20:
                failures.append((document.get("id"), result.status_code, result.error))
    if failed:
        raise CosmosWriteError(written, failed, failures)
    return written


def _write_one_by_one(container: Any, documents: Iterator[Mapping[str, Any]], operation: str) -> int:
    write = container.upsert_item if operation == "upsert" else container.create_item
    written = 0
    for document in documents:
        write(document)
        written += 1
    return written
