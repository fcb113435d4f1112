# The MIT License (MIT)
"""Partition keys: the container definition (:class:`PartitionKey`) and partition-key values.

A partition-key *value* is what 4.x accepts: ``str``, ``int``, ``float``, ``bool``,
``None`` (JSON null), :class:`NonePartitionKeyValue` (the item has no value: "undefined"),
:class:`NullPartitionKeyValue` (JSON null), or a list of those for hierarchical keys. The
engine takes a list of components, one per path; :func:`_engine_value` converts and
:func:`_value_from_item` takes the value out of an item body by the container's paths.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Type, Union, overload

from typing_extensions import Literal


class _PartitionKeyKind:
    HASH: str = "Hash"
    MULTI_HASH: str = "MultiHash"


class _PartitionKeyVersion:
    V1: int = 1
    V2: int = 2


class NonePartitionKeyValue:
    """Represents a partition key that is missing from the item ("undefined")."""


class NullPartitionKeyValue:
    """Represents a partition key whose value is JSON ``null``."""


class _Empty:
    """The partition key of an item in a migrated (non-partitioned, system key) container."""


class _Undefined:
    """The partition key of an item that has no value at the partition-key path."""


_SingularPartitionKeyType = Union[
    None, bool, float, int, str, Type[NonePartitionKeyValue], Type[NullPartitionKeyValue], _Empty, _Undefined
]
_SequentialPartitionKeyType = Sequence[_SingularPartitionKeyType]
PartitionKeyType = Union[_SingularPartitionKeyType, _SequentialPartitionKeyType]


class PartitionKey(dict):
    """The partition-key definition of a container.

    It is a ``dict`` (``{"paths": [...], "kind": ..., "version": ...}``) and is sent as the
    container's ``partitionKey`` property.

    * One path: ``PartitionKey(path="/category")`` (kind ``"Hash"``).
    * Hierarchical, up to three paths: ``PartitionKey(path=["/tenant", "/user"], kind="MultiHash")``
      (``kind`` defaults to ``"MultiHash"`` when ``path`` is a list).

    :param path: The path, or list of paths, of the partition key.
    :type path: str or list[str]
    :keyword str kind: ``"Hash"`` or ``"MultiHash"``.
    :keyword int version: Hash version, 1 or 2 (default 2).
    :ivar str path: The path (hierarchical keys: the paths joined).
    :ivar str kind: ``"Hash"`` or ``"MultiHash"``.
    :ivar int version: The hash version.
    """

    # kind and version may come positionally, as the constructor takes them (4.x's overloads say keyword-only).
    @overload
    def __init__(
        self, path: list[str], kind: Literal["MultiHash"] = "MultiHash", version: int = _PartitionKeyVersion.V2
    ) -> None: ...

    @overload
    def __init__(self, path: str, kind: Literal["Hash"] = "Hash", version: int = _PartitionKeyVersion.V2) -> None: ...

    def __init__(self, *args, **kwargs):
        path = args[0] if args else kwargs["path"]
        default_kind = _PartitionKeyKind.HASH if isinstance(path, str) else _PartitionKeyKind.MULTI_HASH
        kind = args[1] if len(args) > 1 else kwargs.get("kind", default_kind)
        version = args[2] if len(args) > 2 else kwargs.get("version", _PartitionKeyVersion.V2)
        paths = [path] if isinstance(path, str) else list(path)
        super().__init__(paths=paths, kind=kind, version=version)

    def __repr__(self) -> str:
        return "<PartitionKey [{}]>".format(self.path)[:1024]

    @property
    def kind(self) -> Literal["MultiHash", "Hash"]:
        return self["kind"]

    @kind.setter
    def kind(self, value: Literal["MultiHash", "Hash"]) -> None:
        self["kind"] = value

    @property
    def path(self) -> str:
        if self.kind == _PartitionKeyKind.MULTI_HASH:
            return "".join(self["paths"])
        return self["paths"][0]

    @path.setter
    def path(self, value: Union[str, list[str]]) -> None:
        self["paths"] = [value] if isinstance(value, str) else value

    @property
    def version(self) -> int:
        return self["version"]

    @version.setter
    def version(self, value: int) -> None:
        self["version"] = value


# ---------------------------------------------------------------------------------------
# Values for the engine


def _undefined_component() -> dict:
    # The engine's (and the wire's) "no value" component: a fresh dict each time.
    return {}


def _component(value: Any) -> Any:
    """One component of a partition-key value, in the engine's terms."""
    if value is None or value is NullPartitionKeyValue:
        return None
    # bool is an int subclass; both pass through unchanged.
    if isinstance(value, (str, int, float)):
        return value
    if value is NonePartitionKeyValue or isinstance(value, _Undefined):
        return _undefined_component()
    if isinstance(value, Mapping) and not value:
        return _undefined_component()
    try:
        json.dumps(value)
    except TypeError:
        # What 4.x raises when it serialises the x-ms-documentdb-partitionkey header.
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable") from None
    raise TypeError(
        "A partition key value must be str, int, float, bool, None, NonePartitionKeyValue, "
        f"NullPartitionKeyValue or a list of those; got {type(value).__name__}"
    )


