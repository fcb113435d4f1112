"""Fault injection for reliability tests, controlled at run time; off until a rule is added.

A :class:`FaultRule` matches requests by operation, resource type, HTTP method and a regular
expression over the resource path, and then does any of: wait (``delay_ms``), answer with an
error status (429 with ``x-ms-retry-after-ms``, 503, 408, 410/1002, 404/1002, 449 ...), or serve
the request and drop the connection halfway through the response body. A rule applies ``count``
times (None: until removed). The first matching rule wins.

Control it from Python (``EmulatorServer.faults``, a :class:`FaultInjector`) or over HTTP through
the admin endpoint (see :mod:`cosmos_emulator.admin`).

Operation names (what :func:`classify` calls a request): ``account``, ``create``, ``upsert``,
``read``, ``replace``, ``delete``, ``patch``, ``read_feed``, ``query``, ``query_plan``, ``batch``,
``change_feed``, ``execute`` (stored procedure), ``delete_by_partition_key``.
"""
from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .errors import code_for_status
from .wire import Request, Response, dumps

OPERATIONS = ("account", "create", "upsert", "read", "replace", "delete", "patch", "read_feed", "query",
              "query_plan", "batch", "change_feed", "execute", "delete_by_partition_key")
DEFAULT_RETRY_AFTER_MS = 100

_DEFAULT_MESSAGES = {
    408: "The request timed out (injected fault).",
    410: "The requested partition key range is gone (injected fault).",
    404: "The read session is not available for the input session token (injected fault).",
    429: "Request rate is large. More Request Units may be needed, so no changes were made. "
         "Please retry this request later. Learn more: http://aka.ms/cosmosdb-error-429 (injected fault)",
    449: "Conflicting request to resource has been attempted. Retry to avoid conflicts. (injected fault)",
    503: "Service is currently unavailable. (injected fault)",
}


@dataclass
class FaultRule:
    """What to match and what to do.

    :ivar operation: one of :data:`OPERATIONS`, or None for any.
    :ivar resource_type: ``docs``, ``colls``, ``dbs``, ``pkranges``, ``sprocs`` ... or None for any.
    :ivar method: HTTP verb or None for any.
    :ivar path: regular expression searched in the resource path (``dbs/db1/colls/c1/docs/x``, feeds
        end with their type segment), or None for any.
    :ivar status: answer with this HTTP status instead of serving the request (None: serve it).
    :ivar sub_status: ``x-ms-substatus`` of that answer.
    :ivar retry_after_ms: ``x-ms-retry-after-ms`` of that answer (429 gets 100 ms by default).
    :ivar delay_ms: wait this long before answering (or serving).
    :ivar drop_connection: serve the request, then close the connection halfway through the answer.
    :ivar count: how many requests the rule applies to; None for no limit.
    :ivar region: only requests a multi-region server received at this region's endpoint (None: any).
    :ivar message: the error message (a default per status otherwise).
    """

    operation: Optional[str] = None
    resource_type: Optional[str] = None
    method: Optional[str] = None
    path: Optional[str] = None
    status: Optional[int] = None
    sub_status: Optional[int] = None
    retry_after_ms: Optional[int] = None
    delay_ms: int = 0
    drop_connection: bool = False
    count: Optional[int] = None
    message: Optional[str] = None
    region: Optional[str] = None
    id: str = ""
    hits: int = 0
    _pattern: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.operation is not None and self.operation not in OPERATIONS:
            raise ValueError(f"unknown operation {self.operation!r}; expected one of {', '.join(OPERATIONS)}")
        if self.status is not None and not 400 <= int(self.status) <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if self.status is None and not self.delay_ms and not self.drop_connection:
            raise ValueError("a rule must answer with a status, add a delay or drop the connection")
        if self.count is not None and int(self.count) < 1:
            raise ValueError("count must be at least 1")
        if self.delay_ms < 0:
            raise ValueError("delay_ms cannot be negative")
        self._pattern = re.compile(self.path) if self.path else None

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.hits >= self.count

    def matches(self, request: Request, operation: str) -> bool:
        if self.operation is not None and self.operation != operation:
            return False
        if self.resource_type is not None and self.resource_type != request.address.resource_type:
            return False
        if self.method is not None and self.method.upper() != request.method:
            return False
        if self.region is not None and (request.region or "").lower() != self.region.lower():
            return False
        return self._pattern is None or self._pattern.search(resource_path(request)) is not None

    def answer(self, activity_id: str) -> Response:
        """The error answer this rule gives (when it has a status)."""
        status = int(self.status or 500)
        headers: Dict[str, str] = {"x-ms-request-charge": "0"}
        if self.sub_status is not None:
            headers["x-ms-substatus"] = str(self.sub_status)
        retry_after = self.retry_after_ms
        if retry_after is None and status == 429:
            retry_after = DEFAULT_RETRY_AFTER_MS
        if retry_after is not None:
            headers["x-ms-retry-after-ms"] = str(retry_after)
        message = self.message or _DEFAULT_MESSAGES.get(status, "Injected fault.")
        message = f"{message}\r\nActivityId: {activity_id}, Microsoft.Azure.Documents.Common/2.14.0"
        return Response(status, dumps({"code": code_for_status(status), "message": message}), headers)

    def to_json(self) -> Dict[str, Any]:
        return {"id": self.id, "operation": self.operation, "resourceType": self.resource_type,
                "method": self.method, "path": self.path, "status": self.status, "subStatus": self.sub_status,
                "retryAfterMs": self.retry_after_ms, "delayMs": self.delay_ms,
                "dropConnection": self.drop_connection, "count": self.count, "message": self.message,
                "region": self.region, "hits": self.hits}

    @classmethod
    def from_json(cls, body: Dict[str, Any]) -> "FaultRule":
        """A rule from the admin endpoint's JSON (camelCase keys as in :meth:`to_json`)."""
        names = {"operation": "operation", "resourceType": "resource_type", "method": "method", "path": "path",
                 "status": "status", "subStatus": "sub_status", "retryAfterMs": "retry_after_ms",
                 "delayMs": "delay_ms", "dropConnection": "drop_connection", "count": "count",
                 "message": "message", "region": "region"}
        unknown = set(body) - set(names) - {"id", "hits"}
        if unknown:
            raise ValueError(f"unknown fault rule fields: {', '.join(sorted(unknown))}")
        return cls(**{names[key]: value for key, value in body.items() if key in names and value is not None})


