"""What every request carries in and every response carries out: context, headers, JSON, charges."""
from __future__ import annotations

import email.utils
import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import orjson

from .addressing import Address
from .errors import CosmosError, bad_request

API_VERSION = "2020-07-15"
GATEWAY_VERSION = "version=2.14.0"
SERVICE_VERSION = "version=2.14.0.0"
SCHEMA_VERSION = "1.18"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
INVALID_PAYLOAD_MESSAGE = "The request payload is invalid. Ensure to provide a valid request payload."


@dataclass
class Request:
    """One gateway request after parsing.

    :ivar method: upper-case HTTP verb.
    :ivar address: the resource the path points at.
    :ivar headers: lower-cased header names → values.
    :ivar body: raw request body.
    :ivar base_url: ``scheme://host:port`` as the client reached us (for the account document).
    :ivar activity_id: echoed from ``x-ms-activity-id`` or new.
    """

    method: str
    address: Address
    headers: Dict[str, str]
    body: bytes
    base_url: str
    activity_id: str
    query: Mapping[str, str] = field(default_factory=dict)
    # Multi-region servers (regions.py): the region whose endpoint the client called, and every region's
    # (name, base URL) for the account document, write region first.
    region: Optional[str] = None
    locations: Optional[List[Tuple[str, str]]] = None

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.headers.get(name, default)

    def flag(self, name: str) -> bool:
        return (self.headers.get(name) or "").strip().lower() == "true"

    def json_body(self) -> Any:
        """The body as JSON; 400 (nothing done) unless it is strict JSON.

        ``NaN``, ``Infinity`` and ``-Infinity`` (which Python's ``json.dumps`` writes) are not JSON and the
        service refuses them, as it refuses numbers too large for a double (which would parse as infinite).
        """
        if not self.body:
            raise bad_request(INVALID_PAYLOAD_MESSAGE)
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            try:
                # orjson refuses some inputs the service accepts (e.g. lone surrogate escapes).
                return loads_strict(self.body.decode("utf-8", "surrogatepass"))
            except (ValueError, UnicodeDecodeError):
                raise bad_request(INVALID_PAYLOAD_MESSAGE) from None

    def json_object_body(self) -> Dict[str, Any]:
        body = self.json_body()
        if not isinstance(body, dict):
            raise bad_request(INVALID_PAYLOAD_MESSAGE)
        return body

    def max_item_count(self, default: int = 100) -> int:
        raw = self.headers.get("x-ms-max-item-count")
        if raw is None or raw.strip() == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for header x-ms-max-item-count.") from None
        if value == -1 or value == 0:
            return default if value == 0 else 1000
        if value < -1:
            raise bad_request(f"Invalid value '{raw}' for header x-ms-max-item-count.")
        return value


def loads_strict(text: str) -> Any:
    """``json.loads`` without its extensions: ``NaN``/``Infinity``/``-Infinity`` and numbers overflowing a
    double raise ``ValueError``, as orjson (the fast path) and the service refuse them."""
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} overflows a double")
    return value


class Response:
    """A gateway answer before it is turned into an aiohttp response."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None):
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else {}


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:
        # Integers beyond 64 bits: fall back to the standard encoder, which keeps them exact.
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(status: int, value: Any, headers: Optional[Dict[str, str]] = None) -> Response:
    return Response(status, dumps(value), headers)


def error_response(error: CosmosError, activity_id: str) -> Response:
    message = error.message
    if "ActivityId:" not in message:
        message = f"{message}\r\nActivityId: {activity_id}, Microsoft.Azure.Documents.Common/2.14.0"
    headers = dict(error.headers)
    # The service charges for work done before most failures (a lookup that found nothing, a
    # conflicting write); requests refused at the door (auth, throttling) cost nothing.
    headers.setdefault("x-ms-request-charge", "0" if error.status in (401, 403, 429) else "1")
    if error.substatus is not None:
        headers["x-ms-substatus"] = str(error.substatus)
    body = {"code": error.code, "message": message}
    if error.additional_error_info is not None:
        body["additionalErrorInfo"] = error.additional_error_info
    return Response(error.status, dumps(body), headers)


def standard_headers(activity_id: str) -> Dict[str, str]:
    return {
        "x-ms-activity-id": activity_id,
        "x-ms-gatewayversion": GATEWAY_VERSION,
        "x-ms-serviceversion": SERVICE_VERSION,
        "x-ms-schemaversion": SCHEMA_VERSION,
        "x-ms-version": API_VERSION,
        "date": email.utils.formatdate(usegmt=True),
    }


def new_activity_id() -> str:
    return str(uuid.uuid4())


def session_token(range_id: str, lsn: int) -> str:
    return f"{range_id}:-1#{lsn}"


def session_tokens(pairs: Iterable[tuple]) -> str:
    return ",".join(session_token(range_id, lsn) for range_id, lsn in pairs)


# ------------------------------------------------------------------------------------------
# Request charges: a plausible model, not the service's exact one. Reads cost about 1 RU per KB,
# writes at least 5 RU plus a size-dependent indexing share; queries pay for what they scan.
# ------------------------------------------------------------------------------------------

def read_charge(size_bytes: int) -> float:
    return round(max(1.0, size_bytes / 1024.0), 2)


def write_charge(size_bytes: int) -> float:
    return round(5.24 + 1.9 * (size_bytes / 1024.0), 2)


def delete_charge(size_bytes: int) -> float:
    return round(5.14 + 0.5 * (size_bytes / 1024.0), 2)


def query_charge(scanned: int, result_bytes: int) -> float:
    return round(2.79 + 0.03 * scanned + result_bytes / 1024.0, 2)


def metadata_charge() -> float:
    return 1.0


def format_charge(value: float) -> str:
    return ("%.2f" % value).rstrip("0").rstrip(".") if value != int(value) else "%d" % value


def feed_body(key: str, rid: str, items: List[Any]) -> Dict[str, Any]:
    """The body of a feed page: ``{"_rid": ..., "<Key>": [...], "_count": n}``."""
    return {"_rid": rid, key: items, "_count": len(items)}
