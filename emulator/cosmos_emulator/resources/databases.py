"""``/dbs``: create, read, read feed, query and delete databases."""
from __future__ import annotations

from typing import Any, Dict

from .. import rid as rids
from ..errors import conflict, method_not_allowed
from ..storage import Account, Database
from ..wire import Request, Response, metadata_charge
from . import offers
from .common import (DATABASE_QUOTA, check_if_match, not_modified, not_modified_since, paged_feed,
                     resolve_database, resource_answer, strip_system_properties, validate_id)
from .query_bridge import ListQuerySource, is_query_request, run_query


def usage_headers(account: Account) -> Dict[str, str]:
    collections = sum(len(database.collections) for database in account.databases.values())
    users = sum(len(database.users) for database in account.databases.values())
    from .users import permission_usage
    return {"x-ms-resource-quota": DATABASE_QUOTA,
            "x-ms-resource-usage": f"databases={len(account.databases)};collections={collections};"
                                   f"users={users};permissions={permission_usage(account)};clientEncryptionKeys=0;"}


def handle(account: Account, request: Request) -> Response:
    if request.address.is_feed:
        if is_query_request(request):
            return run_query(request, ListQuerySource("dbs", _all(account)), "Databases", "",
                             usage_headers(account))
        if request.method == "POST":
            return _create(account, request)
        if request.method == "GET":
            return paged_feed(request, "Databases", "", _all(account), usage_headers(account))
        raise method_not_allowed()
    database = resolve_database(account, request)
    if request.method == "GET":
        if not_modified_since(request, database.properties["_etag"]):
            return not_modified(metadata_charge(), database.properties["_etag"])
        return resource_answer(request, 200, database.properties, metadata_charge(), _headers(account, database))
    if request.method == "DELETE":
        check_if_match(request, database.properties["_etag"])
        account.delete_database(database)
        return resource_answer(request, 204, None, metadata_charge(), _headers(account, database))
    raise method_not_allowed()


def _all(account: Account):
    return [database.properties for database in account.databases.values()]


def _headers(account: Account, database: Database) -> Dict[str, str]:
    headers = usage_headers(account)
    headers["x-ms-alt-content-path"] = "dbs"
    return headers


def _create(account: Account, request: Request) -> Response:
    body = request.json_object_body()
    database_id = validate_id(body.get("id"), what="database")
    if database_id in account.databases:
        raise conflict()
    content = offers.throughput_from_headers(request)
    ordinal = account.next_database_ordinal
    account.next_database_ordinal += 1
    database_rid = rids.database_rid(ordinal)
    properties: Dict[str, Any] = strip_system_properties(body)
    properties.update({
        "id": database_id,
        "_rid": database_rid,
        "_self": f"dbs/{database_rid}/",
        "_etag": account.etag(),
        "_colls": "colls/",
        "_users": "users/",
        "_ts": account.now(),
    })
    database = account.put_database(properties)
    if content is not None:
        offers.create_offer(account, properties["_self"], database_rid, content)
    return resource_answer(request, 201, database.properties, metadata_charge(), _headers(account, database))

