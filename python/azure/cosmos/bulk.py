# The MIT License (MIT)
"""Results of :meth:`ContainerProxy.execute_item_bulk <azure.cosmos.ContainerProxy.execute_item_bulk>`.

Bulk is new in azure-cosmos 5 (4.x has no bulk API): any number of item operations, sent as the
service's bulk requests (up to 100 operations each, routed to the physical partition that owns them,
the partitions in parallel). One :class:`BulkOperationResult` comes back per operation.
"""
from __future__ import annotations

from typing import Any, Optional

__all__ = ("BulkOperationResult",)


class BulkOperationResult:
    """What happened to one operation of a bulk run.

    A failed operation does not raise: its result carries the service's status and an ``error``
    (the exception 4.x raises for that status, e.g. :class:`~azure.cosmos.exceptions.CosmosResourceExistsError`
    for 409), so one bad item does not stop the others.

    :ivar int index: The operation's position in the input (0-based).
    :ivar operation: The operation as it was given (the input tuple).
    :vartype operation: tuple
    :ivar int status_code: The service's status for the operation (``201`` created, ``200`` upserted
        or read, ``204`` deleted, ``409`` exists, ``404`` not found, ``412`` precondition failed, ``429``
        throttled beyond the client's retry budget...). ``0`` when the request failed without a service
        answer (see ``error``).
    :ivar sub_status_code: The service's sub-status, if any.
    :vartype sub_status_code: int or None
    :ivar float request_charge: Request units the operation consumed.
    :ivar etag: The item's ETag after the operation, if the service sent one.
    :vartype etag: str or None
    :ivar resource: The item as the service returned it (writes and reads), else ``None``.
    :vartype resource: dict[str, Any] or None
    :ivar int retries: How many times the operation was sent again after a throttle (429); one that is still
        throttled when the client's throttle retry count is spent reports 429.
    :ivar error: The failure as an exception (not raised), or ``None`` when the operation succeeded.
    :vartype error: Exception or None
    """

    __slots__ = ("index", "operation", "status_code", "sub_status_code", "request_charge", "etag",
                 "resource", "retries", "error")

    def __init__(self, index: int, operation: Any, status_code: int, sub_status_code: Optional[int],
                 request_charge: float, etag: Optional[str], resource: Optional[dict[str, Any]],
                 retries: int, error: Optional[BaseException]) -> None:
        self.index = index
        self.operation = operation
        self.status_code = status_code
        self.sub_status_code = sub_status_code
        self.request_charge = request_charge
        self.etag = etag
        self.resource = resource
        self.retries = retries
        self.error = error

    @property
    def ok(self) -> bool:
        """Whether the operation succeeded (a 2xx status, or 304 for a read whose ETag matched).

        :returns: ``True`` on success.
        :rtype: bool
        """
        return self.error is None

    def __repr__(self) -> str:
        return "<BulkOperationResult index={} status_code={}{}>".format(
            self.index, self.status_code, "" if self.error is None else " error=" + type(self.error).__name__)
