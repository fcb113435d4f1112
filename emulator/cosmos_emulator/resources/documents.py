"""``/dbs/{db}/colls/{coll}/docs``: items.

Identity is (partition key, id). The partition key comes from ``x-ms-documentdb-partitionkey`` (a
JSON array) and, on writes, must match the value found in the body. Each write bumps the LSN of
the physical partition holding the item; that LSN is in ``lsn`` and ``x-ms-session-token``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import orjson

from .. import partitioning
from .. import rid as rids
from ..errors import (SUBSTATUS_COLLECTION_RID_MISMATCH, CosmosError, bad_request, entity_too_large,
                      method_not_allowed, not_found)
from ..storage import Account, Collection, PhysicalPartition, StoredItem
from ..wire import (MAX_DOCUMENT_BYTES, Request, Response, delete_charge, dumps, feed_body, format_charge,
                    read_charge, session_token, session_tokens, write_charge)
from . import batch, change_feed, script_execution
from .common import not_modified, not_modified_since, resolve_collection, resource_answer
# PARTITION_KEY_HEADER is re-exported for callers that knew it here.
from .item_headers import (PARTITION_KEY_HEADER, RANGE_ID_HEADER, content_headers, header_partition_key,  # noqa: F401
                           item_headers)
from .items import ItemResult, ItemStore
from .query_bridge import CollectionQuerySource, epk_bounds_from, is_query_request, run_query

INTENDED_COLLECTION_HEADER = "x-ms-cosmos-intended-collection-rid"

# Set by the scripts integration: (account, collection) -> UdfResolver | None.
udf_resolver_factory: Optional[Callable[[Account, Collection], Any]] = None


def query_udf_resolver(account: Account, collection: Collection) -> Any:
    if udf_resolver_factory is None or not collection.children.get("udfs"):
        return None
    return udf_resolver_factory(account, collection)


def handle(account: Account, request: Request) -> Response:
    collection = resolve_collection(account, request, owner=True)
    intended = request.header(INTENDED_COLLECTION_HEADER)
    if intended and intended.strip() != collection.rid:
        # The client's cached container was deleted and re-created under the same name.
        raise CosmosError(400, "BadRequest", "The collection in the request does not match the intended "
                                             "collection (it was re-created).", SUBSTATUS_COLLECTION_RID_MISMATCH)
    if request.address.is_feed:
        if is_query_request(request):
            source = CollectionQuerySource(collection, query_udf_resolver(account, collection),
                                           epk_bounds_from(request))
            return run_query(request, source, "Documents", collection.rid, content_headers(collection))
        if batch.is_batch_request(request):
            return batch.handle(account, collection, request)
        if request.method == "POST":
            upsert = request.flag("x-ms-documentdb-is-upsert")
            return write_item(account, collection, request, upsert=upsert)
        if request.method == "GET":
            return read_feed(account, collection, request)
        raise method_not_allowed()
    item_id = addressed_item_id(collection, request)
    if request.method == "GET":
        return read_item(account, collection, request, item_id)
    if request.method == "PUT":
        return write_item(account, collection, request, replace_id=item_id)
    if request.method == "DELETE":
        return delete_item(account, collection, request, item_id)
    if request.method == "PATCH":
        return patch_item(account, collection, request, item_id)
    raise method_not_allowed()


def addressed_item_id(collection: Collection, request: Request) -> str:
    """The id of the item a path addresses: the last segment of a name-based path, or the id of the item whose
    ``_rid`` ends a rid-based one (``_self`` links). A rid names one item: when the request's partition key
    (header, else the body of a replace) names another logical partition, that item is not found (404)."""
    target = request.address.target_id or ""
    if not request.address.rid_based:
        return target
    found = collection.item_by_rid(target)
    if found is None or collection.is_expired(found[1], collection.now()):
        raise not_found()
    item = found[1]
    components = header_partition_key(collection, request, required=False)
    if components is None and request.method == "PUT":
        body = request.json_object_body()
        components = partitioning.extract_from_document(body, collection.partition_key_definition)
    if components is not None and partitioning.effective_partition_key(
            components, collection.partition_key_definition) != item.epk:
        raise not_found()
    return item.id


def _minimal(request: Request) -> bool:
    return "return=minimal" in (request.header("prefer") or "").replace(" ", "").lower()


# ------------------------------------------------------------------------------------------
# Operations (HTTP wrappers over ItemStore)
# ------------------------------------------------------------------------------------------

def _store(account: Account, collection: Collection, request: Request) -> ItemStore:
    range_id = (request.header(RANGE_ID_HEADER) or "").strip() or None
    return ItemStore(account, collection, range_id)


def _written(request: Request, result: ItemResult, collection: Collection) -> Response:
    headers = item_headers(collection, result.partition)
    payload = dumps(result.item.body)
    charge = write_charge(len(payload))
    if _minimal(request):
        payload = b""
    elif result.response_body is not None:
        payload = dumps(result.response_body)
    return resource_answer(request, result.status, result.item.body, charge, headers, payload)


def read_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    components = header_partition_key(collection, request, required=True) or []
    store = _store(account, collection, request)
    epk, partition = store.locate(components)
    item = store.live(partition, epk, item_id)
    headers = item_headers(collection, partition)
    if item is None:
        raise not_found()
    etag = item.body["_etag"]
    headers["x-ms-item-lsn"] = str(item.lsn)
    if not_modified_since(request, etag):
        # A conditional read of an unchanged item: 304, no body, the same headers as a 200 would carry.
        return not_modified(1.0, etag, headers)
    body = dumps(item.body)
    return resource_answer(request, 200, item.body, read_charge(len(body)), headers, body)


def write_item(account: Account, collection: Collection, request: Request, *, upsert: bool = False,
               replace_id: Optional[str] = None) -> Response:
    """Create (POST), upsert (POST + is-upsert) or replace (PUT) one item."""
    if len(request.body) > MAX_DOCUMENT_BYTES:
        raise entity_too_large()
    body = request.json_object_body()
    components = header_partition_key(collection, request, required=False)
    store = _store(account, collection, request)
    if_match = request.header("if-match")

    def perform(document: Optional[Dict[str, Any]]) -> ItemResult:
        if replace_id is not None:
            return store.replace(components, replace_id, document or {}, if_match)
        return store.create(components, document or {}, upsert=upsert, if_match=if_match)
    operation = "replace" if replace_id is not None else ("upsert" if upsert else "create")
    result = script_execution.run_with_triggers(account, collection, request, store, operation, components, body,
                                                perform)
    return _written(request, result, collection)


def patch_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    """Apply patch operations to one item, all or nothing (see :mod:`.patch`)."""
    body = request.json_object_body()
    components = header_partition_key(collection, request, required=True) or []
    store = _store(account, collection, request)
    result = script_execution.run_with_triggers(
        account, collection, request, store, "replace", components, None,
        lambda _: store.patch(components, item_id, body.get("operations"), body.get("condition"),
                              request.header("if-match")))
    return _written(request, result, collection)


def delete_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    components = header_partition_key(collection, request, required=True) or []
    store = _store(account, collection, request)
    result = script_execution.run_with_triggers(
        account, collection, request, store, "delete", components, None,
        lambda _: store.delete(components, item_id, request.header("if-match")))
    size = len(dumps(result.item.body))
    return resource_answer(request, 204, None, delete_charge(size), item_headers(collection, result.partition))


def read_feed(account: Account, collection: Collection, request: Request) -> Response:
    """``GET .../docs``: all live items, scoped by partition key or range id when given, in pages.

    The continuation names the range (id and EPK bounds) and the ``_rid`` ordinal of the last item returned;
    items of a range are in ``_rid`` order, so the token resumes on the children of a range split since.
    """
    if request.header("a-im") is not None:
        return change_feed.handle(account, collection, request)
    components = header_partition_key(collection, request, required=False)
    epk: Optional[str] = None
    partitions = list(collection.partitions)
    range_header = (request.header(RANGE_ID_HEADER) or "").strip()
    if range_header:
        explicit = collection.partition_by_id(range_header)
        if explicit is None:
            raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
        partitions = [explicit]
    if components is not None:
        epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
        holder = collection.partition_for_epk(epk)
        partitions = [p for p in partitions if p is holder]
    resume = _parse_feed_continuation(request.header("x-ms-continuation"))
    size = request.max_item_count(default=100)
    page: List[Dict[str, Any]] = []
    next_token: Optional[str] = None
    touched: Dict[str, int] = {}
    now = collection.now()
    for partition in partitions:
        last_in_partition = -1
        if resume is not None:
            # The token names the EPK bounds of the range it was issued on: ranges wholly before them were
            # read, ranges within them (that range, or its children after a split) resume after the ordinal.
            low, high, after = resume
            if partition.max_exclusive <= low:
                continue
            if partition.min_inclusive < high:
                last_in_partition = after
        touched[partition.range_id] = partition.lsn
        for item in partition.iter_items(epk):
            if collection.is_expired(item, now):
                continue
            ordinal = item_ordinal(item)
            if ordinal <= last_in_partition:
                continue
            if len(page) == size:
                next_token = _feed_continuation(partition, last_in_partition)
                break
            page.append(item.body)
            last_in_partition = ordinal
        if next_token:
            break
    payload = dumps(feed_body("Documents", collection.rid, page))
    headers = content_headers(collection)
    headers["x-ms-item-count"] = str(len(page))
    headers["x-ms-request-charge"] = format_charge(read_charge(len(payload)))
    if touched:
        headers["x-ms-session-token"] = session_tokens(touched.items())
    if next_token:
        headers["x-ms-continuation"] = next_token
    return Response(200, payload, headers)


def item_ordinal(item: StoredItem) -> int:
    raw = rids.decode(item.body.get("_rid", ""))
    if raw is None or len(raw) != 16:
        return 0
    return int.from_bytes(raw[8:16], "little") & ((1 << 60) - 1)


def _feed_continuation(partition: PhysicalPartition, after_ordinal: int) -> str:
    return dumps({"range": partition.range_id, "min": partition.min_inclusive, "max": partition.max_exclusive,
                  "after": after_ordinal}).decode()


def _parse_feed_continuation(token: Optional[str]) -> Optional[Tuple[str, str, int]]:
    """``(min, max, ordinal)`` of a read-feed continuation: the EPK bounds of the range it was issued on and
    the ``_rid`` ordinal of the last item returned there."""
    if not token:
        return None
    try:
        decoded = orjson.loads(token)
        low, high, after = decoded["min"], decoded["max"], int(decoded["after"])
        if not isinstance(low, str) or not isinstance(high, str):
            raise TypeError("bounds")
        return low, high, after
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise bad_request("Invalid Continuation Token") from None
