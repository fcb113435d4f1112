# The MIT License (MIT)
"""4.x request keywords -> the engine's per-request options.

Two jobs, one per function:

* :func:`accepts_documented_keywords` rejects a keyword the method does not know, as
  4.x does (4.x fails with ``TypeError`` when its transport meets the stray keyword;
  here it fails before anything is sent). What a method knows is what its docstring
  documents, so the documentation and the behaviour cannot drift apart.
* :func:`build` turns the keywords of one call into the engine's ``RequestOptions``
  dict and the caller's ``response_hook``. The azure-core pipeline keywords that observe a call
  (``logging_enable``, ``logger``, ``raw_request_hook``, ``raw_response_hook``) are set aside for the
  engine accessor (see ``_observed_engine``); they last until the public method returns.
"""
from __future__ import annotations

import functools
import inspect
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, TypeVar, cast

from azure.core import MatchConditions

from ._observed_engine import CURRENT_CALL, ObservedOptions, take_call_observers
from ._request_availability import hedging_threshold
from ._request_validation import check_cache_staleness, excluded_locations_check
from .http_constants import HttpHeaders

# Accepted by every method, documented or not, because 4.x accepts them everywhere: the
# request options its `build_options` reads on every call, and the keywords azure-core's
# pipeline consumes. `read_timeout`/`connection_timeout` are per-client settings of the
# engine, so a per-call value is accepted but the client's value applies.
_ALWAYS_ACCEPTED = frozenset(
    {
        "session_token", "initial_headers", "priority", "throughput_bucket", "excluded_locations",
        "availability_strategy", "retry_write", "etag", "match_condition", "if_match", "if_none_match",
        "pre_trigger_include", "post_trigger_include", "no_response", "max_item_count", "response_hook",
        "timeout", "read_timeout", "connection_timeout", "logging_enable", "tracing_options", "tracing_attributes",
        "logger", "raw_request_hook", "raw_response_hook", "headers", "request_options", "feed_options",
    }
)
_DOCUMENTED = re.compile(r":(?:keyword|param)(?:\s+[^:\s]+)*\s+(\w+)\s*:")


def documented_names(func: Callable[..., Any]) -> frozenset:
    """Names a callable documents (``:keyword x:``/``:param x:``) or declares, plus the
    keywords every 4.x call accepts.

    :param func: A function, method or class (its docstring and signature are read).
    :returns: The accepted keyword names.
    :rtype: frozenset[str]
    """
    names = set(_DOCUMENTED.findall(inspect.getdoc(func) or ""))
    for parameter in inspect.signature(func).parameters.values():
        if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            names.add(parameter.name)
    return frozenset(names | _ALWAYS_ACCEPTED)


def reject_unknown(qualname: str, known: frozenset, kwargs: Mapping[str, Any]) -> None:
    """Raise ``TypeError`` (as Python does for a function) for a keyword not in ``known``.

    :param str qualname: The callable's name, for the message.
    :param known: The accepted keyword names.
    :param kwargs: The keywords of the call.
    :raises TypeError: A keyword is not accepted.
    """
    for name in kwargs:
        if name not in known:
            raise TypeError(f"{qualname}() got an unexpected keyword argument '{name}'")


# The decorated method keeps its own signature for type checkers.
_Method = TypeVar("_Method", bound=Callable[..., Any])


def accepts_documented_keywords(func: _Method) -> _Method:
    """Make ``func`` raise ``TypeError`` for a keyword its docstring does not document.

    :param func: A public method (sync or ``async def``) taking ``**kwargs``.
    :returns: The wrapped method (``__wrapped__`` is ``func``).
    :rtype: Callable
    """
    known = documented_names(func)
    qualname = func.__qualname__
    check_excluded = excluded_locations_check(func)
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def checked_async(*args: Any, **kwargs: Any) -> Any:
            if kwargs:
                reject_unknown(qualname, known, kwargs)
                check_excluded(kwargs)
            outer = CURRENT_CALL.get()
            try:
                return await func(*args, **kwargs)
            finally:
                if CURRENT_CALL.get() is not outer:
                    CURRENT_CALL.set(outer)

        return cast(_Method, checked_async)

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            reject_unknown(qualname, known, kwargs)
            check_excluded(kwargs)
        # The call's observers (logging keywords, raw hooks; see ``build``) end with the call.
        outer = CURRENT_CALL.get()
        try:
            return func(*args, **kwargs)
        finally:
            if CURRENT_CALL.get() is not outer:
                CURRENT_CALL.set(outer)

    return cast(_Method, checked)