class FaultInjector:
    """The rules in force; safe to change from any thread while the server runs."""

    def __init__(self) -> None:
        self._rules: List[FaultRule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            rule.id = rule.id or f"fault-{next(self._ids)}"
            self._rules.append(rule)
        return rule

    def inject(self, **settings: Any) -> FaultRule:
        """Shorthand for ``add(FaultRule(**settings))``."""
        return self.add(FaultRule(**settings))

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def rules(self) -> List[FaultRule]:
        with self._lock:
            return list(self._rules)

    def match(self, request: Request) -> Optional[FaultRule]:
        """The first live rule matching ``request`` (counting the hit), or None."""
        if not self._rules:
            return None
        operation = classify(request)
        with self._lock:
            for rule in self._rules:
                if not rule.exhausted and rule.matches(request, operation):
                    rule.hits += 1
                    return rule
        return None


def resource_path(request: Request) -> str:
    address = request.address
    link = address.name_link
    if address.is_feed:
        return f"{link}/{address.resource_type}" if link else address.resource_type
    return link


def classify(request: Request) -> str:
    """The operation a request performs (see :data:`OPERATIONS`)."""
    address = request.address
    method = request.method
    if address.resource_type == "":
        return "account"
    if address.resource_type == "operations":
        return "delete_by_partition_key"
    if address.is_feed:
        if method == "POST":
            if request.flag("x-ms-cosmos-is-batch-request"):
                return "batch"
            if request.flag("x-ms-cosmos-is-query-plan-request"):
                return "query_plan"
            content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
            if request.flag("x-ms-documentdb-isquery") or content_type == "application/query+json":
                return "query"
            return "upsert" if request.flag("x-ms-documentdb-is-upsert") else "create"
        if request.header("a-im") is not None and address.resource_type == "docs":
            return "change_feed"
        return "read_feed"
    if method == "GET":
        return "read"
    if method == "PUT":
        return "replace"
    if method == "DELETE":
        return "delete"
    if method == "PATCH":
        return "patch"
    if method == "POST" and address.resource_type == "sprocs":
        return "execute"
    return method.lower()
