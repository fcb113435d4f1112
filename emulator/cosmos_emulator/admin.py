"""The emulator's own control endpoint, under ``/_emulator/`` (not part of the Cosmos DB protocol).

Every call must carry the account master key in the ``x-ms-emulator-key`` header (the server
listens on loopback by default as well). Bodies and answers are JSON.

* ``GET /_emulator/faults`` → ``{"rules": [...], "operations": [...]}`` (rules with their hit counts).
* ``POST /_emulator/faults`` with a rule (``operation``, ``resourceType``, ``method``, ``path``,
  ``status``, ``subStatus``, ``retryAfterMs``, ``delayMs``, ``dropConnection``, ``count``, ``message``)
  → 201 with the rule and its ``id``.
* ``DELETE /_emulator/faults`` removes every rule; ``DELETE /_emulator/faults/{id}`` one rule.
* ``POST /_emulator/split`` with ``{"database", "container", "range"}`` splits that partition key
  range in two → ``{"newRanges": [...]}``; callers still naming the old range get 410/1002.
"""
from __future__ import annotations

import hmac
from typing import Any, Dict, Optional, Protocol

import orjson
from aiohttp import web

from .auth import Authenticator
from .faults import OPERATIONS, FaultInjector, FaultRule
from .storage import Account


class AdminTarget(Protocol):
    """What the admin endpoint acts on (the running emulator's state; ``app.EmulatorState`` is one), named here so
    that this module does not depend on the application module that routes to it."""

    account: Account
    authenticator: Authenticator
    faults: FaultInjector

ADMIN_PREFIX = "/_emulator/"
KEY_HEADER = "x-ms-emulator-key"


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIX)


async def handle(state: AdminTarget, http_request: web.Request) -> web.Response:
    sent_key = http_request.headers.get(KEY_HEADER, "")
    if not hmac.compare_digest(sent_key.encode("utf-8", "replace"), state.authenticator.master_key.encode("utf-8")):
        return _json(401, {"code": "Unauthorized",
                           "message": f"The emulator admin endpoint needs the master key in {KEY_HEADER}."})
    parts = [part for part in http_request.path[len(ADMIN_PREFIX):].split("/") if part]
    method = http_request.method.upper()
    try:
        body = await _body(http_request)
        if parts == ["faults"]:
            if method == "GET":
                return _json(200, {"rules": [rule.to_json() for rule in state.faults.rules()],
                                   "operations": list(OPERATIONS)})
            if method == "POST":
                if not isinstance(body, dict):
                    raise ValueError("the body must be a JSON object describing one rule")
                return _json(201, state.faults.add(FaultRule.from_json(body)).to_json())
            if method == "DELETE":
                state.faults.clear()
                return web.Response(status=204)
        if len(parts) == 2 and parts[0] == "faults" and method == "DELETE":
            if state.faults.remove(parts[1]):
                return web.Response(status=204)
            return _json(404, {"code": "NotFound", "message": f"No fault rule {parts[1]!r}."})
        if parts == ["split"] and method == "POST":
            return _split(state, body)
    except (ValueError, TypeError) as error:
        return _json(400, {"code": "BadRequest", "message": str(error)})
    return _json(404, {"code": "NotFound", "message": f"No admin operation {method} {http_request.path}."})


def _split(state: AdminTarget, body: Any) -> web.Response:
    if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in ("database", "container")):
        raise ValueError("split needs {\"database\": ..., \"container\": ..., \"range\": ...}")
    account = state.account
    database = account.find_database(body["database"])
    collection = account.find_collection(database, body["container"]) if database is not None else None
    if collection is None:
        return _json(404, {"code": "NotFound", "message": f"No container {body['database']}/{body['container']}."})
    range_id = str(body.get("range", collection.partitions[0].range_id))
    if collection.partition_by_id(range_id) is None:
        return _json(404, {"code": "NotFound", "message": f"No partition key range {range_id!r}."})
    children = account.split_range(collection, range_id)
    return _json(200, {"newRanges": [child.range_id for child in children]})


async def _body(http_request: web.Request) -> Optional[Any]:
    raw = await http_request.read()
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError("the body is not valid JSON") from None


def _json(status: int, value: Dict[str, Any]) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(value), content_type="application/json")
