"""Transactional batch and bulk requests: ``POST .../docs`` with ``x-ms-cosmos-is-batch-request``.

The body is a JSON array of at most 100 operations, each ``{"operationType": "Create" | "Upsert" |
"Read" | "Replace" | "Delete" | "Patch", "id": ..., "resourceBody": ..., "ifMatch": ...,
"ifNoneMatch": ..., "partitionKey": "<json array>"}``. The answer is a JSON array with one result
per operation, in order: ``{"statusCode", "requestCharge", "eTag", "resourceBody", "substatusCode"}``.

Atomic batches (``x-ms-cosmos-batch-atomic: true``, what transactional batch sends) target one
logical partition (``x-ms-documentdb-partitionkey``) and run inside one storage transaction: the
writes commit together at a single partition LSN, or, when an operation fails, nothing is written,
the failing operation reports its own status and every other operation reports 424 (failed
dependency). The HTTP status is then 207 (multi-status); clients read the failing operation from the
array. Non-atomic (bulk) requests apply each operation on its own, stopping at the first failure
unless ``x-ms-cosmos-batch-continue-on-error`` is set.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import orjson

from ..errors import CosmosError, bad_request, entity_too_large, precondition_failed
from ..storage import Account, Collection, PhysicalPartition
from ..wire import (MAX_DOCUMENT_BYTES, Request, Response, delete_charge, dumps, format_charge, read_charge,
                    write_charge)
from .item_headers import PARTITION_KEY_HEADER, RANGE_ID_HEADER, content_headers, header_partition_key, item_headers
from .items import ItemResult, ItemStore

MAX_OPERATIONS = 100
# The whole batch payload is limited like one document.
MAX_BATCH_BYTES = MAX_DOCUMENT_BYTES
STATUS_MULTI_STATUS = 207
STATUS_FAILED_DEPENDENCY = 424

OPERATION_TYPES = ("create", "upsert", "read", "replace", "delete", "patch")
_NEEDS_BODY = ("create", "upsert", "replace", "patch")
_NEEDS_ID = ("read", "replace", "delete", "patch")

_WRONG_PK_MESSAGE = ("Partition key provided either doesn't correspond to definition in the collection or "
                     "doesn't match partition key field values specified in the document.")


def is_batch_request(request: Request) -> bool:
    return request.method == "POST" and request.flag("x-ms-cosmos-is-batch-request")


def handle(account: Account, collection: Collection, request: Request) -> Response:
    """Run a batch request against ``collection`` and render the per-operation results."""
    if len(request.body) > MAX_BATCH_BYTES:
        raise entity_too_large()
    operations = _parse_operations(request)
    atomic_header = request.header("x-ms-cosmos-batch-atomic")
    atomic = atomic_header is None or atomic_header.strip().lower() == "true"
    range_id = (request.header(RANGE_ID_HEADER) or "").strip() or None
    store = ItemStore(account, collection, range_id)
    if atomic:
        results, partition = _run_atomic(store, request, operations)
    else:
        results, partition = _run_bulk(store, request, operations)
    return _answer(collection, request, results, partition)


# ------------------------------------------------------------------------------------------------
# Parsing
# ------------------------------------------------------------------------------------------------

def _parse_operations(request: Request) -> List[Dict[str, Any]]:
    body = request.json_body()
    if not isinstance(body, list):
        raise bad_request("The batch request payload must be a JSON array of operations.")
    if not body:
        raise bad_request("Batch request has no operations.")
    if len(body) > MAX_OPERATIONS:
        raise bad_request("Batch request has more operations than what is supported.")
    parsed = []
    for index, operation in enumerate(body):
        if not isinstance(operation, dict):
            raise bad_request(f"Batch operation at index {index} is not a JSON object.")
        kind = str(operation.get("operationType", "")).lower()
        if kind not in OPERATION_TYPES:
            raise bad_request(f"Batch operation at index {index} has an unsupported operationType "
                              f"'{operation.get('operationType')}'.")
        if kind in _NEEDS_BODY and not isinstance(operation.get("resourceBody"), dict):
            raise bad_request(f"Batch operation at index {index} ({kind}) requires a resourceBody object.")
        if kind in _NEEDS_ID and not isinstance(operation.get("id"), str):
            raise bad_request(f"Batch operation at index {index} ({kind}) requires an id.")
        parsed.append(dict(operation, operationType=kind))
    return parsed


def _batch_partition_key(store: ItemStore, request: Request) -> List[Any]:
    """The logical partition of an atomic batch, from ``x-ms-documentdb-partitionkey``."""
    raw = request.header(PARTITION_KEY_HEADER)
    definition = store.collection.partition_key_definition
    if raw is None or raw.strip() == "":
        raise bad_request("A transactional batch request must specify the partition key "
                          "(x-ms-documentdb-partitionkey).")
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad_request(f"The partition key '{raw}' is invalid.") from None
    if isinstance(decoded, list) and not definition.get("systemKey") and len(decoded) != len(definition["paths"]):
        raise bad_request(_WRONG_PK_MESSAGE)
    return header_partition_key(store.collection, request, required=True) or []


def _operation_partition_key(store: ItemStore, operation: Dict[str, Any],
                             default: Optional[List[Any]]) -> Optional[List[Any]]:
    """A bulk operation's own ``partitionKey`` (a JSON array in a string), else ``default``."""
    raw = operation.get("partitionKey")
    if raw is None:
        return default
    from .. import partitioning
    try:
        decoded = orjson.loads(raw) if isinstance(raw, str) else raw
    except orjson.JSONDecodeError:
        raise bad_request(f"The partition key '{raw}' is invalid.") from None
    components = partitioning.parse_header_components(decoded)
    if len(components) != len(store.collection.partition_key_definition["paths"]):
        raise bad_request(_WRONG_PK_MESSAGE)
    return components


