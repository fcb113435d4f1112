"""Opaque continuation tokens of gateway query pages.

A token records where the next page starts, in terms that stay valid when the partition-key range it was
issued on is split (a client then sends the parent's token to each child range):

* for queries served document by document (``kind "s"``): the EPK bounds of the target (partition-key range)
  being read, its index in the scope (for sources that have no bounds), the ``_rid`` of the next source
  document and its index in the target's order, and how many results of that document were already returned
  (a JOIN can produce several). Sources whose documents come in ``_rid`` order resume at that ``_rid`` (every
  document before it was returned, whichever child range now holds it); others resume at the index,
  re-synchronised on the ``_rid`` when documents were inserted or removed before it;
* for ORDER BY queries (``kind "k"``): the sort keys and ``_rid`` of the last result returned, how many
  results with exactly those keys and ``_rid`` were returned (a JOIN repeats a document), and how many were
  returned in all (for TOP). The next page holds the results that sort after that boundary;
* for other queries evaluated as a whole (``kind "o"``): the number of results already returned.

Tokens are base64url-encoded JSON; clients treat them as opaque strings.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from .errors import bad_request
from .values import UNDEFINED

TOKEN_VERSION = 2


@dataclass
class StreamPosition:
    """Where a streamed page resumes."""
    target: int = 0
    document: int = 0
    rid: Optional[str] = None
    skip: int = 0
    bounds: Optional[Tuple[str, str]] = None   # (min inclusive, max exclusive) EPK of the target


@dataclass
class KeyPosition:
    """The last result of an ORDER BY page: the next page starts after it."""
    keys: List[Any] = field(default_factory=list)   # sort key values (UNDEFINED allowed)
    rid: Optional[str] = None
    ties: int = 1
    returned: int = 0


@dataclass
class OffsetPosition:
    """How many results of a whole-query evaluation were already returned."""
    offset: int = 0


def encode(position) -> str:
    if isinstance(position, StreamPosition):
        payload = {"v": TOKEN_VERSION, "k": "s", "t": position.target, "d": position.document,
                   "r": position.rid, "e": position.skip,
                   "b": list(position.bounds) if position.bounds is not None else None}
    elif isinstance(position, KeyPosition):
        # Each key is wrapped ([] for undefined, [value] otherwise) so that any JSON value round-trips.
        payload = {"v": TOKEN_VERSION, "k": "k", "o": [[] if key is UNDEFINED else [key] for key in position.keys],
                   "r": position.rid, "e": position.ties, "n": position.returned}
    else:
        payload = {"v": TOKEN_VERSION, "k": "o", "o": position.offset}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: Optional[str], expected_kind: str):
    """Position encoded in ``token``, or None when ``token`` is empty (the start of the results).

    :param token: the ``x-ms-continuation`` header value.
    :param expected_kind: ``"s"`` (streamed), ``"k"`` (ORDER BY) or ``"o"`` (whole query).
    :raises CosmosError: 400 when the token was not produced by this emulator for this kind of query.
    """
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_reject)
        if payload.get("v") != TOKEN_VERSION or payload.get("k") != expected_kind:
            raise ValueError("wrong token kind")
        if expected_kind == "s":
            bounds = payload.get("b")
            if bounds is not None and not (isinstance(bounds, list) and len(bounds) == 2
                                           and all(isinstance(bound, str) for bound in bounds)):
                raise ValueError("bad bounds")
            position = StreamPosition(int(payload["t"]), int(payload["d"]), _rid(payload), int(payload["e"]),
                                      tuple(bounds) if bounds is not None else None)
            if min(position.target, position.document, position.skip) < 0:
                raise ValueError("negative position")
            return position
        if expected_kind == "k":
            wrapped = payload["o"]
            if not isinstance(wrapped, list) or not all(isinstance(key, list) and len(key) <= 1 for key in wrapped):
                raise ValueError("bad keys")
            position = KeyPosition([key[0] if key else UNDEFINED for key in wrapped], _rid(payload),
                                   int(payload["e"]), int(payload["n"]))
            if position.ties < 0 or position.returned < 0:
                raise ValueError("negative position")
            return position
        offset = int(payload["o"])
        if offset < 0:
            raise ValueError("negative offset")
        return OffsetPosition(offset)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise bad_request("Invalid Continuation Token: the continuation token is malformed or was issued for "
                          "a different query.") from None


def _rid(payload) -> Optional[str]:
    rid = payload.get("r")
    if rid is not None and not isinstance(rid, str):
        raise ValueError("bad rid")
    return rid


def _reject(constant: str):
    raise ValueError(f"{constant} is not JSON")
