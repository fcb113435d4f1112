"""azure-core's ``distributed_trace`` decorators, with a short way through when tracing is off.

azure-core's wrapper decides on every call whether to trace by evaluating two settings
(``tracing_enabled`` and ``tracing_implementation``), each a Python-level lookup of a user value and an
environment variable: about a fifth of a point read's Python time here. When neither setting has a user
value, neither environment variable is set and the call carries none of the tracing keywords, azure-core
calls the method untraced; so does this, without that work. Every other call goes through azure-core's
own wrapper, which decides as it always does.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional, Sequence, TypeVar, cast

from azure.core.settings import settings
from azure.core.tracing.decorator import distributed_trace as _core_distributed_trace
from azure.core.tracing.decorator_async import distributed_trace_async as _core_distributed_trace_async

# The keywords azure-core's wrapper reads or removes; a call carrying one takes azure-core's path.
_TRACING_KEYWORDS = frozenset({"merge_span", "parent_span", "tracing_options", "tracing_attributes"})
_SETTING_NAMES = ("tracing_enabled", "tracing_implementation")

# The decorated method keeps its own signature for type checkers.
_Method = TypeVar("_Method", bound=Callable[..., Any])


def _tracing_off_check() -> Optional[Callable[[], bool]]:
    """A check that is true only when azure-core would find tracing off for a call without tracing
    keywords, or ``None`` when the installed azure-core's settings are not laid out as this expects
    (then every call takes azure-core's path).

    Both settings resolve, in azure-core's order, to: a value set by the user, else their environment
    variable, else a system hook, else their default (``None``: off, and ``tracing_enabled`` follows
    ``tracing_implementation``).
    """
    try:
        from azure.core.settings import _Unset  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    found = [getattr(settings, name, None) for name in _SETTING_NAMES]
    present = [setting for setting in found if setting is not None]
    if not present or found[1] is None:
        return None
    for setting in present:
        if not all(hasattr(setting, attribute) for attribute in ("_user_value", "_env_var", "_system_hook",
                                                                   "_default")):
            return None
        if setting._system_hook is not None or setting._default is not None or not setting._env_var:
            return None
    variables: Sequence[str] = tuple(setting._env_var for setting in present)
    environ_type = type(os.environ)
    encoded = tuple(os.environ.encodekey(name) for name in variables) if hasattr(os.environ, "encodekey") else ()

    def tracing_off() -> bool:
        for setting in present:
            if not isinstance(setting._user_value, _Unset):
                return False
        environ = os.environ
        # ``os.environ`` keeps the variables in ``_data`` by encoded name; a replaced mapping is asked directly.
        if encoded and type(environ) is environ_type:
            data = environ._data  # type: ignore[attr-defined]
            return not any(key in data for key in encoded)
        return not any(name in environ for name in variables)

    return tracing_off


_tracing_off = _tracing_off_check()


def distributed_trace(func: _Method, /, **options: Any) -> _Method:
    """azure-core's :func:`~azure.core.tracing.decorator.distributed_trace`, untraced calls made directly.

    :param func: The method.
    :keyword options: azure-core's decorator options (``name_of_span``, ``kind``, ``tracing_attributes``).
    :returns: The wrapped method (``__wrapped__`` is ``func``).
    """
    traced = _core_distributed_trace(func, **options)
    tracing_off = _tracing_off
    if tracing_off is None:
        return cast(_Method, traced)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if (not kwargs or _TRACING_KEYWORDS.isdisjoint(kwargs)) and tracing_off():
            return func(*args, **kwargs)
        return traced(*args, **kwargs)

    return cast(_Method, wrapper)


def distributed_trace_async(func: _Method, /, **options: Any) -> _Method:
    """azure-core's :func:`~azure.core.tracing.decorator_async.distributed_trace_async`, untraced calls
    awaited directly.

    :param func: The coroutine function.
    :keyword options: azure-core's decorator options (``name_of_span``, ``kind``, ``tracing_attributes``).
    :returns: The wrapped coroutine function (``__wrapped__`` is ``func``).
    """
    traced = _core_distributed_trace_async(func, **options)
    tracing_off = _tracing_off
    if tracing_off is None:
        return cast(_Method, traced)

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        if (not kwargs or _TRACING_KEYWORDS.isdisjoint(kwargs)) and tracing_off():
            return await func(*args, **kwargs)
        return await traced(*args, **kwargs)

    return cast(_Method, wrapper)