# ------------------------------------------------------------------------------------------------
# Execution
# ------------------------------------------------------------------------------------------------

def _run_atomic(store: ItemStore, request: Request, operations: List[Dict[str, Any]]):
    components = _batch_partition_key(store, request)
    _, partition = store.locate(components)
    account = store.account
    transaction = account.begin()
    store.fixed_lsn = partition.lsn + 1
    results: List[Dict[str, Any]] = []
    try:
        for index, operation in enumerate(operations):
            try:
                results.append(_execute(store, operation, components, request))
            except CosmosError as error:
                account.abort(transaction)
                return _failed_results(len(operations), index, error), partition
    except BaseException:
        account.abort(transaction)
        raise
    finally:
        store.fixed_lsn = None
    account.commit(transaction)
    return results, partition


def _run_bulk(store: ItemStore, request: Request, operations: List[Dict[str, Any]]):
    default = header_partition_key(store.collection, request, required=False)
    continue_on_error = request.flag("x-ms-cosmos-batch-continue-on-error")
    results: List[Dict[str, Any]] = []
    partition: Optional[PhysicalPartition] = None
    stopped = False
    for operation in operations:
        if stopped:
            results.append(_dependency_failed())
            continue
        try:
            components = _operation_partition_key(store, operation, default)
            result = _execute(store, operation, components, request)
            results.append(result)
            partition = result.pop("_partition", partition)
        except CosmosError as error:
            results.append(_error_result(error))
            stopped = not continue_on_error
    for result in results:
        result.pop("_partition", None)
    return results, partition


