"""Pieces shared by the resource handlers: id rules, conditions, answers, feeds, lookups."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import rid as rids
from ..errors import CosmosError, bad_request, errors_message, not_found, precondition_failed
from ..storage import Account, Collection, Database
from ..wire import Request, Response, dumps, feed_body, format_charge, read_charge

MAX_ID_LENGTH = 255
# Item ids may be longer than the names of databases, containers and scripts.
MAX_DOCUMENT_ID_BYTES = 1023
_FORBIDDEN_ID_CHARACTERS = "/\\?#"

# Resource quota the gateway reports on master resources; generous fixed limits.
DATABASE_QUOTA = "databases=1000;collections=5000;users=500000;permissions=2000000;clientEncryptionKeys=13;"


def validate_id(value: Any, *, what: str = "resource") -> str:
    """The service's id rules: a non-empty string of at most 255 characters (1023 UTF-8 bytes for
    an item, ``what="document"``), none of ``/\\?#``, not ending with a space.

    The service words every refusal alike ("The input name '...' is invalid. Ensure to provide a unique
    non-empty string less than '255' characters.", '1024' for an item, as azure-cosmos's own tests check).

    :raises CosmosError: 400 otherwise.
    """
    if not isinstance(value, str):
        raise bad_request(errors_message(
            "The input content is invalid because the required properties - 'id; ' - are missing"))
    document = what == "document"
    too_long = len(value.encode("utf-8")) > MAX_DOCUMENT_ID_BYTES if document else len(value) > MAX_ID_LENGTH
    if value == "" or too_long or value.endswith(" ") \
            or any(character in value for character in _FORBIDDEN_ID_CHARACTERS):
        limit = MAX_DOCUMENT_ID_BYTES + 1 if document else MAX_ID_LENGTH
        raise bad_request(errors_message(
            f"The input name '{value}' is invalid. Ensure to provide a unique non-empty string less than "
            f"'{limit}' characters."))
    return value


def check_if_match(request: Request, current_etag: Optional[str]) -> None:
    """Writes with ``If-Match`` fail with 412 unless the resource's etag is still that value."""
    expected = request.header("if-match")
    if expected is None or expected.strip() == "*":
        if expected is not None and current_etag is None:
            raise precondition_failed()
        return
    if current_etag is None or expected.strip() != current_etag:
        raise precondition_failed()


def not_modified_since(request: Request, current_etag: str) -> bool:
    """Reads with ``If-None-Match`` equal to the current etag (or ``*``) answer 304."""
    expected = request.header("if-none-match")
    if expected is None:
        return False
    expected = expected.strip()
    return expected == "*" or expected == current_etag


def resource_answer(request: Request, status: int, resource: Optional[Dict[str, Any]], charge: float,
                    headers: Optional[Dict[str, str]] = None, body: Optional[bytes] = None) -> Response:
    """A single-resource answer with ``etag`` and charge headers."""
    out = dict(headers or {})
    out["x-ms-request-charge"] = format_charge(charge)
    if resource is not None and "_etag" in resource:
        out["etag"] = resource["_etag"]
    if body is None and resource is not None:
        body = dumps(resource)
    return Response(status, body, out)


def not_modified(charge: float, etag: str, headers: Optional[Dict[str, str]] = None) -> Response:
    out = dict(headers or {})
    out["x-ms-request-charge"] = format_charge(charge)
    out["etag"] = etag
    return Response(304, None, out)


def paged_feed(request: Request, key: str, owner_rid: str, resources: List[Dict[str, Any]],
               headers: Optional[Dict[str, str]] = None) -> Response:
    """A read-feed page over an in-memory list of resources (dbs, colls, sprocs, ...).

    The continuation is the offset of the next page, which is stable enough for metadata feeds.
    """
    start = 0
    token = request.header("x-ms-continuation")
    if token:
        try:
            start = int(token)
        except ValueError:
            raise bad_request("Invalid Continuation Token") from None
        if start < 0:
            raise bad_request("Invalid Continuation Token")
    size = request.max_item_count(default=1000)
    page = resources[start:start + size]
    out = dict(headers or {})
    body = dumps(feed_body(key, owner_rid, page))
    out["x-ms-item-count"] = str(len(page))
    out["x-ms-request-charge"] = format_charge(read_charge(len(body)))
    if start + size < len(resources):
        out["x-ms-continuation"] = str(start + size)
    return Response(200, body, out)


# ------------------------------------------------------------------------------------------
# Resolution of the path's ids against storage
# ------------------------------------------------------------------------------------------

def resolve_database(account: Account, request: Request, *, owner: bool = False) -> Database:
    """The database named (or rid-addressed) in the path.

    :param owner: True when the database is the owner of the addressed resource (the error then
        says the owner is missing, as the service does).
    """
    database_id = request.address.id_of("dbs")
    database = account.find_database(database_id or "", by_rid=request.address.rid_based)
    if database is None:
        raise _missing_owner() if owner else not_found()
    return database


def resolve_collection(account: Account, request: Request, *, owner: bool = False) -> Collection:
    database = resolve_database(account, request, owner=True)
    collection_id = request.address.id_of("colls") or ""
    collection = account.find_collection(database, collection_id, by_rid=request.address.rid_based)
    if collection is None:
        raise _missing_owner() if owner else not_found()
    return collection


def _missing_owner() -> CosmosError:
    return not_found("Resource Not Found. Learn more: https://aka.ms/cosmosdb-tsg-not-found", 1003)


def is_rid_based(account: Account, request_ids: List[Tuple[str, str]]) -> bool:
    """Whether the path addresses resources by rid: the database segment is a database rid that
    exists (or at least is not also a database name)."""
    if not request_ids or request_ids[0][0] != "dbs":
        return bool(request_ids) and request_ids[0][0] == "offers"
    first = request_ids[0][1]
    if not rids.is_database_rid(first):
        return False
    return first in account.databases_by_rid or first not in account.databases


def system_properties(account: Account, resource_rid: str, self_link: str) -> Dict[str, Any]:
    return {"_rid": resource_rid, "_self": self_link, "_etag": account.etag(), "_ts": account.now()}


def strip_system_properties(body: Dict[str, Any], keep: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """User-supplied properties only: system properties sent by clients are ignored, as the
    service ignores them."""
    return {key: value for key, value in body.items()
            if not (key.startswith("_") and key in _SYSTEM_KEYS) or key in keep}


_SYSTEM_KEYS = frozenset({"_rid", "_self", "_etag", "_ts", "_attachments", "_colls", "_users", "_docs",
                          "_sprocs", "_triggers", "_udfs", "_conflicts", "_permissions", "_lsn",
                          "_token"})

Handler = Callable[[Account, Request], Response]
