"""Unique key policies: within one logical partition, no two items share the values of a unique key.

A unique key is a list of paths; an absent path counts as a value of its own (so two items both
lacking the path collide), as the service treats it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .. import partitioning
from ..errors import CosmosError, bad_request
from ..storage import Account, Collection, StoredItem

_ABSENT = ("absent",)


def validate_policy(policy: Dict[str, Any]) -> Dict[str, Any]:
    """Check a container's ``uniqueKeyPolicy`` (paths must be valid and not repeat)."""
    keys = policy.get("uniqueKeys", [])
    seen = set()
    for key in keys:
        if not isinstance(key, dict) or not isinstance(key.get("paths"), list) or not key["paths"]:
            raise bad_request("The unique key policy is invalid: every unique key needs a list of paths.")
        for path in key["paths"]:
            segments = partitioning.split_path(path)
            if not all(segments) or path in seen:
                raise bad_request(f"The unique key path '{path}' is invalid or repeated.")
            seen.add(path)
    return {"uniqueKeys": keys}


def _values(body: Dict[str, Any], paths: List[str]) -> Tuple[Any, ...]:
    values = []
    for path in paths:
        value: Any = body
        for segment in partitioning.split_path(path):
            if isinstance(value, dict) and segment in value:
                value = value[segment]
            else:
                value = _ABSENT
                break
        values.append(_hashable(value))
    return tuple(values)


def _hashable(value: Any) -> Any:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_hashable(v) for v in value))
    return (type(value).__name__, value)


def check_unique_keys(account: Account, collection: Collection, new_body: Dict[str, Any],
                      previous: Optional[StoredItem]) -> None:
    """Refuse (409) a write that would give two items of a logical partition the same unique key."""
    keys = collection.properties.get("uniqueKeyPolicy", {}).get("uniqueKeys") or []
    if not keys:
        return
    components = partitioning.extract_from_document(new_body, collection.partition_key_definition)
    epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
    partition = collection.partition_for_epk(epk)
    now = collection.now()
    for key in keys:
        wanted = _values(new_body, key["paths"])
        for other in partition.iter_items(epk):
            if other.id == new_body["id"] or collection.is_expired(other, now):
                continue
            if _values(other.body, key["paths"]) == wanted:
                raise CosmosError(409, "Conflict", "Unique index constraint violation.")
