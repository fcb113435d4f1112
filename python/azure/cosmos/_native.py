# The MIT License (MIT)
"""The one place that imports the compiled engine (``azure.cosmos._rust``).

Everything else reaches the engine through :func:`engine_module`, so the pure-Python
parts of the package (exceptions, partition keys, serialisation, paging) import and
can be tested before the native module is built.
"""
from __future__ import annotations

from types import ModuleType
from typing import Optional

_module: Optional[ModuleType] = None


def engine_module() -> ModuleType:
    """Return ``azure.cosmos._rust``, importing it on first use.

    :returns: The native engine module.
    :rtype: module
    :raises ImportError: The native module has not been built for this interpreter.
    """
    global _module  # pylint: disable=global-statement
    if _module is None:
        from . import _rust  # pylint: disable=import-outside-toplevel

        _module = _rust
    return _module
