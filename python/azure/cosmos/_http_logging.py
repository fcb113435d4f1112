# The MIT License (MIT)
"""The log records azure-cosmos 4.x's HTTP pipeline writes, made from what the engine reports.

The engine sends and retries requests in Rust, so nothing here sees a request on the wire.
Each record is built after the operation from two sources:

* the engine's diagnostics (``Response.diagnostics``, ``Page.diagnostics``, an exception's
  ``_engine_diagnostics``): one entry per HTTP attempt with its status, sub-status, duration,
  request charge and activity id (and, for the REST path, its method and URL);
* the operation the facade asked for (:class:`OperationView`): method, resource URL, the headers
  that the call's options turn into, and the final response's headers and body.

Three record families, as 4.x writes them:

* **diagnostics logging** (``enable_diagnostics_logging=True``; 4.x's ``CosmosHttpLoggingPolicy``):
  per attempt, an INFO request record and an INFO response record on ``azure.cosmos._cosmos_http_logging_policy``
  (or the ``logger`` given), with 4.x's ``extra`` attributes (``status_code``, ``sub_status_code``,
  ``duration``, ``verb``, ``url``, ``database_name``, ``collection_name``, ...);
* **HTTP logging** (the default when that logger is enabled for INFO; azure-core's ``HttpLoggingPolicy``):
  the same two records per attempt, headers outside Cosmos DB's allow list shown as ``REDACTED``;
* **network trace** (``logging_enable=True``; azure-core's ``NetworkTraceLoggingPolicy``): DEBUG records of the
  operation's request and final response, bodies included, on ``azure.core.pipeline.policies.http_logging_policy``.

Never logged: the ``authorization`` header (the engine signs inside, so it is never seen; a header of that
name given by the caller is redacted), the account key, and resource tokens (a permission's ``_token``).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional

from .http_constants import HttpHeaders

DIAGNOSTICS_LOGGER_NAME = "azure.cosmos._cosmos_http_logging_policy"
NETWORK_TRACE_LOGGER_NAME = "azure.core.pipeline.policies.http_logging_policy"
DIAGNOSTICS_LOGGER = logging.getLogger(DIAGNOSTICS_LOGGER_NAME)
NETWORK_TRACE_LOGGER = logging.getLogger(NETWORK_TRACE_LOGGER_NAME)

REDACTED = "REDACTED"
# 4.x logs the values of every Cosmos DB header it knows except these.
_NEVER_LOGGED = frozenset({"authorization", "proxy-authorization", "transfer-encoding"})
_ALLOWED_HEADERS = frozenset(
    value.lower() for name, value in vars(HttpHeaders).items()
    if not name.startswith("_") and isinstance(value, str)
) - _NEVER_LOGGED
_TOKEN_VALUE = re.compile(r'("_token"\s*:\s*")(?:[^"\\]|\\.)*(")')
_SIGNATURE = re.compile(r"sig(?:=|%3d)[^&\"'\s,;]*", re.IGNORECASE)


def redact_header(name: str, value: str) -> str:
    """The value to log for a header: its own value if Cosmos DB's allow list has it, else ``REDACTED``."""
    return value if name.lower() in _ALLOWED_HEADERS else REDACTED


def redact_text(text: str) -> str:
    """A body as it may be logged: resource tokens (``_token`` values) and signatures removed."""
    text = _TOKEN_VALUE.sub(r"\1" + REDACTED + r"\2", text)
    return _SIGNATURE.sub("signature " + REDACTED, text)


@dataclass
class Attempt:
    """One HTTP attempt of an operation, as the engine's diagnostics describe it."""

    method: str
    url: str
    status: Optional[int] = None
    sub_status: Optional[int] = None
    duration_ms: Optional[float] = None
    activity_id: str = ""
    request_charge: Optional[float] = None
    error: Optional[str] = None
    headers: dict = field(default_factory=dict)


@dataclass
class OperationView:
    """What the facade knows of one engine operation: the request it asked for."""

    method: str
    url: str
    database_name: Optional[str]
    collection_name: Optional[str]
    resource_type: str
    operation_type: str
    headers: dict
    body: Optional[bytes]
    path: str = ""


_STATUS = re.compile(r"(\d{3})(?:\D+(\d+))?")


def _status(value: Any) -> tuple:
    if value is None:
        return None, None
    if isinstance(value, int):
        return value, None
    match = _STATUS.match(str(value))
    if not match:
        return None, None
    return int(match.group(1)), (int(match.group(2)) if match.group(2) else None)


