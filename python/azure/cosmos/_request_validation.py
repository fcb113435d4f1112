"""Client-side checks 4.x makes before sending, shared by the sync and async proxies.

Each raises the class and message 4.17.1 raises for the same input, before any request.
"""
from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Mapping

# 4.x's resource-id rule: none of / \\ # ? tab CR LF.
_VALID_ID = re.compile(r"^[^/\\#?\t\r\n]*$")

# Methods 4.x lets ``excluded_locations=None`` through (it never reaches its request-options check there);
# 4.x's async execute_stored_procedure refuses it, its sync one does not.
_EXCLUDED_LOCATIONS_NONE_ACCEPTED = frozenset({"get_throughput", "get_database_account"})
_EXCLUDED_LOCATIONS_NONE_ACCEPTED_SYNC = frozenset({"execute_stored_procedure"})


def check_resource_id(value: Any) -> None:
    """4.x's id check for a new or replaced resource (only a non-empty id is checked).

    :raises TypeError: The id is not a string.
    :raises ValueError: The id has a character the service does not allow, or ends with a space or newline.
    """
    if not value:
        return
    if not isinstance(value, str):
        raise TypeError("Id type must be a string.")
    if _VALID_ID.match(value) is None:
        raise ValueError("Id contains illegal chars.")
    if value[-1] in (" ", "\n"):
        raise ValueError("Id ends with a space or newline.")


def check_cache_staleness(value: Any) -> None:
    """``max_integrated_cache_staleness_in_ms``: a number >= 0 (4.x's ``int()`` and ``< 0`` tests, their errors).

    :param value: The keyword's value, ``None`` when not given.
    :raises ValueError: Negative, or text that is not a number.
    :raises TypeError: Not convertible to ``int``, or text that is.
    """
    if value is None:
        return
    int(value)
    if value < 0:
        raise ValueError("Parameter 'max_integrated_cache_staleness_in_ms' can only be an "
                         "integer greater than or equal to zero")


def excluded_locations_check(func: Callable[..., Any]) -> Callable[[Mapping[str, Any]], None]:
    """The ``excluded_locations=None`` check for one public method, as 4.x applies it.

    4.x refuses ``None`` wherever the keyword reaches its request options; a method that declares
    the keyword itself (``read_items``) or never passes it on accepts ``None``.

    :param func: The public method.
    :returns: A check taking the call's keywords.
    """
    declared = "excluded_locations" in inspect.signature(func).parameters
    accepted = _EXCLUDED_LOCATIONS_NONE_ACCEPTED
    if not inspect.iscoroutinefunction(func):
        accepted = accepted | _EXCLUDED_LOCATIONS_NONE_ACCEPTED_SYNC
    if declared or func.__name__ in accepted:
        return lambda kwargs: None
    return check_excluded_locations


def check_excluded_locations(kwargs: Mapping[str, Any]) -> None:
    """:raises ValueError: ``excluded_locations`` is given as ``None``."""
    if "excluded_locations" in kwargs and kwargs["excluded_locations"] is None:
        raise ValueError("Excluded locations cannot be None. "
                         "If you want to remove all excluded locations, try passing an empty list.")


def check_query_body(query: Any) -> None:
    """A query is text or a ``{"query": ...}`` dict (``None`` reads the whole feed).

    :raises TypeError: Neither text nor a dict.
    :raises ValueError: A dict without query text.
    """
    if query is None or isinstance(query, str):
        return
    if not isinstance(query, Mapping):
        raise TypeError("query body must be a dict or string.")
    if not query.get("query"):
        raise ValueError('query body must have valid query text with key "query".')
