"""What a query request produces for the HTTP layer, shared by the gateway (pages) and the planner (plans)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class GatewayQueryResult:
    """What the HTTP layer renders.

    :param items: the page's results (``None`` for a query-plan response).
    :param plan: the query plan document, for a plan request.
    :param continuation: ``x-ms-continuation`` for the next page, or ``None`` on the last page.
    :param documents_scanned: documents read from storage, for the request charge.
    :param headers: extra response headers (query metrics, index utilisation).
    """
    items: Optional[List[Any]]
    plan: Optional[Dict[str, Any]]
    continuation: Optional[str]
    documents_scanned: int
    headers: Dict[str, str] = field(default_factory=dict)
