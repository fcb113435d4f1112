"""Compiles a whole query (FROM/JOIN/WHERE/GROUP BY/ORDER BY/SELECT/DISTINCT/OFFSET/TOP) and runs it.

The pipeline, per the service's semantics:

1. FROM binds the root alias once per document (or per array element for ``x IN path``); each JOIN
   multiplies the rows by the values its collection yields for that row.
2. WHERE keeps the rows whose condition is exactly ``true``.
3. With GROUP BY or aggregates, rows are grouped and every aggregate is computed per group.
4. ORDER BY sorts with the service's cross-type order (undefined < null < booleans < numbers < strings).
5. SELECT projects (undefined projections are dropped), DISTINCT removes duplicates, then OFFSET/LIMIT and
   TOP cut the result.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from . import nodes as n
from .aggregates import compute_aggregate
from .errors import (LIMIT_VALUE_CODE, NESTED_AGGREGATE_CODE, OFFSET_VALUE_CODE,
                     ORDER_BY_NOT_A_PATH_CODE, SELECT_STAR_GROUP_BY_CODE, TOP_VALUE_CODE, UNGROUPED_REFERENCE_CODE,
                     UNRESOLVED_IDENTIFIER_CODE, semantic_error, unlocated_error)
from .evaluator import (AGGREGATES_KEY, Evaluator, ExpressionCompiler, QueryContext, Row, Scope,
                        is_aggregate_call)
from .formatter import format_expression
from .functions.vector_functions import order_by_similarity
from .hybrid_search import best_first, components_of, fused_scores, is_hybrid_search
from .projection import projection_names
from .values import UNDEFINED, compare_total, hash_key, is_number, order_key

# Alias under which an unnamed FROM subquery is bound (not a valid identifier, so it cannot clash).
ANONYMOUS_ALIAS = "\x00source"


GROUP_BY_WITH_ORDER_BY_MESSAGE = "ORDER BY is not supported in a query with GROUP BY."
# Scores rank only the rows they score (and RRF every row: its fused score is always defined).
SCORE_FUNCTIONS = ("VECTORDISTANCE", "FULLTEXTSCORE", "RRF", "_VECTORSCORE", "_FULLTEXTSCORE")


class CompiledQuery:
    """An executable query.

    :param query: the parsed query.
    :param context: parameters, UDFs, statement time.
    :param outer_aliases: aliases of enclosing queries (empty for a top-level query).
    :param top_level: whether FROM reads the container's documents (``True``) or outer aliases.
    """

    def __init__(self, query: n.Query, context: QueryContext, outer_aliases: FrozenSet[str] = frozenset(),
                 top_level: bool = True):
        self.query = query
        self.context = context
        self.top_level = top_level
        self.expressions = ExpressionCompiler(context, self._compile_subquery)
        self.outer_aliases = outer_aliases
        self.aliases: List[str] = []
        self._container_subquery: Optional["CompiledQuery"] = None
        self._source = self._compile_source(query.source) if query.source is not None else None
        self._joins = [self._compile_join(join) for join in query.joins]
        self.scope = Scope(frozenset(outer_aliases) | frozenset(self.aliases), clause="WHERE")
        self._where = self.expressions.compile(query.where, self.scope) if query.where is not None else None
        self._compile_shape()

    # ------------------------------------------------------------------------------------------ compile
    def _compile_subquery(self, query: n.Query, outer_aliases: FrozenSet[str]) -> "CompiledQuery":
        return CompiledQuery(query, self.context, outer_aliases, top_level=False)

    def _declare(self, alias: str, position: int) -> None:
        if alias in self.aliases:
            raise semantic_error(f"The input set name or alias '{alias}' is specified more than once.", position)
        self.aliases.append(alias)

    def _resolve_root(self, root: str, position: int) -> Optional[str]:
        """For a nested query or a JOIN the path root must be a known alias; at top level the first FROM
        names the container itself (returns ``None``)."""
        if root in self.aliases or root in self.outer_aliases:
            return root
        if self.top_level and not self.aliases:
            return None
        raise semantic_error(f"Identifier '{root}' could not be resolved.", position,
                             position + len(root), code=UNRESOLVED_IDENTIFIER_CODE)

    def _path_reader(self, source: n.PathSource) -> Callable[[Row, Any], Any]:
        """A reader ``(row, document) -> value`` for a path whose root is an alias or the container."""
        root = self._resolve_root(source.root, source.position)
        path = source.path

        def read(row: Row, document: Any) -> Any:
            value = document if root is None else row.get(root, UNDEFINED)
            for segment in path:
                if isinstance(segment, str):
                    value = value.get(segment, UNDEFINED) if isinstance(value, dict) else UNDEFINED
                elif isinstance(value, list) and 0 <= segment < len(value):
                    value = value[segment]
                else:
                    return UNDEFINED
            return value
        return read

    def _compile_source(self, source: n.Node) -> Callable[[Row, Any], Iterator[Row]]:
        """Root FROM source: ``(outer_row, document) -> rows``; ``document`` is the container item at top level."""
        if isinstance(source, n.PathSource):
            read = self._path_reader(source)
            alias = source.alias
            self._declare(alias, source.position)

            def bind_value(outer: Row, document: Any) -> Iterator[Row]:
                value = read(outer, document)
                if value is not UNDEFINED:
                    row = dict(outer)
                    row[alias] = value
                    yield row
            return bind_value
        if isinstance(source, n.IterationSource):
            produce = self._collection_values(source.collection)
            alias = source.alias
            self._declare(alias, source.position)

            def bind_each(outer: Row, document: Any) -> Iterator[Row]:
                for value in produce(outer, document):
                    row = dict(outer)
                    row[alias] = value
                    yield row
            return bind_each
        if isinstance(source, n.SubquerySource):
            inner = CompiledQuery(source.query, self.context, self.outer_aliases, top_level=self.top_level)
            alias = source.alias or ANONYMOUS_ALIAS
            self._declare(alias, source.position)
            # At top level the subquery reads the whole container (e.g. COUNT over a DISTINCT subquery), so
            # the documents are handed over all at once rather than one by one.
            self._container_subquery = inner if self.top_level else None

            def bind_results(outer: Row, documents: Any) -> Iterator[Row]:
                values = inner.run(documents) if self.top_level else inner.values(outer)
                for value in values:
                    row = dict(outer)
                    row[alias] = value
                    yield row
            return bind_results
        raise semantic_error("Unsupported FROM source.", source.position)

    def _collection_values(self, collection: n.Node) -> Callable[[Row, Any], Iterable[Any]]:
        """Values an ``x IN collection`` iterates: the elements of the array at the path, or the results of a
        subquery."""
        if isinstance(collection, n.SubquerySource):
            inner = CompiledQuery(collection.query, self.context,
                                  frozenset(self.outer_aliases) | frozenset(self.aliases), top_level=False)
            return lambda row, document: inner.values(row)
        read = self._path_reader(collection)

        def elements(row: Row, document: Any) -> Iterable[Any]:
            value = read(row, document)
            return value if isinstance(value, list) else ()
        return elements

    def _compile_join(self, join: n.Node) -> Callable[[Row], Iterator[Row]]:
        if isinstance(join, n.IterationSource):
            produce = self._collection_values(join.collection)
            alias = join.alias
        elif isinstance(join, n.SubquerySource):
            inner = CompiledQuery(join.query, self.context,
                                  frozenset(self.outer_aliases) | frozenset(self.aliases), top_level=False)
            produce = lambda row, document: inner.values(row)  # noqa: E731
            alias = join.alias or ANONYMOUS_ALIAS
        else:
            read = self._path_reader(join)

            def produce(row, document):
                value = read(row, document)
                return () if value is UNDEFINED else (value,)
            alias = join.alias
        self._declare(alias, join.position)

        def extend(row: Row) -> Iterator[Row]:
            for value in produce(row, None):
                extended = dict(row)
                extended[alias] = value
                yield extended
        return extend

    def _compile_shape(self) -> None:
        query, select = self.query, self.query.select
        aliases = self.scope.aliases
        self.aggregate_calls = _collect_aggregates(select, query.order_by)
        self.grouped = bool(query.group_by) or bool(self.aggregate_calls)
        if select.star:
            if query.source is None:
                raise semantic_error("'SELECT *' is not valid if FROM clause is omitted.", select.position)
            if query.joins:
                raise semantic_error("'SELECT *' is only valid with a single input set.", select.position)
            if self.grouped:
                raise semantic_error("'SELECT *' is not allowed with GROUP BY.", select.position,
                                     code=SELECT_STAR_GROUP_BY_CODE)
        if query.group_by and query.order_by:
            # The service's documentation: "You can't use GROUP BY with an ORDER BY clause." (its wording of the
            # refusal was not measured; this one names the clause).
            raise semantic_error(GROUP_BY_WITH_ORDER_BY_MESSAGE, query.order_by[0].position)
        for node in query.group_by:
            if aggregate_calls_in(node):
                raise semantic_error("Aggregates are not allowed in the GROUP BY clause.", node.position)
        self._group_keys = [self.expressions.compile(node, Scope(aliases, clause="GROUP BY"))
                            for node in query.group_by]
        slots = {id(call): index for index, call in enumerate(self.aggregate_calls)}
        projection_scope = Scope(aliases, aggregate_slots=slots if self.grouped else None, clause="SELECT")
        if self.grouped:
            _check_grouped_references(select, query.group_by)
            self._aggregate_arguments = [
                [self.expressions.compile(argument, Scope(aliases, clause="aggregate"))
                 for argument in call.arguments] for call in self.aggregate_calls]
        self._projection = self._compile_projection(select, projection_scope)
        for item in query.order_by:
            if not is_sortable_expression(item.expression, query.order_by_rank):
                raise unlocated_error(ORDER_BY_NOT_A_PATH_CODE, "Unsupported ORDER BY clause. ORDER BY item "
                                                                "expression could not be mapped to a document path.")
        order_scope = Scope(aliases, aggregate_slots=projection_scope.aggregate_slots, clause="ORDER BY")
        # ORDER BY RANK RRF(...) fuses the ranks of its components over every row (query/hybrid_search.py).
        self._fusion: Optional[Tuple[List[Evaluator], List[bool], List[float]]] = None
        if is_hybrid_search(query) and query.order_by[0].expression.name.upper() == "RRF":
            components, weights = components_of(query.order_by[0].expression)
            weights = weights or [1.0] * len(components)
            self._fusion = ([self.expressions.compile(component, order_scope) for component in components],
                            [best_first(component, weight) for component, weight in zip(components, weights)],
                            weights)
            self._sort_keys = [(lambda row: UNDEFINED, True)]
        else:
            self._sort_keys = [(self.expressions.compile(item.expression, order_scope),
                                item.descending != order_by_similarity(item.expression))
                               for item in query.order_by]
        # Scores (VectorDistance, FullTextScore, RRF) rank only the documents they score: a row whose score is
        # undefined (no vector, a vector of other dimensions) is left out rather than sorted first.
        self._score_positions = [position for position, item in enumerate(query.order_by)
                                 if isinstance(item.expression, n.FunctionCall) and not item.expression.is_udf
                                 and item.expression.name.upper() in SCORE_FUNCTIONS]
        self.distinct = select.distinct
        self.top = self._count(select.top, TOP_VALUE_CODE,
                               "The count value provided for a TOP clause must be an integer.")
        self.offset = self._count(query.offset, OFFSET_VALUE_CODE,
                                  "The OFFSET count value exceeds the maximum allowed value.")
        self.limit = self._count(query.limit, LIMIT_VALUE_CODE,
                                 "The LIMIT count value exceeds the maximum allowed value.")
        self.resume_filter: Optional[Dict[str, Any]] = None
        # When FROM binds whole container documents and nothing multiplies rows, one row per document is
        # built directly (the hot path of most queries).
        source = query.source
        self._whole_document_alias = (source.alias if self.top_level and isinstance(source, n.PathSource)
                                      and not source.path and not self._joins else None)

    def _count(self, node: Optional[n.Node], code: str, message: str) -> Optional[int]:
        """TOP/OFFSET/LIMIT operand: a literal or a bound parameter holding an unsigned 32-bit integer."""
        if node is None:
            return None
        value = self.expressions.compile(node, self.scope)({})
        if not is_number(value) or value < 0 or value >= 2 ** 32 or (isinstance(value, float)
                                                                     and not value.is_integer()):
            end = node.position + len(str(node.value if isinstance(node, n.Literal) else node.name))
            raise semantic_error(message, node.position, end, code=code)
        return int(value)

    def _compile_projection(self, select: n.SelectClause, scope: Scope) -> Evaluator:
        if select.star:
            alias = self.aliases[0]
            return lambda row: row.get(alias, UNDEFINED)
        if select.value is not None:
            return self.expressions.compile(select.value, scope)
        names = projection_names(select.items)
        fields = [(name, self.expressions.compile(item.expression, scope))
                  for name, item in zip(names, select.items)]
        if len(fields) == 1:
            only_name, only = fields[0]

            def project_one(row):
                value = only(row)
                return {} if value is UNDEFINED else {only_name: value}
            return project_one

        def project(row):
            result = {}
            for name, evaluate in fields:
                value = evaluate(row)
                if value is not UNDEFINED:
                    result[name] = value
            return result
        return project

    # ------------------------------------------------------------------------------------------ execution
    @property
    def is_streamable(self) -> bool:
        """True when results can be produced document by document (projection and filter only)."""
        return not (self.grouped or self._sort_keys or self.distinct or self.top is not None
                    or self.offset is not None or self.limit is not None
                    or self._container_subquery is not None)

    def _filtered(self, rows: Iterable[Row]) -> Iterator[Row]:
        for join in self._joins:
            rows = _chain_join(rows, join)
        where = self._where
        if where is None:
            return iter(rows)
        return (row for row in rows if where(row) is True)

    def document_rows(self, document: Any) -> Iterable[Row]:
        """Rows of one container document that pass WHERE (top-level, per-document sources only)."""
        alias = self._whole_document_alias
        if alias is not None:
            row = {alias: document}
            return (row,) if self._where is None or self._where(row) is True else ()
        return self._filtered(self._source({}, document))

    def stream_document(self, document: Any) -> Sequence[Any]:
        """Projected results of one container document (streamable queries only)."""
        project = self._projection
        alias = self._whole_document_alias
        if alias is not None:
            row = {alias: document}
            if self._where is not None and self._where(row) is not True:
                return ()
            value = project(row)
            return () if value is UNDEFINED else (value,)
        results = []
        for row in self.document_rows(document):
            value = project(row)
            if value is not UNDEFINED:
                results.append(value)
        return results

    def run(self, documents: Iterable[Any]) -> List[Any]:
        """Whole-query results over the container documents, in order."""
        if self.query.source is None:
            rows: Iterable[Row] = self._filtered(({},))
        elif self._container_subquery is not None:
            rows = self._filtered(self._source({}, documents))
        elif self._whole_document_alias is not None:
            alias, where = self._whole_document_alias, self._where
            rows = [{alias: document} for document in documents]
            if where is not None:
                rows = [row for row in rows if where(row) is True]
            if self.is_streamable:
                project = self._projection
                return [value for value in map(project, rows) if value is not UNDEFINED]
        elif self.is_streamable:
            results = []
            for document in documents:
                results.extend(self.stream_document(document))
            return results
        else:
            rows = (row for document in documents for row in self.document_rows(document))
        return self._finish(rows)

    def values(self, outer: Row) -> Iterator[Any]:
        """Results of a nested query for one outer row (lazy when nothing forces materialisation)."""
        if self._source is None:
            rows = self._filtered((dict(outer),))
        else:
            rows = self._filtered(self._source(outer, None))
        if self.is_streamable:
            project = self._projection
            return (value for value in (project(row) for row in rows) if value is not UNDEFINED)
        return iter(self._finish(rows))

    def _finish(self, rows: Iterable[Row]) -> List[Any]:
        if self.grouped:
            rows = self._group(rows)
        elif not isinstance(rows, list):
            rows = list(rows)
        if self._sort_keys:
            rows = self._sort(rows)
        project = self._projection
        results = [value for value in (project(row) for row in rows) if value is not UNDEFINED]
        if self.distinct:
            results = distinct_values(results)
        if self.offset is not None:
            results = results[self.offset:]
        if self.limit is not None:
            results = results[:self.limit]
        if self.top is not None:
            results = results[:self.top]
        return results

    @property
    def resumes_by_sort_key(self) -> bool:
        """True for ORDER BY queries whose pages can resume after a (sort keys, ``_rid``) boundary: nothing
        but filtering, ordering, projection and TOP (no grouping, DISTINCT, OFFSET/LIMIT or subquery source)."""
        return bool(self._sort_keys) and self.query.source is not None and not (
            self.grouped or self.distinct or self.offset is not None or self.limit is not None
            or self._container_subquery is not None)

    @property
    def sort_directions(self) -> List[bool]:
        """Per ORDER BY item, whether results come in descending order of it."""
        return [descending for _, descending in self._sort_keys]

    def run_sorted(self, documents: Iterable[Any]) -> List[Tuple[List[Any], Optional[str], Any]]:
        """``(sort keys, document _rid, result)`` of every result of a :attr:`resumes_by_sort_key` query, in the
        query's order, TOP not applied (the gateway pages and cuts)."""
        rows = [row for document in documents for row in self.document_rows(document)]
        project = self._projection
        sorted_results = []
        for keys, row in self._sort_keyed(self._keyed(rows)):
            value = project(row)
            if value is not UNDEFINED:
                sorted_results.append((keys, _row_rid(row, self.aliases), value))
        return sorted_results

    def _keyed(self, rows: List[Row]) -> List[Tuple[List[Any], Row]]:
        if self._fusion is not None:
            components, descending, weights = self._fusion
            scores = [[evaluate(row) for row in rows] for evaluate in components]
            return [([score], row) for score, row in zip(fused_scores(scores, descending, weights), rows)]
        return [([evaluate(row) for evaluate, _ in self._sort_keys], row) for row in rows]

    def _sort(self, rows: List[Row]) -> List[Row]:
        return [row for _, row in self._sort_keyed(self._keyed(rows))]

    def _sort_keyed(self, keyed: List[Tuple[List[Any], Row]]) -> List[Tuple[List[Any], Row]]:
        if self._score_positions:
            keyed = [pair for pair in keyed if all(pair[0][position] is not UNDEFINED
                                                   for position in self._score_positions)]
        # Ties keep document (_rid) order, reversed when the first key is descending, as the service's
        # index scan does; clients merging ranges rely on it.
        if self._sort_keys[0][1]:
            keyed.reverse()
        # Stable sorts applied from the last key to the first give a lexicographic multi-key order.
        for position in range(len(self._sort_keys) - 1, -1, -1):
            descending = self._sort_keys[position][1]
            keyed.sort(key=lambda pair: order_key(pair[0][position]), reverse=descending)
        if self.resume_filter is not None:
            keyed = self._resume(keyed)
        return keyed

    def _resume(self, keyed: List[Tuple[List[Any], Row]]) -> List[Tuple[List[Any], Row]]:
        """Apply a client's ``resumeFilter`` (``{"value": [...], "rid": ..., "exclude": bool}``): skip the rows
        that sort before the boundary, and among rows tying with it those before (or at, with ``exclude``)
        the boundary document."""
        resume = self.resume_filter
        boundary = [UNDEFINED if value == [] else value for value in resume.get("value") or []]
        directions = [descending for _, descending in self._sort_keys]
        if len(boundary) != len(directions):
            return keyed
        rid = resume.get("rid")
        exclude = bool(resume.get("exclude"))
        rid_descending = directions[0]
        boundary_rid = rid_order_key(rid) if isinstance(rid, str) else None
        kept = []
        for keys, row in keyed:
            position = compare_to_boundary(keys, boundary, directions)
            if position < 0:
                continue
            if position == 0:
                if boundary_rid is None:
                    if exclude:
                        continue
                else:
                    row_rid = rid_order_key(_row_rid(row, self.aliases))
                    difference = (row_rid > boundary_rid) - (row_rid < boundary_rid)
                    if rid_descending:
                        difference = -difference
                    if difference < 0 or (difference == 0 and exclude):
                        continue
            kept.append((keys, row))
        return kept

    def _group(self, rows: Iterable[Row]) -> List[Row]:
        groups: Dict[Tuple, List[Row]] = {}
        keys = self._group_keys
        for row in rows:
            group_key = tuple(hash_key(evaluate(row)) for evaluate in keys)
            members = groups.get(group_key)
            if members is None:
                groups[group_key] = [row]
            else:
                members.append(row)
        if not groups and not keys:
            groups[()] = []
        grouped_rows = []
        for members in groups.values():
            representative = dict(members[0]) if members else {}
            representative[AGGREGATES_KEY] = [
                compute_aggregate(call.name, [[evaluate(row) for evaluate in arguments] for row in members])
                for call, arguments in zip(self.aggregate_calls, self._aggregate_arguments)]
            grouped_rows.append(representative)
        return grouped_rows


