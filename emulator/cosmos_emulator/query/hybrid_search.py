"""Hybrid search: ``ORDER BY RANK FullTextScore(...)`` and ``ORDER BY RANK RRF(component, ..., [weights])``.

In one scope the query runs here as a whole: every component (a ``FullTextScore`` or ``VectorDistance``) ranks the
rows, best first (a component whose weight is negative ranks them the other way round), equal scores share a rank,
and a row's reciprocal rank fusion score is the sum over components of ``|weight| / (60 + rank)``.

Across partitions the gateway answers a plan with ``hybridSearchQueryInfo`` instead of ``queryInfo`` (the shape the
service's query plans have, as recorded in the .NET SDK's query plan tests):

* ``globalStatisticsQuery``: per range, the document count and, per full-text component, the word count of its
  path and the documents containing each term, which the client sums over every range;
* ``componentQueryInfos``: one ORDER BY query per component, ``TOP`` twelve times the window, ranking by the
  internal ``_FullTextScore(path, [terms], <statistics placeholders>)`` or ``_VectorScore(...)`` and carrying
  ``{"payload": <projection>, "componentScores": [...]}`` (every component's score, ``??`` the worst value);
* ``componentWeights`` (absolute values, empty when the query names none), ``skip``/``take`` (OFFSET and TOP or
  LIMIT) and ``requiresGlobalStatistics`` (a full-text component is present).

The client fills in the statistics, drains the components on every range, merges rows by ``_rid``, ranks each
component over the merged rows and fuses them as above.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import nodes as n
from .errors import bad_request
from .formatter import format_expression, format_source
from .functions.vector_functions import order_by_similarity
from .projection import projection_names
from .values import is_number

RRF_CONSTANT = 60
COMPONENT_TOP_FACTOR = 12
HYBRID_SEARCH_FEATURE = "HybridSearch"
WEIGHTED_RANK_FUSION_FEATURE = "WeightedRankFusion"
ORDER_BY_FILTER_PLACEHOLDER = "{documentdb-formattableorderbyquery-filter}"
TOTAL_DOCUMENT_COUNT_PLACEHOLDER = "{documentdb-formattablehybridsearchquery-totaldocumentcount}"
WORST_VECTOR_SCORE = "1.79769e+308"
WORST_TEXT_SCORE = "-1"


def is_hybrid_search(query: n.Query) -> bool:
    """ORDER BY RANK over FullTextScore or RRF."""
    if not query.order_by_rank or len(query.order_by) != 1:
        return False
    expression = query.order_by[0].expression
    return isinstance(expression, n.FunctionCall) and not expression.is_udf and \
        expression.name.upper() in ("FULLTEXTSCORE", "RRF")


def components_of(call: n.FunctionCall) -> Tuple[List[n.Node], Optional[List[float]]]:
    """The scoring components of an ORDER BY RANK expression and the weights an RRF names (a trailing array)."""
    if call.name.upper() != "RRF":
        return [call], None
    arguments = list(call.arguments)
    weights = None
    if arguments and isinstance(arguments[-1], n.ArrayConstructor):
        items = arguments.pop().items
        if not all(isinstance(item, n.Literal) and is_number(item.value) for item in items):
            raise bad_request("The weights of RRF must be an array of numbers.")
        weights = [float(item.value) for item in items]
    if len(arguments) < 2:
        raise bad_request("RRF needs at least two scoring components.")
    if weights is not None and len(weights) != len(arguments):
        raise bad_request("RRF weights must have one number per scoring component.")
    for argument in arguments:
        if not (isinstance(argument, n.FunctionCall) and not argument.is_udf
                and argument.name.upper() in ("FULLTEXTSCORE", "VECTORDISTANCE")):
            raise bad_request("The components of RRF must be FullTextScore or VectorDistance calls.")
    return arguments, weights


def best_first(component: n.Node, weight: float) -> bool:
    """Whether a component ranks larger scores first: full-text scores and similarities do, distances do not; a
    negative weight reverses it."""
    return order_by_similarity(component) != (weight < 0)


def fused_scores(scores: Sequence[Sequence[Any]], descending: Sequence[bool], weights: Sequence[float]) -> List[float]:
    """Reciprocal rank fusion of ``scores[component][row]`` (undefined scores rank last)."""
    rows = len(scores[0]) if scores else 0
    fused = [0.0] * rows
    for component_scores, larger_first, weight in zip(scores, descending, weights):
        worst = float("-inf") if larger_first else float("inf")
        values = [score if is_number(score) else worst for score in component_scores]
        order = sorted(range(rows), key=lambda row: values[row], reverse=larger_first)
        rank, previous = 0, None
        for position, row in enumerate(order):
            if position == 0 or values[row] != previous:
                rank += 1
                previous = values[row]
            fused[row] += abs(weight) / (RRF_CONSTANT + rank)
    return fused


# ------------------------------------------------------------------------------------------------ plans
def hybrid_search_features(info: Dict[str, Any]) -> List[str]:
    """Client features a hybrid search plan needs: HybridSearch, and WeightedRankFusion when RRF names weights
    (the service refuses a client that lacks it: "Query contained WeightedRankFusion, ...")."""
    return [HYBRID_SEARCH_FEATURE] + ([WEIGHTED_RANK_FUSION_FEATURE] if info["componentWeights"] else [])


def hybrid_search_query_info(query: n.Query, top: Optional[int], offset: Optional[int],
                             limit: Optional[int]) -> Dict[str, Any]:
    """The ``hybridSearchQueryInfo`` of a hybrid search query."""
    alias = _document_alias(query)
    components, weights = components_of(query.order_by[0].expression)
    statistics: List[str] = []
    scores: List[Tuple[str, bool, str, bool]] = []   # (score text, larger first, worst value, sorts as written)
    for index, component in enumerate(components):
        weight = weights[index] if weights else 1.0
        larger_first = best_first(component, weight)
        if component.name.upper() == "FULLTEXTSCORE":
            scores.append((_text_score(component, len(statistics)), larger_first,
                           WORST_TEXT_SCORE if larger_first else WORST_VECTOR_SCORE, True))
            statistics.append(_text_statistics(component))
        else:
            text = "_VectorScore(" + ", ".join(format_expression(a) for a in component.arguments) + ")"
            # _VectorScore sorts like VectorDistance: most similar first for cosine and dot product (DESC reverses).
            similarity_first = order_by_similarity(component)
            scores.append((text, larger_first, "-" + WORST_VECTOR_SCORE if larger_first else WORST_VECTOR_SCORE,
                           larger_first != similarity_first))
    skip = offset
    take = top if top is not None else limit
    component_top = COMPONENT_TOP_FACTOR * ((skip or 0) + take) if take is not None else None
    payload = _payload(query.select, alias)
    component_scores = "[" + ", ".join(f"({text} ?? {worst})" for text, _, worst, _ in scores) + "]"
    infos = []
    for text, larger_first, _, descending_keyword in scores:
        infos.append(_component_query_info(query, alias, text, larger_first, descending_keyword, component_top,
                                           payload, component_scores))
    statistics_query = (f"SELECT COUNT(1) AS documentCount, [{', '.join(statistics)}] AS fullTextStatistics\n"
                        f"FROM {format_source(query.source)}")
    return {
        "globalStatisticsQuery": statistics_query,
        "componentQueryInfos": infos,
        "componentWithoutPayloadQueryInfos": [],
        "projectionQueryInfo": None,
        "componentWeights": [abs(weight) for weight in weights] if weights else [],
        "skip": skip,
        "take": take,
        "requiresGlobalStatistics": bool(statistics),
    }


def _text_terms(call: n.FunctionCall) -> List[n.Node]:
    terms = call.arguments[1:]
    if len(terms) == 1 and isinstance(terms[0], n.ArrayConstructor):
        return list(terms[0].items)
    return list(terms)


def _text_score(call: n.FunctionCall, index: int) -> str:
    path = format_expression(call.arguments[0])
    terms = ", ".join(format_expression(term) for term in _text_terms(call))
    return (f"_FullTextScore({path}, [{terms}], {TOTAL_DOCUMENT_COUNT_PLACEHOLDER}, "
            f"{{documentdb-formattablehybridsearchquery-totalwordcount-{index}}}, "
            f"{{documentdb-formattablehybridsearchquery-hitcountsarray-{index}}})")


def _text_statistics(call: n.FunctionCall) -> str:
    path = format_expression(call.arguments[0])
    hits = ", ".join(f"COUNTIF(FullTextContains({path}, {format_expression(term)}))" for term in _text_terms(call))
    return '{"totalWordCount": SUM(_FullTextWordCount(%s)), "hitCounts": [%s]}' % (path, hits)


def _payload(select: n.SelectClause, alias: str) -> str:
    if select.star:
        return alias
    if select.value is not None:
        return format_expression(select.value)
    names = projection_names(select.items)
    return "{" + ", ".join(f"{json.dumps(name)}: {format_expression(item.expression)}"
                           for name, item in zip(names, select.items)) + "}"


def _component_query_info(query: n.Query, alias: str, score: str, larger_first: bool, descending_keyword: bool,
                          top: Optional[int], payload: str, component_scores: str) -> Dict[str, Any]:
    conditions = f"({ORDER_BY_FILTER_PLACEHOLDER})"
    if query.where is not None:
        conditions = f"({format_expression(query.where)} AND {conditions})"
    head = "SELECT " + (f"TOP {top} " if top is not None else "")
    suffix = " DESC" if descending_keyword else ""
    text = "\n".join([
        f'{head}{alias}._rid, [{{"item": {score}}}] AS orderByItems, '
        f'{{"payload": {payload}, "componentScores": {component_scores}}} AS payload',
        "FROM " + format_source(query.source) + "".join(" JOIN " + format_source(j) for j in query.joins),
        "WHERE " + conditions,
        f"ORDER BY {score}{suffix}"])
    return {
        "distinctType": "None", "top": top, "offset": None, "limit": None,
        "orderBy": ["Descending" if larger_first else "Ascending"], "orderByExpressions": [score],
        "groupByExpressions": [], "groupByAliases": [], "aggregates": [], "groupByAliasToAggregateType": {},
        "rewrittenQuery": text, "hasSelectValue": query.select.value is not None, "dCountInfo": None,
        "hasNonStreamingOrderBy": True,
    }


def _document_alias(query: n.Query) -> str:
    source = query.source
    if isinstance(source, (n.PathSource, n.IterationSource)) and source.alias:
        return source.alias
    raise bad_request("A hybrid search query needs a FROM clause over the container.")
