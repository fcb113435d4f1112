"""Query plans: what the gateway tells a client about a cross-partition query it will not run itself.

A plan (``x-ms-cosmos-is-query-plan-request: True``) is
``{"partitionedQueryExecutionInfoVersion": 2, "queryInfo": {...}, "queryRanges": [...]}``. ``queryInfo`` names
the client-side pipeline stages (DISTINCT, TOP, OFFSET/LIMIT, ORDER BY, aggregates, GROUP BY) and carries the
``rewrittenQuery`` that each partition-key range must run so that the client can merge the partial results.
The rewritten forms are the service's:

* ORDER BY: ``SELECT <alias>._rid, [{"item": <key>}, ...] AS orderByItems, <projection> AS payload FROM ...
  WHERE ({documentdb-formattableorderbyquery-filter}) ORDER BY ...`` (the client replaces the placeholder);
* VALUE aggregates: ``SELECT VALUE [{"item": <partial>}] FROM ...`` where AVG is sent as
  ``{"sum": SUM(x), "count": COUNT(x)}`` and MIN/MAX carry an extra ``item2`` with the count;
* other aggregates and GROUP BY: ``SELECT [{"item": <group key>}, ...] AS groupByItems,
  {<alias>: <expr or {"item": <partial>}>, ...} AS payload FROM ... GROUP BY ...``;
* OFFSET/LIMIT: each range runs ``OFFSET 0 LIMIT offset+limit``; TOP is dropped where the merge must see
  more rows (DISTINCT, aggregates).

A feature the client did not declare in ``x-ms-cosmos-supported-query-features`` answers 400 as the service
does.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping

from ..errors import SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE, CosmosError, errors_message
from . import PreparedQuery, prepare
from . import nodes as n
from .analysis import pinned_partition_key, root_alias
from .errors import bad_request
from .evaluator import is_aggregate_call
from .executor import aggregate_calls_in
from .formatter import format_expression, format_query, format_source
from .functions.vector_functions import order_by_similarity
from .hybrid_search import hybrid_search_features, hybrid_search_query_info, is_hybrid_search
from .projection import projection_names
from .result import GatewayQueryResult
from .source import OPTIONAL_COMPUTED_PROPERTIES, OPTIONAL_VECTOR_EMBEDDINGS, QuerySource

PLAN_VERSION = 2
ORDER_BY_FILTER_PLACEHOLDER = "{documentdb-formattableorderbyquery-filter}"
HEADER_SUPPORTED_FEATURES = "x-ms-cosmos-supported-query-features"
MIN_EPK = ""
MAX_EPK = "FF"

AGGREGATE_OPERATORS = {"COUNT": "Count", "SUM": "Sum", "AVG": "Average", "MIN": "Min", "MAX": "Max",
                       "MAKELIST": "MakeList", "MAKESET": "MakeSet", "COUNTIF": "CountIf"}
UNSUPPORTED_FEATURES_MESSAGE = ("Query contains 1 or more unsupported features. Upgrade your SDK to a version "
                                "that does support the requested features:")
COMPOSITION_MESSAGE = "Compositions of aggregates and other expressions are not allowed."


def query_plan_response(sql: str, parameters: List[Dict[str, Any]], headers: Mapping[str, str],
                        source: QuerySource):
    """Answer a query-plan request.

    :raises CosmosError: 400 for an invalid query, or when it needs a feature the client did not declare.
    """
    prepared = prepare(sql, parameters, udfs=source.udf_resolver(),
                       computed=getattr(source, OPTIONAL_COMPUTED_PROPERTIES, None),
                       embeddings=getattr(source, OPTIONAL_VECTOR_EMBEDDINGS, None))
    plan = build_query_plan(prepared, source)
    declared = {feature.strip() for feature in (headers.get(HEADER_SUPPORTED_FEATURES) or "").split(",")
                if feature.strip()}
    needed = (hybrid_search_features(plan["hybridSearchQueryInfo"]) if "hybridSearchQueryInfo" in plan
              else required_features(plan["queryInfo"]))
    missing = [feature for feature in needed if feature not in declared]
    if missing:
        text = "\r\n".join([UNSUPPORTED_FEATURES_MESSAGE] + [
            f"Query contained {feature}, which the calling client does not support." for feature in missing])
        raise CosmosError(400, "BadRequest", text, SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE)
    return GatewayQueryResult(items=None, plan=plan, continuation=None, documents_scanned=0, headers={})


def build_query_plan(prepared: PreparedQuery, source: QuerySource) -> Dict[str, Any]:
    """The plan document of a prepared query over ``source``: ``queryInfo``, or for hybrid search (ORDER BY RANK)
    ``hybridSearchQueryInfo`` in its place, as the service answers them."""
    if is_hybrid_search(prepared.syntax):
        compiled = prepared.compiled
        return {
            "partitionedQueryExecutionInfoVersion": PLAN_VERSION,
            "hybridSearchQueryInfo": hybrid_search_query_info(prepared.syntax, compiled.top, compiled.offset,
                                                              compiled.limit),
            "queryRanges": query_ranges(prepared, source),
        }
    return {
        "partitionedQueryExecutionInfoVersion": PLAN_VERSION,
        "queryInfo": _QueryInfoBuilder(prepared).build(),
        "queryRanges": query_ranges(prepared, source),
    }


def required_features(query_info: Dict[str, Any]) -> List[str]:
    """Client pipeline features a plan needs, in the order the service reports them."""
    features: List[str] = []
    aggregates = list(query_info["aggregates"])
    aliased = [kind for kind in query_info["groupByAliasToAggregateType"].values() if kind]
    if aggregates or aliased:
        if len(aggregates) == 1 or len(aliased) == 1:
            features.append("Aggregate" if query_info["hasSelectValue"] else "NonValueAggregate")
        else:
            features.extend(["NonValueAggregate", "MultipleAggregates"])
        if "CountIf" in aggregates + aliased:
            features.append("CountIf")
    if query_info["distinctType"] != "None":
        features.append("Distinct")
    if query_info["top"] is not None:
        features.append("Top")
    if query_info["orderBy"]:
        if query_info["hasNonStreamingOrderBy"]:
            features.append("NonStreamingOrderBy")
        else:
            features.append("OrderBy" if len(query_info["orderBy"]) == 1 else "MultipleOrderBy")
    if query_info["offset"] is not None or query_info["limit"] is not None:
        features.append("OffsetAndLimit")
    if query_info["groupByExpressions"]:
        features.append("GroupBy")
    return features


def query_ranges(prepared: PreparedQuery, source: QuerySource) -> List[Dict[str, Any]]:
    """EPK ranges the query touches: one point range when the filter pins the partition key."""
    pinned = pinned_partition_key(prepared.syntax, source.partition_key_definition, prepared.context.parameters)
    if pinned is not None:
        epk = source.effective_partition_key(pinned)
        return [{"min": epk, "max": epk, "isMinInclusive": True, "isMaxInclusive": True}]
    return [{"min": MIN_EPK, "max": MAX_EPK, "isMinInclusive": True, "isMaxInclusive": False}]


def needs_client_aggregation_of_non_values(prepared: PreparedQuery) -> bool:
    """GROUP BY or an aggregate outside ``SELECT VALUE``: the gateway refuses these across partitions with a
    plain 400 rather than 400/1004."""
    compiled = prepared.compiled
    return bool(prepared.syntax.group_by) or (compiled.grouped and prepared.syntax.select.value is None)


class _QueryInfoBuilder:
    def __init__(self, prepared: PreparedQuery):
        self.prepared = prepared
        self.query: n.Query = prepared.syntax
        self.compiled = prepared.compiled

    def build(self) -> Dict[str, Any]:
        query, compiled, select = self.query, self.compiled, self.query.select
        info: Dict[str, Any] = {
            "distinctType": self._distinct_type(),
            "top": compiled.top,
            "offset": compiled.offset,
            "limit": compiled.limit,
            "orderBy": [],
            "orderByExpressions": [],
            "groupByExpressions": [format_expression(node) for node in query.group_by],
            "groupByAliases": [],
            "aggregates": [],
            "groupByAliasToAggregateType": {},
            "rewrittenQuery": "",
            "hasSelectValue": select.value is not None,
            "dCountInfo": None,
            "hasNonStreamingOrderBy": False,
        }
        # Without GROUP BY an aggregate query has one row whatever the order, so its plan is the aggregate's and
        # the ORDER BY is left out (GROUP BY with ORDER BY is refused when the query is compiled).
        for item in ([] if compiled.grouped else query.order_by):
            descending = item.descending != order_by_similarity(item.expression)
            info["orderBy"].append("Descending" if descending else "Ascending")
            info["orderByExpressions"].append(format_expression(item.expression))
            if isinstance(item.expression, n.FunctionCall):
                info["hasNonStreamingOrderBy"] = True
        if compiled.grouped:
            self._aggregate_info(info)
        info["rewrittenQuery"] = self._rewritten_query(info)
        return info

    def _distinct_type(self) -> str:
        select = self.query.select
        if not select.distinct:
            return "None"
        if self.query.source is None and select.value is not None and _is_constant(select.value):
            return "None"
        order_by = [] if self.compiled.grouped else self.query.order_by
        if select.value is not None and len(order_by) == 1 and root_alias(self.query) is not None \
                and _is_path(select.value) and format_expression(select.value) == format_expression(
                    order_by[0].expression):
            return "Ordered"
        return "Unordered"

    def _aggregate_info(self, info: Dict[str, Any]) -> None:
        select = self.query.select
        if select.value is not None:
            _check_composition(select.value)
            if is_aggregate_call(select.value):
                info["aggregates"] = [AGGREGATE_OPERATORS[select.value.name.upper()]]
            return
        names = projection_names(select.items)
        info["groupByAliases"] = names
        for name, item in zip(names, select.items):
            _check_composition(item.expression)
            kind = AGGREGATE_OPERATORS[item.expression.name.upper()] if is_aggregate_call(item.expression) else None
            info["groupByAliasToAggregateType"][name] = kind

    # ------------------------------------------------------------------------------------------ rewriting
    def _rewritten_query(self, info: Dict[str, Any]) -> str:
        query = self.query
        if isinstance(query.source, n.SubquerySource) and not self.compiled.is_streamable:
            raise bad_request("The emulator cannot plan this cross-partition query: a FROM subquery over the "
                              "container combined with ORDER BY, TOP, OFFSET/LIMIT, DISTINCT or aggregates "
                              "(for example a DCOUNT) is not supported. Run it with a partition key.")
        if self.compiled.grouped:
            return self._aggregate_rewrite(info)
        if query.order_by:
            return self._order_by_rewrite(info)
        if info["distinctType"] != "None":
            if info["top"] is None and info["offset"] is None:
                return ""
            return self._text(select=_without_top(query.select), keep_offset=False)
        if info["offset"] is not None:
            return self._text(select=query.select, keep_offset=True)
        return ""

    def _text(self, select: n.SelectClause, keep_offset: bool) -> str:
        """This query with another SELECT clause and, per range, ``OFFSET 0 LIMIT offset+limit``."""
        query = self.query
        rewritten = n.Query(select=select, source=query.source, joins=query.joins, where=query.where)
        lines = format_query(rewritten).split("\n")
        if keep_offset and self.compiled.offset is not None:
            lines.append(f"OFFSET 0 LIMIT {self.compiled.offset + self.compiled.limit}")
        return "\n".join(lines)

    def _order_by_rewrite(self, info: Dict[str, Any]) -> str:
        query, select = self.query, self.query.select
        alias = _document_alias(query)
        items = ", ".join('{"item": %s}' % format_expression(item.expression) for item in query.order_by)
        conditions = f"({ORDER_BY_FILTER_PLACEHOLDER})"
        if query.where is not None:
            conditions = f"({format_expression(query.where)} AND {conditions})"
        if select.star:
            payload = alias
        elif select.value is not None:
            payload = format_expression(select.value)
            conditions = f"({conditions} AND IS_DEFINED({payload}))"
        else:
            names = projection_names(select.items)
            payload = "{" + ", ".join(f"{json.dumps(name)}: {format_expression(item.expression)}"
                                      for name, item in zip(names, select.items)) + "}"
        head = "SELECT "
        if select.top is not None and not select.distinct:
            head += f"TOP {format_expression(select.top)} "
        head += f"{alias}._rid, [{items}] AS orderByItems, {payload} AS payload"
        lines = [head, "FROM " + _from_text(query), "WHERE " + conditions, _order_by_text(query)]
        if self.compiled.offset is not None:
            lines.append(f"OFFSET 0 LIMIT {self.compiled.offset + self.compiled.limit}")
        return "\n".join(lines)

    def _aggregate_rewrite(self, info: Dict[str, Any]) -> str:
        query, select = self.query, self.query.select
        lines: List[str] = []
        if not query.group_by and select.value is not None:
            lines.append(f"SELECT VALUE [{_partial(select.value)}]")
        else:
            parts = []
            if query.group_by:
                keys = ", ".join('{"item": %s}' % format_expression(node) for node in query.group_by)
                parts.append(f"[{keys}] AS groupByItems")
            if select.value is not None:
                payload = (f"[{_partial(select.value)}]" if is_aggregate_call(select.value)
                           else format_expression(select.value))
            else:
                payload = "{" + ", ".join(
                    f"{json.dumps(name)}: " + (_partial(item.expression) if is_aggregate_call(item.expression)
                                               else format_expression(item.expression))
                    for name, item in zip(info["groupByAliases"], select.items)) + "}"
            parts.append(f"{payload} AS payload")
            lines.append("SELECT " + ", ".join(parts))
        lines.append("FROM " + _from_text(query))
        if query.where is not None:
            lines.append("WHERE " + format_expression(query.where))
        if query.group_by:
            lines.append("GROUP BY " + ", ".join(format_expression(node) for node in query.group_by))
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- helpers
def _partial(call: n.FunctionCall) -> str:
    """``{"item": ...}`` form of an aggregate that ranges compute and the client merges."""
    kind = call.name.upper()
    argument = ", ".join(format_expression(a) for a in call.arguments)
    if kind == "AVG":
        return '{"item": {"sum": SUM(%s), "count": COUNT(%s)}}' % (argument, argument)
    if kind in ("MIN", "MAX"):
        lower = kind.lower()
        return '{"item": %s(%s), "item2": {"%s": %s(%s), "count": COUNT(%s)}}' % (
            call.name, argument, lower, kind, argument, argument)
    return '{"item": %s(%s)}' % (call.name, argument)


def _check_composition(expression: n.Node) -> None:
    if is_aggregate_call(expression):
        return
    if aggregate_calls_in(expression):
        raise bad_request(errors_message(COMPOSITION_MESSAGE))


def _without_top(select: n.SelectClause) -> n.SelectClause:
    return n.SelectClause(items=select.items, star=select.star, value=select.value, distinct=select.distinct,
                          top=None, position=select.position)


def _document_alias(query: n.Query) -> str:
    source = query.source
    if isinstance(source, (n.PathSource, n.IterationSource, n.SubquerySource)) and source.alias:
        return source.alias
    raise bad_request("The emulator cannot plan a cross-partition ORDER BY without a FROM clause.")


def _from_text(query: n.Query) -> str:
    return format_source(query.source) + "".join(" JOIN " + format_source(join) for join in query.joins)


def _order_by_text(query: n.Query) -> str:
    rank = "RANK " if query.order_by_rank else ""
    return "ORDER BY " + rank + ", ".join(format_expression(item.expression) + (" DESC" if item.descending else "")
                                          for item in query.order_by)


def _is_constant(expression: n.Node) -> bool:
    return not any(isinstance(node, (n.Identifier, n.Subquery, n.FunctionCall)) for node in n.walk(expression))


def _is_path(expression: n.Node) -> bool:
    node = expression
    while isinstance(node, (n.PropertyAccess, n.IndexAccess)):
        node = node.target
    return isinstance(node, n.Identifier) and node is not expression