@dataclass
class ClientDefaults:
    """Per-client request settings that 4.x applies to every call unless the call overrides them."""

    timeout: Optional[float] = None
    throughput_bucket: Optional[int] = None
    no_response_on_write: bool = False
    compact_utf8_item_writes: bool = False
    # The client's logging and raw-hook settings (``_observed_engine.ClientObservers``), None without any.
    observers: Any = None


def _match_headers(values: dict) -> tuple:
    """``etag`` + ``match_condition`` (or raw ``if_match``/``if_none_match``), checked as 4.x does."""
    if_match = values.pop("if_match", None)
    if_none_match = values.pop("if_none_match", None)
    condition = values.pop("match_condition", None)
    etag = values.pop("etag", None)
    if condition == MatchConditions.IfNotModified:
        if not etag:
            raise ValueError("'match_condition' specified without 'etag'.")
        if_match = etag
    elif condition == MatchConditions.IfPresent:
        if_match = "*"
    elif condition == MatchConditions.IfModified:
        if not etag:
            raise ValueError("'match_condition' specified without 'etag'.")
        if_none_match = etag
    elif condition == MatchConditions.IfMissing:
        if_none_match = "*"
    elif condition is None:
        if etag is not None:
            raise ValueError("'etag' specified without 'match_condition'.")
    elif condition != MatchConditions.Unconditionally:
        raise TypeError("Invalid match condition: {}".format(condition))
    return if_match, if_none_match


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Keywords that 4.x turns into a request header the engine has no typed option for.
_HEADER_KEYWORDS = {
    "indexing_directive": HttpHeaders.IndexingDirective,
    "max_integrated_cache_staleness_in_ms": HttpHeaders.DedicatedGatewayCacheStaleness,
    "enable_scan_in_query": HttpHeaders.EnableScanInQuery,
    "populate_query_advice": HttpHeaders.PopulateQueryAdvice,
    "continuation_token_limit": HttpHeaders.ResponseContinuationTokenLimitInKb,
    "populate_partition_key_range_statistics": HttpHeaders.PopulatePartitionKeyRangeStatistics,
    "populate_quota_info": HttpHeaders.PopulateQuotaInfo,
}
_TRIGGER_KEYWORDS = {
    "pre_trigger_include": HttpHeaders.PreTriggerInclude,
    "post_trigger_include": HttpHeaders.PostTriggerInclude,
}
# 4.x's request-option names (its ``request_options``/``feed_options`` dicts) -> the keyword with that effect.
_REQUEST_OPTION_KEYWORDS = {
    "initialHeaders": "initial_headers", "preTriggerInclude": "pre_trigger_include",
    "postTriggerInclude": "post_trigger_include", "sessionToken": "session_token", "continuation": "continuation",
    "priorityLevel": "priority", "responsePayloadOnWriteDisabled": "no_response", "maxItemCount": "max_item_count",
    "throughputBucket": "throughput_bucket", "excludedLocations": "excluded_locations",
    "consistencyLevel": "consistency_level", "indexingDirective": "indexing_directive",
    "enableScanInQuery": "enable_scan_in_query", "populateQueryMetrics": "populate_query_metrics",
    "populateIndexMetrics": "populate_index_metrics", "populateQueryAdvice": "populate_query_advice",
    "responseContinuationTokenLimitInKb": "continuation_token_limit",
    "maxIntegratedCacheStaleness": "max_integrated_cache_staleness_in_ms",
    "populatePartitionKeyRangeStatistics": "populate_partition_key_range_statistics",
    "populateQuotaInfo": "populate_quota_info", "timeout": "timeout",
}
# Set by each 4.x method itself from its own arguments: a value in request_options is overridden there too.
_REQUEST_OPTIONS_SET_BY_METHODS = frozenset(
    {"partitionKey", "enableCrossPartitionQuery", "disableAutomaticIdGeneration", "offerThroughput",
     "containerRID", "enableScriptLogging", "operationStartTime", "retry_write", "availabilityStrategy"}
)


def _apply_request_options(values: dict) -> None:
    """Take 4.x's ``request_options`` (or ``feed_options``) dict into the call's keywords; keywords win."""
    given = values.pop("request_options", None)
    feed = values.pop("feed_options", None)
    if given is None:
        given = feed
    if not given:
        return
    ignored = []
    for name, value in given.items():
        keyword = _REQUEST_OPTION_KEYWORDS.get(name)
        if keyword is not None:
            if value is not None and keyword not in values:
                values[keyword] = value
        elif name == "accessCondition" and isinstance(value, Mapping):
            if "if_match" not in values and "if_none_match" not in values and "match_condition" not in values:
                values["if_match" if value.get("type") == "IfMatch" else "if_none_match"] = value.get("condition")
        elif name not in _REQUEST_OPTIONS_SET_BY_METHODS:
            ignored.append(name)
    if ignored:
        warnings.warn("azure-cosmos 5 does not apply these request_options: {}".format(", ".join(sorted(ignored))),
                      UserWarning, stacklevel=4)


