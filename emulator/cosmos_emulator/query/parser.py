"""Recursive-descent parser for the Cosmos DB NoSQL query language.

Grammar (informal; precedence from loosest to tightest)::

    query      := SELECT [DISTINCT] [TOP n|@p] selection [FROM from] [WHERE expr] [GROUP BY expr, ...]
                  [ORDER BY [RANK] expr [ASC|DESC], ...] [OFFSET n|@p LIMIT n|@p]
    selection  := '*' | VALUE expr | expr [[AS] name], ...
    from       := collection_expr (JOIN collection_expr)*
    collection_expr := name IN collection | collection [[AS] name]
    collection := name ('.' name | '[' number ']' | '[' string ']')* | '(' query ')'
    expr       := coalesce ['?' expr ':' expr]
    coalesce   := or ('??' or)*
    or         := and (OR and)*          and := not (AND not)*          not := NOT not | predicate
    predicate  := binary [[NOT] IN (expr, ...) | [NOT] BETWEEN binary AND binary | [NOT] LIKE binary [ESCAPE s]]
    binary     := '||' < '|' < '^' < '&' < ('=' '!=') < ('<' '>' '<=' '>=') < shifts < ('+' '-') < ('*' '/' '%')
    unary      := ('-' | '+' | '~' | NOT) unary | postfix
    postfix    := primary ('.' name | '[' expr ']')*

The binary-operator ladder follows the service's published grammar (``||`` binds loosest, comparisons bind
looser than arithmetic but tighter than the bitwise operators).
"""
from __future__ import annotations

from typing import List, Optional

from . import nodes as n
from .errors import syntax_error
from .lexer import IDENTIFIER_KEYWORDS, Token, tokenize
from .values import UNDEFINED

# Binary operators by precedence level, loosest first.
BINARY_LEVELS = (
    ("||",),
    ("|",),
    ("^",),
    ("&",),
    ("=", "!="),
    ("<", ">", "<=", ">="),
    ("<<", ">>", ">>>"),
    ("+", "-"),
    ("*", "/", "%"),
)
SUBQUERY_KEYWORDS = ("EXISTS", "ARRAY", "ALL", "FIRST", "LAST")


def parse_query(sql: str) -> n.Query:
    """Parse one query.

    :param sql: the query text.
    :raises CosmosError: 400 BadRequest pointing at the first token that does not fit the grammar.
    """
    parser = _Parser(sql)
    query = parser.query()
    parser.expect_eof()
    return query


