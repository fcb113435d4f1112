# The MIT License (MIT)
"""Diagnostic helpers for Azure Cosmos DB operations (deprecated, as in azure-cosmos 4.x).

``RecordDiagnostics`` is a ``response_hook`` that keeps the headers and body of the last
response it was called with and adds up the request charges it has seen. Reading it from this
module raises a :class:`DeprecationWarning`, as 4.x does: for request-level diagnostics, pass
``enable_diagnostics_logging=True`` (and optionally ``logger``) to the client instead.
"""
from __future__ import annotations

import warnings
from typing import Any, Mapping

from azure.core.utils import CaseInsensitiveDict


class _RecordDiagnostics:
    """Deprecated: a ``response_hook`` that records the last response's headers and body.

    Pass an instance as ``response_hook`` to any operation; afterwards ``headers`` holds that
    response's headers (case-insensitive), ``body`` its result and ``request_charge`` the sum of the
    charges of every response seen since the last :meth:`clear`. The common Cosmos DB headers are
    also readable as attributes without their ``x-ms-`` prefix: ``activity_id``, ``session_token``,
    ``item_count``, ``request_quota``, ``resource_usage``, ``retry_after_ms``.

    Example::

        record = RecordDiagnostics()
        container.read_item("item-1", partition_key="pk", response_hook=record)
        print(record.activity_id, record.request_charge)
    """

    _common = frozenset(
        {
            "x-ms-activity-id",
            "x-ms-session-token",
            "x-ms-item-count",
            "x-ms-request-quota",
            "x-ms-resource-usage",
            "x-ms-retry-after-ms",
        }
    )

    def __init__(self) -> None:
        self._headers: CaseInsensitiveDict = CaseInsensitiveDict()
        self._body: Any = None
        self._request_charge: float = 0

    @property
    def headers(self) -> CaseInsensitiveDict:
        """A copy of the headers of the last response recorded.

        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        return CaseInsensitiveDict(self._headers)

    @property
    def body(self) -> Any:
        """The result passed with the last response recorded (``None`` for deletes)."""
        return self._body

    @property
    def request_charge(self) -> float:
        """The request units of every response recorded since the last :meth:`clear`.

        :rtype: float
        """
        return self._request_charge

    def clear(self) -> None:
        """Start adding up request charges from zero again (queries call this when they start)."""
        self._request_charge = 0

    def __call__(self, headers: Mapping[str, Any], body: Any) -> None:
        self._headers = headers  # type: ignore[assignment]
        self._body = body
        self._request_charge += float(headers.get("x-ms-request-charge", 0))

    def __getattr__(self, name: str) -> Any:
        header = "x-ms-" + name.replace("_", "-")
        if header in self._common:
            return self._headers[header]
        raise AttributeError(name)


def __getattr__(name: str) -> Any:
    if name == "RecordDiagnostics":
        warnings.warn(
            "RecordDiagnostics is deprecated and should not be used. For logging diagnostics information for "
            "the SDK, pass enable_diagnostics_logging=True (and optionally logger) to the client.",
            DeprecationWarning,
            stacklevel=2,
        )
        return _RecordDiagnostics
    raise AttributeError(f"module 'azure.cosmos.diagnostics' has no attribute {name}")
