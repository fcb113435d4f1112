"""How script failures look on the wire, and how storage errors look to a script.

Facts from the service (public SDK issues and the service's emulator tests):

* An exception a stored procedure or trigger does not catch answers **400 BadRequest** with
  ``Message: {"Errors":["Encountered exception while executing function. Exception = <text>\\r\\nStack
  trace: <stack>"]}``; when the thrown error carries a number (``new Error(404, "...")``, or the error
  of a failed document operation re-thrown), that number is sent as ``x-ms-substatus``. A user
  numbered error reads ``Error: 404: <message>``; a failed operation's error reads ``Error: <body>``
  where the body is ``{"Errors":["Resource Not Found"]}``.
* A script that runs past its time budget answers **408 RequestTimeout** "The requested operation
  exceeded maximum alloted time." and its writes are rolled back.
* Inside a script, a failed operation's error has ``number`` (the status) and ``body``.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from ..errors import CosmosError, errors_message
from .protocol import LOG_RESULTS_HEADER, encode_log

EXECUTION_PREFIX = "Encountered exception while executing function. Exception = "
UDF_EXECUTION_PREFIX = "Encountered exception while executing Javascript. Exception = "
COMPILE_PREFIX = "Encountered exception while compiling Javascript. Exception = "
TIMEOUT_MESSAGE = "The requested operation exceeded maximum alloted time."
OUT_OF_MEMORY_TEXT = "Error: Out of memory"
SCRIPT_PARTITION_MESSAGE = ("Requests originating from scripts cannot reference partition keys other than the one "
                            "for which client request was submitted.")

# The backend's phrasing of common failures as scripts see them in ``err.body``.
_BACKEND_REASONS = {
    404: "Resource Not Found",
    409: "Resource with specified id or name already exists.",
    412: "One of the specified pre-condition is not met.",
    413: "Request size is too large",
}


def script_failure(described: Dict[str, Any], *, udf: bool = False, log: Optional[str] = None) -> CosmosError:
    """The gateway error for an exception a script let escape.

    :param described: ``{"text", "stack", "number", "compile"?}`` from the runtime.
    :param udf: the failure happened in a user-defined function called by a query.
    :param log: the execution's script log, when logging was enabled (it is returned with failures too).
    """
    text = described.get("text") or ""
    stack = described.get("stack")
    if described.get("compile"):
        detail = COMPILE_PREFIX + text
    else:
        detail = (UDF_EXECUTION_PREFIX if udf else EXECUTION_PREFIX) + text
        if stack:
            detail += "\r\nStack trace: " + stack
    return CosmosError(400, "BadRequest", errors_message(detail), _substatus(described.get("number")),
                       _log_headers(log))


def timeout_failure(log: Optional[str] = None) -> CosmosError:
    return CosmosError(408, "RequestTimeout", errors_message(TIMEOUT_MESSAGE), None, _log_headers(log))


def out_of_memory_failure(*, udf: bool = False) -> CosmosError:
    prefix = UDF_EXECUTION_PREFIX if udf else EXECUTION_PREFIX
    return CosmosError(400, "BadRequest", errors_message(prefix + OUT_OF_MEMORY_TEXT))


def script_partition_key_mismatch() -> CosmosError:
    """What a document operation of a script answers when it targets another logical partition."""
    return CosmosError(400, "BadRequest", errors_message(SCRIPT_PARTITION_MESSAGE))


def operation_error_body(error: CosmosError) -> str:
    """``err.body`` of a failed operation inside a script: ``{"Errors":["<reason>"]}``."""
    if error.status == 409 and "unique" in error.message.lower():
        reasons = ["Unique index constraint violation."]
    else:
        reasons = _reasons_from_message(error.message)
        if reasons is None:
            backend = _BACKEND_REASONS.get(error.status)
            reasons = [backend if backend else _first_line(error.message)]
    return json.dumps({"Errors": reasons}, separators=(",", ":"), ensure_ascii=False)


def _reasons_from_message(message: str) -> Optional[list]:
    # Gateway validation messages already carry {"Errors": [...]} after "Message: ".
    text = message[len("Message: "):] if message.startswith("Message: ") else None
    if text is None:
        return None
    text = _first_line(text)
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    errors = parsed.get("Errors") if isinstance(parsed, dict) else None
    return [str(item) for item in errors] if isinstance(errors, list) and errors else None


def _first_line(message: str) -> str:
    return message.split("\r\n", 1)[0].split("\nActivityId:", 1)[0]


def _substatus(number: Any) -> Optional[int]:
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    if number != int(number) or not 0 <= number <= 0x7FFFFFFF:
        return None
    return int(number)


def _log_headers(log: Optional[str]) -> Dict[str, str]:
    encoded = encode_log(log)
    return {} if encoded is None else {LOG_RESULTS_HEADER: encoded}
