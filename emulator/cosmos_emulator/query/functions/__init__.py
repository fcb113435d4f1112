"""Registry of the built-in scalar functions.

Each family module registers its functions with :func:`.registry.builtin`; names are matched case-insensitively, as
the service does. A function receives already-evaluated arguments (``undefined`` included) and returns a
value (``undefined`` for arguments of the wrong type, which is how the service answers them).
"""
from __future__ import annotations

from typing import Optional

from .registry import BUILTINS, Builtin


def lookup(name: str) -> Optional[Builtin]:
    """The built-in named ``name`` (any case), or ``None``."""
    _load_families()
    return BUILTINS.get(name.upper())


_loaded = False


def _load_families() -> None:
    global _loaded
    if _loaded:
        return
    # Imported for their registration side effect.
    from . import (array_functions, datetime_functions, fulltext_functions, math_functions,  # noqa: F401
                   spatial_functions, string_functions, type_functions, vector_functions)
    _loaded = True
