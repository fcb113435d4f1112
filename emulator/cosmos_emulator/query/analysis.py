"""Static facts about a query that the gateway and planner use without running it.

* which partition key a filter pins (``WHERE c.pk = 'x' AND ...``), so a query can be routed to one
  logical partition instead of fanning out;
* which ids a filter pins (``c.id = @id`` or ``c.id IN (...)``), so storage can answer from its id index
  instead of scanning.

Only conjuncts of the top-level AND chain count: anything under OR or NOT could widen the match.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from . import nodes as n
from .values import UNDEFINED


def root_alias(query: n.Query) -> Optional[str]:
    """The alias bound to whole documents (``FROM c`` / ``FROM root r``), or ``None`` when FROM binds
    something else (``x IN c.arr``, a path, a subquery)."""
    source = query.source
    if isinstance(source, n.PathSource) and not source.path:
        return source.alias
    return None


def conjuncts(expression: Optional[n.Node]) -> List[n.Node]:
    """The operands of the top-level AND chain."""
    if expression is None:
        return []
    if isinstance(expression, n.Binary) and expression.operator == "AND":
        return conjuncts(expression.left) + conjuncts(expression.right)
    return [expression]


def property_path(expression: n.Node, alias: str) -> Optional[List[str]]:
    """``['a', 'b']`` for ``alias.a.b`` / ``alias["a"]["b"]``; ``None`` for anything else."""
    names: List[str] = []
    while True:
        if isinstance(expression, n.PropertyAccess):
            names.append(expression.name)
            expression = expression.target
        elif isinstance(expression, n.IndexAccess) and isinstance(expression.index, n.Literal) \
                and isinstance(expression.index.value, str):
            names.append(expression.index.value)
            expression = expression.target
        elif isinstance(expression, n.Identifier) and expression.name == alias:
            names.reverse()
            return names
        else:
            return None


def constant_value(expression: n.Node, parameters: Dict[str, Any]) -> Any:
    """Value of a literal or bound parameter; :data:`UNDEFINED` for anything else."""
    if isinstance(expression, n.Literal):
        return expression.value
    if isinstance(expression, n.Parameter):
        return parameters.get(expression.name, UNDEFINED)
    return UNDEFINED


def equality_constants(query: n.Query, parameters: Dict[str, Any]) -> Dict[tuple, Any]:
    """``{("a", "b"): value}`` for every top-level conjunct ``alias.a.b = constant`` (either side)."""
    alias = root_alias(query)
    found: Dict[tuple, Any] = {}
    if alias is None:
        return found
    for condition in conjuncts(query.where):
        if not (isinstance(condition, n.Binary) and condition.operator == "="):
            continue
        for side, other in ((condition.left, condition.right), (condition.right, condition.left)):
            path = property_path(side, alias)
            value = constant_value(other, parameters)
            if path and value is not UNDEFINED:
                found[tuple(path)] = value
                break
    return found


def pinned_partition_key(query: n.Query, partition_key_definition: Optional[Dict[str, Any]],
                         parameters: Dict[str, Any]) -> Optional[List[Any]]:
    """The full partition key value the filter pins, as a component list, or ``None``."""
    if not partition_key_definition:
        return None
    paths = partition_key_definition.get("paths") or []
    if not paths:
        return None
    constants = equality_constants(query, parameters)
    components = []
    for path in paths:
        key = tuple(segment for segment in path.strip("/").split("/") if segment)
        if key not in constants:
            return None
        value = constants[key]
        if isinstance(value, (dict, list)):
            return None
        components.append(value)
    return components


def pinned_ids(query: n.Query, parameters: Dict[str, Any]) -> Optional[List[str]]:
    """Ids the filter restricts the query to (``c.id = x`` or ``c.id IN (x, y)``), or ``None``."""
    alias = root_alias(query)
    if alias is None or query.joins:
        return None
    for condition in conjuncts(query.where):
        if isinstance(condition, n.Binary) and condition.operator == "=":
            for side, other in ((condition.left, condition.right), (condition.right, condition.left)):
                if property_path(side, alias) == ["id"]:
                    value = constant_value(other, parameters)
                    if value is not UNDEFINED:
                        return [value] if isinstance(value, str) else []
        if isinstance(condition, n.In) and not condition.negated and property_path(condition.value, alias) == ["id"]:
            values = [constant_value(candidate, parameters) for candidate in condition.candidates]
            if all(value is not UNDEFINED for value in values):
                return [value for value in values if isinstance(value, str)]
    return None
