"""Array functions, including the set functions ``SetIntersect`` and ``SetUnion``."""
from __future__ import annotations

import math

from ..values import UNDEFINED, deep_equal, hash_key, is_array, is_boolean, is_number, is_object
from .registry import builtin


@builtin("ARRAY_CONCAT", 2, None)
def array_concat(*arrays):
    if not all(is_array(array) for array in arrays):
        return UNDEFINED
    result = []
    for array in arrays:
        result.extend(array)
    return result


@builtin("ARRAY_LENGTH", 1)
def array_length(array):
    return len(array) if is_array(array) else UNDEFINED


def _partially_matches(element, wanted) -> bool:
    """ARRAY_CONTAINS partial match: every property of ``wanted`` is present with an equal value."""
    if is_object(wanted) and is_object(element):
        return all(key in element and deep_equal(element[key], value) for key, value in wanted.items())
    return deep_equal(element, wanted)


@builtin("ARRAY_CONTAINS", 2, 3)
def array_contains(array, wanted, partial=False):
    if not is_array(array) or not is_boolean(partial):
        return UNDEFINED
    if wanted is UNDEFINED:
        return False
    if partial:
        return any(_partially_matches(element, wanted) for element in array)
    return any(deep_equal(element, wanted) for element in array)


@builtin("ARRAY_CONTAINS_ANY", 2, None)
def array_contains_any(array, *wanted):
    if not is_array(array):
        return UNDEFINED
    return any(deep_equal(element, value) for value in wanted for element in array)


@builtin("ARRAY_CONTAINS_ALL", 2, None)
def array_contains_all(array, *wanted):
    if not is_array(array):
        return UNDEFINED
    return all(any(deep_equal(element, value) for element in array) for value in wanted)


@builtin("ARRAY_SLICE", 2, 3)
def array_slice(array, start, count=UNDEFINED):
    if not is_array(array) or not is_number(start) or not math.isfinite(start):
        return UNDEFINED
    if count is not UNDEFINED and (not is_number(count) or not math.isfinite(count)):
        return UNDEFINED
    begin = int(start)
    if begin < 0:
        begin = max(len(array) + begin, 0)
    if count is UNDEFINED:
        return array[begin:]
    if count <= 0:
        return []
    return array[begin:begin + int(count)]


def _distinct(values):
    seen = set()
    result = []
    for value in values:
        key = hash_key(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


@builtin("SetIntersect", 2)
def set_intersect(left, right):
    if not (is_array(left) and is_array(right)):
        return UNDEFINED
    right_keys = {hash_key(value) for value in right}
    return _distinct(value for value in left if hash_key(value) in right_keys)


@builtin("SetUnion", 2)
def set_union(left, right):
    if not (is_array(left) and is_array(right)):
        return UNDEFINED
    return _distinct(list(left) + list(right))
