# The MIT License (MIT)
"""A client's retry keywords (4.x's) -> the engine's retry options.

4.x retries in two layers, and so does the engine:

* throttled (429) requests: ``retry_throttle_total`` / ``retry_total`` /
  ``RetryOptions.MaxRetryAttemptCount`` retries (9), at most ``retry_throttle_backoff_max`` /
  ``retry_backoff_max`` / ``RetryOptions.MaxWaitTimeInSeconds`` seconds of waits in all (30), each
  wait the service's retry-after, or ``retry_fixed_interval`` milliseconds when set;
* connection failures, by 4.x's ``ConnectionRetryPolicy`` (an azure-core ``RetryPolicy``): a
  request that never reached the service is tried again ``min(retry_total, retry_connect)`` times,
  a read whose response failed ``min(retry_total, retry_read)`` times, waiting as azure-core waits
  (nothing before the first retry, then ``retry_backoff_factor`` seconds, fixed or doubling per
  ``retry_mode``, at most ``retry_backoff_max``). Without any of these keywords the engine keeps its
  own connection schedule (0.25, 0.5, 1, 2 and 4 s), which rides out an outage of a few seconds.

``retry_write=True`` lets a write whose response failed be reported as the service answered the
engine's retry of it (4.x retries such writes only then); by default that outcome is reported as
the ambiguous failure it is. ``retry_status`` and ``retry_on_status_codes`` are accepted and have
no effect, exactly as in 4.x, whose ``ConnectionRetryPolicy`` retries transport errors only.
``retry_options`` and ``connection_retry_policy`` warn as deprecated, as in 4.x; like 4.x, the
former is then not applied (4.x reads ``connection_policy.RetryOptions`` instead).
"""
from __future__ import annotations

import warnings
from typing import Any, Mapping, Optional

from azure.core.pipeline.policies import RetryMode, RetryPolicy

from .documents import ConnectionPolicy

# azure-core RetryPolicy's defaults, as 4.x's ConnectionRetryPolicy inherits them.
_DEFAULT_TOTAL = 10
_DEFAULT_CONNECT = 3
_DEFAULT_READ = 3
# 4.x builds its connection policy with a fixed 1 s backoff, capped by the throttling wait budget.
_DEFAULT_FACTOR = 1.0

_CONNECTION_KEYWORDS = ("retry_total", "retry_connect", "retry_read", "retry_backoff_factor", "retry_backoff_max",
                        "retry_mode")


def throttling_budget(kwargs: Mapping[str, Any], policy: ConnectionPolicy) -> dict:
    """The retry budget of throttled (429) requests, from 4.x's keywords and connection policy.

    :param kwargs: The client's keywords.
    :param policy: The client's connection policy.
    :returns: The engine's ``throttle_retry_count`` and ``throttle_retry_wait`` options, and
        ``throttle_fixed_interval`` when a fixed interval is set.
    :rtype: dict
    """
    retry_options = policy.RetryOptions
    count = kwargs.get("retry_throttle_total") or kwargs.get("retry_total") or getattr(
        retry_options, "MaxRetryAttemptCount", None)
    wait = kwargs.get("retry_throttle_backoff_max") or kwargs.get("retry_backoff_max") or getattr(
        retry_options, "MaxWaitTimeInSeconds", None)
    budget = {"throttle_retry_count": int(9 if count is None else count),
              "throttle_retry_wait": float(30 if wait is None else wait)}
    fixed_ms = kwargs.get("retry_fixed_interval") or getattr(retry_options, "FixedRetryIntervalInMilliseconds", None)
    if fixed_ms:
        budget["throttle_fixed_interval"] = float(fixed_ms) / 1000.0
    return budget


def _backoff_waits(retries: int, factor: float, maximum: float, exponential: bool) -> list:
    # azure-core RetryPolicy.get_backoff_time: no wait before the first retry, then the factor
    # (fixed) or factor * 2 ** (n - 1) (exponential), never more than the maximum.
    waits = []
    for history in range(1, retries + 1):
        if history <= 1:
            waits.append(0.0)
        else:
            value = factor if not exponential else factor * (2 ** (history - 1))
            waits.append(float(min(maximum, value)))
    return waits


