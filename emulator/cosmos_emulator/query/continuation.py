"""Opaque continuation tokens of gateway query pages.

A token records where the next page starts:

* for queries served document by document (``kind "s"``): the index of the target (partition-key range) in
  the scope, the index of the next source document in that target's ``_rid`` order, that document's
  ``_rid`` (to re-synchronise if earlier documents were deleted or inserted), and how many results of that
  document were already returned (a JOIN can produce several);
* for queries that must be evaluated as a whole (``kind "o"``): the number of results already returned.

Tokens are base64url-encoded JSON; clients treat them as opaque strings.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Optional

from .errors import bad_request

TOKEN_VERSION = 1


@dataclass
class StreamPosition:
    """Where a streamed page resumes."""
    target: int = 0
    document: int = 0
    rid: Optional[str] = None
    skip: int = 0


@dataclass
class OffsetPosition:
    """How many results of a whole-query evaluation were already returned."""
    offset: int = 0


def encode(position) -> str:
    if isinstance(position, StreamPosition):
        payload = {"v": TOKEN_VERSION, "k": "s", "t": position.target, "d": position.document,
                   "r": position.rid, "e": position.skip}
    else:
        payload = {"v": TOKEN_VERSION, "k": "o", "o": position.offset}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: Optional[str], expected_kind: str):
    """Position encoded in ``token`` (start of the results when ``token`` is empty).

    :param token: the ``x-ms-continuation`` header value.
    :param expected_kind: ``"s"`` for a streamed query, ``"o"`` for a whole-query one.
    :raises CosmosError: 400 when the token was not produced by this emulator for this kind of query.
    """
    if not token:
        return StreamPosition() if expected_kind == "s" else OffsetPosition()
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if payload.get("v") != TOKEN_VERSION or payload.get("k") != expected_kind:
            raise ValueError("wrong token kind")
        if expected_kind == "s":
            position = StreamPosition(int(payload["t"]), int(payload["d"]), payload.get("r"), int(payload["e"]))
            if min(position.target, position.document, position.skip) < 0:
                raise ValueError("negative position")
            return position
        offset = int(payload["o"])
        if offset < 0:
            raise ValueError("negative offset")
        return OffsetPosition(offset)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise bad_request("Invalid Continuation Token: the continuation token is malformed or was issued for "
                          "a different query.") from None
