"""Time-to-live values as the service validates them.

A container's ``defaultTtl`` is absent/null (off), ``-1`` (on, items never expire unless they say so) or a
positive number of seconds up to 2147483647; an item's ``ttl`` is ``-1`` or such a positive number. Anything
else (``0``, ``-2``, ``null`` on an item, a string, a fraction, a larger number) answers 400 with the service's
message and writes nothing. Expiry itself is evaluated by :meth:`storage.Collection.is_expired`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ..errors import bad_request, errors_message
from ..storage import Account, Collection, StoredItem

MAX_TTL_SECONDS = 2_147_483_647
_SUFFIX = ("Ensure to provide a nonzero positive integer less than or equal to '2147483647', or '-1' which means "
           "never expire.")


def is_valid_ttl(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return isinstance(value, int) and (value == -1 or 0 < value <= MAX_TTL_SECONDS)


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def validate_default_ttl(value: Any) -> None:
    """400 unless ``value`` (a container's ``defaultTtl``, not null) is -1 or a positive number of seconds."""
    if not is_valid_ttl(value):
        raise bad_request(errors_message(f"The input defaultTtl '{_shown(value)}' is invalid. {_SUFFIX}"))


def check_item_ttl(account: Account, collection: Collection, body: Dict[str, Any],
                   existing: Optional[StoredItem]) -> None:
    """Write validator: an item's ``ttl``, when present, must be -1 or a positive number of seconds."""
    if "ttl" in body and not is_valid_ttl(body["ttl"]):
        raise bad_request(errors_message(f"The input ttl '{_shown(body['ttl'])}' is invalid. {_SUFFIX}"))
