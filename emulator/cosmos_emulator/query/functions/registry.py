"""The table the built-in function families register into (see the package's docstring).

The families import it and the package's :func:`lookup` reads it, so it sits below both.
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
