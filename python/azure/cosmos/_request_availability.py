# The MIT License (MIT)
"""4.x's ``availability_strategy`` (cross-region hedging of reads) -> the engine's hedging threshold.

4.x takes ``True`` (threshold 500 ms, steps 100 ms), ``False`` / ``None`` (no hedging: its default)
or a dict with ``threshold_ms`` and ``threshold_steps_ms``, validated the same way here. The engine
hedges in Rust (no executor: 4.x's ``availability_strategy_executor`` has nothing to run) after the
threshold; the interval between further hedges is the engine's own, ``threshold_steps_ms`` is
validated only. Hedging needs an account with several read regions.
"""
from __future__ import annotations

from typing import Any, Optional

_DEFAULT_THRESHOLD_MS = 500
_DEFAULT_THRESHOLD_STEPS_MS = 100


def hedging_threshold(strategy: Any, *, per_request: bool = False) -> Optional[float]:
    """The engine's ``hedging_threshold`` (seconds, ``0`` for none) for an availability strategy.

    :param strategy: ``True``, ``False``, ``None`` or a dict with ``threshold_ms`` / ``threshold_steps_ms``.
    :keyword bool per_request: A call's keyword: ``False`` then turns the client's hedging off for
        the call (``0``), ``None`` keeps the client's (``None``).
    :returns: The threshold in seconds, ``0`` for no hedging, or ``None`` to leave the client's.
    :rtype: float or None
    :raises ValueError: A threshold that is not positive.
    :raises TypeError: Anything but a bool, ``None`` or a dict.
    """
    if strategy is None:
        return None if per_request else 0.0
    if isinstance(strategy, bool):
        return _DEFAULT_THRESHOLD_MS / 1000.0 if strategy else 0.0
    if not isinstance(strategy, dict):
        raise TypeError("availability_strategy must be a bool or a dict with 'threshold_ms' and 'threshold_steps_ms'")
    threshold_ms = strategy.get("threshold_ms", _DEFAULT_THRESHOLD_MS)
    steps_ms = strategy.get("threshold_steps_ms", _DEFAULT_THRESHOLD_STEPS_MS)
    if threshold_ms <= 0:
        raise ValueError("threshold_ms must be positive")
    if steps_ms <= 0:
        raise ValueError("threshold_steps_ms must be positive")
    return float(threshold_ms) / 1000.0
