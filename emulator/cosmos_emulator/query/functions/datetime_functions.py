"""Date and time functions.

Date-times are ISO 8601 UTC strings ``YYYY-MM-DDThh:mm:ss.fffffffZ`` (seven fractional digits); ticks are
100-nanosecond units since the Unix epoch; timestamps are milliseconds since the Unix epoch. Internally a
date-time is an integer tick count, so no precision is lost to Python's microsecond ``datetime``.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import math
import re
import time
from typing import Optional

from ..values import UNDEFINED, is_number, is_string
from .registry import builtin

TICKS_PER_MICROSECOND = 10
TICKS_PER_MILLISECOND = 10_000
TICKS_PER_SECOND = 10_000_000
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
TICKS_PER_HOUR = 60 * TICKS_PER_MINUTE
TICKS_PER_DAY = 24 * TICKS_PER_HOUR
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_MIN_TICKS = (_dt.date(1, 1, 1).toordinal() - _EPOCH_ORDINAL) * TICKS_PER_DAY
_MAX_TICKS = (_dt.date(9999, 12, 31).toordinal() - _EPOCH_ORDINAL + 1) * TICKS_PER_DAY - 1

_PART_ALIASES = {
    "year": "year", "yyyy": "year", "yy": "year",
    "month": "month", "mm": "month", "m": "month",
    "day": "day", "dd": "day", "d": "day",
    "hour": "hour", "hh": "hour",
    "minute": "minute", "mi": "minute", "n": "minute",
    "second": "second", "ss": "second", "s": "second",
    "millisecond": "millisecond", "ms": "millisecond",
    "microsecond": "microsecond", "mcs": "microsecond",
    "nanosecond": "nanosecond", "ns": "nanosecond",
}
# Fixed-length parts in ticks (a nanosecond is 1/100 of a tick and handled separately).
_PART_TICKS = {
    "day": TICKS_PER_DAY, "hour": TICKS_PER_HOUR, "minute": TICKS_PER_MINUTE, "second": TICKS_PER_SECOND,
    "millisecond": TICKS_PER_MILLISECOND, "microsecond": TICKS_PER_MICROSECOND,
}

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?$")


def now_ticks() -> int:
    """Current UTC time in ticks since the Unix epoch."""
    return time.time_ns() // 100


def parse_datetime(text) -> Optional[int]:
    """Ticks of an ISO 8601 date-time string, or ``None`` when it is not one."""
    if not is_string(text):
        return None
    match = _DATETIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        ordinal = _dt.date(int(year), int(month), int(day)).toordinal()
    except ValueError:
        return None
    hour_value, minute_value, second_value = int(hour or 0), int(minute or 0), int(second or 0)
    if hour_value > 23 or minute_value > 59 or second_value > 59:
        return None
    ticks = (ordinal - _EPOCH_ORDINAL) * TICKS_PER_DAY + hour_value * TICKS_PER_HOUR \
        + minute_value * TICKS_PER_MINUTE + second_value * TICKS_PER_SECOND
    if fraction:
        ticks += int(fraction.ljust(7, "0"))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        ticks -= sign * (int(zone[1:3]) * TICKS_PER_HOUR + int(zone[4:6]) * TICKS_PER_MINUTE)
    return ticks


def format_datetime(ticks: int):
    """ISO 8601 text of a tick count (undefined outside years 1..9999)."""
    if ticks < _MIN_TICKS or ticks > _MAX_TICKS:
        return UNDEFINED
    days, remainder = divmod(ticks, TICKS_PER_DAY)
    date = _dt.date.fromordinal(_EPOCH_ORDINAL + days)
    hours, remainder = divmod(remainder, TICKS_PER_HOUR)
    minutes, remainder = divmod(remainder, TICKS_PER_MINUTE)
    seconds, fraction = divmod(remainder, TICKS_PER_SECOND)
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}.{fraction:07d}Z"


def _part(name) -> Optional[str]:
    return _PART_ALIASES.get(name.lower()) if is_string(name) else None


def _components(ticks: int):
    days, remainder = divmod(ticks, TICKS_PER_DAY)
    date = _dt.date.fromordinal(_EPOCH_ORDINAL + days)
    return date, remainder


def _add_months(ticks: int, months: int):
    date, time_of_day = _components(ticks)
    month_index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    if not 1 <= year <= 9999:
        return None
    day = min(date.day, calendar.monthrange(year, month)[1])
    return (_dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL) * TICKS_PER_DAY + time_of_day


@builtin("GetCurrentDateTime", 0)
def get_current_datetime():
    return format_datetime(now_ticks())


@builtin("GetCurrentTicks", 0)
def get_current_ticks():
    return now_ticks()


@builtin("GetCurrentTimestamp", 0)
def get_current_timestamp():
    return now_ticks() // TICKS_PER_MILLISECOND


@builtin("GetCurrentDateTimeStatic", 0, needs_context=True)
def get_current_datetime_static(context):
    return format_datetime(context.current_ticks())


@builtin("GetCurrentTicksStatic", 0, needs_context=True)
def get_current_ticks_static(context):
    return context.current_ticks()


@builtin("GetCurrentTimestampStatic", 0, needs_context=True)
def get_current_timestamp_static(context):
    return context.current_ticks() // TICKS_PER_MILLISECOND


@builtin("DateTimeAdd", 3)
def datetime_add(part, amount, text):
    unit, ticks = _part(part), parse_datetime(text)
    if unit is None or ticks is None or not is_number(amount) or not math.isfinite(amount):
        return UNDEFINED
    amount = int(amount)
    if unit == "year":
        result = _add_months(ticks, 12 * amount)
    elif unit == "month":
        result = _add_months(ticks, amount)
    elif unit == "nanosecond":
        result = ticks + int(amount / 100)
    else:
        result = ticks + amount * _PART_TICKS[unit]
    return UNDEFINED if result is None else format_datetime(result)


@builtin("DateTimeDiff", 3)
def datetime_diff(part, start_text, end_text):
    unit, start, end = _part(part), parse_datetime(start_text), parse_datetime(end_text)
    if unit is None or start is None or end is None:
        return UNDEFINED
    # Counts the part boundaries crossed, like SQL's DATEDIFF.
    if unit in ("year", "month"):
        start_date, _ = _components(start)
        end_date, _ = _components(end)
        if unit == "year":
            return end_date.year - start_date.year
        return (end_date.year * 12 + end_date.month) - (start_date.year * 12 + start_date.month)
    if unit == "nanosecond":
        return (end - start) * 100
    size = _PART_TICKS[unit]
    return end // size - start // size


@builtin("DateTimePart", 2)
def datetime_part(part, text):
    unit, ticks = _part(part), parse_datetime(text)
    if unit is None or ticks is None:
        return UNDEFINED
    date, time_of_day = _components(ticks)
    fraction = time_of_day % TICKS_PER_SECOND
    return {
        "year": date.year,
        "month": date.month,
        "day": date.day,
        "hour": time_of_day // TICKS_PER_HOUR,
        "minute": time_of_day % TICKS_PER_HOUR // TICKS_PER_MINUTE,
        "second": time_of_day % TICKS_PER_MINUTE // TICKS_PER_SECOND,
        "millisecond": fraction // TICKS_PER_MILLISECOND,
        "microsecond": fraction // TICKS_PER_MICROSECOND,
        "nanosecond": fraction * 100,
    }[unit]


@builtin("DateTimeFromParts", 3, 7)
def datetime_from_parts(year, month, day, hour=0, minute=0, second=0, fraction=0):
    parts = (year, month, day, hour, minute, second, fraction)
    if not all(is_number(value) and float(value).is_integer() for value in parts):
        return UNDEFINED
    year, month, day, hour, minute, second, fraction = (int(value) for value in parts)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= fraction < TICKS_PER_SECOND):
        return UNDEFINED
    try:
        ordinal = _dt.date(year, month, day).toordinal()
    except ValueError:
        return UNDEFINED
    ticks = (ordinal - _EPOCH_ORDINAL) * TICKS_PER_DAY + hour * TICKS_PER_HOUR + minute * TICKS_PER_MINUTE \
        + second * TICKS_PER_SECOND + fraction
    return format_datetime(ticks)


@builtin("DateTimeBin", 2, 4)
def datetime_bin(text, part, bin_size=1, origin=UNDEFINED):
    ticks, unit = parse_datetime(text), _part(part)
    origin_ticks = 0 if origin is UNDEFINED else parse_datetime(origin)
    if ticks is None or unit is None or origin_ticks is None or not is_number(bin_size) or bin_size <= 0:
        return UNDEFINED
    if unit in ("year", "month"):
        # Calendar bins start at the origin's month (or year) boundary.
        origin_date, _ = _components(origin_ticks)
        date, _ = _components(ticks)
        months = (date.year - origin_date.year) * 12 + (date.month - origin_date.month)
        step = int(bin_size) * (12 if unit == "year" else 1)
        base = (_dt.date(origin_date.year, origin_date.month, 1).toordinal() - _EPOCH_ORDINAL) * TICKS_PER_DAY
        result = _add_months(base, months // step * step)
        return UNDEFINED if result is None else format_datetime(result)
    size = int(bin_size) * _PART_TICKS[unit] if unit != "nanosecond" else max(int(bin_size) // 100, 1)
    return format_datetime(origin_ticks + (ticks - origin_ticks) // size * size)


@builtin("DateTimeToTicks", 1)
def datetime_to_ticks(text):
    ticks = parse_datetime(text)
    return UNDEFINED if ticks is None else ticks


@builtin("DateTimeToTimestamp", 1)
def datetime_to_timestamp(text):
    ticks = parse_datetime(text)
    return UNDEFINED if ticks is None else ticks // TICKS_PER_MILLISECOND


@builtin("TicksToDateTime", 1)
def ticks_to_datetime(ticks):
    if not is_number(ticks) or not math.isfinite(ticks):
        return UNDEFINED
    return format_datetime(int(ticks))


@builtin("TimestampToDateTime", 1)
def timestamp_to_datetime(milliseconds):
    if not is_number(milliseconds) or not math.isfinite(milliseconds):
        return UNDEFINED
    return format_datetime(int(milliseconds * TICKS_PER_MILLISECOND))
