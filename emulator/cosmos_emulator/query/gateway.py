"""The gateway's side of a query request: scoping, cross-partition rules, paging, plans and metrics.

Scoping, as the service does it:

* ``x-ms-documentdb-partitionkey`` runs the whole query (every feature) on that logical partition;
* ``x-ms-documentdb-partitionkeyrangeid`` runs it on that physical range (how SDKs run the rewritten
  per-range queries of a query plan);
* ``x-ms-start-epk``/``x-ms-end-epk`` narrow either of those (or the whole container) to an EPK window, as
  clients do for feed ranges smaller than a physical range;
* otherwise, a filter that pins the full partition key (``WHERE c.pk = 'x'``) routes to that partition (with
  the cross-partition header only a streamable query: the others are refused as below and run through the plan's
  point range), and any other query needs ``x-ms-documentdb-query-enablecrosspartition`` (even on a single-range
  container, as measured on the service). Across the container only streamable queries (projection and filter) are
  served: ORDER BY, TOP, OFFSET/LIMIT, DISTINCT and VALUE aggregates answer 400 with sub-status 1004 (and
  the plan in ``additionalErrorInfo``) so that the client asks for a query plan and runs its rewritten query
  per range; GROUP BY and aggregates without VALUE answer a plain 400.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional

from ..errors import SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE, CosmosError
from . import PreparedQuery, prepare
from .analysis import pinned_ids, pinned_partition_key
from .continuation import KeyPosition, OffsetPosition, StreamPosition, decode, encode
from .errors import bad_request
from .executor import compare_to_boundary, rid_order_key
from .metrics import (INDEX_UTILIZATION_HEADER, QUERY_METRICS_HEADER, encode_index_utilization, index_utilization,
                      query_metrics)
from .planner import build_query_plan, needs_client_aggregation_of_non_values, query_plan_response
from .result import GatewayQueryResult
from .source import (OPTIONAL_COMPUTED_PROPERTIES, OPTIONAL_ID_LOOKUP, OPTIONAL_INDEXING_POLICY, OPTIONAL_RID_ORDER,
                     OPTIONAL_VECTOR_EMBEDDINGS, QuerySource)

# Measured on the service: no x-ms-max-item-count (or 0) gives pages of 1000 items.
DEFAULT_PAGE_SIZE = 1000

HEADER_PARTITION_KEY = "x-ms-documentdb-partitionkey"
HEADER_RANGE_ID = "x-ms-documentdb-partitionkeyrangeid"
HEADER_CROSS_PARTITION = "x-ms-documentdb-query-enablecrosspartition"
HEADER_MAX_ITEM_COUNT = "x-ms-max-item-count"
HEADER_CONTINUATION = "x-ms-continuation"
HEADER_QUERY_PLAN_REQUEST = "x-ms-cosmos-is-query-plan-request"
HEADER_POPULATE_QUERY_METRICS = "x-ms-documentdb-populatequerymetrics"
HEADER_POPULATE_INDEX_METRICS = "x-ms-cosmos-populateindexmetrics"
HEADER_START_EPK = "x-ms-start-epk"
HEADER_END_EPK = "x-ms-end-epk"
HEADER_QUERY_METRICS = QUERY_METRICS_HEADER
HEADER_INDEX_UTILIZATION = INDEX_UTILIZATION_HEADER

CROSS_PARTITION_REQUIRED_MESSAGE = (
    "Cross partition query is required but disabled. Please set x-ms-documentdb-query-enablecrosspartition to "
    "true, specify x-ms-documentdb-partitionkey, or revise your query to avoid this exception.")
NON_VALUE_AGGREGATE_MESSAGE = "Cross partition query only supports 'VALUE <AggregateFunc>' for aggregates."
NOT_SERVABLE_MESSAGE = (
    "The provided cross partition query can not be directly served by the gateway. This is a first chance "
    "(internal) exception that all newer clients will know how to handle gracefully. This exception is traced, "
    "but unless you see it bubble up as an exception (which only happens on older SDK clients), then you can "
    "safely ignore this message.")


@dataclass
class _Target:
    """One storage scope the query reads: a physical range, a logical partition, or the whole feed."""
    range_id: Optional[str] = None
    epk: Optional[str] = None
    epk_window: Optional[tuple] = None   # (min inclusive, max exclusive)
    bounds: Optional[tuple] = None       # the range's own (min inclusive, max exclusive), for continuations


def execute_gateway_query(body: Dict[str, Any], headers: Mapping[str, str], source: QuerySource) -> GatewayQueryResult:
    """Answer one POSTed query (or query-plan request).

    :param body: ``{"query": "...", "parameters": [...]}``.
    :param headers: request headers with lower-cased names.
    :param source: the feed being queried.
    :raises CosmosError: 400 for bad queries, tokens or cross-partition rules; 410/1002 for a range id that no
        longer exists.
    """
    sql, parameters = read_query_body(body)
    if _is_true(headers.get(HEADER_QUERY_PLAN_REQUEST)):
        return query_plan_response(sql, parameters, headers, source)
    started = time.perf_counter()
    prepared = prepare(sql, parameters, udfs=source.udf_resolver(),
                       computed=getattr(source, OPTIONAL_COMPUTED_PROPERTIES, None),
                       embeddings=getattr(source, OPTIONAL_VECTOR_EMBEDDINGS, None))
    resume_filter = body.get("resumeFilter") if isinstance(body, dict) else None
    if isinstance(resume_filter, dict):
        prepared.compiled.resume_filter = resume_filter
    compiled_at = time.perf_counter()
    targets, _ = _resolve_targets(prepared, headers, source)
    page_size = _page_size(headers)
    scanned = _Counter(measure=_is_true(headers.get(HEADER_POPULATE_QUERY_METRICS)))
    readers = [_target_reader(prepared, target, source, scanned) for target in targets]
    token = headers.get(HEADER_CONTINUATION) or None
    rid_ordered = bool(getattr(source, OPTIONAL_RID_ORDER, False))
    if prepared.compiled.is_streamable:
        items, continuation = _streamed_page(prepared, targets, readers, decode(token, "s"), page_size, rid_ordered)
    elif prepared.compiled.resumes_by_sort_key:
        items, continuation = _ordered_page(prepared, readers[0], decode(token, "k"), page_size, rid_ordered)
    else:
        items, continuation = _whole_query_page(prepared, readers[0], decode(token, "o"), page_size)
    finished = time.perf_counter()
    extra = _metrics_headers(headers, prepared, scanned, items, compiled_at - started,
                             finished - compiled_at, source)
    return GatewayQueryResult(items, None, continuation, scanned.count, extra)


# -------------------------------------------------------------------------------------------- request parsing
def read_query_body(body: Any):
    """``(sql, parameters)`` of a query request body.

    :raises CosmosError: 400 when the body is not a query object.
    """
    if isinstance(body, str):
        return body, []
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise bad_request("The request body must be a JSON object with a string 'query' property.")
    parameters = body.get("parameters") or []
    if not isinstance(parameters, list):
        raise bad_request("The 'parameters' property of a query must be an array.")
    return body["query"], parameters


def _is_true(value: Optional[str]) -> bool:
    return value is not None and value.strip().lower() == "true"


def _page_size(headers: Mapping[str, str]) -> Optional[int]:
    raw = headers.get(HEADER_MAX_ITEM_COUNT)
    if raw is None or raw.strip() == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = -2
    if size == -1:
        return None  # "dynamic page size": the whole result
    if size == 0:
        return DEFAULT_PAGE_SIZE
    if size < 0:
        raise bad_request(f"The input PageSize {raw} is invalid. Ensure to pass a valid page size which must be a "
                          f"positive integer or -1 for a dynamic page size.")
    return size


def parse_partition_key_header(raw: str) -> List[Any]:
    """Components of the ``x-ms-documentdb-partitionkey`` header (a JSON array)."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except ValueError:
        raise bad_request(f"Partition key provided either doesn't correspond to definition in the collection or "
                          f"doesn't match partition key field values specified in the document.") from None
    return value if isinstance(value, list) else [value]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# -------------------------------------------------------------------------------------------- scoping
