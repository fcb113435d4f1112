"""``/dbs/{db}/users`` and ``/dbs/{db}/users/{user}/permissions``.

Users are plain named resources of a database. A permission grants a user ``Read`` or ``All``
access to one resource (``resource``: a container, document, script ... link), optionally narrowed
to one logical partition (``resourcePartitionKey``). Every answer carrying a permission adds its
``_token``: a resource token, freshly minted, valid for ``x-ms-resource-token-expiry-seconds``
(default one hour, 10 s to 5 h); see :mod:`cosmos_emulator.resource_tokens`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from .. import rid as rids
from ..addressing import parse_path
from ..enumerations import PERMISSION_MODES, canonical
from ..errors import CosmosError, bad_request, conflict, errors_message, method_not_allowed, not_found
from ..storage import Account, Database
from ..wire import Request, Response, metadata_charge
from .common import (check_if_match, not_modified, not_modified_since, paged_feed, resolve_database,
                     resource_answer, strip_system_properties, validate_id)
from .query_bridge import ListQuerySource, is_query_request, run_query

DEFAULT_TOKEN_SECONDS = 3600
MIN_TOKEN_SECONDS = 10
MAX_TOKEN_SECONDS = 5 * 3600
# What a permission may point at (the last type segment of its resource link).
GRANTABLE_TYPES = ("dbs", "colls", "docs", "sprocs", "triggers", "udfs", "attachments", "conflicts")

def handle_users(account: Account, request: Request) -> Response:
    database = resolve_database(account, request, owner=True)
    address = request.address
    if address.is_feed:
        users = list(database.users.values())
        if is_query_request(request):
            return run_query(request, ListQuerySource("users", users), "Users", database.rid)
        if request.method == "POST":
            return _write_user(account, database, request, None, upsert=request.flag("x-ms-documentdb-is-upsert"))
        if request.method == "GET":
            return paged_feed(request, "Users", database.rid, users)
        raise method_not_allowed()
    user = find_user(database, address.target_id or "", address.rid_based)
    if user is None:
        raise not_found()
    if request.method == "GET":
        if not_modified_since(request, user["_etag"]):
            return not_modified(metadata_charge(), user["_etag"])
        return resource_answer(request, 200, user, metadata_charge())
    if request.method == "PUT":
        check_if_match(request, user["_etag"])
        return _write_user(account, database, request, user)
    if request.method == "DELETE":
        check_if_match(request, user["_etag"])
        account.delete_user_resource(database, "users", user["id"])
        return resource_answer(request, 204, None, metadata_charge())
    raise method_not_allowed()


def handle_permissions(account: Account, request: Request) -> Response:
    database = resolve_database(account, request, owner=True)
    address = request.address
    user = find_user(database, address.id_of("users") or "", address.rid_based)
    if user is None:
        raise not_found("Resource Not Found. Learn more: https://aka.ms/cosmosdb-tsg-not-found", 1003)
    expiry = _token_lifetime(request)
    if address.is_feed:
        permissions = list(database.permissions.get(user["id"], {}).values())
        if is_query_request(request):
            with_tokens = [_with_token(account, database, user, p, expiry) for p in permissions]
            return run_query(request, ListQuerySource("permissions", with_tokens), "Permissions", user["_rid"])
        if request.method == "POST":
            return _write_permission(account, database, user, request, None, expiry,
                                     upsert=request.flag("x-ms-documentdb-is-upsert"))
        if request.method == "GET":
            return paged_feed(request, "Permissions", user["_rid"],
                              [_with_token(account, database, user, p, expiry) for p in permissions])
        raise method_not_allowed()
    permission = _find_permission(database, user, address.target_id or "", address.rid_based)
    if permission is None:
        raise not_found()
    if request.method == "GET":
        if not_modified_since(request, permission["_etag"]):
            return not_modified(metadata_charge(), permission["_etag"])
        return resource_answer(request, 200, _with_token(account, database, user, permission, expiry),
                               metadata_charge())
    if request.method == "PUT":
        check_if_match(request, permission["_etag"])
        return _write_permission(account, database, user, request, permission, expiry)
    if request.method == "DELETE":
        check_if_match(request, permission["_etag"])
        account.delete_user_resource(database, "permissions", permission["id"], user["id"])
        return resource_answer(request, 204, None, metadata_charge())
    raise method_not_allowed()


# ------------------------------------------------------------------------------------------------
# Lookups
# ------------------------------------------------------------------------------------------------

def find_user(database: Database, name_or_rid: str, by_rid: bool) -> Optional[Dict[str, Any]]:
    return database.find_user(name_or_rid, by_rid)


def _find_permission(database: Database, user: Dict[str, Any], name_or_rid: str,
                     by_rid: bool) -> Optional[Dict[str, Any]]:
    permissions = database.permissions.get(user["id"], {})
    if not by_rid:
        return permissions.get(name_or_rid)
    for permission in permissions.values():
        if permission["_rid"] == name_or_rid:
            return permission
    return None


# ------------------------------------------------------------------------------------------------
# Writes
# ------------------------------------------------------------------------------------------------

def _write_user(account: Account, database: Database, request: Request, existing: Optional[Dict[str, Any]],
                upsert: bool = False) -> Response:
    body = request.json_object_body()
    user_id = validate_id(body.get("id"), what="user")
    if existing is None:
        existing = database.users.get(user_id)
        if existing is not None and not upsert:
            raise conflict()
    elif user_id != existing["id"] and user_id in database.users:
        raise conflict()
    user = strip_system_properties(body)
    user["id"] = user_id
    if existing is None:
        ordinal = database.next_user_ordinal
        database.next_user_ordinal += 1
        user_rid = rids.user_rid(database.rid, ordinal)
    else:
        user_rid = existing["_rid"]
    user.update({"_rid": user_rid, "_self": f"dbs/{database.rid}/users/{user_rid}/",
                 "_etag": account.etag(), "_permissions": "permissions/", "_ts": account.now()})
    account.put_user_resource(database, "users", user)
    return resource_answer(request, 201 if existing is None else 200, user, metadata_charge())


def _write_permission(account: Account, database: Database, user: Dict[str, Any], request: Request,
                      existing: Optional[Dict[str, Any]], expiry: int, upsert: bool = False) -> Response:
    body = request.json_object_body()
    permission_id = validate_id(body.get("id"), what="permission")
    permissions = database.permissions.get(user["id"], {})
    if existing is None:
        existing = permissions.get(permission_id)
        if existing is not None and not upsert:
            raise conflict()
    elif permission_id != existing["id"] and permission_id in permissions:
        raise conflict()
    permission = strip_system_properties(body, keep=())
    permission.pop("_token", None)
    permission["id"] = permission_id
    permission["permissionMode"] = _validated_mode(body.get("permissionMode"))
    permission["resource"] = _validated_resource(body.get("resource"))
    if body.get("resourcePartitionKey") is not None:
        key = body["resourcePartitionKey"]
        permission["resourcePartitionKey"] = key if isinstance(key, list) else [key]
    if existing is None:
        permission_rid = rids.child_rid(user["_rid"], database.allocate_permission_ordinal())
    else:
        permission_rid = existing["_rid"]
        if existing["id"] != permission_id:
            account.delete_user_resource(database, "permissions", existing["id"], user["id"])
    permission.update({"_rid": permission_rid,
                       "_self": f"dbs/{database.rid}/users/{user['_rid']}/permissions/{permission_rid}/",
                       "_etag": account.etag(), "_ts": account.now()})
    account.put_user_resource(database, "permissions", permission, user["id"])
    return resource_answer(request, 201 if existing is None else 200,
                           _with_token(account, database, user, permission, expiry), metadata_charge())


def _validated_mode(mode: Any) -> str:
    """The mode as written, once it is Read or All in any case (the service keeps the client's spelling)."""
    if canonical(mode, PERMISSION_MODES) is None:
        raise bad_request(errors_message(f"The permission mode '{mode}' is invalid. It must be Read or All."))
    return mode


def _validated_resource(link: Any) -> str:
    if not isinstance(link, str) or not link.strip("/"):
        raise bad_request(errors_message("The input content is invalid because the required properties - "
                                         "'resource; ' - are missing"))
    try:
        address = parse_path("/" + link.strip("/"))
    except CosmosError:
        raise bad_request(errors_message(f"The resource link '{link}' of the permission is invalid.")) from None
    if address.is_feed or address.resource_type not in GRANTABLE_TYPES:
        raise bad_request(errors_message(f"The resource link '{link}' of the permission is invalid."))
    return link


def _token_lifetime(request: Request) -> int:
    raw = request.header("x-ms-resource-token-expiry-seconds")
    if raw is None or raw.strip() == "":
        return DEFAULT_TOKEN_SECONDS
    try:
        seconds = int(raw)
    except ValueError:
        raise bad_request(f"Invalid value '{raw}' for header x-ms-resource-token-expiry-seconds.") from None
    if seconds < MIN_TOKEN_SECONDS or seconds > MAX_TOKEN_SECONDS:
        raise bad_request(f"The value {seconds} of x-ms-resource-token-expiry-seconds must be between "
                          f"{MIN_TOKEN_SECONDS} and {MAX_TOKEN_SECONDS}.")
    return seconds


def _with_token(account: Account, database: Database, user: Dict[str, Any], permission: Dict[str, Any],
                lifetime: int) -> Dict[str, Any]:
    """The permission as answered: stored properties plus a freshly minted ``_token``."""
    answered = dict(permission)
    issuer = account.services.get("tokens")  # a resource_tokens.ResourceTokenIssuer, set by the server
    if issuer is not None:
        answered["_token"] = issuer.issue(database, user, permission, account.now() + lifetime)
    return answered


def permission_usage(account: Account) -> int:
    """How many permissions the account holds (for the databases' usage headers)."""
    return sum(len(permissions) for database in account.databases.values()
               for permissions in database.permissions.values())
