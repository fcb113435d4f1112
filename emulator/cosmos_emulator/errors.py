"""Errors raised anywhere in the emulator and rendered the way the gateway renders them.

The wire shape is ``{"code": <code>, "message": <message>}`` with the status line, plus
``x-ms-substatus`` when the service sends one, and ``"additionalErrorInfo"`` (a JSON text) when the
service attaches details (the query plan of a cross-partition query the gateway cannot serve). The
message gets the gateway's ``ActivityId`` trailer appended at render time (see
:mod:`cosmos_emulator.wire`).
"""
from __future__ import annotations

from typing import Dict, Optional

# Sub-status codes the service uses and clients act upon.
SUBSTATUS_PARTITION_KEY_MISMATCH = 1001
SUBSTATUS_PARTITION_KEY_RANGE_GONE = 1002
SUBSTATUS_READ_SESSION_NOT_AVAILABLE = 1002
SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE = 1004
SUBSTATUS_OWNER_RESOURCE_NOT_FOUND = 1003
SUBSTATUS_COLLECTION_RID_MISMATCH = 1024

_CODE_BY_STATUS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    409: "Conflict",
    410: "Gone",
    412: "PreconditionFailed",
    413: "RequestEntityTooLarge",
    424: "FailedDependency",
    429: "TooManyRequests",
    449: "RetryWith",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class CosmosError(Exception):
    """An error answer of the gateway.

    :param status: HTTP status code.
    :param code: the ``code`` field of the error body (e.g. ``"NotFound"``).
    :param message: the ``message`` field of the error body.
    :param substatus: value of the ``x-ms-substatus`` header, when the service sends one.
    :param headers: extra response headers (e.g. ``x-ms-retry-after-ms``).
    :param additional_error_info: JSON text sent as the body's ``additionalErrorInfo`` field.
    """

    def __init__(self, status: int, code: str, message: str, substatus: Optional[int] = None,
                 headers: Optional[Dict[str, str]] = None, additional_error_info: Optional[str] = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.substatus = substatus
        self.headers = dict(headers or {})
        self.additional_error_info = additional_error_info


def code_for_status(status: int) -> str:
    """The service's error ``code`` string for an HTTP status."""
    return _CODE_BY_STATUS.get(status, "Unknown")


def errors_message(*lines: str) -> str:
    """The ``Message: {"Errors":[...]}`` form the gateway uses for validation failures."""
    import json
    return "Message: " + json.dumps({"Errors": list(lines)}, separators=(",", ":"))


def bad_request(message: str, substatus: Optional[int] = None) -> CosmosError:
    return CosmosError(400, "BadRequest", message, substatus)


def not_found(message: str = "Entity with the specified id does not exist in the system. "
                             "More info: https://aka.ms/cosmosdb-tsg-not-found",
              substatus: Optional[int] = None) -> CosmosError:
    return CosmosError(404, "NotFound", message, substatus)


def conflict(message: str = "Entity with the specified id already exists in the system.") -> CosmosError:
    return CosmosError(409, "Conflict", message)


def precondition_failed() -> CosmosError:
    return CosmosError(412, "PreconditionFailed",
                       "One of the specified pre-condition is not met. "
                       "Learn more: https://aka.ms/CosmosDB/sql/errors/precondition-failed")


def unauthorized(message: str) -> CosmosError:
    return CosmosError(401, "Unauthorized", message)


def forbidden(message: str, substatus: Optional[int] = None) -> CosmosError:
    return CosmosError(403, "Forbidden", message, substatus)


def method_not_allowed(message: str = "Request method is not supported for this resource.") -> CosmosError:
    return CosmosError(405, "MethodNotAllowed", message)


def entity_too_large() -> CosmosError:
    return CosmosError(413, "RequestEntityTooLarge",
                       errors_message("Request size is too large"))
