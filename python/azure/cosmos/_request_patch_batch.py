# The MIT License (MIT)
"""Patch and transactional batch: 4.x arguments -> request bodies, and batch answers -> 4.x results.

Pure functions, no I/O, shared by the sync and async container proxies.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Sequence

from azure.core.utils import CaseInsensitiveDict

from ._cosmos_responses import CosmosList
from ._serialization import dump_json, load_json
from .exceptions import CosmosBatchOperationError, CosmosHttpResponseError

# 4.x's wording for a failed batch operation's status (its error translations).
_STATUS_TEXT = {
    400: "Bad Request - Invalid request.",
    401: "Unauthorized - Access is denied.",
    403: "Forbidden - The operation is not allowed.",
    404: "Not Found - The resource could not be found.",
    408: "Request Timeout - The request took too long.",
    409: "Conflict - The resource already exists.",
    412: "Precondition Failed - The operation's precondition was not met.",
    413: "Request Entity Too Large - The document is too large.",
    424: "Failed Dependency - Another operation in the batch failed.",
    429: "Too Many Requests - The request rate is too large.",
    449: "Retry With - Retry the operation.",
    500: "Internal Server Error - An error occurred on the server.",
    503: "Service Unavailable - The service is unavailable.",
}


def patch_body(patch_operations: Any, filter_predicate: Optional[str]) -> bytes:
    """The PATCH request body: ``{"operations": [...], "condition": "from c where ..."}``.

    :param patch_operations: The operations, each ``{"op": "add"|"set"|..., "path": ..., "value": ...}``.
    :param filter_predicate: A condition the stored item must meet, or ``None``.
    :type filter_predicate: str or None
    :returns: The JSON body.
    :rtype: bytes
    :raises TypeError: The operations are not a list, or a value is not JSON serialisable.
    """
    if isinstance(patch_operations, (str, bytes, Mapping)) or not isinstance(patch_operations, Sequence):
        raise TypeError("patch_operations must be a list of operation dicts, got {}".format(
            type(patch_operations).__name__))
    body: dict = {"operations": list(patch_operations)}
    if filter_predicate is not None:
        body["condition"] = filter_predicate
    return dump_json(body)


def _batch_operation(index: int, batch_operation: Any) -> dict:
    try:
        operation_type, args = batch_operation[0], batch_operation[1]
    except (IndexError, TypeError, KeyError) as error:
        raise IndexError(f"Operation {index} in batch is missing a field.") from error
    options = dict(batch_operation[2]) if len(batch_operation) > 2 else {}
    kind = str(operation_type).lower()
    operation: Optional[dict] = None
    if len(args) == 1 and kind in ("create", "upsert"):
        operation = {"operationType": kind.capitalize(), "resourceBody": args[0]}
    elif len(args) == 1 and kind in ("read", "delete"):
        operation = {"operationType": kind.capitalize(), "id": args[0]}
    elif len(args) == 2 and kind == "replace":
        operation = {"operationType": "Replace", "id": args[0], "resourceBody": args[1]}
    elif len(args) == 2 and kind == "patch":
        operation = {"operationType": "Patch", "id": args[0], "resourceBody": {"operations": args[1]}}
        predicate = options.pop("filter_predicate", None)
        if predicate is not None:
            operation["resourceBody"]["condition"] = predicate
    if operation is None:
        raise AttributeError(f"Operation type or args passed in not recognized for operation with index {index}.")
    if_match, if_none_match = options.pop("if_match_etag", None), options.pop("if_none_match_etag", None)
    if if_match is not None:
        operation["ifMatch"] = if_match
    elif if_none_match is not None:
        operation["ifNoneMatch"] = if_none_match
    return operation


def batch_body(batch_operations: Sequence[Any]) -> bytes:
    """The transactional batch body: the service's operation array, as 4.x formats it.

    :param batch_operations: 4.x's ``(operation, args[, options])`` tuples.
    :returns: The JSON body.
    :rtype: bytes
    :raises IndexError: An operation lacks its type or arguments.
    :raises AttributeError: An operation type or its arguments are not recognised.
    :raises TypeError: A body is not JSON serialisable (nothing is sent).
    """
    return dump_json([_batch_operation(index, op) for index, op in enumerate(batch_operations)])


def batch_results(headers: CaseInsensitiveDict, body: bytes) -> CosmosList:
    """The per-operation results of a batch, or 4.x's ``CosmosBatchOperationError`` for a failed one.

    :param headers: The batch response's headers.
    :param bytes body: The batch response's body (the result array).
    :returns: The results.
    :rtype: ~azure.cosmos.CosmosList
    :raises ~azure.cosmos.exceptions.CosmosBatchOperationError: An operation failed; the batch wrote nothing.
    """
    results = load_json(body) or []
    failed = [index for index, result in enumerate(results) if int(result.get("statusCode", 0)) >= 400]
    if failed:
        # The operation that failed; the others answer 424 (failed dependency).
        causes = [index for index in failed if int(results[index]["statusCode"]) != 424]
        index = causes[-1] if causes else failed[0]
        status = int(results[index]["statusCode"]) if causes else 0
        raise CosmosBatchOperationError(
            error_index=index,
            headers=headers,
            status_code=status,
            message="There was an error in the transactional batch on index {}. Error message: {}".format(
                index, _STATUS_TEXT.get(status)),
            operation_responses=results,
        )
    return CosmosList(results, response_headers=headers)


def batch_error(error: CosmosHttpResponseError,
                record: Callable[[Mapping[str, str]], CaseInsensitiveDict]) -> BaseException:
    """The exception for a batch the service refused with an error status.

    A batch whose operation failed is answered with that operation's status and the
    per-operation array: that is 4.x's ``CosmosBatchOperationError``. Any other error
    (e.g. an empty or over-long batch, answered with a message) stays what it is.

    :param error: The service error.
    :param record: Records response headers as the client's last headers.
    :returns: The exception to raise.
    :rtype: BaseException
    """
    response = getattr(error, "response", None)
    body = getattr(response, "body", None)
    raw = body() if callable(body) else body
    try:
        results = load_json(raw) if raw else None
    except ValueError:
        results = None
    if not isinstance(results, list):
        return error
    headers = record(dict(response.headers) if response is not None else {})
    try:
        batch_results(headers, raw)
    except CosmosBatchOperationError as batch_failure:
        return batch_failure
    return error
