"""The storage side of queries: ``QuerySource`` implementations and the query route glue.

The SQL engine and the gateway's query rules live in ``cosmos_emulator.query`` (another module's
job); this module hands it the resources to look at and turns its result into the answer.
"""
from __future__ import annotations

import heapq
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .. import partitioning
from ..errors import CosmosError, bad_request
from ..storage import Collection, PhysicalPartition, StoredItem
from ..wire import Request, Response, dumps, feed_body, format_charge, query_charge, session_tokens
from ..query.vector_policy import embeddings_by_path
from . import computed_properties

QUERY_CONTENT_TYPE = "application/query+json"


def is_query_request(request: Request) -> bool:
    """``POST`` to a feed with ``x-ms-documentdb-isquery: true``, the query content type, or a
    query-plan request (which clients send with a plain JSON content type)."""
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    return request.method == "POST" and (request.flag("x-ms-documentdb-isquery")
                                         or content_type == QUERY_CONTENT_TYPE
                                         or request.flag("x-ms-cosmos-is-query-plan-request"))


class CollectionQuerySource:
    """Documents of one container, as the query engine sees them.

    :param collection: the container.
    :param udf_resolver: resolves ``udf.name(...)`` calls, when scripts are available.
    :param epk_bounds: ``(start, end)`` from ``x-ms-start-epk``/``x-ms-end-epk``: clients send them
        with a range id to read only part of that range (feed ranges, hierarchical-key prefixes).
    """

    resource_kind = "docs"
    # Each physical partition keeps its items in _rid order (see PhysicalPartition), children of a split too.
    ordered_by_rid = True

    def __init__(self, collection: Collection, udf_resolver: Any = None,
                 epk_bounds: Optional[Tuple[str, str]] = None):
        self.collection = collection
        self.partition_key_definition = collection.partition_key_definition
        self.indexing_policy = collection.properties.get("indexingPolicy")
        self.computed_properties = computed_properties.definitions_for(collection.properties)
        self.vector_embeddings = embeddings_by_path(collection.properties.get("vectorEmbeddingPolicy"))
        self._udf_resolver = udf_resolver
        self._epk_bounds = epk_bounds
        self.touched_ranges: Dict[str, int] = {}

    def partition_key_ranges(self) -> List[Dict[str, Any]]:
        return [{"id": p.range_id, "minInclusive": p.min_inclusive, "maxExclusive": p.max_exclusive}
                for p in self.collection.partitions]

    def effective_partition_key(self, pk_components: list) -> str:
        components = partitioning.parse_header_components(list(pk_components))
        return partitioning.effective_partition_key(components, self.partition_key_definition)

    def documents(self, range_id: Optional[str] = None, epk: Optional[str] = None) -> Iterable[dict]:
        for item in self._items(range_id, epk):
            yield item.body

    def documents_by_ids(self, ids: List[str], range_id: Optional[str] = None,
                         epk: Optional[str] = None) -> Iterable[dict]:
        wanted = set(ids)
        if epk is not None and not self._is_prefix(epk):
            partition = self.collection.partition_for_epk(epk)
            self.touched_ranges[partition.range_id] = partition.lsn
            logical = partition.by_logical_partition.get(epk, {})
            found = [logical[item_id] for item_id in wanted if item_id in logical]
        else:
            found = []
            for partition in self._partitions(range_id, epk):
                self.touched_ranges[partition.range_id] = partition.lsn
                for logical in partition.by_logical_partition.values():
                    for item_id in wanted:
                        item = logical.get(item_id)
                        if item is not None and self._visible(item, epk):
                            found.append(item)
        now = self.collection.now()
        found = [item for item in found if not self.collection.is_expired(item, now)]
        found.sort(key=lambda item: (item.body.get("_rid") and _ordinal(item)))
        return [item.body for item in found]

    def udf_resolver(self) -> Any:
        return self._udf_resolver

    # ------------------------------------------------------------------------------------------
    def _is_prefix(self, epk: str) -> bool:
        definition = self.partition_key_definition
        return (partitioning.definition_kind(definition) == "MultiHash"
                and len(epk) < 32 * len(definition.get("paths") or []))

    def _partitions(self, range_id: Optional[str], epk: Optional[str]) -> List[PhysicalPartition]:
        if range_id is not None:
            partition = self.collection.partition_by_id(range_id)
            if partition is None:
                raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
            return [partition]
        if epk is not None and self._is_prefix(epk):
            low, high = epk, epk + "FF"
            return [p for p in self.collection.partitions if p.min_inclusive < high and low < p.max_exclusive]
        if epk is not None:
            return [self.collection.partition_for_epk(epk)]
        return list(self.collection.partitions)

    def _visible(self, item: StoredItem, epk: Optional[str]) -> bool:
        if epk is not None and self._is_prefix(epk) and not item.epk.startswith(epk):
            return False
        if self._epk_bounds is not None:
            start, end = self._epk_bounds
            if not (start <= item.epk < end):
                return False
        return True

    def _items(self, range_id: Optional[str], epk: Optional[str]) -> Iterable[StoredItem]:
        exact = epk if epk is not None and not self._is_prefix(epk) else None
        now = self.collection.now()
        partitions = self._partitions(range_id, epk)
        for partition in partitions:
            self.touched_ranges[partition.range_id] = partition.lsn
        streams = [partition.iter_items(exact) for partition in partitions]
        if not streams:
            return
        # A scope over several ranges (a hierarchical-key prefix) is read in _rid order too, as one range is.
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_ordinal)
        for item in merged:
            if self.collection.is_expired(item, now):
                continue
            if self._visible(item, epk):
                yield item