def _resolve_targets(prepared: PreparedQuery, headers: Mapping[str, str], source: QuerySource):
    """The targets to read and whether they form one scope that can run every feature."""
    definition = source.partition_key_definition
    if not definition:
        return [_Target()], True
    window = _epk_window(headers)
    raw_key = headers.get(HEADER_PARTITION_KEY)
    if raw_key:
        return [_Target(epk=source.effective_partition_key(parse_partition_key_header(raw_key)))], True
    ranges = sorted(source.partition_key_ranges(), key=lambda entry: entry["minInclusive"])
    range_id = headers.get(HEADER_RANGE_ID)
    if range_id:
        range_id = range_id.split(",")[-1].strip()
        if not any(entry["id"] == range_id for entry in ranges):
            raise CosmosError(410, "Gone", f"The requested partition key range '{range_id}' is gone (it was "
                                           f"split or merged).", substatus=1002)
        return [_Target(range_id=range_id, epk_window=window, bounds=_bounds_of(ranges, range_id))], True
    cross_partition = _is_true(headers.get(HEADER_CROSS_PARTITION))
    pinned = pinned_partition_key(prepared.syntax, definition, prepared.context.parameters)
    # With the cross-partition header a client declares it runs query plans, and the service then serves only
    # streamable queries itself even when the filter pins one partition: 4.x's own aggregate suite expects
    # `SELECT AVG(r.f) FROM r WHERE r.key = 'x'` to fail (the plan shows a non-VALUE aggregate, which 4.x refuses)
    # and the VALUE form to be answered through the plan's point range.
    if pinned is not None and (prepared.compiled.is_streamable or not cross_partition):
        return [_Target(epk=source.effective_partition_key(pinned))], True
    if window is not None:
        overlapping = [entry for entry in ranges
                       if entry["minInclusive"] < window[1] and window[0] < entry["maxExclusive"]]
        if len(overlapping) == 1:
            return [_Target(range_id=overlapping[0]["id"], epk_window=window,
                            bounds=_bounds_of(overlapping, overlapping[0]["id"]))], True
        ranges = overlapping
    if not cross_partition:
        raise bad_request(CROSS_PARTITION_REQUIRED_MESSAGE)
    if not prepared.compiled.is_streamable:
        if needs_client_aggregation_of_non_values(prepared):
            raise bad_request(NON_VALUE_AGGREGATE_MESSAGE)
        raise _not_servable(build_query_plan(prepared, source))
    return [_Target(range_id=entry["id"], epk_window=window, bounds=(entry["minInclusive"], entry["maxExclusive"]))
            for entry in ranges], False


