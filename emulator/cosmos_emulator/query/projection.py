"""The property names a SELECT list gives its outputs, as the service names them.

Both the executor and the hybrid-search rewrite (and the planner) need them, so they live below all three.
"""
from __future__ import annotations

from typing import List, Optional

from . import nodes as n
from .errors import DUPLICATE_PROPERTY_CODE, semantic_error


def projection_names(items: List[n.SelectItem]) -> List[str]:
    """Output property names of a select list: the alias, else the last property name, else ``$1``, ``$2``..."""
    names = []
    unnamed = 0
    for item in items:
        name = item.alias or implicit_name(item.expression)
        if name is None:
            unnamed += 1
            name = f"${unnamed}"
        if name in names:
            raise semantic_error(f"The object property name '{name}' is specified more than once.", item.position,
                                 code=DUPLICATE_PROPERTY_CODE)
        names.append(name)
    return names


def implicit_name(expression: n.Node) -> Optional[str]:
    if isinstance(expression, (n.PropertyAccess, n.ComputedReference)):
        return expression.name
    if isinstance(expression, n.Identifier):
        return expression.name
    if isinstance(expression, n.IndexAccess) and isinstance(expression.index, n.Literal) \
            and isinstance(expression.index.value, str):
        return expression.index.value
    return None
