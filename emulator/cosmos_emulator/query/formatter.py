"""Prints syntax trees back as query text.

Used for the rewritten queries of query plans and for comparing expressions structurally (two expressions
are the same when their texts are). Compound expressions are parenthesised so the text re-parses to the same
tree whatever the operator precedence.
"""
from __future__ import annotations

import json
import re

from . import nodes as n
from .functions.string_functions import format_number
from .lexer import CASE_INSENSITIVE_KEYWORDS, CASE_SENSITIVE_KEYWORDS
from .values import UNDEFINED

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_literal(value) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(format_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key, ensure_ascii=False)}: {format_literal(item)}"
                               for key, item in value.items()) + "}"
    raise TypeError(f"not a literal: {value!r}")


def is_plain_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name)) and name.upper() not in CASE_INSENSITIVE_KEYWORDS \
        and name not in CASE_SENSITIVE_KEYWORDS


def format_expression(node: n.Node) -> str:
    """Query text of an expression."""
    kind = type(node)
    if kind is n.Literal:
        return format_literal(node.value)
    if kind is n.Parameter or kind is n.Identifier:
        return node.name
    if kind is n.PropertyAccess:
        target = format_expression(node.target)
        if is_plain_identifier(node.name):
            return f"{target}.{node.name}"
        return f"{target}[{json.dumps(node.name, ensure_ascii=False)}]"
    if kind is n.IndexAccess:
        return f"{format_expression(node.target)}[{format_expression(node.index)}]"
    if kind is n.ComputedReference:
        # Named, not expanded: the rewritten query comes back to the container, which expands it again.
        return format_expression(n.PropertyAccess(n.Identifier(node.alias), node.name))
    if kind is n.ArrayConstructor:
        return "[" + ", ".join(format_expression(item) for item in node.items) + "]"
    if kind is n.ObjectConstructor:
        return "{" + ", ".join(f"{json.dumps(key, ensure_ascii=False)}: {format_expression(value)}"
                               for key, value in node.properties) + "}"
    if kind is n.Unary:
        separator = " " if node.operator == "NOT" else ""
        return f"({node.operator}{separator}{format_expression(node.operand)})"
    if kind is n.Binary:
        return f"({format_expression(node.left)} {node.operator} {format_expression(node.right)})"
    if kind is n.Between:
        keyword = "NOT BETWEEN" if node.negated else "BETWEEN"
        return (f"({format_expression(node.value)} {keyword} {format_expression(node.low)} AND "
                f"{format_expression(node.high)})")
    if kind is n.In:
        keyword = "NOT IN" if node.negated else "IN"
        candidates = ", ".join(format_expression(item) for item in node.candidates)
        return f"({format_expression(node.value)} {keyword} ({candidates}))"
    if kind is n.Like:
        keyword = "NOT LIKE" if node.negated else "LIKE"
        escape = f" ESCAPE {json.dumps(node.escape)}" if node.escape is not None else ""
        return f"({format_expression(node.value)} {keyword} {format_expression(node.pattern)}{escape})"
    if kind is n.Conditional:
        return (f"({format_expression(node.condition)} ? {format_expression(node.if_true)} : "
                f"{format_expression(node.if_false)})")
    if kind is n.FunctionCall:
        prefix = "udf." if node.is_udf else ""
        return f"{prefix}{node.name}({', '.join(format_expression(item) for item in node.arguments)})"
    if kind is n.Subquery:
        if node.kind == "scalar":
            return f"({format_query(node.query)})"
        return f"{node.kind}({format_query(node.query)})"
    raise TypeError(f"cannot format {kind.__name__}")


def format_source(node: n.Node) -> str:
    """Text of a FROM/JOIN source."""
    if isinstance(node, n.PathSource):
        text = _path_text(node)
        implicit = node.root if not node.path else node.path[-1]
        return text if node.alias == implicit else f"{text} AS {node.alias}"
    if isinstance(node, n.IterationSource):
        collection = node.collection
        text = _path_text(collection) if isinstance(collection, n.PathSource) else f"({format_query(collection.query)})"
        return f"{node.alias} IN {text}"
    if isinstance(node, n.SubquerySource):
        alias = f" AS {node.alias}" if node.alias else ""
        return f"({format_query(node.query)}){alias}"
    raise TypeError(f"cannot format {type(node).__name__}")


def _path_text(node: n.PathSource) -> str:
    return node.root + "".join(f".{segment}" if isinstance(segment, str) and is_plain_identifier(segment)
                               else f"[{format_literal(segment)}]" for segment in node.path)


def format_select_list(select: n.SelectClause) -> str:
    if select.star:
        return "*"
    if select.value is not None:
        return "VALUE " + format_expression(select.value)
    return ", ".join(format_expression(item.expression) + (f" AS {item.alias}" if item.alias else "")
                     for item in select.items)


def format_query(query: n.Query) -> str:
    """Query text of a whole statement, one clause per line as the service prints rewritten queries."""
    select = query.select
    head = "SELECT "
    if select.distinct:
        head += "DISTINCT "
    if select.top is not None:
        head += f"TOP {format_expression(select.top)} "
    lines = [head + format_select_list(select)]
    if query.source is not None:
        lines.append("FROM " + format_source(query.source) +
                     "".join(" JOIN " + format_source(join) for join in query.joins))
    if query.where is not None:
        lines.append("WHERE " + format_expression(query.where))
    if query.group_by:
        lines.append("GROUP BY " + ", ".join(format_expression(item) for item in query.group_by))
    if query.order_by:
        rank = "RANK " if query.order_by_rank else ""
        lines.append("ORDER BY " + rank + ", ".join(
            format_expression(item.expression) + (" DESC" if item.descending else "") for item in query.order_by))
    if query.offset is not None:
        lines.append(f"OFFSET {format_expression(query.offset)} LIMIT {format_expression(query.limit)}")
    return "\n".join(lines)