def _bounds_of(ranges: List[Dict[str, Any]], range_id: str) -> Optional[tuple]:
    for entry in ranges:
        if entry["id"] == range_id:
            return entry["minInclusive"], entry["maxExclusive"]
    return None


def _epk_window(headers: Mapping[str, str]) -> Optional[tuple]:
    start, end = headers.get(HEADER_START_EPK), headers.get(HEADER_END_EPK)
    if start is None and end is None:
        return None
    return (start or "", end if end else "FF")


def _not_servable(plan: Dict[str, Any]) -> CosmosError:
    error = bad_request(NOT_SERVABLE_MESSAGE, SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE)
    # The service puts the query plan in the error body as "additionalErrorInfo" (JSON text), so a client can
    # skip the separate plan request; the HTTP layer renders this attribute when present.
    error.additional_error_info = json.dumps(plan, separators=(",", ":"))
    return error


class _Counter:
    """Documents read from storage (and their bytes, when query metrics need them)."""

    def __init__(self, measure: bool = False):
        self.count = 0
        self.size = 0
        self._measure = measure

    def counted(self, documents: Iterable[Any]) -> Iterator[Any]:
        for document in documents:
            self.count += 1
            if self._measure:
                self.size += len(json.dumps(document, separators=(",", ":")))
            yield document


def _target_reader(prepared: PreparedQuery, target: _Target, source: QuerySource,
                   scanned: _Counter) -> Callable[[], Iterator[Any]]:
    """A function returning the target's candidate documents (counted as scanned) in ``_rid`` order."""
    ids = pinned_ids(prepared.syntax, prepared.context.parameters)
    lookup = getattr(source, OPTIONAL_ID_LOOKUP, None)
    if ids is not None and lookup is not None:
        def read():
            return lookup(ids, range_id=target.range_id, epk=target.epk)
    else:
        def read():
            return source.documents(range_id=target.range_id, epk=target.epk)
    if target.epk_window is None:
        return lambda: scanned.counted(read())
    low, high = target.epk_window
    paths = [path.strip("/").split("/") for path in (source.partition_key_definition or {}).get("paths", [])]

    def in_window(document: Dict[str, Any]) -> bool:
        epk = source.effective_partition_key([_component(document, path) for path in paths])
        return low <= epk < high
    return lambda: (document for document in scanned.counted(read()) if in_window(document))


