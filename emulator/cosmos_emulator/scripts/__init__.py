"""Server-side JavaScript: stored procedures, pre/post-triggers and user-defined functions.

Scripts run in V8 (the ``mini-racer`` package) with the API the service gives them: ``getContext()``
with its request, response and collection, the ``__`` shorthand, ``console.log`` captured as the
script log, Chakra-style ``new Error(number, message)`` and the documented error shapes.

The core implements :class:`ScriptCollection` over one logical partition inside a storage
transaction and calls :class:`ScriptEngine`; see each method for the errors it raises (the core rolls
the transaction back on any of them).
"""
from __future__ import annotations

from .engine import ScriptEngine, default_engine
from .protocol import (ENABLE_LOGGING_HEADER, LOG_RESULTS_HEADER, ScriptCollection, ScriptResult,
                       document_reference, encode_log)
from .script_errors import script_partition_key_mismatch

__all__ = [
    "ENABLE_LOGGING_HEADER",
    "LOG_RESULTS_HEADER",
    "ScriptCollection",
    "ScriptEngine",
    "ScriptResult",
    "default_engine",
    "document_reference",
    "encode_log",
    "script_partition_key_mismatch",
]
