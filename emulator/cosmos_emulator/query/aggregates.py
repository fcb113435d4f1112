"""Aggregate functions over the rows of one group.

Semantics follow the service: undefined inputs are ignored; SUM and AVG become undefined as soon as one
defined input is not a number; MIN/MAX use the cross-type order but give undefined when an array or
object takes part; COUNT of no rows is 0, SUM of no rows is 0, AVG/MIN/MAX of no rows are undefined.
"""
from __future__ import annotations

from typing import Any, List

from .values import (TYPE_RANK_ARRAY, UNDEFINED, hash_key, is_number, number_result, order_key,
                     type_rank)


def compute_aggregate(name: str, argument_rows: List[List[Any]]) -> Any:
    """Value of aggregate ``name`` given, per row of the group, the evaluated argument list."""
    kind = name.upper()
    values = [arguments[0] if arguments else True for arguments in argument_rows]
    if kind == "COUNT":
        return sum(1 for value in values if value is not UNDEFINED)
    if kind == "COUNTIF":
        return sum(1 for value in values if value is True)
    defined = [value for value in values if value is not UNDEFINED]
    if kind == "SUM":
        return _sum(defined)
    if kind == "AVG":
        if not defined:
            return UNDEFINED
        total = _sum(defined)
        return UNDEFINED if total is UNDEFINED else number_result(total / len(defined))
    if kind in ("MIN", "MAX"):
        return _extreme(defined, kind == "MAX")
    if kind == "MAKELIST":
        return defined
    if kind == "MAKESET":
        seen = set()
        unique = []
        for value in defined:
            key = hash_key(value)
            if key not in seen:
                seen.add(key)
                unique.append(value)
        return unique
    raise ValueError(f"not an aggregate: {name}")


def _sum(values: List[Any]) -> Any:
    total = 0
    for value in values:
        if not is_number(value):
            return UNDEFINED
        total += value
    return number_result(float(total)) if isinstance(total, float) else total


def _extreme(values: List[Any], maximum: bool) -> Any:
    if not values:
        return UNDEFINED
    if any(type_rank(value) >= TYPE_RANK_ARRAY for value in values):
        return UNDEFINED
    return (max if maximum else min)(values, key=order_key)