# Exactly these types are passed through as one component (see ``_component``).
_SCALAR_TYPES = frozenset({str, int, float, bool})


def _engine_value(value: Any) -> list:
    """Convert a 4.x partition-key argument into the engine's list of components.

    :param value: The ``partition_key`` argument as 4.x accepts it.
    :returns: One component per partition-key path (``{}`` for undefined); ``[]`` for the
        empty key of a migrated container.
    :rtype: list
    :raises TypeError: The value is of a type 4.x cannot send either.
    """
    if type(value) in _SCALAR_TYPES:
        # The common argument, decided without the ABC checks below.
        return [value]
    if isinstance(value, _Empty):
        return []
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return [_component(part) for part in value]
    if isinstance(value, (bytes, bytearray)):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return [_component(value)]


def _none_value(definition: Optional[Mapping[str, Any]]) -> list:
    """The engine value of :class:`NonePartitionKeyValue` for a container definition."""
    if definition and definition.get("systemKey"):
        return []
    return [_undefined_component()]


def _split_path(path: str) -> list[str]:
    """Split a partition-key path (``/a/"b/c"/d``) into property names."""
    names: list[str] = []
    index = 0
    while index < len(path):
        if path[index] != "/":
            raise ValueError(f"Invalid path character at index {index}")
        index += 1
        if index == len(path):
            break
        if path[index] in ('"', "'"):
            quote = path[index]
            end = index + 1
            while True:
                end = path.find(quote, end)
                if end == -1:
                    raise ValueError(f"Invalid path character at index {index}")
                if path[end - 1] != "\\":
                    break
                end += 1
            names.append(path[index + 1:end])
            index = end + 1
        else:
            end = path.find("/", index)
            if end == -1:
                end = len(path)
            names.append(path[index:end].strip())
            index = end
    return names


@functools.lru_cache(maxsize=256)
def _path_names(path: str) -> tuple:
    # Every write extracts its item's key by the container's paths: parsed once per path, not per write.
    return tuple(_split_path(path))


_MISSING = object()


def _lookup(item: Mapping[str, Any], names: Sequence[str]) -> Any:
    value: Any = item
    for name in names:
        if not isinstance(value, Mapping) or name not in value:
            return _MISSING
        value = value[name]
    if isinstance(value, Mapping):
        return _MISSING
    return value


def _value_from_item(definition: Mapping[str, Any], item: Mapping[str, Any]) -> list:
    """The partition-key value of an item body, as 4.x extracts it, in the engine's terms.

    A missing value is "undefined" for a single path (the empty key in a migrated
    container) and ``null`` for a level of a hierarchical key, as in 4.x.

    :param definition: The container's ``partitionKey`` property.
    :param item: The item body.
    :returns: The engine's list of components.
    :rtype: list
    """
    paths = definition.get("paths") or []
    if definition.get("kind") == _PartitionKeyKind.MULTI_HASH:
        components = []
        for path in paths:
            value = _lookup(item, _path_names(path))
            components.append(None if value is _MISSING else _component(value))
        return components
    if not paths:
        return []
    value = _lookup(item, _path_names(paths[0]))
    if value is _MISSING:
        return _none_value(definition)
    return _engine_value(value)