def attempts(operation: OperationView, diagnostics_json: Optional[str], final_status: Optional[int],
             final_headers: Optional[Mapping[str, str]]) -> list:
    """The HTTP attempts behind an operation, the last one carrying the final response's headers.

    :param operation: The operation.
    :param diagnostics_json: The engine's diagnostics (``None``: one attempt is made up from the final response).
    :param final_status: The status of the final response, if one arrived.
    :param final_headers: The final response's headers, if one arrived.
    :returns: The attempts, in order.
    :rtype: list[Attempt]
    """
    found = []
    document = json.loads(diagnostics_json) if diagnostics_json else {}
    for entry in document.get("requests") or ():
        status, sub_status = _status(entry.get("status_code", entry.get("status")))
        if entry.get("sub_status_code") is not None:
            sub_status = int(entry["sub_status_code"])
        method = entry.get("method") or operation.method
        url = entry.get("url") or (entry["endpoint"].rstrip("/") + "/" + operation.path if entry.get("endpoint")
                                   else operation.url)
        found.append(Attempt(method=method, url=url, status=status, sub_status=sub_status,
                             duration_ms=entry.get("duration_ms"), activity_id=entry.get("activity_id") or "",
                             request_charge=entry.get("request_charge"), error=entry.get("error")))
    if not found:
        found.append(Attempt(method=operation.method, url=operation.url, status=final_status))
    if final_headers is not None and found[-1].status == final_status:
        found[-1].headers = dict(final_headers)
        if not found[-1].activity_id:
            found[-1].activity_id = final_headers.get(HttpHeaders.ActivityId, "")
        if found[-1].request_charge is None and HttpHeaders.RequestCharge in final_headers:
            found[-1].request_charge = float(final_headers[HttpHeaders.RequestCharge])
        if found[-1].sub_status is None and HttpHeaders.SubStatus in final_headers:
            found[-1].sub_status = int(final_headers[HttpHeaders.SubStatus])
    return found


def _response_headers(attempt: Attempt) -> dict:
    headers = dict(attempt.headers)
    if attempt.activity_id:
        headers.setdefault(HttpHeaders.ActivityId, attempt.activity_id)
    if attempt.request_charge is not None:
        headers.setdefault(HttpHeaders.RequestCharge, format(attempt.request_charge, "g"))
    if attempt.sub_status:
        headers.setdefault(HttpHeaders.SubStatus, str(attempt.sub_status))
    return headers


def _header_lines(headers: Mapping[str, str], *, drop_redacted: bool) -> str:
    lines = ""
    for name, value in headers.items():
        shown = redact_header(name, str(value))
        if drop_redacted and (not shown or shown == REDACTED):
            continue
        lines += "\n    '{}': '{}'".format(name, shown)
    return lines


def _seconds(duration_ms: Optional[float]) -> str:
    if duration_ms is None:
        return "unknown"
    return "{:.6f}".format(duration_ms / 1000).rstrip("0").rstrip(".")


def format_error(payload: str) -> str:
    """The error part of a response record: the service's ``code`` and ``message``, one clause a line."""
    try:
        document = json.loads(payload)
        message = str(document["message"]).replace("\r\n", "\n\t\t").replace(",", ",\n\t\t")
        return "\n\tCode: {}\n\t{}\n".format(document["code"], message)
    except (ValueError, KeyError, TypeError):
        return "\t" + str(payload).replace("\r\n", "\n\t\t").replace(",", ",\n\t\t") + "\n"


def _filters_applied(logger: logging.Logger) -> bool:
    current: Optional[logging.Logger] = logger
    while current is not None:
        if current.filters or any(handler.filters for handler in current.handlers):
            return True
        current = current.parent
    return False


def _extra(operation: OperationView, attempt: Attempt, *, is_request: bool, error_type: str) -> dict:
    return {
        "activity_id": attempt.activity_id,
        "duration": attempt.duration_ms,
        "status_code": attempt.status,
        "sub_status_code": attempt.sub_status or 0,
        "verb": attempt.method,
        "url": attempt.url,
        "database_name": operation.database_name or "",
        "collection_name": operation.collection_name or "",
        "resource_type": operation.resource_type,
        "operation_type": operation.operation_type,
        "exception_type": error_type,
        "request_charge": attempt.request_charge,
        "is_request": is_request,
    }


def _request_extra(operation: OperationView, attempt: Attempt) -> dict:
    extra = _extra(operation, attempt, is_request=True, error_type="")
    extra.update(duration=None, status_code=None, sub_status_code=None)
    return extra


