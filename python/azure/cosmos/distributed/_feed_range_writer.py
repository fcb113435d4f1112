# The MIT License (MIT)
"""The engine-agnostic core of the distributed writers: Arrow record batches -> item writes.

Every write task calls :func:`write_batches` in its own worker with a picklable
:class:`~azure.cosmos.distributed.CosmosConnection`. Writes go through the container's bulk API
(``execute_item_bulk``: grouped per physical partition, throttling handled by the SDK). They are
upserts by default, so a retried task that writes its rows again leaves the same items behind.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

import pyarrow as pa

from ._feed_range_reader import CosmosConnection

__all__ = ("CosmosWriteError", "WRITE_OPERATIONS", "batch_documents", "write_batches")

WRITE_OPERATIONS = ("upsert", "create")


class CosmosWriteError(Exception):
    """Some writes of a task failed.

    :ivar int written: Rows the task wrote.
    :ivar int failed: Rows that failed.
    :ivar list failures: ``(item id, status code, error message)`` of the rows that failed (the first 20).
    """

    def __init__(self, written: int, failed: int, failures: list) -> None:
        self.written, self.failed, self.failures = written, failed, failures
        super().__init__(f"{failed} writes failed ({written} succeeded); first failures: {failures[:3]!r}")

    def __reduce__(self) -> tuple:
        # The engines pickle a task's exception to hand it to the driver.
        return CosmosWriteError, (self.written, self.failed, self.failures)


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
    documents = (document for batch in batches for document in batch_documents(batch))
    return _write_bulk(connection.container_client(), documents, operation)


def _write_bulk(container: Any, documents: Iterator[Mapping[str, Any]], operation: str) -> int:
    written = failed = 0
    failures: list = []
    # As completed: a task never waits behind its slowest partition; the SDK bounds what it holds.
    for result in container.execute_item_bulk(((operation, (document,)) for document in documents), ordered=False):
        if result.ok:
            written += 1
            continue
        failed += 1
        if len(failures) < 20:
            # The message, not the exception: the engines pickle this error to the driver.
            failures.append((result.operation[1][0].get("id"), result.status_code, str(result.error)))
    if failed:
        raise CosmosWriteError(written, failed, failures)
    return written