def _component(document: Dict[str, Any], path: List[str]) -> Any:
    """A document's partition-key component at ``path``; ``{}`` (the wire form of "undefined") if absent."""
    value: Any = document
    for segment in path:
        if not isinstance(value, dict) or segment not in value:
            return {}
        value = value[segment]
    return value


# -------------------------------------------------------------------------------------------- paging
_DONE, _RESUME, _FRESH = "done", "resume", "fresh"


def _resume_state(index: int, target: _Target, position: Optional[StreamPosition]) -> str:
    """Whether a target was read completely before the token's position, holds it, or comes after it.

    Targets are compared by EPK bounds when both the token and the target have them, so a token issued on a
    range that was split since resumes on each child (a range's children lie within its bounds)."""
    if position is None:
        return _FRESH
    if position.bounds is not None and target.bounds is not None:
        if target.bounds[1] <= position.bounds[0]:
            return _DONE
        if target.bounds[0] >= position.bounds[1]:
            return _FRESH
        return _RESUME
    if index < position.target:
        return _DONE
    return _RESUME if index == position.target else _FRESH


def _streamed_page(prepared: PreparedQuery, targets: List[_Target], readers: List[Callable[[], Iterator[Any]]],
                   position: Optional[StreamPosition], page_size: Optional[int], rid_ordered: bool):
    """Results from ``position`` on, document by document, until the page is full; the continuation
    points at the first result that did not fit (so the next page never starts empty)."""
    compiled = prepared.compiled
    items: List[Any] = []
    for target_index, (target, reader) in enumerate(zip(targets, readers)):
        state = _resume_state(target_index, target, position)
        if state == _DONE:
            continue
        if state == _FRESH:
            documents = ((index, document, 0) for index, document in enumerate(reader()))
        elif rid_ordered and position.rid is not None:
            documents = _documents_from_rid(reader, position.rid, position.skip)
        else:
            documents = _documents_from(reader, position.document, position.rid, position.skip)
        for document_index, document, skip in documents:
            results = compiled.stream_document(document)
            for result_index, result in enumerate(results):
                if result_index < skip:
                    continue
                if page_size is not None and len(items) >= page_size:
                    rid = document.get("_rid") if isinstance(document, dict) else None
                    return items, encode(StreamPosition(target_index, document_index, rid, result_index,
                                                        target.bounds))
                items.append(result)
    return items, None


def _documents_from_rid(reader: Callable[[], Iterator[Any]], rid: str, skip: int):
    """``(index, document, results to skip)`` from the document ``rid`` on, for a target whose documents come
    in ``_rid`` order: every document ordered before it was returned already (on this range or on the range
    it was split from), the first ``skip`` results of that document too."""
    boundary = rid_order_key(rid)
    for index, document in enumerate(reader()):
        key = rid_order_key(document.get("_rid") if isinstance(document, dict) else None)
        if key < boundary:
            continue
        yield index, document, (skip if key == boundary else 0)


def _documents_from(reader: Callable[[], Iterator[Any]], start: int, rid: Optional[str], skip: int):
    """``(index, document, results to skip)`` from index ``start``; if the document found there is not the one
    the token names (documents were added or removed before it), the named one is searched for instead."""
    documents = enumerate(reader())
    skipped = list(islice(documents, start))
    if len(skipped) < start:
        return iter(())
    first = next(documents, None)
    if first is None:
        return iter(())
    if rid is None or (isinstance(first[1], dict) and first[1].get("_rid") == rid):
        return _with_skip(_prepend(first, documents), first[0], skip)
    for index, document in enumerate(reader()):
        if isinstance(document, dict) and document.get("_rid") == rid:
            return _with_skip(_prepend((index, document), islice(enumerate(reader()), index + 1, None)), index, skip)
    return _with_skip(_prepend(first, documents), None, 0)


def _with_skip(documents, first_index: Optional[int], skip: int):
    for index, document in documents:
        yield index, document, (skip if index == first_index else 0)


