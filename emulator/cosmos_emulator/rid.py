"""Resource ids (``_rid``) in the service's hierarchical binary layout.

A database rid is 4 bytes; a collection rid is the database's 4 bytes plus 4 bytes whose high bit
is set (that bit marks "collection" as opposed to "user"); a collection child (document, stored
procedure, trigger, UDF, conflict, partition key range) adds an 8-byte little-endian ordinal whose
top nibble names the child type. Users are ``db + 4 bytes`` without the high bit and permissions
add an 8-byte ordinal after the user. Rids are standard base64 with ``/`` replaced by ``-`` so they
can sit in URL paths. Clients decode them (the Rust driver breaks ORDER BY ties on the document
ordinal), so the layout matters, not only uniqueness.
"""
from __future__ import annotations

import base64
import binascii
import struct
from typing import Optional

# Child type tags (top nibble of the last byte of the 8-byte child segment).
CHILD_DOCUMENT = 0x0
CHILD_CONFLICT = 0x4
CHILD_PARTITION_KEY_RANGE = 0x5
CHILD_UDF = 0x6
CHILD_TRIGGER = 0x7
CHILD_STORED_PROCEDURE = 0x8

_COLLECTION_FLAG = 0x80000000
_ORDINAL_MASK = (1 << 60) - 1


def encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").replace("/", "-")


def decode(rid: str) -> Optional[bytes]:
    """Bytes of a rid, or None when the text is not a rid at all."""
    if not rid or len(rid) % 4 or "/" in rid:
        return None
    try:
        return base64.b64decode(rid.replace("-", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def database_rid(ordinal: int) -> str:
    return encode(struct.pack(">I", ordinal))


def collection_rid(db_rid: str, ordinal: int) -> str:
    return encode(_bytes(db_rid)[:4] + struct.pack(">I", ordinal | _COLLECTION_FLAG))


def user_rid(db_rid: str, ordinal: int) -> str:
    return encode(_bytes(db_rid)[:4] + struct.pack(">I", ordinal & 0x7FFFFFFF))


def child_rid(parent_rid: str, ordinal: int, child_type: int = CHILD_DOCUMENT) -> str:
    """Rid of a collection child (or of a permission under a user) with the given ordinal."""
    segment = (ordinal & _ORDINAL_MASK) | (child_type << 60)
    return encode(_bytes(parent_rid)[:8] + struct.pack("<Q", segment))


def offer_rid(ordinal: int) -> str:
    # Offer rids in the service are short opaque strings unrelated to the resource hierarchy.
    return encode(struct.pack(">I", ordinal)[1:])


def is_database_rid(text: str) -> bool:
    raw = decode(text)
    return raw is not None and len(raw) == 4


def is_collection_rid(text: str) -> bool:
    raw = decode(text)
    return raw is not None and len(raw) == 8 and bool(raw[4] & 0x80)


def is_child_rid(text: str) -> bool:
    raw = decode(text)
    return raw is not None and len(raw) == 16


def _bytes(rid: str) -> bytes:
    raw = decode(rid)
    if raw is None:
        raise ValueError(f"not a resource id: {rid!r}")
    return raw