def _is_exponential(mode: Any) -> bool:
    if mode is None:
        return False
    text = getattr(mode, "value", mode)
    return str(text).lower() == RetryMode.Exponential.value.lower()


def _from_retry_policy(value: Any) -> dict:
    """The settings of 4.x's ``connection_retry_policy`` value: an azure-core ``RetryPolicy`` (such as
    ``ConnectionRetryPolicy``), an ``int`` (total retries) or a urllib3 ``Retry``."""
    if isinstance(value, bool):
        raise TypeError("Unsupported retry policy. Must be an azure.cosmos.ConnectionRetryPolicy, int, or urllib3.Retry")
    if isinstance(value, int):
        return {"total": value}
    if isinstance(value, RetryPolicy):
        return {"total": value.total_retries, "connect": value.connect_retries, "read": value.read_retries,
                "factor": value.backoff_factor, "maximum": value.backoff_max,
                "exponential": _is_exponential(getattr(value, "retry_mode", None))}
    if type(value).__name__ == "Retry" and hasattr(value, "connect") and hasattr(value, "backoff_factor"):
        return {"total": value.total, "connect": value.connect, "read": value.read,
                "factor": value.backoff_factor, "maximum": getattr(value, "DEFAULT_BACKOFF_MAX", 120),
                "exponential": True}
    if hasattr(value, "send"):
        raise NotImplementedError(
            "azure-cosmos 5 retries in its Rust engine and cannot run a custom pipeline policy as "
            "connection_retry_policy; pass a ConnectionRetryPolicy (or azure-core RetryPolicy), an int or a "
            "urllib3 Retry")
    raise TypeError("Unsupported retry policy. Must be an azure.cosmos.ConnectionRetryPolicy, int, or urllib3.Retry")


def _count(value: Optional[int], default: int) -> int:
    return default if value is None else max(0, int(value))


def retry_options(kwargs: Mapping[str, Any], policy: ConnectionPolicy) -> dict:
    """The engine's retry options for a client's 4.x keywords.

    :param kwargs: The client's keywords.
    :param policy: The client's connection policy.
    :returns: Engine client options (``throttle_*``, and ``connect_retry_waits``,
        ``read_retry_waits``, ``retry_writes`` where the keywords ask for them).
    :rtype: dict
    :raises TypeError: ``connection_retry_policy`` of an unsupported type.
    """
    if kwargs.get("retry_options") is not None:
        warnings.warn("'retry_options' has been deprecated and will be removed from the SDK in a future release.",
                      DeprecationWarning, stacklevel=5)
    options = throttling_budget(kwargs, policy)
    settings: dict = {}
    given = kwargs.get("connection_retry_policy")
    if given is not None:
        warnings.warn("'connection_retry_policy' has been deprecated and will be removed from the SDK in a future "
                      "release.", DeprecationWarning, stacklevel=5)
        settings = _from_retry_policy(given)
    elif any(kwargs.get(name) is not None for name in _CONNECTION_KEYWORDS):
        settings = {"total": kwargs.get("retry_total"), "connect": kwargs.get("retry_connect"),
                    "read": kwargs.get("retry_read"), "factor": kwargs.get("retry_backoff_factor"),
                    "maximum": kwargs.get("retry_backoff_max") or options["throttle_retry_wait"],
                    "exponential": _is_exponential(kwargs.get("retry_mode"))}
    if settings:
        total = _count(settings.get("total"), _DEFAULT_TOTAL)
        factor = float(_DEFAULT_FACTOR if settings.get("factor") is None else settings["factor"])
        maximum = float(120 if settings.get("maximum") is None else settings["maximum"])
        exponential = bool(settings.get("exponential"))
        connect = min(total, _count(settings.get("connect"), _DEFAULT_CONNECT))
        options["connect_retry_waits"] = _backoff_waits(connect, factor, maximum, exponential)
        if settings.get("read") is not None:
            read = min(total, _count(settings["read"], _DEFAULT_READ))
            options["read_retry_waits"] = _backoff_waits(read, factor, maximum, exponential)
    if kwargs.get("retry_write") or getattr(policy, "RetryNonIdempotentWrites", False):
        options["retry_writes"] = True
    return options
