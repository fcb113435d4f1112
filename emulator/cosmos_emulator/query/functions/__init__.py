"""Registry of the built-in scalar functions.

Each family module registers its functions with :func:`builtin`; names are matched case-insensitively, as
the service does. A function receives already-evaluated arguments (``undefined`` included) and returns a
value (``undefined`` for arguments of the wrong type, which is how the service answers them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional


@dataclass(frozen=True)
class Builtin:
    """A built-in function.

    :param name: canonical spelling (as documented).
    :param implementation: the Python callable.
    :param min_args: fewest arguments accepted.
    :param max_args: most arguments accepted (``None`` for variadic).
    :param needs_context: when set, the callable gets the :class:`..compiler.QueryContext` first.
    """
    name: str
    implementation: Callable
    min_args: int
    max_args: Optional[int]
    needs_context: bool = False


BUILTINS: Dict[str, Builtin] = {}


def builtin(name: str, min_args: int, max_args: Optional[int] = -1, *, needs_context: bool = False,
            aliases: tuple = ()):
    """Decorator registering a built-in; ``max_args=-1`` means "same as min_args"."""
    def register(function: Callable) -> Callable:
        upper = min_args if max_args == -1 else max_args
        entry = Builtin(name, function, min_args, upper, needs_context)
        for spelling in (name,) + tuple(aliases):
            BUILTINS[spelling.upper()] = entry
        return function
    return register


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
