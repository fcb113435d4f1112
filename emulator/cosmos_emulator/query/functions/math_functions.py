"""Mathematical functions, including the 64-bit integer ``Int*`` family and ``NumberBin``.

Non-numeric arguments give undefined; so do results that are not finite (NaN/Infinity are not JSON).
"""
from __future__ import annotations

import math
import random

from ..values import UNDEFINED, is_number, number_result
from .registry import builtin

_INT64_MIN = -2 ** 63
_INT64_MAX = 2 ** 63 - 1


def _unary(name, operation):
    @builtin(name, 1)
    def function(value):
        if not is_number(value):
            return UNDEFINED
        try:
            return number_result(float(operation(value)))
        except (ValueError, OverflowError, ZeroDivisionError):
            return UNDEFINED
    return function


_unary("ABS", abs)
_unary("ACOS", math.acos)
_unary("ASIN", math.asin)
_unary("ATAN", math.atan)
_unary("CEILING", math.ceil)
_unary("COS", math.cos)
_unary("COT", lambda value: 1.0 / math.tan(value))
_unary("DEGREES", math.degrees)
_unary("EXP", math.exp)
_unary("FLOOR", math.floor)
_unary("LOG10", math.log10)
_unary("RADIANS", math.radians)
_unary("SIGN", lambda value: (value > 0) - (value < 0))
_unary("SIN", math.sin)
_unary("SQRT", math.sqrt)
_unary("SQUARE", lambda value: value * value)
_unary("TAN", math.tan)
_unary("TRUNC", math.trunc)


@builtin("ROUND", 1)
def round_function(value):
    # Midpoints round away from zero (ROUND(-6.5) is -7), unlike Python's banker's rounding.
    if not is_number(value):
        return UNDEFINED
    if not math.isfinite(value):
        return UNDEFINED
    rounded = math.floor(abs(value) + 0.5)
    return number_result(float(rounded if value >= 0 else -rounded))


@builtin("ATN2", 2)
def atn2(x, y):
    # The service's ATN2(a, b) is the angle of the point (a, b): atan2(b, a).
    if not (is_number(x) and is_number(y)):
        return UNDEFINED
    return number_result(math.atan2(y, x))


@builtin("LOG", 1, 2)
def log(value, base=UNDEFINED):
    if not is_number(value) or (base is not UNDEFINED and not is_number(base)):
        return UNDEFINED
    try:
        return number_result(math.log(value) if base is UNDEFINED else math.log(value, base))
    except (ValueError, ZeroDivisionError):
        return UNDEFINED


@builtin("PI", 0)
def pi():
    return math.pi


@builtin("POWER", 2)
def power(base, exponent):
    if not (is_number(base) and is_number(exponent)):
        return UNDEFINED
    try:
        return number_result(float(base) ** float(exponent))
    except (OverflowError, ZeroDivisionError, ValueError):
        return UNDEFINED
    except TypeError:
        return UNDEFINED


@builtin("RAND", 0)
def rand():
    return random.random()


@builtin("NumberBin", 1, 2)
def number_bin(value, bin_size=1):
    if not is_number(value) or not is_number(bin_size) or bin_size == 0:
        return UNDEFINED
    return number_result(float(math.floor(value / bin_size) * bin_size))


# ----------------------------------------------------------------------------------------------- Int* family
def _as_int64(value):
    if not is_number(value):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if value < _INT64_MIN or value > _INT64_MAX:
        return None
    return value


def _wrap64(value: int) -> int:
    value &= 0xFFFFFFFFFFFFFFFF
    return value - 2 ** 64 if value > _INT64_MAX else value


def _int_binary(name, operation):
    @builtin(name, 2)
    def function(left, right):
        a, b = _as_int64(left), _as_int64(right)
        if a is None or b is None:
            return UNDEFINED
        result = operation(a, b)
        return UNDEFINED if result is None else _wrap64(result)
    return function


def _truncating_div(a, b):
    if b == 0:
        return None
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def _truncating_mod(a, b):
    if b == 0:
        return None
    return a - b * _truncating_div(a, b)


_int_binary("IntAdd", lambda a, b: a + b)
_int_binary("IntSub", lambda a, b: a - b)
_int_binary("IntMul", lambda a, b: a * b)
_int_binary("IntDiv", _truncating_div)
_int_binary("IntMod", _truncating_mod)
_int_binary("IntBitAnd", lambda a, b: a & b)
_int_binary("IntBitOr", lambda a, b: a | b)
_int_binary("IntBitXor", lambda a, b: a ^ b)
_int_binary("IntBitLeftShift", lambda a, b: a << b if 0 <= b < 64 else 0)
_int_binary("IntBitRightShift", lambda a, b: a >> b if 0 <= b < 64 else (0 if a >= 0 else -1))


@builtin("IntBitNot", 1)
def int_bit_not(value):
    a = _as_int64(value)
    return UNDEFINED if a is None else _wrap64(~a)