def log_diagnostics(logger: logging.Logger, operation: OperationView, found: list, *, client_settings: str,
                    error_text: Optional[str], error_type: Optional[str]) -> None:
    """Write 4.x's diagnostics records (``enable_diagnostics_logging``) for each attempt.

    :param logger: The logger (the client's or the call's ``logger``, else 4.x's default).
    :param operation: The operation.
    :param found: Its attempts (:func:`attempts`).
    :param str client_settings: The client-settings preamble of each request record.
    :param error_text: The final error response's body (or the exception's message), if the operation failed.
    :param error_type: The exception class name, if the operation failed.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    # 4.x moves the response's attributes onto the request record when a filter may read them.
    filtered = _filters_applied(logger)
    for number, attempt in enumerate(found):
        last = number == len(found) - 1
        if attempt.status is None:
            extra = _extra(operation, attempt, is_request=False,
                           error_type=(error_type if last and error_type else "ServiceRequestError"))
            text = "\nException without response occurred during the request processing."
            text += "\nActivity ID: {}".format(attempt.activity_id)
            text += "\nElapsed time in seconds from initial request: {}".format(_seconds(attempt.duration_ms))
            text += "\nResponse status: "
            message = (error_text if last and error_text else None) or attempt.error or ""
            text += "\nResponse error message: {}".format(format_error(redact_text(message)))
            logger.info(text, extra=extra)
            continue
        failed = attempt.status >= 400
        response_extra = _extra(operation, attempt, is_request=False,
                                error_type="CosmosHttpResponseError" if failed else "")
        request_extra = dict(response_extra, is_request=True) if filtered else _request_extra(operation, attempt)
        text = client_settings
        text += "\nRequest URL: '{}'".format(attempt.url)
        text += "\nRequest method: '{}'".format(attempt.method)
        text += "\nRequest Activity ID: '{}'".format(attempt.activity_id)
        text += "\nRequest headers:" + _header_lines(operation.headers, drop_redacted=True)
        text += "\nA body is sent with the request" if operation.body else "\nNo body was attached to the request"
        logger.info(text, extra=request_extra)
        text = "\nResponse status: {}".format(attempt.status)
        text += "\nResponse Activity ID: {}".format(attempt.activity_id)
        text += "\nResponse headers:" + _header_lines(_response_headers(attempt), drop_redacted=True)
        text += "\nElapsed time in seconds: {}".format(_seconds(attempt.duration_ms))
        if failed:
            message = (error_text if last and error_text else None) or attempt.error or ""
            text += "\nResponse error message: {}".format(format_error(redact_text(message)))
        logger.info(text, extra=response_extra)


def log_http(logger: logging.Logger, operation: OperationView, found: list) -> None:
    """Write azure-core ``HttpLoggingPolicy``'s INFO records (what 4.x logs without diagnostics logging).

    :param logger: The logger.
    :param operation: The operation.
    :param found: Its attempts.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    for attempt in found:
        text = "Request URL: '{}'".format(attempt.url)
        text += "\nRequest method: '{}'".format(attempt.method)
        text += "\nRequest headers:" + _header_lines(operation.headers, drop_redacted=False)
        text += "\nA body is sent with the request" if operation.body else "\nNo body was attached to the request"
        logger.info(text)
        if attempt.status is not None:
            text = "Response status: {}".format(attempt.status)
            text += "\nResponse headers:" + _header_lines(_response_headers(attempt), drop_redacted=False)
            logger.info(text)


def _trace_headers(headers: Mapping[str, str]) -> Iterator[str]:
    for name, value in headers.items():
        shown = REDACTED if name.lower() in _NEVER_LOGGED else str(value)
        yield "\n    '{}': '{}'".format(name, shown)


def trace_request(operation: OperationView) -> None:
    """Write the network-trace DEBUG record of an operation's request (``logging_enable``)."""
    if not NETWORK_TRACE_LOGGER.isEnabledFor(logging.DEBUG):
        return
    text = "Request URL: '{}'".format(operation.url)
    text += "\nRequest method: '{}'".format(operation.method)
    text += "\nRequest headers:" + "".join(_trace_headers(operation.headers))
    text += "\nRequest body:"
    if operation.body:
        text += "\n" + redact_text(operation.body.decode("utf-8", errors="replace"))
    else:
        text += "\nThis request has no body"
    NETWORK_TRACE_LOGGER.debug(text)


def trace_response(status: int, headers: Mapping[str, str], body: bytes) -> None:
    """Write the network-trace DEBUG record of an operation's final response (``logging_enable``)."""
    if not NETWORK_TRACE_LOGGER.isEnabledFor(logging.DEBUG):
        return
    text = "Response status: '{}'".format(status)
    text += "\nResponse headers:" + "".join(_trace_headers(headers))
    text += "\nResponse content:"
    text += "\n" + redact_text(body.decode("utf-8", errors="replace"))
    NETWORK_TRACE_LOGGER.debug(text)


def client_settings_text(preferred: Any, excluded: Any) -> str:
    """The client-settings preamble of 4.x's diagnostics request records (the regions this client was given)."""
    text = "Client Settings: \n"
    text += "\tPreferred Regions: {}\n".format(list(preferred or []))
    text += "\tExcluded Regions: {}\n".format(list(excluded) if excluded else None)
    return text + "\nDatabase Account Settings: \n"
