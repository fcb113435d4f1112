"""The service's enumerated property values: a trigger's ``triggerType`` and ``triggerOperation``, a permission's
``permissionMode``.

The service validates them without regard to case and keeps them as written (4.x writes ``"pre"``, ``"all"``,
``"read"`` and reads the same back), so storage holds the client's spelling and every decision goes through
:func:`canonical`.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

TRIGGER_TYPES: Tuple[str, ...] = ("Pre", "Post")
TRIGGER_OPERATIONS: Tuple[str, ...] = ("All", "Create", "Update", "Replace", "Delete", "Upsert")
PERMISSION_MODES: Tuple[str, ...] = ("Read", "All")


def canonical(value: Any, choices: Tuple[str, ...]) -> Optional[str]:
    """The canonical spelling of ``value`` among ``choices`` (compared without regard to case), or None when it
    is not one of them (or not a string)."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return next((choice for choice in choices if choice.lower() == lowered), None)
