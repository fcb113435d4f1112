"""``/dbs/{db}/colls/{coll}/sprocs``, ``/triggers`` and ``/udfs``: server-side script resources.

Create (and upsert), read, replace, delete, read feed and query. A script's ``body`` is JavaScript
source. A stored procedure's body is stored as given and compiled when it runs (a syntax error answers
400 at execution, as the service does); trigger and UDF bodies are compiled on create/replace when the
JavaScript engine is installed (a syntax error answers 400). Triggers carry ``triggerType`` (``Pre``/``Post``) and
``triggerOperation`` (``All``, ``Create``, ``Update``, ``Replace``, ``Delete``, ``Upsert``), validated
without regard to case and kept as written, as the service keeps them (see :mod:`..enumerations`).

``POST`` to a stored procedure runs it (see :mod:`.script_execution`).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from .. import rid as rids
from ..enumerations import TRIGGER_OPERATIONS, TRIGGER_TYPES, canonical
from ..errors import bad_request, conflict, errors_message, method_not_allowed, not_found
from ..storage import Account, Collection
from ..wire import Request, Response, metadata_charge
from .common import (check_if_match, not_modified, not_modified_since, paged_feed, resolve_collection,
                     resource_answer, strip_system_properties, validate_id)
from .query_bridge import ListQuerySource, is_query_request, run_query

FEED_KEYS = {"sprocs": "StoredProcedures", "triggers": "Triggers", "udfs": "UserDefinedFunctions"}
_CHILD_TAGS = {"sprocs": rids.CHILD_STORED_PROCEDURE, "triggers": rids.CHILD_TRIGGER, "udfs": rids.CHILD_UDF}


def handle(account: Account, request: Request) -> Response:
    collection = resolve_collection(account, request, owner=True)
    kind = request.address.resource_type
    store = collection.children.setdefault(kind, {})
    if request.address.is_feed:
        resources = list(store.values())
        if is_query_request(request):
            return run_query(request, ListQuerySource(kind, resources), FEED_KEYS[kind], collection.rid)
        if request.method == "POST":
            return _write(account, collection, kind, request, None, upsert=request.flag("x-ms-documentdb-is-upsert"))
        if request.method == "GET":
            return paged_feed(request, FEED_KEYS[kind], collection.rid, resources)
        raise method_not_allowed()
    resource = find_script(collection, kind, request.address.target_id or "", request.address.rid_based)
    if resource is None:
        raise not_found()
    if request.method == "GET":
        if not_modified_since(request, resource["_etag"]):
            return not_modified(metadata_charge(), resource["_etag"])
        return resource_answer(request, 200, resource, metadata_charge())
    if request.method == "PUT":
        check_if_match(request, resource["_etag"])
        return _write(account, collection, kind, request, resource)
    if request.method == "DELETE":
        check_if_match(request, resource["_etag"])
        account.delete_child(collection, kind, resource["id"])
        return resource_answer(request, 204, None, metadata_charge())
    if request.method == "POST" and kind == "sprocs":
        from .script_execution import execute_stored_procedure
        return execute_stored_procedure(account, collection, resource, request)
    raise method_not_allowed()


def find_script(collection: Collection, kind: str, name_or_rid: str, by_rid: bool) -> Optional[Dict[str, Any]]:
    store = collection.children.get(kind, {})
    if not by_rid:
        return store.get(name_or_rid)
    return next((resource for resource in store.values() if resource.get("_rid") == name_or_rid), None)


def _write(account: Account, collection: Collection, kind: str, request: Request,
           existing: Optional[Dict[str, Any]], upsert: bool = False) -> Response:
    body = request.json_object_body()
    script_id = validate_id(body.get("id"), what=kind)
    store = collection.children.setdefault(kind, {})
    if existing is None:
        existing = store.get(script_id)
        if existing is not None and not upsert:
            raise conflict()
    elif script_id != existing["id"] and script_id in store:
        raise conflict()
    resource = strip_system_properties(body)
    resource["id"] = script_id
    source = body.get("body")
    if not isinstance(source, str):
        raise bad_request(errors_message("The input content is invalid because the required properties - "
                                         "'body; ' - are missing"))
    if kind == "triggers":
        resource["triggerType"] = _validated(body.get("triggerType"), TRIGGER_TYPES, "triggerType")
        resource["triggerOperation"] = _validated(body.get("triggerOperation"), TRIGGER_OPERATIONS,
                                                  "triggerOperation")
    if kind != "sprocs":
        # A stored procedure body is stored as given; the service compiles it when it runs (a syntax error
        # answers 400 then). Trigger and UDF bodies are still compiled here.
        from .script_execution import validate_script
        validate_script(account, source)
    if existing is None:
        script_rid = rids.child_rid(collection.rid, collection.allocate_child_ordinal(), _CHILD_TAGS[kind])
    else:
        script_rid = existing["_rid"]
        if existing["id"] != script_id:
            account.delete_child(collection, kind, existing["id"])
    resource.update({"_rid": script_rid, "_self": f"{collection.self_link}{kind}/{script_rid}/",
                     "_etag": account.etag(), "_ts": account.now()})
    account.put_child(collection, kind, resource)
    return resource_answer(request, 201 if existing is None else 200, resource, metadata_charge())


def _validated(value: Any, choices: Tuple[str, ...], name: str) -> str:
    """``value`` as written, once it is one of ``choices`` in any case (400 otherwise)."""
    if canonical(value, choices) is None:
        raise bad_request(errors_message(f"The value '{value}' of {name} is invalid; expected one of "
                                         f"{', '.join(choices)}."))
    return value
