# The MIT License (MIT)
"""Feed ranges and change feeds: 4.x arguments -> engine arguments.

Pure functions, no I/O, shared by the sync and async container proxies. A feed range
is 4.x's opaque dict ``{"Range": {"min": ..., "max": ..., "isMinInclusive": ...,
"isMaxInclusive": ...}}`` to users and ``(min, max)`` effective-partition-key bounds
(min inclusive, max exclusive) to the engine.
"""
from __future__ import annotations

import datetime
import warnings
from typing import Any, Mapping, Tuple

from ._native import engine_module

Bounds = Tuple[str, str]

_RANGE = "Range"
_FULL_FIDELITY = "AllVersionsAndDeletes"
_MODES = ("LatestVersion", _FULL_FIDELITY)


def _successor(epk: str) -> str:
    """The next effective partition key of the same width after ``epk``.

    Keys compare as byte strings padded with zero bytes (``"AB"`` equals ``"AB00"``), so the
    key after ``X`` is ``X`` with its last byte incremented (carrying), as the driver computes it.
    """
    if not epk:
        return "01"
    width = len(epk)
    following = int(epk, 16) + 1
    if following >= 16 ** width:
        return epk + "01"
    return format(following, "0{}X".format(width))


def to_bounds(feed_range: Any) -> Bounds:
    """The engine bounds of a 4.x feed range.

    :param feed_range: A feed range dict as ``read_feed_ranges`` / ``feed_range_from_partition_key`` give.
    :returns: ``(min, max)``, min inclusive, max exclusive.
    :rtype: tuple[str, str]
    :raises ValueError: Not a feed range.
    """
    if not isinstance(feed_range, Mapping) or not isinstance(feed_range.get(_RANGE), Mapping):
        raise ValueError(f"Can not parse FeedRangeInternalEPK from the json, there is no property {_RANGE}")
    bounds = feed_range[_RANGE]
    try:
        low, high = str(bounds["min"]), str(bounds["max"])
    except KeyError as error:
        raise ValueError(f"a feed range needs 'min' and 'max', got {dict(bounds)!r}") from error
    if not bounds.get("isMinInclusive", True):
        low = _successor(low)
    if bounds.get("isMaxInclusive", False):
        high = _successor(high)
    return low, high


def from_bounds(bounds: Bounds) -> dict:
    """The 4.x feed range dict of engine bounds.

    :param bounds: ``(min, max)``; ``min == max`` is the single key of one partition-key value.
    :returns: The feed range.
    :rtype: dict[str, Any]
    """
    low, high = bounds
    # The range of one partition-key value is a single effective partition key, [epk, epk].
    return {_RANGE: {"min": low, "max": high, "isMinInclusive": True, "isMaxInclusive": low == high}}


def is_subset(parent: Any, child: Any) -> bool:
    """Whether ``child`` lies within ``parent`` (4.x ``is_feed_range_subset``).

    :param parent: A feed range.
    :param child: A feed range.
    :returns: ``True`` if every key of ``child`` is in ``parent``.
    :rtype: bool
    """
    return engine_module().is_feed_range_subset(to_bounds(parent), to_bounds(child))


def latest_session_token(feed_ranges_to_session_tokens: Any, target_feed_range: Any) -> str:
    """The most recent session token for a feed range (4.x ``get_latest_session_token``).

    :param feed_ranges_to_session_tokens: ``[(feed range, session token), ...]`` collected by the caller.
    :param target_feed_range: The feed range to get a token for.
    :returns: The session token.
    :rtype: str
    :raises ValueError: No given feed range overlaps the target.
    """
    entries = [(to_bounds(feed_range), str(token)) for feed_range, token in feed_ranges_to_session_tokens]
    return engine_module().latest_session_token(entries, to_bounds(target_feed_range))


