"""The gateway's side of a query request: scoping, cross-partition rules, paging, plans and metrics.

Scoping, as the service does it:

* ``x-ms-documentdb-partitionkey`` runs the whole query (every feature) on that logical partition;
* ``x-ms-documentdb-partitionkeyrangeid`` runs it on that physical range (how SDKs run the rewritten
  per-range queries of a query plan);
* ``x-ms-start-epk``/``x-ms-end-epk`` narrow either of those (or the whole container) to an EPK window, as
  clients do for feed ranges smaller than a physical range;
* otherwise, a filter that pins the full partition key (``WHERE c.pk = 'x'``) routes to that partition, and
  any other query needs ``x-ms-documentdb-query-enablecrosspartition`` (even on a single-range container,
  as measured on the service). Across the container only streamable queries (projection and filter) are
  served: ORDER BY, TOP, OFFSET/LIMIT, DISTINCT and VALUE aggregates answer 400 with sub-status 1004 (and
  the plan in ``additionalErrorInfo``) so that the client asks for a query plan and runs its rewritten query
  per range; GROUP BY and aggregates without VALUE answer a plain 400.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional

from ..errors import SUBSTATUS_CROSS_PARTITION_QUERY_NOT_SERVABLE, CosmosError
from . import PreparedQuery, prepare
from .analysis import pinned_ids, pinned_partition_key
from .continuation import OffsetPosition, StreamPosition, decode, encode
from .errors import bad_request
from .source import OPTIONAL_ID_LOOKUP, QuerySource

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
HEADER_QUERY_METRICS = "x-ms-documentdb-query-metrics"
HEADER_INDEX_UTILIZATION = "x-ms-cosmos-index-utilization"

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
class GatewayQueryResult:
    """What the HTTP layer renders.

    :param items: the page's results (``None`` for a query-plan response).
    :param plan: the query plan document, for a plan request.
    :param continuation: ``x-ms-continuation`` for the next page, or ``None`` on the last page.
    :param documents_scanned: documents read from storage, for the request charge.
    :param headers: extra response headers (query metrics, index utilisation).
    """
    items: Optional[List[Any]]
    plan: Optional[Dict[str, Any]]
    continuation: Optional[str]
    documents_scanned: int
    headers: Dict[str, str] = field(default_factory=dict)


@dataclass
class _Target:
    """One storage scope the query reads: a physical range, a logical partition, or the whole feed."""
    range_id: Optional[str] = None
    epk: Optional[str] = None
    epk_window: Optional[tuple] = None   # (min inclusive, max exclusive)


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
        from .planner import query_plan_response
        return query_plan_response(sql, parameters, headers, source)
    started = time.perf_counter()
    prepared = prepare(sql, parameters, udfs=source.udf_resolver())
    resume_filter = body.get("resumeFilter") if isinstance(body, dict) else None
    if isinstance(resume_filter, dict):
        prepared.compiled.resume_filter = resume_filter
    compiled_at = time.perf_counter()
    targets, _ = _resolve_targets(prepared, headers, source)
    page_size = _page_size(headers)
    scanned = _Counter()
    readers = [_target_reader(prepared, target, source, scanned) for target in targets]
    token = headers.get(HEADER_CONTINUATION) or None
    if prepared.compiled.is_streamable:
        items, continuation = _streamed_page(prepared, readers, decode(token, "s"), page_size)
    else:
        items, continuation = _whole_query_page(prepared, readers[0], decode(token, "o"), page_size)
    finished = time.perf_counter()
    extra = _metrics_headers(headers, prepared, scanned.count, items, compiled_at - started,
                             finished - compiled_at)
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
        value = json.loads(raw)
    except ValueError:
        raise bad_request(f"Partition key provided either doesn't correspond to definition in the collection or "
                          f"doesn't match partition key field values specified in the document.") from None
    return value if isinstance(value, list) else [value]


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
        return [_Target(range_id=range_id, epk_window=window)], True
    pinned = pinned_partition_key(prepared.syntax, definition, prepared.context.parameters)
    if pinned is not None:
        return [_Target(epk=source.effective_partition_key(pinned))], True
    if window is not None:
        overlapping = [entry for entry in ranges
                       if entry["minInclusive"] < window[1] and window[0] < entry["maxExclusive"]]
        if len(overlapping) == 1:
            return [_Target(range_id=overlapping[0]["id"], epk_window=window)], True
        ranges = overlapping
    if not _is_true(headers.get(HEADER_CROSS_PARTITION)):
        raise bad_request(CROSS_PARTITION_REQUIRED_MESSAGE)
    if not prepared.compiled.is_streamable:
        from .planner import build_query_plan, needs_client_aggregation_of_non_values
        if needs_client_aggregation_of_non_values(prepared):
            raise bad_request(NON_VALUE_AGGREGATE_MESSAGE)
        raise _not_servable(build_query_plan(prepared, source))
    return [_Target(range_id=entry["id"], epk_window=window) for entry in ranges], False


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
    def __init__(self):
        self.count = 0

    def counted(self, documents: Iterable[Any]) -> Iterator[Any]:
        for document in documents:
            self.count += 1
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
def _streamed_page(prepared: PreparedQuery, readers: List[Callable[[], Iterator[Any]]],
                   position: StreamPosition, page_size: Optional[int]):
    """Results from ``position`` on, document by document, until the page is full; the continuation
    points at the first result that did not fit (so the next page never starts empty)."""
    compiled = prepared.compiled
    items: List[Any] = []
    for target_index in range(position.target, len(readers)):
        resuming = target_index == position.target
        start = position.document if resuming else 0
        documents = _documents_from(readers[target_index], start, position.rid if resuming else None)
        for document_index, document in documents:
            results = compiled.stream_document(document)
            skip = position.skip if resuming and document_index == start else 0
            for result_index, result in enumerate(results):
                if result_index < skip:
                    continue
                if page_size is not None and len(items) >= page_size:
                    rid = document.get("_rid") if isinstance(document, dict) else None
                    return items, encode(StreamPosition(target_index, document_index, rid, result_index))
                items.append(result)
    return items, None


def _documents_from(reader: Callable[[], Iterator[Any]], start: int, rid: Optional[str]):
    """``(index, document)`` pairs from ``start``; if the document found there is not the one the token
    names (documents were added or removed before it), the named one is searched for instead."""
    documents = enumerate(reader())
    if start == 0:
        return documents
    skipped = list(islice(documents, start))
    if len(skipped) < start:
        return iter(())
    first = next(documents, None)
    if first is None:
        return iter(())
    if rid is None or (isinstance(first[1], dict) and first[1].get("_rid") == rid):
        return _prepend(first, documents)
    for index, document in enumerate(reader()):
        if isinstance(document, dict) and document.get("_rid") == rid:
            return _prepend((index, document), islice(enumerate(reader()), index + 1, None))
    return _prepend(first, documents)


def _prepend(first, rest):
    yield first
    yield from rest


def _whole_query_page(prepared: PreparedQuery, reader: Callable[[], Iterator[Any]], position: OffsetPosition,
                      page_size: Optional[int]):
    results = prepared.run(reader())
    end = len(results) if page_size is None else position.offset + page_size
    page = results[position.offset:end]
    continuation = encode(OffsetPosition(end)) if end < len(results) else None
    return page, continuation


# -------------------------------------------------------------------------------------------- metrics
def _metrics_headers(headers: Mapping[str, str], prepared: PreparedQuery, scanned: int, items: List[Any],
                     compile_seconds: float, execution_seconds: float) -> Dict[str, str]:
    extra: Dict[str, str] = {}
    if _is_true(headers.get(HEADER_POPULATE_QUERY_METRICS)):
        output_size = sum(len(json.dumps(item, separators=(",", ":"))) for item in items)
        compile_ms = compile_seconds * 1000
        execution_ms = execution_seconds * 1000
        metrics = [
            ("totalExecutionTimeInMs", compile_ms + execution_ms),
            ("queryCompileTimeInMs", compile_ms),
            ("queryLogicalPlanBuildTimeInMs", compile_ms / 4),
            ("queryPhysicalPlanBuildTimeInMs", compile_ms / 4),
            ("queryOptimizationTimeInMs", 0.0),
            ("VMExecutionTimeInMs", execution_ms),
            ("indexLookupTimeInMs", 0.0),
            ("documentLoadTimeInMs", execution_ms / 2),
            ("systemFunctionExecuteTimeInMs", 0.0),
            ("userFunctionExecuteTimeInMs", 0.0),
            ("retrievedDocumentCount", scanned),
            ("retrievedDocumentSize", scanned * 256),
            ("outputDocumentCount", len(items)),
            ("outputDocumentSize", output_size),
            ("writeOutputTimeInMs", 0.0),
            ("indexUtilizationRatio", (len(items) / scanned) if scanned else 1.0),
        ]
        extra[HEADER_QUERY_METRICS] = ";".join(
            f"{name}={value:.2f}" if isinstance(value, float) else f"{name}={value}" for name, value in metrics)
    if _is_true(headers.get(HEADER_POPULATE_INDEX_METRICS)):
        utilization = {"UtilizedSingleIndexes": [], "PotentialSingleIndexes": [], "UtilizedCompositeIndexes": [],
                       "PotentialCompositeIndexes": []}
        extra[HEADER_INDEX_UTILIZATION] = base64.b64encode(json.dumps(utilization).encode()).decode()
    return extra