# Engine options passed through under the same name.
_SAME_NAME = ("session_token", "priority", "throughput_bucket", "excluded_locations", "consistency_level",
              "max_item_count", "continuation", "populate_index_metrics")


def positive_concurrency(concurrency: Any) -> int:
    """A ``max_concurrency`` keyword, checked.

    :param concurrency: The caller's value.
    :returns: The value.
    :rtype: int
    :raises ValueError: It is not a positive int.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"max_concurrency must be a positive int, got {concurrency!r}")
    return concurrency


def _apply_client_defaults(options: dict, values: dict, defaults: ClientDefaults, write: bool) -> dict:
    """The client-wide settings a call did not override: timeout, throughput bucket, response on write."""
    timeout = values.pop("timeout", defaults.timeout)
    if timeout is not None:
        options["timeout"] = float(timeout)
    if "throughput_bucket" not in options and defaults.throughput_bucket is not None:
        options["throughput_bucket"] = defaults.throughput_bucket
    if write:
        no_response = values.pop("no_response", None)
        if no_response is None:
            no_response = defaults.no_response_on_write
        options["content_response_on_write"] = not no_response
    return options


def build(
    kwargs: Mapping[str, Any],
    defaults: ClientDefaults,
    *,
    query: bool = False,
    write: bool = False,
    **named: Any,
) -> tuple:
    """Translate one call's keywords into engine options.

    :param kwargs: The call's ``**kwargs`` (already checked for unknown names).
    :param defaults: The client's defaults.
    :keyword bool query: The call is a query or feed (query-only options apply).
    :keyword bool write: The call writes an item (``no_response`` applies).
    :keyword named: The method's explicit keyword parameters; ``None`` means "not given".
    :returns: ``(engine options, response_hook or None)``. The options of a call with observing keywords
        are an ``ObservedOptions`` dict that carries them.
    :rtype: tuple[dict, Optional[Callable]]
    """
    values = {name: value for name, value in named.items() if value is not None}
    if kwargs:
        values.update((name, value) for name, value in kwargs.items() if value is not None)
    observers = take_call_observers(values)
    if not values and observers is None:
        # The common call: no keyword at all, so only the client's defaults apply.
        return _apply_client_defaults({}, values, defaults, write), None
    if "request_options" in values or "feed_options" in values:
        _apply_request_options(values)
    check_cache_staleness(values.get("max_integrated_cache_staleness_in_ms"))
    options: dict = {}
    for name in _SAME_NAME:
        if name in values:
            options[name] = values.pop(name)
    headers = dict(values.pop("initial_headers", None) or {})
    # azure-core's per-request ``headers`` are applied last by its HeadersPolicy: they win.
    extra_headers = values.pop("headers", None)
    if_match, if_none_match = _match_headers(values)
    if if_match:
        options["if_match"] = if_match
    if if_none_match:
        options["if_none_match"] = if_none_match
    for name, header in _TRIGGER_KEYWORDS.items():
        triggers = values.pop(name, None)
        if triggers:
            headers[header] = triggers if isinstance(triggers, str) else ",".join(triggers)
    for name, header in _HEADER_KEYWORDS.items():
        value = values.pop(name, None)
        if value:
            headers[header] = _header_text(value)
    if extra_headers:
        headers.update(extra_headers)
    if headers:
        options["initial_headers"] = {str(name): _header_text(value) for name, value in headers.items()}
    metrics = values.pop("populate_query_metrics", None)
    if metrics is not None:
        if query:
            options["populate_query_metrics"] = bool(metrics)
        else:
            warnings.warn(
                "the populate_query_metrics flag does not apply to this method and will be removed in the future",
                DeprecationWarning,
            )
    if "availability_strategy" in values:
        # 4.x's per-request hedging: False turns the client's off for this call.
        options["hedging_threshold"] = hedging_threshold(values.pop("availability_strategy"), per_request=True)
    if "retry_write" in values:
        options["retry_writes"] = bool(values.pop("retry_write"))
    if query and "max_concurrency" in values:
        options["max_concurrency"] = positive_concurrency(values.pop("max_concurrency"))
    _apply_client_defaults(options, values, defaults, write)
    if not query:
        options.pop("max_item_count", None)
        options.pop("continuation", None)
        options.pop("populate_index_metrics", None)
    if observers is not None:
        options = ObservedOptions(options, observers)
    return options, values.pop("response_hook", None)
