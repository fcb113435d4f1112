"""String functions, conversions (``ToString``, ``StringTo*``) and ``RegexMatch``."""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache

from ..values import UNDEFINED, is_array, is_boolean, is_number, is_object, is_string
from .registry import builtin

_MAX_REPLICATED_LENGTH = 10000


def _all_strings(*values) -> bool:
    return all(isinstance(value, str) for value in values)


def _optional_bool(flag) -> object:
    """Decode an optional ignore-case flag: ``None`` for a bad flag (the call is then undefined)."""
    if flag is UNDEFINED:
        return False
    return flag if is_boolean(flag) else None


def _non_negative_int(value):
    if not is_number(value) or not math.isfinite(value):
        return None
    return int(value) if value >= 0 else None


@builtin("CONCAT", 2, None)
def concat(*values):
    return "".join(values) if _all_strings(*values) else UNDEFINED


@builtin("CONTAINS", 2, 3)
def contains(text, fragment, ignore_case=UNDEFINED):
    flag = _optional_bool(ignore_case)
    if not _all_strings(text, fragment) or flag is None:
        return UNDEFINED
    return fragment.lower() in text.lower() if flag else fragment in text


@builtin("STARTSWITH", 2, 3)
def starts_with(text, prefix, ignore_case=UNDEFINED):
    flag = _optional_bool(ignore_case)
    if not _all_strings(text, prefix) or flag is None:
        return UNDEFINED
    return text.lower().startswith(prefix.lower()) if flag else text.startswith(prefix)


@builtin("ENDSWITH", 2, 3)
def ends_with(text, suffix, ignore_case=UNDEFINED):
    flag = _optional_bool(ignore_case)
    if not _all_strings(text, suffix) or flag is None:
        return UNDEFINED
    return text.lower().endswith(suffix.lower()) if flag else text.endswith(suffix)


@builtin("StringEquals", 2, 3)
def string_equals(left, right, ignore_case=UNDEFINED):
    flag = _optional_bool(ignore_case)
    if not _all_strings(left, right) or flag is None:
        return UNDEFINED
    return left.lower() == right.lower() if flag else left == right


@builtin("INDEX_OF", 2, 3)
def index_of(text, fragment, start=0):
    if not _all_strings(text, fragment) or not is_number(start):
        return UNDEFINED
    return text.find(fragment, max(int(start), 0))


@builtin("LEFT", 2)
def left(text, count):
    count = _non_negative_int(count)
    if not is_string(text) or count is None:
        return UNDEFINED
    return text[:count]


@builtin("RIGHT", 2)
def right(text, count):
    count = _non_negative_int(count)
    if not is_string(text) or count is None:
        return UNDEFINED
    return text[len(text) - count:] if count else ""


@builtin("LENGTH", 1)
def length(text):
    return len(text) if is_string(text) else UNDEFINED


@builtin("LOWER", 1)
def lower(text):
    return text.lower() if is_string(text) else UNDEFINED


@builtin("UPPER", 1)
def upper(text):
    return text.upper() if is_string(text) else UNDEFINED


@builtin("LTRIM", 1)
def ltrim(text):
    return text.lstrip() if is_string(text) else UNDEFINED


@builtin("RTRIM", 1)
def rtrim(text):
    return text.rstrip() if is_string(text) else UNDEFINED


@builtin("TRIM", 1)
def trim(text):
    return text.strip() if is_string(text) else UNDEFINED


@builtin("REPLACE", 3)
def replace(text, old, new):
    if not _all_strings(text, old, new):
        return UNDEFINED
    return text.replace(old, new) if old else text


@builtin("REPLICATE", 2)
def replicate(text, count):
    if not is_string(text) or not is_number(count) or count < 0 or not math.isfinite(count):
        return UNDEFINED
    result = text * int(count)
    return result if len(result) <= _MAX_REPLICATED_LENGTH else UNDEFINED


@builtin("REVERSE", 1)
def reverse(text):
    return text[::-1] if is_string(text) else UNDEFINED


@builtin("SUBSTRING", 3)
def substring(text, start, count):
    if not is_string(text) or not is_number(start) or not is_number(count):
        return UNDEFINED
    if not (math.isfinite(start) and math.isfinite(count)):
        return UNDEFINED
    begin = max(int(start), 0)
    if count <= 0:
        return ""
    return text[begin:begin + int(count)]


@builtin("StringJoin", 2)
def string_join(items, separator):
    if not is_array(items) or not is_string(separator) or not _all_strings(*items):
        return UNDEFINED
    return separator.join(items)


@builtin("StringSplit", 2)
def string_split(text, delimiter):
    if not _all_strings(text, delimiter):
        return UNDEFINED
    if delimiter == "":
        return list(text)
    return text.split(delimiter)


@builtin("ToString", 1)
def to_string(value):
    if value is UNDEFINED:
        return UNDEFINED
    if is_string(value):
        return value
    return format_json(value)


def format_json(value) -> str:
    """JSON text with numbers written the way the service writes them (``1`` not ``1.0``)."""
    if is_number(value):
        return format_number(value)
    if is_boolean(value):
        return "true" if value else "false"
    if value is None:
        return "null"
    if is_string(value):
        return json.dumps(value, ensure_ascii=False)
    if is_array(value):
        return "[" + ",".join(format_json(item) for item in value if item is not UNDEFINED) + "]"
    if is_object(value):
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + format_json(item)
                              for key, item in value.items() if item is not UNDEFINED) + "}"
    return "null"


def format_number(value) -> str:
    """Shortest round-trip text of a double, in JavaScript's style."""
    if isinstance(value, int):
        if abs(value) < 10 ** 21:
            return str(value)
        value = float(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        exponent_value = int(exponent)
        if -7 < exponent_value < 21:
            return format(value, "f").rstrip("0").rstrip(".")
        return f"{mantissa}e{'+' if exponent_value > 0 else '-'}{abs(exponent_value)}"
    return text


def _parse_json(text):
    if not is_string(text):
        return UNDEFINED
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return UNDEFINED


def _reject_constant(name):
    raise ValueError(name)


@builtin("StringToArray", 1)
def string_to_array(text):
    value = _parse_json(text)
    return value if is_array(value) else UNDEFINED


@builtin("StringToObject", 1)
def string_to_object(text):
    value = _parse_json(text)
    return value if is_object(value) else UNDEFINED


@builtin("StringToBoolean", 1)
def string_to_boolean(text):
    value = _parse_json(text)
    return value if is_boolean(value) else UNDEFINED


@builtin("StringToNull", 1)
def string_to_null(text):
    if not is_string(text) or text.strip() != "null":
        return UNDEFINED
    return None


@builtin("StringToNumber", 1)
def string_to_number(text):
    value = _parse_json(text)
    return value if is_number(value) else UNDEFINED


_REGEX_MODIFIERS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


@lru_cache(maxsize=256)
def _compile_regex(pattern: str, modifiers: str):
    flags = 0
    for modifier in modifiers:
        if modifier not in _REGEX_MODIFIERS:
            raise ValueError(modifier)
        flags |= _REGEX_MODIFIERS[modifier]
    return re.compile(pattern, flags)


@builtin("RegexMatch", 2, 3)
def regex_match(text, pattern, modifiers=""):
    if not _all_strings(text, pattern) or not is_string(modifiers):
        return UNDEFINED
    try:
        compiled = _compile_regex(pattern, modifiers)
    except (re.error, ValueError):
        return UNDEFINED
    return compiled.search(text) is not None
