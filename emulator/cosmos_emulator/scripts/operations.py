"""Runs the collection operations scripts queue, against a :class:`~.protocol.ScriptCollection`.

Each operation comes from the runtime as a dict (shapes in :mod:`.runtime_collection`) and goes back
as an outcome the runtime turns into the script's callback call::

    {"ok": True, "result": <document | list | None>, "options": {...}}
    {"ok": False, "status": <http status>, "body": "{\\"Errors\\":[...]}"}
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

from ..errors import CosmosError, bad_request
from .protocol import ScriptCollection
from .script_errors import operation_error_body

_CONTINUATION = re.compile(r'^\{"skip":(\d+)\}$')


def execute_operation(operation: Dict[str, Any], collection: ScriptCollection) -> Dict[str, Any]:
    """Run one queued operation; storage errors become error outcomes for the script to see."""
    try:
        return _run(operation, collection)
    except CosmosError as error:
        return {"ok": False, "status": error.status, "body": operation_error_body(error)}


def _run(operation: Dict[str, Any], collection: ScriptCollection) -> Dict[str, Any]:
    kind = operation.get("type")
    options = dict(operation.get("options") or {})
    if kind == "create":
        return _success(collection.create(_document(operation.get("body")), options))
    if kind == "upsert":
        return _success(collection.upsert(_document(operation.get("body")), options))
    if kind == "replace":
        return _success(collection.replace(operation["link"], _document(operation.get("body")), options))
    if kind == "read":
        return _read(collection, operation["link"], options)
    if kind == "delete":
        collection.delete(operation["link"], options)
        return _success(None)
    if kind == "query":
        return _query(collection, operation)
    raise bad_request(f"Unknown script operation {kind!r}.")


def _success(result: Any, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {"ok": True, "result": result, "options": options or {}}


def _document(text: Optional[str]) -> Dict[str, Any]:
    if text is None:
        raise bad_request("The document body must be an object or a string representing a JSON-serialized object.")
    try:
        document = json.loads(text)
    except ValueError:
        raise bad_request("The request payload is invalid: the document body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise bad_request("The request payload is invalid: the document body must be a JSON object.")
    return document


def _read(collection: ScriptCollection, link: str, options: Dict[str, Any]) -> Dict[str, Any]:
    if_none_match = options.pop("ifNoneMatch", None)
    document = collection.read(link, options)
    if if_none_match is not None and _etag_matches(if_none_match, document.get("_etag")):
        return _success(None, {"notModified": True})
    return _success(document)


def _etag_matches(condition: str, etag: Optional[str]) -> bool:
    condition = condition.strip()
    return condition == "*" or (etag is not None and condition == etag)


def _query(collection: ScriptCollection, operation: Dict[str, Any]) -> Dict[str, Any]:
    sql, parameters = _query_text(operation.get("query"))
    skip = _skip_from(operation.get("continuation"))
    results = collection.query(sql, parameters)
    page_size = operation.get("pageSize")
    if not isinstance(page_size, (int, float)) or isinstance(page_size, bool) or page_size <= 0:
        page = results[skip:]
        end = len(results)
    else:
        end = skip + int(page_size)
        page = results[skip:end]
    options: Dict[str, Any] = {}
    if end < len(results):
        options["continuation"] = json.dumps({"skip": end}, separators=(",", ":"))
    return _success(page, options)


def _query_text(query: Any) -> Tuple[str, Optional[List[Dict[str, Any]]]]:
    if isinstance(query, str):
        return query, None
    if isinstance(query, dict) and isinstance(query.get("query"), str):
        parameters = query.get("parameters")
        if parameters is not None and not isinstance(parameters, list):
            raise bad_request("The query parameters must be an array of {name, value} objects.")
        return query["query"], parameters or None
    raise bad_request("The query must be a SQL string or an object with a \"query\" string.")


def _skip_from(continuation: Any) -> int:
    if continuation is None:
        return 0
    match = _CONTINUATION.match(str(continuation))
    if match is None:
        raise bad_request(f"Invalid continuation token: {continuation!r}.")
    return int(match.group(1))