def _execute(store: ItemStore, operation: Dict[str, Any], components: Optional[List[Any]],
             request: Request) -> Dict[str, Any]:
    kind = operation["operationType"]
    if_match = operation.get("ifMatch")
    if_none_match = operation.get("ifNoneMatch")
    if kind == "read":
        if components is None:
            raise bad_request(_WRONG_PK_MESSAGE)
        result = store.read(components, operation["id"])
        etag = result.item.body["_etag"]
        if if_none_match is not None and (if_none_match.strip() in ("*", etag)):
            return {"statusCode": 304, "requestCharge": 1.0, "eTag": etag, "_partition": result.partition}
        if if_match is not None and if_match.strip() not in ("*", etag):
            raise precondition_failed()
        return _success(result, read_charge(len(dumps(result.item.body))), request)
    if kind in ("create", "upsert", "replace", "patch", "delete") and if_none_match is not None:
        _check_if_none_match_write(store, operation, components, if_none_match)
    if kind == "create":
        result = store.create(components, operation["resourceBody"])
    elif kind == "upsert":
        result = store.create(components, operation["resourceBody"], upsert=True, if_match=if_match)
    elif kind == "replace":
        result = store.replace(components, operation["id"], operation["resourceBody"], if_match)
    elif kind == "patch":
        if components is None:
            raise bad_request(_WRONG_PK_MESSAGE)
        body = operation["resourceBody"]
        result = store.patch(components, operation["id"], body.get("operations"), body.get("condition"), if_match)
    else:
        if components is None:
            raise bad_request(_WRONG_PK_MESSAGE)
        result = store.delete(components, operation["id"], if_match)
        return {"statusCode": 204, "requestCharge": delete_charge(len(dumps(result.item.body))),
                "_partition": result.partition}
    return _success(result, write_charge(len(dumps(result.item.body))), request)


def _check_if_none_match_write(store: ItemStore, operation: Dict[str, Any], components: Optional[List[Any]],
                               if_none_match: str) -> None:
    """``ifNoneMatch`` on a write: refuse (412) when the item exists with that etag (``*``: at all)."""
    item_id = operation.get("id")
    if item_id is None and isinstance(operation.get("resourceBody"), dict):
        item_id = operation["resourceBody"].get("id")
    if not isinstance(item_id, str):
        return
    resolved = components
    if resolved is None:
        resolved = store.write_components(None, operation.get("resourceBody") or {})
    epk, partition = store.locate(resolved)
    existing = store.live(partition, epk, item_id)
    if existing is not None and if_none_match.strip() in ("*", existing.body["_etag"]):
        raise precondition_failed()


def _success(result: ItemResult, charge: float, request: Request) -> Dict[str, Any]:
    outcome: Dict[str, Any] = {"statusCode": result.status, "requestCharge": charge,
                               "eTag": result.item.body["_etag"], "_partition": result.partition}
    if "return=minimal" not in (request.header("prefer") or "").replace(" ", "").lower():
        outcome["resourceBody"] = result.item.body
    return outcome


def _error_result(error: CosmosError) -> Dict[str, Any]:
    outcome: Dict[str, Any] = {"statusCode": error.status, "requestCharge": 1.0 if error.status != 429 else 0.0}
    if error.substatus is not None:
        outcome["substatusCode"] = error.substatus
    retry_after = error.headers.get("x-ms-retry-after-ms")
    if retry_after is not None:
        outcome["retryAfterMilliseconds"] = int(retry_after)
    return outcome


def _dependency_failed() -> Dict[str, Any]:
    return {"statusCode": STATUS_FAILED_DEPENDENCY, "requestCharge": 0.0}


def _failed_results(count: int, failed_index: int, error: CosmosError) -> List[Dict[str, Any]]:
    """An atomic batch that failed: the failing operation's error, 424 for every other one."""
    return [_error_result(error) if index == failed_index else _dependency_failed() for index in range(count)]


# ------------------------------------------------------------------------------------------------
# Answer
# ------------------------------------------------------------------------------------------------

def _answer(collection: Collection, request: Request, results: List[Dict[str, Any]],
            partition: Optional[PhysicalPartition]) -> Response:
    for result in results:
        result.pop("_partition", None)
    failed = any(result["statusCode"] >= 400 for result in results)
    headers = item_headers(collection, partition) if partition is not None else content_headers(collection)
    headers["x-ms-request-charge"] = format_charge(sum(result.get("requestCharge", 0.0) for result in results))
    return Response(STATUS_MULTI_STATUS if failed else 200, dumps(results), headers)