def _prepend(first, rest):
    yield first
    yield from rest


def _ordered_page(prepared: PreparedQuery, reader: Callable[[], Iterator[Any]], position: Optional[KeyPosition],
                  page_size: Optional[int], rid_ordered: bool):
    """A page of an ORDER BY query: the results sorting after the token's boundary (the last result returned).

    A boundary is a position in the query's order rather than a count, so it holds on every child of a range
    that was split since the token was issued. Ties on the sort keys are broken by ``_rid`` where the source
    yields documents in ``_rid`` order (the order ties keep), else by how many tied results were returned."""
    compiled = prepared.compiled
    directions = compiled.sort_directions
    entries = compiled.run_sorted(reader())
    returned = 0
    if position is not None:
        returned = position.returned
        entries = _after_boundary(entries, position, directions, rid_ordered)
    if compiled.top is not None:
        entries = entries[:max(0, compiled.top - returned)]
    page = entries if page_size is None else entries[:page_size]
    items = [value for _, _, value in page]
    if len(page) == len(entries):
        return items, None
    last_keys, last_rid, _ = page[-1]
    last_rid = last_rid if rid_ordered else None
    ties = 0
    for keys, rid, _ in reversed(page):
        if not _same_position(keys, rid if rid_ordered else None, last_keys, last_rid):
            break
        ties += 1
    if ties == len(page) and position is not None and _same_position(last_keys, last_rid, position.keys,
                                                                      position.rid if rid_ordered else None):
        ties += position.ties
    return items, encode(KeyPosition(list(last_keys), last_rid, ties, returned + len(page)))


def _after_boundary(entries, position: KeyPosition, directions: List[bool], rid_ordered: bool):
    boundary_rid = rid_order_key(position.rid) if rid_ordered and position.rid is not None else None
    if len(position.keys) != len(directions):
        raise bad_request("Invalid Continuation Token: the continuation token is malformed or was issued for a "
                          "different query.")
    kept = []
    tied = 0
    for entry in entries:
        keys, rid, _ = entry
        where = compare_to_boundary(keys, position.keys, directions)
        if where == 0 and boundary_rid is not None:
            row_rid = rid_order_key(rid)
            where = (row_rid > boundary_rid) - (row_rid < boundary_rid)
            if directions[0]:
                where = -where
        if where < 0:
            continue
        if where == 0 and tied < position.ties:
            tied += 1
            continue
        kept.append(entry)
    return kept


def _same_position(keys: List[Any], rid: Optional[str], other_keys: List[Any], other_rid: Optional[str]) -> bool:
    return rid == other_rid and len(keys) == len(other_keys) and compare_to_boundary(
        keys, other_keys, [False] * len(keys)) == 0


def _whole_query_page(prepared: PreparedQuery, reader: Callable[[], Iterator[Any]],
                      position: Optional[OffsetPosition], page_size: Optional[int]):
    results = prepared.run(reader())
    offset = position.offset if position is not None else 0
    end = len(results) if page_size is None else offset + page_size
    page = results[offset:end]
    continuation = encode(OffsetPosition(end)) if end < len(results) else None
    return page, continuation


# -------------------------------------------------------------------------------------------- metrics
def _metrics_headers(headers: Mapping[str, str], prepared: PreparedQuery, scanned: "_Counter", items: List[Any],
                     compile_seconds: float, execution_seconds: float, source: QuerySource) -> Dict[str, str]:
    extra: Dict[str, str] = {}
    if _is_true(headers.get(HEADER_POPULATE_QUERY_METRICS)):
        output_size = sum(len(json.dumps(item, separators=(",", ":"))) for item in items)
        extra[HEADER_QUERY_METRICS] = query_metrics(scanned.count, scanned.size, items, output_size,
                                                    compile_seconds, execution_seconds)
    if _is_true(headers.get(HEADER_POPULATE_INDEX_METRICS)):
        definition = source.partition_key_definition or {}
        document = index_utilization(prepared.syntax, prepared.context.parameters,
                                     getattr(source, OPTIONAL_INDEXING_POLICY, None), definition.get("paths") or [],
                                     bool(headers.get(HEADER_PARTITION_KEY)))
        extra[HEADER_INDEX_UTILIZATION] = encode_index_utilization(document)
    return extra
