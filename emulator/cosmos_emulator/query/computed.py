"""Computed properties: a container's named ``SELECT VALUE <expression> FROM c`` definitions, evaluated per item
wherever a query names them (``c.cp_lower`` or ``c["cp_lower"]`` on the document alias) as if they were stored
top-level properties: in projections (named after the property), filters, ORDER BY and GROUP BY. A reference
becomes a :class:`.nodes.ComputedReference` node (evaluated as the definition, printed back by its name, sortable
like a document path). They are not
part of the stored document, so ``SELECT *`` and ``SELECT VALUE c`` do not show them, as on the service.

:func:`check_definition_query` holds the service's rules for a definition's query; :func:`expand` rewrites a
parsed query so that each reference is replaced by the definition's expression over the query's own alias.
"""
from __future__ import annotations

import copy
import dataclasses
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import nodes as n
from .analysis import root_alias
from ..errors import CosmosError
from .evaluator import is_aggregate_call
from .parser import parse_query

# Functions whose value is not a function of the item alone, which a computed property may not use.
NONDETERMINISTIC_FUNCTIONS = frozenset({"GETCURRENTDATETIME", "GETCURRENTTIMESTAMP", "GETCURRENTTICKS", "RAND",
                                        "GETCURRENTDATETIMESTATIC", "GETCURRENTTIMESTAMPSTATIC",
                                        "GETCURRENTTICKSSTATIC"})

# (alias of the definition's FROM, value expression), by computed property name.
Definitions = Mapping[str, Tuple[str, n.Node]]


class DefinitionError(ValueError):
    """A computed property query that breaks the service's rules."""


def check_definition_query(text: str, other_names: List[str]) -> Tuple[str, n.Node]:
    """Parse and check one definition's query; returns (alias, value expression).

    Rules (the service's): ``SELECT VALUE <expression> FROM <alias>`` over the whole item; no WHERE, GROUP BY,
    ORDER BY, TOP, DISTINCT, OFFSET/LIMIT or JOIN; no subqueries (EXISTS, ARRAY, ...), aggregates, user-defined
    functions, parameters or nondeterministic functions; no reference to another computed property.

    :raises DefinitionError: with the reason.
    """
    if not isinstance(text, str) or not text.strip():
        raise DefinitionError("the query is empty")
    try:
        query = parse_query(text)
    except CosmosError:
        raise DefinitionError("the query is not valid syntax") from None
    select = query.select
    if select.value is None:
        raise DefinitionError("the query must project with SELECT VALUE")
    if select.distinct or select.top is not None:
        raise DefinitionError("the query cannot use DISTINCT or TOP")
    if query.where is not None or query.group_by or query.order_by or query.order_by_rank \
            or query.offset is not None or query.limit is not None:
        raise DefinitionError("the query cannot have WHERE, GROUP BY, ORDER BY or OFFSET LIMIT clauses")
    if query.joins:
        raise DefinitionError("the query cannot have JOIN clauses")
    alias = root_alias(query)
    if alias is None:
        raise DefinitionError("the query must read the whole item (FROM <alias>)")
    for node in n.walk(select.value):
        if isinstance(node, n.Subquery):
            raise DefinitionError("the query cannot contain subqueries")
        if isinstance(node, n.Parameter):
            raise DefinitionError("the query cannot contain parameters")
        if isinstance(node, n.FunctionCall):
            if node.is_udf:
                raise DefinitionError("the query cannot call user-defined functions")
            if is_aggregate_call(node):
                raise DefinitionError("the query cannot use aggregate functions")
            if node.name.upper() in NONDETERMINISTIC_FUNCTIONS:
                raise DefinitionError(f"the query cannot use the nondeterministic function {node.name}")
        if isinstance(node, n.Identifier) and node.name != alias:
            raise DefinitionError(f"the query references '{node.name}', which is not its FROM alias")
        referenced = _referenced_name(node, alias)
        if referenced is not None and referenced in other_names:
            raise DefinitionError(f"the query cannot reference the computed property '{referenced}'")
    from .evaluator import QueryContext
    from .executor import CompiledQuery
    try:
        CompiledQuery(query, QueryContext({}, None))
    except CosmosError as error:
        raise DefinitionError(f"the query is not valid: {_first_error(error.message)}") from None
    return alias, select.value


def _first_error(message: str) -> str:
    """The first error text of a query error body (``Message: {"errors":[{..., "message": ...}]}``)."""
    import json
    text = message.split("\r\n")[0]
    if text.startswith("Message: "):
        try:
            return json.loads(text[len("Message: "):])["errors"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            pass
    return text


def expand(query: n.Query, definitions: Optional[Definitions]) -> n.Query:
    """``query`` with every reference to a computed property on its document alias replaced by the property's
    expression (in place; the query must be freshly parsed)."""
    if not definitions:
        return query
    alias = root_alias(query)
    if alias is None:
        return query
    return _Expander(alias, definitions).visit(query)


def _referenced_name(node: Any, alias: str) -> Optional[str]:
    """The top-level property ``node`` reads from ``alias`` (``alias.name`` / ``alias["name"]``), if it is one."""
    if isinstance(node, n.PropertyAccess) and isinstance(node.target, n.Identifier) and node.target.name == alias:
        return node.name
    if isinstance(node, n.IndexAccess) and isinstance(node.target, n.Identifier) and node.target.name == alias \
            and isinstance(node.index, n.Literal) and isinstance(node.index.value, str):
        return node.index.value
    return None


class _Expander:
    def __init__(self, alias: str, definitions: Definitions):
        self.alias = alias
        self.definitions = definitions

    def replacement(self, node: Any) -> Optional[n.Node]:
        name = _referenced_name(node, self.alias)
        if name is None or name not in self.definitions:
            return None
        own_alias, expression = self.definitions[name]
        return n.ComputedReference(self.alias, name, _renamed(copy.deepcopy(expression), own_alias, self.alias),
                                   getattr(node, "position", 0))

    def visit(self, node: Any) -> Any:
        if isinstance(node, n.ComputedReference):
            return node
        if isinstance(node, n.Node):
            replaced = self.replacement(node)
            if replaced is not None:
                return replaced
            for item in dataclasses.fields(node):
                value = getattr(node, item.name)
                if isinstance(value, (n.Node, list, tuple)):
                    setattr(node, item.name, self.visit(value))
            return node
        if isinstance(node, list):
            return [self.visit(element) for element in node]
        if isinstance(node, tuple):
            return tuple(self.visit(element) for element in node)
        return node


def _renamed(expression: n.Node, old: str, new: str) -> n.Node:
    if old != new:
        for node in n.walk(expression):
            if isinstance(node, n.Identifier) and node.name == old:
                node.name = new
    return expression


def parse_definitions(definitions: Any) -> Dict[str, Tuple[str, n.Node]]:
    """Stored (already validated) ``computedProperties`` → :data:`Definitions` for :func:`expand`."""
    parsed: Dict[str, Tuple[str, n.Node]] = {}
    for entry in definitions or []:
        query = parse_query(entry["query"])
        parsed[entry["name"]] = (root_alias(query) or "c", query.select.value)
    return parsed
