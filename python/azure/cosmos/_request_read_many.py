# The MIT License (MIT)
"""Read-many (``read_items``): 4.x arguments -> the engine's request, and its answer -> 4.x's result.

The engine groups the requested items by physical partition and runs the groups'
queries concurrently, so its answer comes grouped by partition; 4.x returns the items
in the order they were asked for, which is restored here.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Callable, Optional

from azure.core.utils import CaseInsensitiveDict

from ._cosmos_responses import CosmosList
from ._serialization import load_json
from .partition_key import _value_from_item


def read_many_request(items: Any, engine_partition_key: Callable[[Any], list]) -> list:
    """The engine's ``[(id, partition key components), ...]`` for 4.x's ``items``.

    :param items: ``(id, partition key)`` pairs.
    :param engine_partition_key: Converts a 4.x partition key to the engine's components.
    :returns: The engine's request.
    :rtype: list[tuple[str, list]]
    :raises TypeError: ``items`` is not a sequence of ``(id, partition key)`` pairs.
    """
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise TypeError("items must be a list of (id, partition key) tuples, got {}".format(type(items).__name__))
    wanted = []
    for entry in items:
        if not isinstance(entry, Sequence) or isinstance(entry, (str, bytes)) or len(entry) != 2:
            raise TypeError(f"each item to read must be an (id, partition key) tuple, got {entry!r}")
        item_id, partition_key = entry
        if not isinstance(item_id, str):
            raise TypeError(f"item ids must be strings, got {type(item_id).__name__}")
        wanted.append((item_id, engine_partition_key(partition_key)))
    return wanted


def _comparable(component: Any) -> tuple:
    """A partition-key component in a form where equal JSON values compare equal (1 == 1.0)."""
    if isinstance(component, Mapping):
        return ("undefined",)
    if component is None:
        return ("null",)
    if isinstance(component, bool):
        return ("bool", component)
    if isinstance(component, (int, float)):
        return ("number", float(component))
    return ("string", str(component))


def _key(item_id: str, components: list) -> tuple:
    return (item_id, tuple(_comparable(c) for c in components))


def read_many_result(properties: Mapping[str, Any], wanted: list, response: Any,
                     record: Callable[[Mapping[str, str]], CaseInsensitiveDict],
                     hook: Optional[Callable[..., None]]) -> CosmosList:
    """The items found, in request order, with the headers of the whole operation.

    :param properties: The container's properties (its partition-key definition).
    :param list wanted: The engine request (:func:`read_many_request`).
    :param response: The engine's response.
    :param record: Records headers as the client's last response headers.
    :param hook: The caller's ``response_hook``, called once with the headers and the items.
    :returns: The items.
    :rtype: ~azure.cosmos.CosmosList
    """
    definition = properties.get("partitionKey") or {}
    found = {}
    for document in response.parse_body(load_json) or []:
        found.setdefault(_key(document.get("id"), _value_from_item(definition, document)), document)
    ordered = [found[key] for key in (_key(item_id, pk) for item_id, pk in wanted) if key in found]
    headers = record(response.headers)
    result = CosmosList(ordered, response_headers=headers)
    if hook is not None:
        hook(headers, result)
    return result
