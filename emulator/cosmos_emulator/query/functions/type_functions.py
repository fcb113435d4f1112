"""Type-checking functions (``IS_*``) and the conditional ``IIF``."""
from __future__ import annotations

import math

from ..values import (UNDEFINED, is_array, is_boolean, is_number, is_object, is_primitive,
                      is_string)
from .registry import builtin


@builtin("IS_ARRAY", 1)
def is_array_function(value):
    return is_array(value)


@builtin("IS_BOOL", 1)
def is_bool_function(value):
    return is_boolean(value)


@builtin("IS_DEFINED", 1)
def is_defined_function(value):
    return value is not UNDEFINED


@builtin("IS_NULL", 1)
def is_null_function(value):
    return value is None


@builtin("IS_NUMBER", 1)
def is_number_function(value):
    return is_number(value)


@builtin("IS_FINITE_NUMBER", 1)
def is_finite_number_function(value):
    return is_number(value) and math.isfinite(value)


@builtin("IS_INTEGER", 1)
def is_integer_function(value):
    if not is_number(value):
        return False
    if isinstance(value, float):
        return value.is_integer() and -2 ** 63 <= value < 2 ** 63
    return -2 ** 63 <= value < 2 ** 63


@builtin("IS_OBJECT", 1)
def is_object_function(value):
    return is_object(value)


@builtin("IS_PRIMITIVE", 1)
def is_primitive_function(value):
    return is_primitive(value)


@builtin("IS_STRING", 1)
def is_string_function(value):
    return is_string(value)


@builtin("IIF", 3)
def iif(condition, if_true, if_false):
    # Only the boolean true selects the second argument; anything else (including undefined) the third.
    return if_true if condition is True else if_false