def _ordinal(item: StoredItem) -> int:
    from ..rid import decode
    raw = decode(item.body["_rid"])
    return int.from_bytes(raw[8:16], "little") & ((1 << 60) - 1) if raw and len(raw) == 16 else 0


def epk_bounds_from(request: Request) -> Optional[Tuple[str, str]]:
    start = request.header("x-ms-start-epk")
    end = request.header("x-ms-end-epk")
    if start is None or end is None:
        return None
    return start.strip().upper(), end.strip().upper()


class ListQuerySource:
    """A non-partitioned feed (databases, containers, offers, users ...) as a query source."""

    partition_key_definition = None

    def __init__(self, resource_kind: str, resources: List[Dict[str, Any]]):
        self.resource_kind = resource_kind
        self._resources = resources
        self.touched_ranges: Dict[str, int] = {}

    def partition_key_ranges(self) -> List[Dict[str, Any]]:
        return [{"id": "0", "minInclusive": partitioning.MIN_EPK, "maxExclusive": partitioning.MAX_EPK}]

    def effective_partition_key(self, pk_components: list) -> str:
        return partitioning.MIN_EPK

    def documents(self, range_id: Optional[str] = None, epk: Optional[str] = None) -> Iterable[dict]:
        return iter(self._resources)

    def udf_resolver(self) -> Any:
        return None


def run_query(request: Request, source: Any, feed_key: str, owner_rid: str,
              extra_headers: Optional[Dict[str, str]] = None) -> Response:
    """Execute a query POST through the query engine and render the page."""
    try:
        from ..query.gateway import execute_gateway_query
    except ImportError:
        raise bad_request("Queries are not supported by this emulator build yet "
                          "(the query engine module is missing).") from None
    body = request.json_body()
    if isinstance(body, str):
        body = {"query": body}
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise bad_request("The query payload is invalid: expected {\"query\": <text>, \"parameters\": [...]}.")
    result = execute_gateway_query(body, request.headers, source)
    headers = dict(extra_headers or {})
    headers.update(result.headers or {})
    if result.plan is not None and result.items is None:
        payload = dumps(result.plan)
        headers["x-ms-request-charge"] = format_charge(query_charge(0, 0))
        return Response(200, payload, headers)
    items = result.items or []
    payload = dumps(feed_body(feed_key, owner_rid, items))
    headers["x-ms-item-count"] = str(len(items))
    headers["x-ms-request-charge"] = format_charge(query_charge(result.documents_scanned, len(payload)))
    if result.continuation:
        headers["x-ms-continuation"] = result.continuation
    touched = getattr(source, "touched_ranges", None)
    if touched and source.resource_kind == "docs":
        headers["x-ms-session-token"] = session_tokens(sorted(touched.items(), key=lambda kv: int(kv[0])))
    return Response(200, payload, headers)