def compare_to_boundary(keys: List[Any], boundary: List[Any], directions: List[bool]) -> int:
    """Where sort keys fall relative to a boundary in the query's order: <0 before, 0 tied, >0 after."""
    for key, value, descending in zip(keys, boundary, directions):
        difference = compare_total(key, value)
        if difference:
            return -difference if descending else difference
    return 0


def _row_rid(row: Row, aliases: List[str]) -> Optional[str]:
    document = row.get(aliases[0]) if aliases else None
    return document.get("_rid") if isinstance(document, dict) else None


def rid_order_key(rid: Optional[str]):
    """Sort key of a document ``_rid``: its ordinal (little-endian, low 60 bits of the last 8 bytes) when it
    has the service's layout, else the text itself."""
    if not rid:
        return (0, 0, "")
    try:
        raw = base64.b64decode(rid.replace("-", "/"), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 16:
        return (1, int.from_bytes(raw[8:], "little") & ((1 << 60) - 1), rid)
    return (2, 0, rid)


def is_sortable_expression(expression: n.Node, rank: bool) -> bool:
    """ORDER BY items must map to a document path (a computed property counts as one) or be a vector distance /
    full-text score."""
    if isinstance(expression, n.ComputedReference):
        return True
    if isinstance(expression, n.FunctionCall):
        name = expression.name.upper()
        if rank:
            return name in ("FULLTEXTSCORE", "RRF")
        return name in ("VECTORDISTANCE", "_VECTORSCORE", "_FULLTEXTSCORE")
    node = expression
    while isinstance(node, (n.PropertyAccess, n.IndexAccess)):
        if isinstance(node, n.IndexAccess) and not isinstance(node.index, n.Literal):
            return False
        node = node.target
    return isinstance(node, n.Identifier)


def _chain_join(rows: Iterable[Row], join: Callable[[Row], Iterator[Row]]) -> Iterator[Row]:
    for row in rows:
        yield from join(row)


def distinct_values(values: Iterable[Any]) -> List[Any]:
    """Values with structural duplicates removed, first occurrence kept."""
    seen = set()
    result = []
    for value in values:
        key = hash_key(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def aggregate_calls_in(node: n.Node) -> List[n.FunctionCall]:
    """Aggregate calls in ``node`` that belong to this query (not to nested subqueries)."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, n.Subquery):
            continue
        if isinstance(current, n.Node):
            if is_aggregate_call(current):
                found.append(current)
                continue
            for value in vars(current).values():
                if isinstance(value, (n.Node, list, tuple)):
                    stack.append(value)
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
    return found


def _collect_aggregates(select: n.SelectClause, order_by: List[n.SortItem]) -> List[n.FunctionCall]:
    roots: List[n.Node] = [item.expression for item in select.items]
    if select.value is not None:
        roots.append(select.value)
    roots.extend(item.expression for item in order_by)
    calls: List[n.FunctionCall] = []
    for root in roots:
        calls.extend(aggregate_calls_in(root))
    for call in calls:
        for argument in call.arguments:
            if aggregate_calls_in(argument):
                raise semantic_error("Cannot perform an aggregate function on an expression containing an "
                                     "aggregate or a subquery.", call.position, code=NESTED_AGGREGATE_CODE)
    return calls


def _check_grouped_references(select: n.SelectClause, group_by: List[n.Node]) -> None:
    """In a grouped query every reference outside an aggregate must be one of the GROUP BY expressions."""
    grouped_texts = {format_expression(node) for node in group_by}
    roots = [item.expression for item in select.items] + ([select.value] if select.value is not None else [])
    stack = list(roots)
    while stack:
        node = stack.pop()
        if is_aggregate_call(node) or isinstance(node, (n.Subquery, n.Literal, n.Parameter)):
            continue
        if format_expression(node) in grouped_texts:
            continue
        if isinstance(node, (n.Identifier, n.PropertyAccess, n.IndexAccess)) and not _contains_call(node):
            text = format_expression(node)
            raise semantic_error(f"Property reference '{text}' is invalid in the select list because it is not "
                                 f"contained in either an aggregate function or the GROUP BY clause.",
                                 node.position, code=UNGROUPED_REFERENCE_CODE)
        for value in vars(node).values():
            if isinstance(value, n.Node):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item[1] if isinstance(item, tuple) else item for item in value)


def _contains_call(node: n.Node) -> bool:
    return any(isinstance(inner, (n.FunctionCall, n.Subquery)) for inner in n.walk(node))