def change_feed_arguments(kwargs: dict) -> dict:
    """Check and take 4.x's change-feed arguments out of ``kwargs``.

    :param dict kwargs: The call's keywords; the change-feed ones are removed.
    :returns: ``mode`` (``None``: LatestVersion, or the mode a continuation token was taken in), ``start`` (``"Beginning"``, ``"Now"``, epoch seconds or ``None`` when resuming),
        ``partition_key`` (4.x value or ``None``), ``feed_range`` (bounds or ``None``) and
        ``continuation`` (or ``None``).
    :rtype: dict
    :raises ValueError: An unknown mode or start time, ``partition_key`` together with ``feed_range``, or a
        start other than "Now" in AllVersionsAndDeletes mode.
    """
    mode = kwargs.pop("mode", None)
    if mode is not None and mode not in _MODES:
        raise ValueError(f"Invalid mode was used: '{mode}'. Supported modes are {list(_MODES)}.")
    if mode == _FULL_FIDELITY and kwargs.get("is_start_from_beginning") not in (None, False):
        raise ValueError("'AllVersionsAndDeletes' mode is only supported if 'is_start_from_beginning' is 'False'. "
                         "Please use 'is_start_from_beginning=False' or 'continuation' instead.")
    continuation = kwargs.pop("continuation", None)
    from_beginning = kwargs.pop("is_start_from_beginning", None)
    start_time = kwargs.pop("start_time", None)
    if from_beginning is not None:
        warnings.warn("'is_start_from_beginning' is deprecated. Please pass in 'start_time' instead.",
                      DeprecationWarning, stacklevel=4)
        if not isinstance(from_beginning, bool):
            raise TypeError(f"'is_start_from_beginning' must be 'bool' type, but given "
                            f"'{type(from_beginning).__name__}'.")
        if from_beginning and start_time is not None:
            raise ValueError("'is_start_from_beginning' and 'start_time' are exclusive, please only set one of them.")
        if from_beginning:
            start_time = "Beginning"
    partition_key = kwargs.pop("partition_key", None)
    feed_range = kwargs.pop("feed_range", None)
    if partition_key is not None and feed_range is not None:
        raise ValueError("partition_key_range_id, partition_key, feed_range are exclusive parameters, "
                         "please only set one of them")
    if kwargs.pop("partition_key_range_id", None) is not None:
        raise NotImplementedError("partition_key_range_id is not supported by azure-cosmos 5: pass feed_range "
                                  "instead (read_feed_ranges() gives one per physical partition)")
    start: Any
    if isinstance(start_time, datetime.datetime):
        if start_time.tzinfo is None:
            # 4.x sends a naive datetime as it is, i.e. as UTC.
            start_time = start_time.replace(tzinfo=datetime.timezone.utc)
        start = start_time.timestamp()
    elif start_time is None:
        start = None if continuation else "Now"
    elif isinstance(start_time, str) and start_time.lower() in ("beginning", "now"):
        start = "Beginning" if start_time.lower() == "beginning" else "Now"
    else:
        raise ValueError(f"'start_time' must be either 'Now' or 'Beginning', but given '{start_time}'.")
    if mode == _FULL_FIDELITY and not continuation and start != "Now":
        raise ValueError("'AllVersionsAndDeletes' mode is only supported if 'start_time' is 'Now'. "
                         "Please use 'start_time=\"Now\"' or 'continuation' instead.")
    return {
        "mode": mode,
        "start": None if continuation else start,
        "partition_key": partition_key,
        "feed_range": None if feed_range is None else to_bounds(feed_range),
        "continuation": continuation,
    }



# The legacy positional form: query_items_change_feed(partition_key_range_id, is_start_from_beginning,
# continuation, max_item_count).
CHANGE_FEED_POSITIONAL = ("partition_key_range_id", "is_start_from_beginning", "continuation", "max_item_count")


def bind_change_feed_positionals(args: Any, kwargs: dict) -> None:
    """Move 4.x's positional change-feed arguments into ``kwargs``.

    :param args: The positional arguments.
    :param dict kwargs: The keyword arguments, updated in place.
    :raises TypeError: More than four, or one given both ways.
    """
    if len(args) > len(CHANGE_FEED_POSITIONAL):
        raise TypeError(f"'query_items_change_feed()' takes 4 positional arguments but {len(args)} were given.")
    for name, value in zip(CHANGE_FEED_POSITIONAL, args):
        if name in kwargs:
            raise TypeError(f"'query_items_change_feed()' got multiple values for argument '{name}'.")
        kwargs[name] = value
