"""Query errors in the gateway's shape.

The service reports query compilation problems as 400 BadRequest whose message is
``Message: {"errors":[{"severity":"Error","location":{"start":s,"end":e},"code":"SC1001","message":...}]}``;
the location lets a user find the offending text.
"""
from __future__ import annotations

import json
from typing import Optional

from ..errors import CosmosError

SYNTAX_ERROR_CODE = "SC1001"
EMPTY_QUERY_CODE = "SC1002"
INVALID_TOKEN_CODE = "SC1010"
UNRESOLVED_IDENTIFIER_CODE = "SC2001"
UNKNOWN_FUNCTION_CODE = "SC2005"
SEMANTIC_ERROR_CODE = "SC2010"
DUPLICATE_PROPERTY_CODE = "SC2022"
SELECT_STAR_GROUP_BY_CODE = "SC2041"
ARGUMENT_COUNT_CODE = "SC2050"
TOP_VALUE_CODE = "SC2060"
LIMIT_VALUE_CODE = "SC2061"
OFFSET_VALUE_CODE = "SC2062"
NESTED_AGGREGATE_CODE = "SC2101"
UNGROUPED_REFERENCE_CODE = "SC2102"
# Numeric codes (no location) used by the service for execution-time and ORDER BY mapping errors.
DIVISION_BY_ZERO_CODE = 4001
ORDER_BY_NOT_A_PATH_CODE = 2206


def query_error(code: str, text: str, start: int = 0, end: Optional[int] = None) -> CosmosError:
    """A 400 with the service's structured query-error message.

    :param code: the service's error code (``SC1001`` for syntax errors, ``SC2xxx`` for semantic ones).
    :param text: the human-readable explanation.
    :param start: offset of the offending text in the query.
    :param end: end offset (exclusive) of the offending text.
    """
    entry = {"severity": "Error", "location": {"start": start, "end": end if end is not None else start},
             "code": code, "message": text}
    return CosmosError(400, "BadRequest", "Message: " + json.dumps({"errors": [entry]}, separators=(",", ":")))


def syntax_error(sql: str, position: int, detail: Optional[str] = None, end: Optional[int] = None) -> CosmosError:
    """A syntax error near ``position`` in ``sql``.

    :param sql: the whole query text.
    :param position: offset of the first offending character.
    :param detail: extra explanation appended to the service's standard wording.
    :param end: end offset of the offending token, when known.
    """
    if end is None:
        end = position
        while end < len(sql) and not sql[end].isspace():
            end += 1
        end = max(end, position + 1) if position < len(sql) else position
    near = sql[position:end] if position < len(sql) else "<end of query>"
    text = f"Syntax error, incorrect syntax near '{near}'."
    if detail:
        text += f" ({detail})"
    return query_error(SYNTAX_ERROR_CODE, text, position, min(end, len(sql)))


def semantic_error(text: str, start: int = 0, end: Optional[int] = None,
                   code: str = SEMANTIC_ERROR_CODE) -> CosmosError:
    """A query that parses but cannot be compiled (unknown identifier, misplaced aggregate, ...)."""
    return query_error(code, text, start, end)


def invalid_token(sql: str, position: int) -> CosmosError:
    """A character the language has no token for (e.g. a trailing ``;``)."""
    return query_error(INVALID_TOKEN_CODE, f"Syntax error, invalid token '{sql[position]}'.", position, position + 1)


def unlocated_error(code: int, text: str, substatus: Optional[int] = None) -> CosmosError:
    """An error entry without a location, as the service reports runtime failures."""
    entry = {"severity": "Error", "code": code, "message": text}
    return CosmosError(400, "BadRequest", "Message: " + json.dumps({"errors": [entry]}, separators=(",", ":")),
                       substatus)


def division_by_zero() -> CosmosError:
    return unlocated_error(DIVISION_BY_ZERO_CODE, "Division by zero.", DIVISION_BY_ZERO_CODE)


def bad_request(message: str, substatus: Optional[int] = None) -> CosmosError:
    """A plain 400 (used for gateway-level rules rather than query compilation)."""
    return CosmosError(400, "BadRequest", message, substatus)
