"""JSON values as the query language sees them: ``undefined``, type tests, equality and ordering.

Python representation: ``None`` is JSON null, ``bool``, ``int``/``float`` numbers, ``str``, ``list`` and
``dict``; the singleton :data:`UNDEFINED` stands for a missing value. Note that ``bool`` is a subclass of
``int`` in Python, so every number test here excludes it explicitly.
"""
from __future__ import annotations

import json
import math
from typing import Any


class _Undefined:
    """The language's ``undefined``: what a missing property evaluates to."""
    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Undefined, ())


UNDEFINED = _Undefined()

# Order of types for ORDER BY, MIN/MAX and DISTINCT ordering: undefined < null < boolean < number < string
# < array < object.
TYPE_RANK_UNDEFINED = 0
TYPE_RANK_NULL = 1
TYPE_RANK_BOOLEAN = 2
TYPE_RANK_NUMBER = 3
TYPE_RANK_STRING = 4
TYPE_RANK_ARRAY = 5
TYPE_RANK_OBJECT = 6


def is_number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) or (
        isinstance(value, (int, float)) and not isinstance(value, bool))


def is_string(value: Any) -> bool:
    return isinstance(value, str)


def is_boolean(value: Any) -> bool:
    return value is True or value is False


def is_array(value: Any) -> bool:
    return isinstance(value, list)


def is_object(value: Any) -> bool:
    return isinstance(value, dict)


def is_primitive(value: Any) -> bool:
    return value is None or is_boolean(value) or is_number(value) or is_string(value)


def type_rank(value: Any) -> int:
    """Position of the value's type in the service's cross-type order."""
    if value is UNDEFINED:
        return TYPE_RANK_UNDEFINED
    if value is None:
        return TYPE_RANK_NULL
    if value is True or value is False:
        return TYPE_RANK_BOOLEAN
    if isinstance(value, (int, float)):
        return TYPE_RANK_NUMBER
    if isinstance(value, str):
        return TYPE_RANK_STRING
    if isinstance(value, list):
        return TYPE_RANK_ARRAY
    return TYPE_RANK_OBJECT


def normalize_number(value: float):
    """Render integral doubles as integers, as the service prints them (``4/2`` is ``2``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def number_result(value: float):
    """Finish an arithmetic result: non-finite numbers are not JSON, so they become undefined."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return UNDEFINED
        return normalize_number(value)
    if not -2 ** 63 <= value < 2 ** 63:
        # Integer arithmetic is exact within 64 bits; beyond that the service works in doubles.
        return float(value)
    return value


def equals(left: Any, right: Any) -> Any:
    """The ``=`` operator: a boolean, or undefined when either side is undefined or the types differ."""
    if left is UNDEFINED or right is UNDEFINED:
        return UNDEFINED
    rank = type_rank(left)
    if rank != type_rank(right):
        return UNDEFINED
    return deep_equal(left, right)


def deep_equal(left: Any, right: Any) -> bool:
    """Structural equality with JSON types kept apart (``1`` equals ``1.0`` but not ``true``)."""
    rank = type_rank(left)
    if rank != type_rank(right):
        return False
    if rank == TYPE_RANK_ARRAY:
        return len(left) == len(right) and all(deep_equal(a, b) for a, b in zip(left, right))
    if rank == TYPE_RANK_OBJECT:
        if len(left) != len(right):
            return False
        for key, value in left.items():
            if key not in right or not deep_equal(value, right[key]):
                return False
        return True
    return left == right


def compare(left: Any, right: Any) -> Any:
    """Three-way comparison for ``<``/``>``/``<=``/``>=``: -1, 0, 1, or undefined across types or for
    arrays/objects/undefined."""
    if left is UNDEFINED or right is UNDEFINED:
        return UNDEFINED
    rank = type_rank(left)
    if rank != type_rank(right) or rank >= TYPE_RANK_ARRAY:
        return UNDEFINED
    if left == right:
        return 0
    if rank == TYPE_RANK_NULL:
        return 0
    return -1 if left < right else 1


def order_key(value: Any):
    """Sort key implementing the service's total order across types (used by ORDER BY, MIN/MAX)."""
    rank = type_rank(value)
    if rank in (TYPE_RANK_UNDEFINED, TYPE_RANK_NULL):
        return (rank, 0)
    if rank in (TYPE_RANK_BOOLEAN, TYPE_RANK_NUMBER, TYPE_RANK_STRING):
        return (rank, value)
    return (rank, canonical_json(value))


def compare_total(left: Any, right: Any) -> int:
    """Three-way comparison under :func:`order_key`."""
    left_key, right_key = order_key(left), order_key(right)
    if left_key == right_key:
        return 0
    return -1 if left_key < right_key else 1


def hash_key(value: Any):
    """A hashable stand-in such that ``hash_key(a) == hash_key(b)`` iff :func:`deep_equal` holds."""
    rank = type_rank(value)
    if rank == TYPE_RANK_NUMBER:
        return (rank, normalize_number(float(value)) if isinstance(value, float) else value)
    if rank == TYPE_RANK_ARRAY:
        return (rank, tuple(hash_key(item) for item in value))
    if rank == TYPE_RANK_OBJECT:
        return (rank, tuple(sorted((key, hash_key(item)) for key, item in value.items())))
    if rank in (TYPE_RANK_UNDEFINED, TYPE_RANK_NULL):
        return (rank,)
    return (rank, value)


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys, for stable comparisons of arrays and objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_undefined_json)


def _undefined_json(value: Any):
    if value is UNDEFINED:
        return None
    raise TypeError(f"not JSON: {value!r}")


def strip_undefined(value: Any) -> Any:
    """Drop undefined members from objects and arrays (they do not exist on the wire)."""
    if isinstance(value, dict):
        return {key: strip_undefined(item) for key, item in value.items() if item is not UNDEFINED}
    if isinstance(value, list):
        return [strip_undefined(item) for item in value if item is not UNDEFINED]
    return value
