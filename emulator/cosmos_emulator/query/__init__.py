"""The emulator's Cosmos DB NoSQL query engine.

``prepare(sql, parameters)`` parses and binds a query once; ``PreparedQuery.run(documents)`` evaluates it
with the service's whole-query semantics. :mod:`.gateway` adds the gateway's partition scoping, paging,
continuation and query-plan behaviour on top.

Modules: :mod:`.lexer` and :mod:`.parser` (grammar, producing :mod:`.nodes`), :mod:`.evaluator` (scalar
expressions), :mod:`.executor` (clauses), :mod:`.functions` (built-ins), :mod:`.aggregates`,
:mod:`.planner` (query plans and rewritten queries), :mod:`.gateway`, :mod:`.source` (storage interface).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

from .computed import Definitions, expand
from .vector_policy import Embeddings
from .vector_policy import apply as apply_vector_policy
from .errors import EMPTY_QUERY_CODE, bad_request, query_error
from .evaluator import QueryContext
from .executor import CompiledQuery
from .parser import parse_query
from .source import QuerySource, UdfResolver
from .values import UNDEFINED

_PARAMETER_NAME = re.compile(r"^@[A-Za-z_][A-Za-z0-9_]*$")

__all__ = ["prepare", "PreparedQuery", "QuerySource", "UdfResolver", "UNDEFINED", "bind_parameters"]


def bind_parameters(parameters: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Turn the request's ``[{"name": "@x", "value": ...}]`` into ``{"@x": value}``.

    :raises CosmosError: 400 when an entry is malformed.
    """
    bound: Dict[str, Any] = {}
    for entry in parameters or []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not _PARAMETER_NAME.match(name):
            raise bad_request("Parameter names should be in the format of symbol '@' followed by a valid "
                              "identifier.")
        if name in bound:
            raise bad_request(f"Specified duplicate parameter name '{name}'.")
        # A parameter sent without a value is bound to undefined, as in the service.
        bound[name] = entry.get("value", UNDEFINED)
    return bound


class PreparedQuery:
    """A parsed, bound query ready to run over documents.

    :param sql: the query text.
    :param parameters: the request's parameter list.
    :param udfs: resolver for ``udf.name(...)`` calls.
    :param computed: the container's computed properties (see :mod:`.computed`), expanded where the query
        names them.
    :param embeddings: the container's vector embeddings (see :mod:`.vector_policy`), whose distance function
        ``VectorDistance`` uses by default.
    """

    def __init__(self, sql: str, parameters: Optional[List[Dict[str, Any]]] = None, *,
                 udfs: Optional[UdfResolver] = None, computed: Optional[Definitions] = None,
                 embeddings: Optional[Embeddings] = None):
        if not isinstance(sql, str):
            raise bad_request("The query text must be a string.")
        if not sql.strip():
            raise query_error(EMPTY_QUERY_CODE, "Syntax error, unexpected end of file.", 0, len(sql))
        self.sql = sql
        self.syntax = apply_vector_policy(expand(parse_query(sql), computed), embeddings)
        self.context = QueryContext(bind_parameters(parameters), udfs)
        self.compiled = CompiledQuery(self.syntax, self.context)

    @property
    def requires_client_pipeline(self) -> bool:
        """True when a cross-partition execution needs the client's merge pipeline (ORDER BY, TOP,
        OFFSET/LIMIT, DISTINCT, aggregates, GROUP BY)."""
        return not self.compiled.is_streamable

    def run(self, documents: Iterable[Dict[str, Any]]) -> List[Any]:
        """Evaluate the whole query over ``documents`` (in their given order) and return all results.

        Results may share structure with the input documents; callers must not mutate them.
        """
        return self.compiled.run(documents)


def prepare(sql: str, parameters: Optional[List[Dict[str, Any]]] = None, *,
            udfs: Optional[UdfResolver] = None, computed: Optional[Definitions] = None,
            embeddings: Optional[Embeddings] = None) -> PreparedQuery:
    """Parse and bind a query.

    :param sql: the query text.
    :param parameters: ``[{"name": "@x", "value": ...}, ...]``.
    :keyword udfs: resolver for ``udf.name(...)`` calls.
    :keyword computed: the container's computed properties.
    :keyword embeddings: the container's vector embeddings by path.
    :raises CosmosError: 400 BadRequest for syntax or semantic errors.
    """
    return PreparedQuery(sql, parameters, udfs=udfs, computed=computed, embeddings=embeddings)
