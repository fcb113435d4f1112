"""Resource handlers, one module per resource type, registered by the path's resource type.

A handler is ``handler(account, request) -> Response`` and raises ``CosmosError`` for error
answers. Features added later register their own entry in :data:`ROUTES`.
"""
from __future__ import annotations

from typing import Callable, Dict

from ..errors import bad_request
from ..storage import Account
from ..wire import Request, Response, dumps, feed_body, format_charge
from . import (account, collections, container_operations, databases, documents, items, offers, pkranges,
               script_execution, script_resources, time_to_live, unique_keys, users)
from .common import resolve_collection
from .query_bridge import ListQuerySource, is_query_request, run_query

Handler = Callable[[Account, Request], Response]


def _conflicts(account_state: Account, request: Request) -> Response:
    """A single-region account never records conflicts: the feed is empty, items are missing.

    A query is scoped like an item query: without a partition key (or range id) header it needs
    ``x-ms-documentdb-query-enablecrosspartition: true``, else 400 as a cross-partition query without it."""
    collection = resolve_collection(account_state, request, owner=True)
    if request.address.is_feed and is_query_request(request):
        from ..query.gateway import (CROSS_PARTITION_REQUIRED_MESSAGE, HEADER_CROSS_PARTITION,
                                     HEADER_PARTITION_KEY, HEADER_RANGE_ID)
        scoped = request.header(HEADER_PARTITION_KEY) or request.header(HEADER_RANGE_ID)
        if not scoped and not request.flag(HEADER_CROSS_PARTITION):
            raise bad_request(CROSS_PARTITION_REQUIRED_MESSAGE)
        return run_query(request, ListQuerySource("conflicts", []), "Conflicts", collection.rid)
    if request.address.is_feed and request.method in ("GET", "POST"):
        return Response(200, dumps(feed_body("Conflicts", collection.rid, [])),
                        {"x-ms-item-count": "0", "x-ms-request-charge": format_charge(1.0)})
    from ..errors import not_found
    raise not_found()


items.write_validators.append(time_to_live.check_item_ttl)
items.write_validators.append(unique_keys.check_unique_keys)
documents.udf_resolver_factory = script_execution.udf_resolver_for

ROUTES: Dict[str, Handler] = {
    "": account.handle,
    "dbs": databases.handle,
    "colls": collections.handle,
    "docs": documents.handle,
    "pkranges": pkranges.handle,
    "offers": offers.handle,
    "conflicts": _conflicts,
    "users": users.handle_users,
    "permissions": users.handle_permissions,
    "operations": container_operations.handle,
    "sprocs": script_resources.handle,
    "triggers": script_resources.handle,
    "udfs": script_resources.handle,
}


def dispatch(account_state: Account, request: Request) -> Response:
    handler = ROUTES.get(request.address.resource_type)
    if handler is None:
        raise bad_request(f"Resource type '{request.address.resource_type}' is not supported by this "
                          "emulator yet.")
    return handler(account_state, request)