class _Parser:
    def __init__(self, sql: str):
        self.sql = sql
        self.tokens: List[Token] = tokenize(sql)
        self.index = 0

    # -------------------------------------------------------------------------------------- token helpers
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "EOF":
            self.index += 1
        return token

    def at_keyword(self, *words: str) -> bool:
        return self.current.kind == "KEYWORD" and self.current.value in words

    def at_op(self, *operators: str) -> bool:
        return self.current.kind == "OP" and self.current.value in operators

    def accept_keyword(self, word: str) -> bool:
        if self.at_keyword(word):
            self.advance()
            return True
        return False

    def accept_op(self, operator: str) -> bool:
        if self.at_op(operator):
            self.advance()
            return True
        return False

    def fail(self, detail: Optional[str] = None, token: Optional[Token] = None):
        token = token or self.current
        end = token.position + max(len(token.text), 1) if token.kind != "EOF" else token.position
        return syntax_error(self.sql, token.position, detail, end=end)

    def expect_keyword(self, word: str) -> Token:
        if not self.at_keyword(word):
            raise self.fail(f"expected {word}")
        return self.advance()

    def expect_op(self, operator: str) -> Token:
        if not self.at_op(operator):
            raise self.fail(f"expected '{operator}'")
        return self.advance()

    def expect_eof(self) -> None:
        if self.current.kind != "EOF":
            raise self.fail()

    def at_identifier(self) -> bool:
        token = self.current
        return token.kind == "IDENT" or (token.kind == "KEYWORD" and token.value in IDENTIFIER_KEYWORDS)

    def identifier(self) -> str:
        if not self.at_identifier():
            raise self.fail("expected an identifier")
        return self.advance().text

    # -------------------------------------------------------------------------------------- statements
    def query(self) -> n.Query:
        start = self.expect_keyword("SELECT").position
        select = self.select_clause(start)
        query = n.Query(select=select, position=start)
        if self.accept_keyword("FROM"):
            query.source = self.collection_expression()
            while self.accept_keyword("JOIN"):
                query.joins.append(self.collection_expression())
        if self.accept_keyword("WHERE"):
            query.where = self.expression()
        if self.at_keyword("GROUP"):
            self.advance()
            self.expect_keyword("BY")
            query.group_by = self.expression_list()
        if self.at_keyword("ORDER"):
            self.advance()
            self.expect_keyword("BY")
            query.order_by_rank = self.accept_keyword("RANK")
            query.order_by = [self.sort_item()]
            while self.accept_op(","):
                query.order_by.append(self.sort_item())
        if self.at_keyword("OFFSET"):
            self.advance()
            query.offset = self.count_operand("OFFSET")
            self.expect_keyword("LIMIT")
            query.limit = self.count_operand("LIMIT")
        return query

    def select_clause(self, start: int) -> n.SelectClause:
        clause = n.SelectClause(position=start)
        clause.distinct = self.accept_keyword("DISTINCT")
        if self.accept_keyword("TOP"):
            clause.top = self.count_operand("TOP")
        if self.accept_op("*"):
            clause.star = True
        elif self.accept_keyword("VALUE"):
            clause.value = self.expression()
        else:
            clause.items.append(self.select_item())
            while self.accept_op(","):
                clause.items.append(self.select_item())
        return clause

    def select_item(self) -> n.SelectItem:
        position = self.current.position
        expression = self.expression()
        alias = None
        if self.accept_keyword("AS"):
            alias = self.identifier()
        elif self.current.kind == "IDENT":
            alias = self.advance().text
        return n.SelectItem(expression, alias, position)

    def count_operand(self, clause: str) -> n.Node:
        token = self.current
        if token.kind == "NUMBER":
            self.advance()
            return n.Literal(token.value, token.position)
        if token.kind == "PARAM":
            self.advance()
            return n.Parameter(token.value, token.position)
        raise self.fail(f"{clause} expects a number or a parameter")

    def sort_item(self) -> n.SortItem:
        position = self.current.position
        expression = self.expression()
        descending = False
        if self.accept_keyword("DESC"):
            descending = True
        else:
            self.accept_keyword("ASC")
        return n.SortItem(expression, descending, position)

    def collection_expression(self) -> n.Node:
        position = self.current.position
        if self.at_identifier() and self.peek().kind == "KEYWORD" and self.peek().value == "IN":
            alias = self.advance().text
            self.advance()
            collection = self.collection(alias_required=False)
            return n.IterationSource(alias, collection, position)
        source = self.collection(alias_required=True)
        return source

    def collection(self, alias_required: bool) -> n.Node:
        position = self.current.position
        if self.at_op("("):
            self.advance()
            query = self.query()
            self.expect_op(")")
            alias = self.optional_alias()
            return n.SubquerySource(query, alias, position)
        root = self.identifier()
        path: List[object] = []
        while True:
            if self.accept_op("."):
                path.append(self.identifier())
            elif self.at_op("["):
                self.advance()
                token = self.current
                if token.kind not in ("NUMBER", "STRING"):
                    raise self.fail("a FROM path index must be a number or string literal")
                self.advance()
                self.expect_op("]")
                path.append(token.value)
            else:
                break
        alias = self.optional_alias() if alias_required else None
        if alias is None:
            # Without AS, the service names the source after its last property name.
            if not path:
                alias = root
            elif isinstance(path[-1], str):
                alias = path[-1]
            elif alias_required:
                raise self.fail("an alias is required for a FROM path ending in an index")
            else:
                alias = root
        return n.PathSource(root, path, alias, position)

    def optional_alias(self) -> Optional[str]:
        if self.accept_keyword("AS"):
            return self.identifier()
        if self.current.kind == "IDENT":
            return self.advance().text
        return None

    # -------------------------------------------------------------------------------------- expressions
    def expression_list(self) -> List[n.Node]:
        items = [self.expression()]
        while self.accept_op(","):
            items.append(self.expression())
        return items

    def expression(self) -> n.Node:
        position = self.current.position
        condition = self.coalesce()
        if self.accept_op("?"):
            if_true = self.expression()
            self.expect_op(":")
            if_false = self.expression()
            return n.Conditional(condition, if_true, if_false, position)
        return condition

    def coalesce(self) -> n.Node:
        left = self.logical_or()
        while self.at_op("??"):
            token = self.advance()
            left = n.Binary("??", left, self.logical_or(), token.position)
        return left

    def logical_or(self) -> n.Node:
        left = self.logical_and()
        while self.at_keyword("OR"):
            token = self.advance()
            left = n.Binary("OR", left, self.logical_and(), token.position)
        return left

    def logical_and(self) -> n.Node:
        left = self.logical_not()
        while self.at_keyword("AND"):
            token = self.advance()
            left = n.Binary("AND", left, self.logical_not(), token.position)
        return left

    def logical_not(self) -> n.Node:
        if self.at_keyword("NOT"):
            token = self.advance()
            return n.Unary("NOT", self.logical_not(), token.position)
        return self.predicate()

    def predicate(self) -> n.Node:
        position = self.current.position
        value = self.binary(0)
        negated = False
        if self.at_keyword("NOT") and self.peek().kind == "KEYWORD" and self.peek().value in ("IN", "BETWEEN",
                                                                                               "LIKE"):
            self.advance()
            negated = True
        if self.accept_keyword("IN"):
            self.expect_op("(")
            candidates = self.expression_list()
            self.expect_op(")")
            return n.In(value, candidates, negated, position)
        if self.accept_keyword("BETWEEN"):
            low = self.binary(0)
            self.expect_keyword("AND")
            high = self.binary(0)
            return n.Between(value, low, high, negated, position)
        if self.accept_keyword("LIKE"):
            pattern = self.binary(0)
            escape = None
            if self.accept_keyword("ESCAPE"):
                token = self.current
                if token.kind != "STRING":
                    raise self.fail("ESCAPE expects a string literal")
                self.advance()
                escape = token.value
            return n.Like(value, pattern, escape, negated, position)
        if negated:
            raise self.fail()
        return value

    def binary(self, level: int) -> n.Node:
        if level == len(BINARY_LEVELS):
            return self.unary()
        operators = BINARY_LEVELS[level]
        left = self.binary(level + 1)
        while self.current.kind == "OP" and self.current.value in operators:
            token = self.advance()
            left = n.Binary(token.value, left, self.binary(level + 1), token.position)
        return left

    def unary(self) -> n.Node:
        token = self.current
        if token.kind == "OP" and token.value in ("-", "+", "~"):
            self.advance()
            operand = self.unary()
            if token.value == "-" and isinstance(operand, n.Literal) and _is_number(operand.value):
                return n.Literal(-operand.value, token.position)
            if token.value == "+" and isinstance(operand, n.Literal) and _is_number(operand.value):
                return n.Literal(operand.value, token.position)
            return n.Unary(token.value, operand, token.position)
        if self.at_keyword("NOT"):
            self.advance()
            return n.Unary("NOT", self.unary(), token.position)
        return self.postfix()

    def postfix(self) -> n.Node:
        node = self.primary()
        while True:
            if self.at_op("."):
                token = self.advance()
                node = n.PropertyAccess(node, self.identifier(), token.position)
            elif self.at_op("["):
                token = self.advance()
                index = self.expression()
                self.expect_op("]")
                node = n.IndexAccess(node, index, token.position)
            else:
                return node

    def primary(self) -> n.Node:
        token = self.current
        kind, value = token.kind, token.value
        if kind == "NUMBER" or kind == "STRING":
            self.advance()
            return n.Literal(value, token.position)
        if kind == "PARAM":
            self.advance()
            return n.Parameter(value, token.position)
        if kind == "KEYWORD":
            if value in ("true", "false"):
                self.advance()
                return n.Literal(value == "true", token.position)
            if value == "null":
                self.advance()
                return n.Literal(None, token.position)
            if value == "undefined":
                self.advance()
                return n.Literal(UNDEFINED, token.position)
            if value == "udf":
                self.advance()
                self.expect_op(".")
                name = self.identifier()
                return n.FunctionCall(name, self.call_arguments(), True, token.position)
            if value in SUBQUERY_KEYWORDS and self.peek().kind == "OP" and self.peek().value == "(" \
                    and self.peek(2).kind == "KEYWORD" and self.peek(2).value == "SELECT":
                self.advance()
                self.expect_op("(")
                query = self.query()
                self.expect_op(")")
                return n.Subquery(query, value, token.position)
            if value in ("LEFT", "RIGHT") and self.peek().kind == "OP" and self.peek().value == "(":
                self.advance()
                return n.FunctionCall(token.text, self.call_arguments(), False, token.position)
            if value in IDENTIFIER_KEYWORDS:
                return self.name_or_call()
            raise self.fail()
        if kind == "IDENT":
            return self.name_or_call()
        if kind == "OP":
            if value == "(":
                self.advance()
                if self.at_keyword("SELECT"):
                    query = self.query()
                    self.expect_op(")")
                    return n.Subquery(query, "scalar", token.position)
                inner = self.expression()
                self.expect_op(")")
                return inner
            if value == "[":
                self.advance()
                items = [] if self.at_op("]") else self.expression_list()
                self.expect_op("]")
                return n.ArrayConstructor(items, token.position)
            if value == "{":
                return self.object_constructor()
        raise self.fail()

    def name_or_call(self) -> n.Node:
        token = self.advance()
        if self.at_op("("):
            return n.FunctionCall(token.text, self.call_arguments(), False, token.position)
        return n.Identifier(token.text, token.position)

    def call_arguments(self) -> List[n.Node]:
        self.expect_op("(")
        if self.accept_op(")"):
            return []
        arguments = self.expression_list()
        self.expect_op(")")
        return arguments

    def object_constructor(self) -> n.ObjectConstructor:
        start = self.expect_op("{").position
        properties = []
        if not self.at_op("}"):
            while True:
                token = self.current
                if token.kind == "STRING" or token.kind == "IDENT":
                    self.advance()
                    key = token.value if token.kind == "STRING" else token.text
                else:
                    raise self.fail("expected a property name")
                self.expect_op(":")
                properties.append((key, self.expression()))
                if not self.accept_op(","):
                    break
        self.expect_op("}")
        return n.ObjectConstructor(properties, start)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
