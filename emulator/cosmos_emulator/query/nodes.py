"""Syntax tree of a Cosmos DB NoSQL query.

The parser builds these nodes; the compiler (:mod:`.compiler`) turns them into closures, the planner
(:mod:`.planner`) inspects them and :mod:`.formatter` prints them back as query text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple


class Node:
    """Base class of every syntax node; ``position`` is the offset of its first token."""
    position: int = 0


# ----------------------------------------------------------------------------------------------- expressions
@dataclass
class Literal(Node):
    """A constant: string, number, true/false, null, or :data:`..values.UNDEFINED`."""
    value: Any
    position: int = 0


@dataclass
class Parameter(Node):
    """``@name``; bound to a value by :func:`..prepare`."""
    name: str
    position: int = 0


@dataclass
class Identifier(Node):
    """A bare name: an alias introduced in FROM/JOIN (or the container name)."""
    name: str
    position: int = 0


@dataclass
class PropertyAccess(Node):
    """``target.name``."""
    target: Node
    name: str
    position: int = 0


@dataclass
class IndexAccess(Node):
    """``target[index]`` with a string (property) or number (array element) index."""
    target: Node
    index: Node
    position: int = 0


@dataclass
class ArrayConstructor(Node):
    """``[a, b, ...]``."""
    items: List[Node]
    position: int = 0


@dataclass
class ObjectConstructor(Node):
    """``{"name": value, ...}``."""
    properties: List[Tuple[str, Node]]
    position: int = 0


@dataclass
class Unary(Node):
    """``-x``, ``+x``, ``~x``, ``NOT x``."""
    operator: str
    operand: Node
    position: int = 0


@dataclass
class Binary(Node):
    """Arithmetic, comparison, logical (``AND``/``OR``), bitwise, ``||`` and ``??`` operators."""
    operator: str
    left: Node
    right: Node
    position: int = 0


@dataclass
class Between(Node):
    """``value [NOT] BETWEEN low AND high``."""
    value: Node
    low: Node
    high: Node
    negated: bool = False
    position: int = 0


@dataclass
class In(Node):
    """``value [NOT] IN (a, b, ...)``."""
    value: Node
    candidates: List[Node]
    negated: bool = False
    position: int = 0


@dataclass
class Like(Node):
    """``value [NOT] LIKE pattern [ESCAPE 'c']``."""
    value: Node
    pattern: Node
    escape: Optional[str] = None
    negated: bool = False
    position: int = 0


@dataclass
class Conditional(Node):
    """``condition ? if_true : if_false``."""
    condition: Node
    if_true: Node
    if_false: Node
    position: int = 0


@dataclass
class FunctionCall(Node):
    """A built-in (``name`` as written) or, with ``is_udf``, ``udf.name(...)``."""
    name: str
    arguments: List[Node]
    is_udf: bool = False
    position: int = 0


@dataclass
class Subquery(Node):
    """A nested query used as a value: ``kind`` is ``scalar``, ``EXISTS``, ``ARRAY``, ``ALL``, ``FIRST`` or
    ``LAST``."""
    query: "Query"
    kind: str = "scalar"
    position: int = 0


@dataclass
class ComputedReference(Node):
    """``alias.name`` where ``name`` is a computed property of the container: evaluates ``expression`` (the
    property's definition, over ``alias``); prints back as ``alias.name`` (see :mod:`.computed`)."""
    alias: str
    name: str
    expression: Node
    position: int = 0


# ----------------------------------------------------------------------------------------------- clauses
@dataclass
class SelectItem(Node):
    """One projected expression with its optional ``AS`` alias."""
    expression: Node
    alias: Optional[str] = None
    position: int = 0


@dataclass
class SelectClause(Node):
    """``SELECT [DISTINCT] [TOP n] (* | VALUE expr | item, ...)``."""
    items: List[SelectItem] = field(default_factory=list)
    star: bool = False
    value: Optional[Node] = None
    distinct: bool = False
    top: Optional[Node] = None
    position: int = 0


@dataclass
class PathSource(Node):
    """``<name>[.prop|[idx]]* [AS alias]``: the container (top-level FROM) or an outer alias (subqueries,
    JOINs), optionally narrowed by a path. Bound as one value per input row."""
    root: str
    path: List[Any]
    alias: str
    position: int = 0


@dataclass
class IterationSource(Node):
    """``alias IN <collection>``: binds ``alias`` to each element of the array the collection yields."""
    alias: str
    collection: Node   # a PathSource (with alias == its root) or a SubquerySource
    position: int = 0


@dataclass
class SubquerySource(Node):
    """``(SELECT ...) [AS alias]``: binds ``alias`` to each result of the subquery."""
    query: "Query"
    alias: Optional[str]
    position: int = 0


@dataclass
class SortItem(Node):
    """One ORDER BY key."""
    expression: Node
    descending: bool = False
    position: int = 0


@dataclass
class Query(Node):
    """A whole ``SELECT`` statement (top level or nested)."""
    select: SelectClause
    source: Optional[Node] = None          # PathSource | IterationSource | SubquerySource
    joins: List[Node] = field(default_factory=list)
    where: Optional[Node] = None
    group_by: List[Node] = field(default_factory=list)
    order_by: List[SortItem] = field(default_factory=list)
    order_by_rank: bool = False
    offset: Optional[Node] = None
    limit: Optional[Node] = None
    position: int = 0


def walk(node: Any):
    """Yield ``node`` and every node below it, depth first, including nested queries."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Node):
            yield current
            for value in vars(current).values():
                if isinstance(value, (Node, list, tuple)):
                    stack.append(value)
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
