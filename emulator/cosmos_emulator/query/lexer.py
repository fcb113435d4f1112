"""Tokenizer for the Cosmos DB NoSQL query language.

Keywords are case-insensitive except ``true``, ``false``, ``null``, ``undefined`` and ``udf``, which the
service only accepts in lower case. Identifiers are ``[A-Za-z_][A-Za-z0-9_]*``; parameters are ``@name``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

from .errors import invalid_token, syntax_error

# Keywords matched regardless of case.
CASE_INSENSITIVE_KEYWORDS = frozenset({
    "ALL", "AND", "ARRAY", "AS", "ASC", "BETWEEN", "BY", "DESC", "DISTINCT", "ESCAPE", "EXISTS", "FIRST",
    "FROM", "GROUP", "IN", "JOIN", "LAST", "LEFT", "LIKE", "LIMIT", "NOT", "OFFSET", "OR", "ORDER", "RANK",
    "RIGHT", "SELECT", "TOP", "VALUE", "WHERE",
})
# Keywords the service recognises only in lower case; other spellings are plain identifiers.
CASE_SENSITIVE_KEYWORDS = frozenset({"true", "false", "null", "undefined", "udf"})

# Keywords that may still be used where an identifier is expected (per the service grammar), plus
# LEFT/RIGHT which double as function names.
IDENTIFIER_KEYWORDS = frozenset({"ALL", "FIRST", "LAST"})

# Longest operators first so that the scanner is greedy.
OPERATORS = (
    ">>>", "??", "||", "<=", ">=", "!=", "<>", "<<", ">>",
    "(", ")", "[", "]", "{", "}", ",", ".", ":", "?", "+", "-", "*", "/", "%", "=", "<", ">", "|", "&", "^", "~",
)


@dataclass(frozen=True)
class Token:
    """One lexical token.

    :param kind: ``KEYWORD``, ``IDENT``, ``NUMBER``, ``STRING``, ``PARAM``, ``OP`` or ``EOF``.
    :param value: keyword in upper case (or the lower-case literal keyword), identifier text, decoded string,
        numeric value, parameter name with its ``@``, or operator text.
    :param position: zero-based character offset in the query text.
    :param text: the raw source text of the token.
    """
    kind: str
    value: object
    position: int
    text: str


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def tokenize(sql: str) -> List[Token]:
    """Split query text into tokens, ending with an ``EOF`` token.

    :param sql: the query text.
    :raises CosmosError: 400 on a character or literal the language does not allow.
    """
    tokens: List[Token] = []
    length = len(sql)
    index = 0
    while index < length:
        char = sql[index]
        if char in " \t\r\n":
            index += 1
            continue
        if sql.startswith("--", index):
            newline = sql.find("\n", index)
            index = length if newline < 0 else newline + 1
            continue
        start = index
        if char.isalpha() or char == "_":
            while index < length and (sql[index].isalnum() or sql[index] == "_") and sql[index].isascii():
                index += 1
            word = sql[start:index]
            if word.upper() in CASE_INSENSITIVE_KEYWORDS:
                tokens.append(Token("KEYWORD", word.upper(), start, word))
            elif word in CASE_SENSITIVE_KEYWORDS:
                tokens.append(Token("KEYWORD", word, start, word))
            else:
                tokens.append(Token("IDENT", word, start, word))
            continue
        if char == "@":
            index += 1
            while index < length and (sql[index].isalnum() or sql[index] == "_") and sql[index].isascii():
                index += 1
            if index == start + 1:
                raise syntax_error(sql, start, "a parameter name must follow '@'")
            tokens.append(Token("PARAM", sql[start:index], start, sql[start:index]))
            continue
        if char.isdigit() or (char == "." and index + 1 < length and sql[index + 1].isdigit()):
            index = _scan_number(sql, index)
            text = sql[start:index]
            tokens.append(Token("NUMBER", _number_value(text), start, text))
            continue
        if char in "'\"":
            value, index = _scan_string(sql, index)
            tokens.append(Token("STRING", value, start, sql[start:index]))
            continue
        for operator in OPERATORS:
            if sql.startswith(operator, index):
                tokens.append(Token("OP", "!=" if operator == "<>" else operator, start, operator))
                index += len(operator)
                break
        else:
            raise invalid_token(sql, start)
    tokens.append(Token("EOF", None, length, ""))
    return tokens


def _scan_number(sql: str, index: int) -> int:
    length = len(sql)
    while index < length and sql[index].isdigit():
        index += 1
    if index < length and sql[index] == ".":
        index += 1
        while index < length and sql[index].isdigit():
            index += 1
    if index < length and sql[index] in "eE":
        probe = index + 1
        if probe < length and sql[probe] in "+-":
            probe += 1
        if probe < length and sql[probe].isdigit():
            index = probe
            while index < length and sql[index].isdigit():
                index += 1
    return index


def _number_value(text: str):
    if any(marker in text for marker in ".eE"):
        value = float(text)
        if value.is_integer() and abs(value) < 2 ** 53:
            return int(value)
        return value
    value = int(text)
    # Integers the service cannot hold in 64 bits become doubles.
    return value if -2 ** 63 <= value < 2 ** 63 else float(value)


def _scan_string(sql: str, index: int):
    quote = sql[index]
    index += 1
    pieces = []
    length = len(sql)
    while True:
        if index >= length:
            raise syntax_error(sql, index, "unterminated string literal")
        char = sql[index]
        if char == quote:
            text = "".join(pieces)
            # \u escapes may spell UTF-16 surrogate pairs; join them into one code point.
            if any("\ud800" <= c <= "\udfff" for c in text):
                text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return text, index + 1
        if char == "\\":
            if index + 1 >= length:
                raise syntax_error(sql, index, "unterminated string literal")
            escaped = sql[index + 1]
            if escaped in _ESCAPES:
                pieces.append(_ESCAPES[escaped])
                index += 2
                continue
            if escaped == "u":
                digits = sql[index + 2:index + 6]
                if len(digits) != 4 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                    raise syntax_error(sql, index, "invalid \\u escape in string literal")
                pieces.append(chr(int(digits, 16)))
                index += 6
                continue
            raise syntax_error(sql, index, f"invalid escape sequence '\\{escaped}' in string literal")
        pieces.append(char)
        index += 1
