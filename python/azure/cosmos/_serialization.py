# The MIT License (MIT)
"""JSON at the engine boundary: request bodies out, response bodies in.

Request bodies are produced exactly as azure-cosmos 4.x produces them
(``json.dumps`` with compact separators, non-ASCII escaped unless the client opted in
to compact UTF-8 item writes), so a value 4.x could not send raises the same
``TypeError`` here, before anything reaches the network. Response bodies are parsed
once, with orjson.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

import orjson

from ._native import engine_module
from .exceptions import CosmosHttpResponseError

_SEPARATORS = (",", ":")
# json.dumps with any option but the defaults builds a new JSONEncoder on every call; these are the two it
# would build (the same settings), made once. Each encode() still runs with fresh state (circular checks).
_ENCODERS = {ensure_ascii: json.JSONEncoder(separators=_SEPARATORS, ensure_ascii=ensure_ascii)
             for ensure_ascii in (True, False)}


def dump_json(value: Any, *, ensure_ascii: bool = True) -> bytes:
    """Serialise a request body like 4.x does.

    :param value: A JSON-serialisable value (dict, list, str, number, bool or None).
    :keyword bool ensure_ascii: Escape non-ASCII characters as ``\\uXXXX`` (4.x's default);
        ``False`` sends them as UTF-8, as 4.x's ``enable_compact_utf8_item_writes`` does.
    :returns: The UTF-8 encoded JSON text.
    :rtype: bytes
    :raises TypeError: The value (or something inside it) is not JSON serialisable.
    """
    text = _ENCODERS[bool(ensure_ascii)].encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Only reachable with ensure_ascii=False and text holding surrogates (strings
        # that came from UTF-16 APIs): join valid pairs, escape the unpaired ones.
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return joined.encode("utf-8", "backslashreplace")


def dump_parameters(parameters: Optional[Any]) -> bytes:
    """Serialise query parameters (``[{"name": "@p", "value": ...}]``) for the engine.

    :param parameters: The 4.x ``parameters`` argument, or ``None``.
    :returns: A JSON array; ``b"[]"`` when there are none.
    :rtype: bytes
    :raises TypeError: ``parameters`` is not a list of ``{"name": ..., "value": ...}`` dicts (a string is
        refused by name rather than taken apart character by character), or a value is not JSON serialisable.
    """
    if not parameters:
        return b"[]"
    if isinstance(parameters, (str, bytes, bytearray, Mapping)) or not isinstance(parameters, Iterable):
        raise TypeError("parameters must be a list of {'name': '@...', 'value': ...} dicts, got "
                        f"{type(parameters).__name__} {parameters!r:.60}")
    parameters = list(parameters)
    for parameter in parameters:
        if not isinstance(parameter, Mapping) or not isinstance(parameter.get("name"), str):
            raise TypeError("every query parameter must be a dict with a string 'name' (and a 'value'), got "
                            f"{parameter!r:.60}")
    return dump_json(parameters)


def load_json(data: Union[bytes, memoryview]) -> Any:
    """Parse a response body.

    :param data: The body as the service sent it (a large one as a view of the engine's buffer, see
        ``Response.parse_body``); empty means no body.
    :type data: bytes or memoryview
    :returns: The parsed value, or ``None`` for an empty body.
    :rtype: Any
    """
    if not data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson refuses a few things the standard library (and so 4.x) accepts:
        # unpaired surrogate escapes and numbers beyond a double's range.
        return json.loads(data if isinstance(data, bytes) else bytes(data))


def load_feed_items(data: Union[bytes, memoryview]) -> list:
    """Parse a query or feed page's payload into its items.

    :param data: A JSON array of items (a page the engine assembled), or the
        service's envelope (``{"Documents": [...], "_count": n}``), which is parsed whole
        so that its bytes are read once.
    :type data: bytes or memoryview
    :returns: The page's items; an empty list for an empty payload.
    :rtype: list
    :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The payload is not JSON or holds no resource array.
    """
    try:
        page = load_json(data)
    except ValueError as error:
        raise CosmosHttpResponseError(status_code=500, message=f"feed page is not JSON: {error}") from error
    if page is None:
        return []
    if isinstance(page, list):
        return page
    if isinstance(page, dict):
        # The engine's list of resource arrays, so both sides read an envelope alike.
        for name in engine_module().FEED_ARRAYS:
            items = page.get(name)
            if isinstance(items, list):
                return items
    raise CosmosHttpResponseError(status_code=500, message="feed page has no resource array")
