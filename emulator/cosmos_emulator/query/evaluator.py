"""Compiles scalar expressions into Python closures that evaluate one row.

A *row* is a dict from alias (introduced by FROM/JOIN) to its current value. Compilation resolves
identifiers, parameters and function names once, so evaluating a closure does no lookups by name beyond
the row itself. Operators follow the service's ``undefined`` rules: an operand of the wrong type makes the
result undefined, comparisons across types are undefined, and AND/OR use three-valued logic.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Optional

from . import nodes as n
from .errors import (ARGUMENT_COUNT_CODE, UNKNOWN_FUNCTION_CODE, UNRESOLVED_IDENTIFIER_CODE, division_by_zero,
                     semantic_error)
from .functions import lookup
from .values import UNDEFINED, compare, equals, is_number, number_result, strip_undefined

Row = Dict[str, Any]
Evaluator = Callable[[Row], Any]

AGGREGATE_FUNCTIONS = frozenset({"COUNT", "SUM", "AVG", "MIN", "MAX", "COUNTIF", "MAKELIST", "MAKESET"})
# Key under which a grouped row carries the values of its aggregates (not a valid identifier, so no clash).
AGGREGATES_KEY = "\x00aggregates"


def is_aggregate_call(node: n.Node) -> bool:
    return isinstance(node, n.FunctionCall) and not node.is_udf and node.name.upper() in AGGREGATE_FUNCTIONS


@dataclass
class QueryContext:
    """What one query execution shares: bound parameters, the UDF resolver and the statement time.

    :param parameters: ``{"@name": value}`` as sent by the client.
    :param udfs: resolves ``udf.name`` to a callable taking the argument list (see :mod:`.source`).
    """
    parameters: Dict[str, Any] = field(default_factory=dict)
    udfs: Optional[Callable[[str], Optional[Callable[[List[Any]], Any]]]] = None
    statement_time_ticks: Optional[int] = None

    def current_ticks(self) -> int:
        """Ticks (100 ns units since the Unix epoch) fixed for the whole statement (the *Static functions)."""
        if self.statement_time_ticks is None:
            from .functions.datetime_functions import now_ticks
            self.statement_time_ticks = now_ticks()
        return self.statement_time_ticks


@dataclass
class Scope:
    """Compile-time view of what an expression may refer to.

    :param aliases: names bound in the row (the query's own and those of enclosing queries).
    :param aggregate_slots: when compiling a grouped projection, maps ``id(aggregate call node)`` to the index
        of its value in ``row[AGGREGATES_KEY]``; ``None`` where aggregates are not allowed.
    :param clause: name of the clause being compiled, for error messages.
    """
    aliases: FrozenSet[str]
    aggregate_slots: Optional[Dict[int, int]] = None
    clause: str = "SELECT"


class ExpressionCompiler:
    """Turns expression nodes into closures; subqueries are delegated to ``compile_subquery``.

    :param context: the query's shared state.
    :param compile_subquery: callback ``(query_node, outer_aliases) -> compiled query`` with a
        ``values(outer_row)`` method (provided by :mod:`.executor`, which owns query compilation).
    """

    def __init__(self, context: QueryContext, compile_subquery: Callable):
        self.context = context
        self.compile_subquery = compile_subquery

    def compile(self, node: n.Node, scope: Scope) -> Evaluator:
        method = getattr(self, "_compile_" + type(node).__name__, None)
        if method is None:
            raise semantic_error(f"Unsupported expression '{type(node).__name__}'.", node.position)
        return method(node, scope)

    # ------------------------------------------------------------------------------------------ leaves
    def _compile_Literal(self, node: n.Literal, scope: Scope) -> Evaluator:
        value = node.value
        return lambda row: value

    def _compile_Parameter(self, node: n.Parameter, scope: Scope) -> Evaluator:
        # A parameter the request does not bind (or binds without a value) is undefined, not an error.
        value = self.context.parameters.get(node.name, UNDEFINED)
        return lambda row: value

    def _compile_Identifier(self, node: n.Identifier, scope: Scope) -> Evaluator:
        if node.name not in scope.aliases:
            raise semantic_error(f"Identifier '{node.name}' could not be resolved.", node.position,
                                 node.position + len(node.name), code=UNRESOLVED_IDENTIFIER_CODE)
        name = node.name
        return lambda row: row.get(name, UNDEFINED)

    def _compile_PropertyAccess(self, node: n.PropertyAccess, scope: Scope) -> Evaluator:
        # Collapse a chain alias.a.b.c into one loop: this is the hot path of nearly every query.
        names: List[str] = []
        target: n.Node = node
        while isinstance(target, n.PropertyAccess):
            names.append(target.name)
            target = target.target
        names.reverse()
        if isinstance(target, n.Identifier):
            self._compile_Identifier(target, scope)
            alias = target.name
            if len(names) == 1:
                only = names[0]

                def single(row):
                    value = row.get(alias, UNDEFINED)
                    return value.get(only, UNDEFINED) if type(value) is dict else UNDEFINED
                return single

            def chain(row):
                value = row.get(alias, UNDEFINED)
                for name in names:
                    if type(value) is not dict:
                        return UNDEFINED
                    value = value.get(name, UNDEFINED)
                return value
            return chain
        base = self.compile(target, scope)

        def access(row):
            value = base(row)
            for name in names:
                if not isinstance(value, dict):
                    return UNDEFINED
                value = value.get(name, UNDEFINED)
            return value
        return access

    def _compile_IndexAccess(self, node: n.IndexAccess, scope: Scope) -> Evaluator:
        base = self.compile(node.target, scope)
        index = self.compile(node.index, scope)

        def access(row):
            container = base(row)
            key = index(row)
            if isinstance(container, dict):
                return container.get(key, UNDEFINED) if isinstance(key, str) else UNDEFINED
            if isinstance(container, list) and is_number(key):
                if isinstance(key, float):
                    if not key.is_integer():
                        return UNDEFINED
                    key = int(key)
                return container[key] if 0 <= key < len(container) else UNDEFINED
            return UNDEFINED
        return access

    def _compile_ComputedReference(self, node: n.ComputedReference, scope: Scope) -> Evaluator:
        return self.compile(node.expression, scope)

    def _compile_ArrayConstructor(self, node: n.ArrayConstructor, scope: Scope) -> Evaluator:
        items = [self.compile(item, scope) for item in node.items]
        # An undefined element keeps its slot as null, so positions stay meaningful.
        return lambda row: [None if value is UNDEFINED else value for value in (item(row) for item in items)]

    def _compile_ObjectConstructor(self, node: n.ObjectConstructor, scope: Scope) -> Evaluator:
        seen = set()
        for key, _ in node.properties:
            if key in seen:
                raise semantic_error(f"Object creation expression contains duplicate property name '{key}'.",
                                     node.position)
            seen.add(key)
        properties = [(key, self.compile(value, scope)) for key, value in node.properties]

        def construct(row):
            result = {}
            for key, evaluate in properties:
                value = evaluate(row)
                if value is not UNDEFINED:
                    result[key] = value
            return result
        return construct

    # ------------------------------------------------------------------------------------------ operators
    def _compile_Unary(self, node: n.Unary, scope: Scope) -> Evaluator:
        operand = self.compile(node.operand, scope)
        operator = node.operator
        if operator == "NOT":
            def logical_not(row):
                value = operand(row)
                return (not value) if value is True or value is False else UNDEFINED
            return logical_not
        if operator == "-":
            return lambda row: _negate(operand(row))
        if operator == "+":
            return lambda row: _identity_number(operand(row))
        if operator == "~":
            return lambda row: _bitwise_not(operand(row))
        raise semantic_error(f"Unknown operator '{operator}'.", node.position)

    def _compile_Binary(self, node: n.Binary, scope: Scope) -> Evaluator:
        left = self.compile(node.left, scope)
        right = self.compile(node.right, scope)
        operator = node.operator
        if operator == "AND":
            def logical_and(row):
                a = left(row)
                if a is False:
                    return False
                b = right(row)
                if b is False:
                    return False
                return True if (a is True and b is True) else UNDEFINED
            return logical_and
        if operator == "OR":
            def logical_or(row):
                a = left(row)
                if a is True:
                    return True
                b = right(row)
                if b is True:
                    return True
                return False if (a is False and b is False) else UNDEFINED
            return logical_or
        if operator == "??":
            def coalesce(row):
                value = left(row)
                return right(row) if value is UNDEFINED else value
            return coalesce
        implementation = BINARY_OPERATIONS.get(operator)
        if implementation is None:
            raise semantic_error(f"Unknown operator '{operator}'.", node.position)
        if operator == "=":
            return _compile_equality(node, left, right)
        if operator in ("<", "<=", ">", ">="):
            fast = _compile_ordering(operator, node, left, right)
            if fast is not None:
                return fast
        return lambda row: implementation(left(row), right(row))

    def _compile_Between(self, node: n.Between, scope: Scope) -> Evaluator:
        value, low, high = (self.compile(part, scope) for part in (node.value, node.low, node.high))
        negated = node.negated

        def between(row):
            subject = value(row)
            lower = compare(subject, low(row))
            if lower is UNDEFINED:
                return UNDEFINED
            upper = compare(subject, high(row))
            if upper is UNDEFINED:
                return UNDEFINED
            inside = lower >= 0 and upper <= 0
            return not inside if negated else inside
        return between

    def _compile_In(self, node: n.In, scope: Scope) -> Evaluator:
        value = self.compile(node.value, scope)
        negated = node.negated
        if all(isinstance(candidate, (n.Literal, n.Parameter)) for candidate in node.candidates):
            constants = [self.compile(candidate, scope)({}) for candidate in node.candidates]
            hashable = {(type(c), c) for c in constants if isinstance(c, (str, int, float)) and not
                        isinstance(c, bool)}
            only_scalars = len(hashable) == len(constants)

            def in_constants(row):
                subject = value(row)
                if subject is UNDEFINED:
                    return UNDEFINED
                if only_scalars and isinstance(subject, str):
                    found = (str, subject) in hashable
                else:
                    found = any(equals(subject, candidate) is True for candidate in constants)
                return not found if negated else found
            return in_constants
        candidates = [self.compile(candidate, scope) for candidate in node.candidates]

        def in_list(row):
            subject = value(row)
            if subject is UNDEFINED:
                return UNDEFINED
            found = any(equals(subject, candidate(row)) is True for candidate in candidates)
            return not found if negated else found
        return in_list

    def _compile_Like(self, node: n.Like, scope: Scope) -> Evaluator:
        value = self.compile(node.value, scope)
        pattern = self.compile(node.pattern, scope)
        escape, negated = node.escape, node.negated
        if escape is not None and len(escape) != 1:
            raise semantic_error("The ESCAPE argument of LIKE must be a single character.", node.position)

        def like(row):
            subject, template = value(row), pattern(row)
            if not isinstance(subject, str) or not isinstance(template, str):
                return UNDEFINED
            matched = like_regex(template, escape).fullmatch(subject) is not None
            return not matched if negated else matched
        return like

    def _compile_Conditional(self, node: n.Conditional, scope: Scope) -> Evaluator:
        condition = self.compile(node.condition, scope)
        if_true = self.compile(node.if_true, scope)
        if_false = self.compile(node.if_false, scope)
        return lambda row: if_true(row) if condition(row) is True else if_false(row)

    # ------------------------------------------------------------------------------------------ calls
    def _compile_FunctionCall(self, node: n.FunctionCall, scope: Scope) -> Evaluator:
        if node.is_udf:
            return self._compile_udf(node, scope)
        if is_aggregate_call(node):
            if scope.aggregate_slots is None or id(node) not in scope.aggregate_slots:
                raise semantic_error(f"Aggregate function '{node.name}' is not allowed in the {scope.clause} "
                                     f"clause here.", node.position, node.position + len(node.name))
            slot = scope.aggregate_slots[id(node)]
            return lambda row: row[AGGREGATES_KEY][slot]
        entry = lookup(node.name)
        if entry is None:
            raise semantic_error(f"'{node.name}' is not a recognized built-in function name.", node.position,
                                 node.position + len(node.name), code=UNKNOWN_FUNCTION_CODE)
        count = len(node.arguments)
        if count < entry.min_args or (entry.max_args is not None and count > entry.max_args):
            expected = (str(entry.min_args) if entry.min_args == entry.max_args else
                        f"{entry.min_args} or more" if entry.max_args is None else
                        f"{entry.min_args} to {entry.max_args}")
            raise semantic_error(f"The {node.name.upper()} function requires {expected} argument(s).",
                                 node.position, node.position + len(node.name), code=ARGUMENT_COUNT_CODE)
        arguments = [self.compile(argument, scope) for argument in node.arguments]
        implementation = entry.implementation
        if entry.needs_context:
            context = self.context
            return lambda row: implementation(context, *[argument(row) for argument in arguments])
        if count == 1:
            only = arguments[0]
            return lambda row: implementation(only(row))
        if count == 2:
            first, second = arguments
            return lambda row: implementation(first(row), second(row))
        return lambda row: implementation(*[argument(row) for argument in arguments])

    def _compile_udf(self, node: n.FunctionCall, scope: Scope) -> Evaluator:
        resolver = self.context.udfs
        function = resolver(node.name) if resolver is not None else None
        if function is None:
            raise semantic_error(f"Unknown user-defined function 'udf.{node.name}'.", node.position,
                                 code=UNKNOWN_FUNCTION_CODE)
        arguments = [self.compile(argument, scope) for argument in node.arguments]
        return lambda row: finish_value(function([argument(row) for argument in arguments]))

    def _compile_Subquery(self, node: n.Subquery, scope: Scope) -> Evaluator:
        compiled = self.compile_subquery(node.query, scope.aliases)
        kind = node.kind
        if kind == "EXISTS":
            return lambda row: next(iter(compiled.values(row)), UNDEFINED) is not UNDEFINED
        if kind == "ARRAY":
            return lambda row: list(compiled.values(row))
        if kind == "LAST":
            return lambda row: _last(compiled.values(row))
        if kind == "ALL":
            return lambda row: all(value is True for value in compiled.values(row))
        # scalar and FIRST: the first result, undefined when there is none.
        return lambda row: next(iter(compiled.values(row)), UNDEFINED)


# ---------------------------------------------------------------------------------------------- operations
def _compile_equality(node: n.Binary, left: Evaluator, right: Evaluator) -> Evaluator:
    # Comparing a property with a string or number constant is the most common filter; skip the generic path.
    if isinstance(node.right, n.Literal) and isinstance(node.right.value, str):
        constant = node.right.value

        def equals_string(row):
            value = left(row)
            if type(value) is str:
                return value == constant
            return UNDEFINED
        return equals_string
    if isinstance(node.right, n.Literal) and is_number(node.right.value):
        number = node.right.value

        def equals_number(row):
            value = left(row)
            kind = type(value)
            if kind is int or kind is float:
                return value == number
            return UNDEFINED
        return equals_number
    return lambda row: equals(left(row), right(row))


def _compile_ordering(operator: str, node: n.Binary, left: Evaluator, right: Evaluator) -> Optional[Evaluator]:
    """Fast path for ``expr < constant`` (and friends) against a number or string literal."""
    literal = node.right
    if not isinstance(literal, n.Literal):
        return None
    constant = literal.value
    if is_number(constant):
        kinds = (int, float)
    elif isinstance(constant, str):
        kinds = (str,)
    else:
        return None
    test = {"<": lambda a: a < constant, "<=": lambda a: a <= constant,
            ">": lambda a: a > constant, ">=": lambda a: a >= constant}[operator]

    def ordered(row):
        value = left(row)
        if type(value) in kinds:
            return test(value)
        return UNDEFINED
    return ordered


def _last(values):
    result = UNDEFINED
    for value in values:
        result = value
    return result


def _negate(value):
    return number_result(-value) if is_number(value) else UNDEFINED


def _identity_number(value):
    return value if is_number(value) else UNDEFINED


def _to_int32(value) -> Optional[int]:
    if not is_number(value) or not math.isfinite(value):
        return None
    integer = int(value) & 0xFFFFFFFF
    return integer - 0x100000000 if integer >= 0x80000000 else integer


def _bitwise_not(value):
    integer = _to_int32(value)
    return UNDEFINED if integer is None else ~integer


def _arithmetic(operation):
    def apply(a, b):
        if not (is_number(a) and is_number(b)):
            return UNDEFINED
        try:
            return number_result(operation(a, b))
        except (ZeroDivisionError, OverflowError, ValueError):
            return UNDEFINED
    return apply


def _divide(a, b):
    if b == 0:
        raise division_by_zero()
    return a / b


def _modulo(a, b):
    if b == 0:
        raise division_by_zero()
    if isinstance(a, int) and isinstance(b, int):
        # Sign follows the dividend, as in C and JavaScript.
        return a - b * int(a / b) if abs(a) < 2 ** 53 else math.fmod(a, b)
    return math.fmod(a, b)


def _bitwise(operation):
    def apply(a, b):
        x, y = _to_int32(a), _to_int32(b)
        if x is None or y is None:
            return UNDEFINED
        return operation(x, y)
    return apply


def _wrap32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value


def _comparison(predicate):
    def apply(a, b):
        result = compare(a, b)
        return UNDEFINED if result is UNDEFINED else predicate(result)
    return apply


def _not_equals(a, b):
    result = equals(a, b)
    return UNDEFINED if result is UNDEFINED else not result


def _concat(a, b):
    return a + b if isinstance(a, str) and isinstance(b, str) else UNDEFINED


BINARY_OPERATIONS: Dict[str, Callable[[Any, Any], Any]] = {
    "+": _arithmetic(lambda a, b: a + b),
    "-": _arithmetic(lambda a, b: a - b),
    "*": _arithmetic(lambda a, b: a * b),
    "/": _arithmetic(_divide),
    "%": _arithmetic(_modulo),
    "=": equals,
    "!=": _not_equals,
    "<": _comparison(lambda c: c < 0),
    "<=": _comparison(lambda c: c <= 0),
    ">": _comparison(lambda c: c > 0),
    ">=": _comparison(lambda c: c >= 0),
    "||": _concat,
    "&": _bitwise(lambda a, b: a & b),
    "|": _bitwise(lambda a, b: a | b),
    "^": _bitwise(lambda a, b: a ^ b),
    "<<": _bitwise(lambda a, b: _wrap32(a << (b & 31))),
    ">>": _bitwise(lambda a, b: a >> (b & 31)),
    ">>>": _bitwise(lambda a, b: (a & 0xFFFFFFFF) >> (b & 31)),
}

_like_cache: Dict[tuple, "re.Pattern"] = {}


def like_regex(pattern: str, escape: Optional[str]) -> "re.Pattern":
    """Translate a LIKE pattern (``%``, ``_``, ``[...]`` sets, optional escape character) to a regex."""
    key = (pattern, escape)
    cached = _like_cache.get(key)
    if cached is not None:
        return cached
    pieces = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if escape is not None and char == escape and index + 1 < len(pattern):
            pieces.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "%":
            pieces.append(".*")
        elif char == "_":
            pieces.append(".")
        elif char == "[":
            close = pattern.find("]", index + 1)
            if close > index + 1:
                body = pattern[index + 1:close]
                negate = body.startswith("^")
                if negate:
                    body = body[1:]
                pieces.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
                index = close + 1
                continue
            pieces.append(re.escape(char))
        else:
            pieces.append(re.escape(char))
        index += 1
    compiled = re.compile("".join(pieces), re.DOTALL)
    if len(_like_cache) > 512:
        _like_cache.clear()
    _like_cache[key] = compiled
    return compiled


def finish_value(value: Any) -> Any:
    """Prepare a projected value for the wire (undefined members removed)."""
    if isinstance(value, (dict, list)):
        return strip_undefined(value)
    return value
