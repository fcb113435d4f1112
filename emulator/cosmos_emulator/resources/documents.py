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
from ..errors import (SUBSTATUS_COLLECTION_RID_MISMATCH, CosmosError, bad_request, conflict, entity_too_large, method_not_allowed,
                      not_found, precondition_failed)
from ..storage import Account, Collection, PhysicalPartition, StoredItem
from ..wire import (MAX_DOCUMENT_BYTES, Request, Response, delete_charge, dumps, feed_body, format_charge,
                    read_charge, session_token, session_tokens, write_charge)
from .common import (check_if_match, not_modified, not_modified_since, resolve_collection,
                     resource_answer, strip_system_properties, validate_id)
from .query_bridge import CollectionQuerySource, epk_bounds_from, is_query_request, run_query

PARTITION_KEY_HEADER = "x-ms-documentdb-partitionkey"
RANGE_ID_HEADER = "x-ms-documentdb-partitionkeyrangeid"
INTENDED_COLLECTION_HEADER = "x-ms-cosmos-intended-collection-rid"

_MISMATCH_MESSAGE = ("PartitionKey extracted from document doesn't match the one specified in the header. "
                     "Learn more: https://aka.ms/CosmosDB/sql/errors/wrong-pk-value")
_MISSING_PK_MESSAGE = ("The partition key supplied in x-ms-partitionkey header has fewer components than "
                       "defined in the the collection.")
_WRONG_PK_MESSAGE = ("Partition key provided either doesn't correspond to definition in the collection or "
                     "doesn't match partition key field values specified in the document.")

# Hooks for features layered on top of plain item writes (unique keys, triggers, TTL ...). Each is
# called as hook(account, collection, new_body, previous_item) before the write is applied and may
# raise CosmosError to refuse it.
write_validators: List[Callable[[Account, Collection, Dict[str, Any], Optional[StoredItem]], None]] = []


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
        if request.method == "POST":
            upsert = request.flag("x-ms-documentdb-is-upsert")
            return write_item(account, collection, request, upsert=upsert)
        if request.method == "GET":
            return read_feed(account, collection, request)
        raise method_not_allowed()
    item_id = request.address.target_id or ""
    if request.method == "GET":
        return read_item(account, collection, request, item_id)
    if request.method == "PUT":
        return write_item(account, collection, request, replace_id=item_id)
    if request.method == "DELETE":
        return delete_item(account, collection, request, item_id)
    if request.method == "PATCH":
        return patch_item(account, collection, request, item_id)
    raise method_not_allowed()


# ------------------------------------------------------------------------------------------
# Partition key handling
# ------------------------------------------------------------------------------------------

def header_partition_key(collection: Collection, request: Request, *, required: bool) -> Optional[List[Any]]:
    """Components from ``x-ms-documentdb-partitionkey``; None when absent and not required."""
    raw = request.header(PARTITION_KEY_HEADER)
    definition = collection.partition_key_definition
    if raw is None or raw.strip() == "":
        if required:
            raise bad_request(_MISSING_PK_MESSAGE)
        return None
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad_request(f"The partition key '{raw}' is invalid.") from None
    components = partitioning.parse_header_components(decoded)
    expected = len(definition["paths"])
    if definition.get("systemKey") and components == []:
        return components
    if len(components) < expected:
        raise bad_request(_MISSING_PK_MESSAGE)
    if len(components) > expected:
        raise bad_request(_WRONG_PK_MESSAGE)
    return components


def body_partition_key(collection: Collection, body: Dict[str, Any]) -> List[Any]:
    return partitioning.extract_from_document(body, collection.partition_key_definition)


def _locate(collection: Collection, components: List[Any], request: Request) -> Tuple[str, PhysicalPartition]:
    epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
    partition = collection.partition_for_epk(epk)
    requested_range = request.header(RANGE_ID_HEADER)
    if requested_range is not None and requested_range.strip() != "":
        explicit = collection.partition_by_id(requested_range.strip())
        if explicit is None:
            raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
        if explicit is not partition:
            # Served from that range only: the item cannot be there.
            raise not_found()
    return epk, partition


# ------------------------------------------------------------------------------------------
# Answers
# ------------------------------------------------------------------------------------------

def content_headers(collection: Collection) -> Dict[str, str]:
    return {"x-ms-alt-content-path": collection.name_link, "x-ms-content-path": collection.rid}


def item_headers(collection: Collection, partition: PhysicalPartition) -> Dict[str, str]:
    headers = content_headers(collection)
    headers["lsn"] = str(partition.lsn)
    headers["x-ms-session-token"] = session_token(partition.range_id, partition.lsn)
    headers[RANGE_ID_HEADER] = partition.range_id
    headers["x-ms-item-lsn"] = str(partition.lsn)
    return headers


def _minimal(request: Request) -> bool:
    return "return=minimal" in (request.header("prefer") or "").replace(" ", "").lower()


# ------------------------------------------------------------------------------------------
# Operations
# ------------------------------------------------------------------------------------------

def read_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    components = header_partition_key(collection, request, required=True)
    epk, partition = _locate(collection, components or [], request)
    item = live_item(collection, partition, epk, item_id)
    headers = item_headers(collection, partition)
    if item is None:
        raise not_found()
    etag = item.body["_etag"]
    if not_modified_since(request, etag):
        return not_modified(1.0, etag, headers)
    body = dumps(item.body)
    headers["x-ms-item-lsn"] = str(item.lsn)
    return resource_answer(request, 200, item.body, read_charge(len(body)), headers, body)


def live_item(collection: Collection, partition: PhysicalPartition, epk: str, item_id: str
              ) -> Optional[StoredItem]:
    """The item unless it does not exist or its time to live has run out."""
    item = partition.get(epk, item_id)
    if item is not None and collection.is_expired(item, collection.now()):
        return None
    return item


def write_item(account: Account, collection: Collection, request: Request, *, upsert: bool = False,
               replace_id: Optional[str] = None) -> Response:
    """Create (POST), upsert (POST + is-upsert) or replace (PUT) one item."""
    if len(request.body) > MAX_DOCUMENT_BYTES:
        raise entity_too_large()
    body = request.json_object_body()
    item_id = validate_id(body.get("id"), what="document")
    if replace_id is not None and item_id != replace_id:
        raise bad_request("The id of the item in the request body does not match the id in the request path.")
    body_components = body_partition_key(collection, body)
    header_components = header_partition_key(collection, request, required=False)
    definition = collection.partition_key_definition
    if header_components is None:
        components = body_components
    else:
        body_matches = partitioning.components_equal(header_components, body_components) or (
            definition.get("systemKey") and header_components == []
            and all(c is partitioning.UNDEFINED for c in body_components))
        if not body_matches:
            raise bad_request(_MISMATCH_MESSAGE, 1001)
        components = header_components
    epk, partition = _locate(collection, components, request)
    existing = live_item(collection, partition, epk, item_id)
    expired = partition.get(epk, item_id) if existing is None else None

    if replace_id is not None:
        if existing is None:
            raise not_found()
        check_if_match(request, existing.body["_etag"])
    elif existing is not None and not upsert:
        raise conflict()
    elif upsert:
        if request.header("if-match") is not None and request.header("if-match").strip() != "*":
            if existing is None:
                raise precondition_failed()
            check_if_match(request, existing.body["_etag"])

    stored = build_item(account, collection, partition, body, item_id, epk, components,
                        existing if existing is not None else None)
    for validator in write_validators:
        validator(account, collection, stored.body, existing)
    if expired is not None:
        account.delete_item(collection, partition, expired, partition.lsn)
    account.put_item(collection, partition, stored)
    status = 201 if existing is None else 200
    headers = item_headers(collection, partition)
    payload = dumps(stored.body)
    charge = write_charge(len(payload))
    if _minimal(request):
        return resource_answer(request, status, stored.body, charge, headers, body=b"")
    return resource_answer(request, status, stored.body, charge, headers, payload)


def build_item(account: Account, collection: Collection, partition: PhysicalPartition, body: Dict[str, Any],
               item_id: str, epk: str, components: List[Any], previous: Optional[StoredItem]) -> StoredItem:
    """The stored form of a new item state: user properties plus system properties.

    A replace or upsert over an existing item keeps its ``_rid``; a create gets a new one.
    """
    if previous is not None:
        item_rid = previous.body["_rid"]
    else:
        item_rid = rids.child_rid(collection.rid, collection.allocate_child_ordinal(), rids.CHILD_DOCUMENT)
    document = strip_system_properties(body)
    document["id"] = item_id
    document["_rid"] = item_rid
    document["_self"] = f"{collection.self_link}docs/{item_rid}/"
    document["_etag"] = account.etag()
    document["_attachments"] = "attachments/"
    document["_ts"] = account.now()
    lsn = partition.lsn + 1
    return StoredItem(document, epk, partitioning.components_to_json(components), lsn)


def patch_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    """Apply patch operations to one item, all or nothing (see :mod:`.patch`)."""
    from . import patch
    body = request.json_object_body()
    operations = patch.validate_operations(body.get("operations"), collection.partition_key_definition)
    components = header_partition_key(collection, request, required=True)
    epk, partition = _locate(collection, components or [], request)
    existing = live_item(collection, partition, epk, item_id)
    if existing is None:
        raise not_found()
    check_if_match(request, existing.body["_etag"])
    patch.check_condition(body.get("condition"), existing.body)
    patched = patch.apply_operations(existing.body, operations)
    payload = dumps(patched)
    if len(payload) > MAX_DOCUMENT_BYTES:
        raise entity_too_large()
    stored = build_item(account, collection, partition, patched, item_id, epk, components or [], existing)
    for validator in write_validators:
        validator(account, collection, stored.body, existing)
    account.put_item(collection, partition, stored)
    payload = dumps(stored.body)
    headers = item_headers(collection, partition)
    charge = write_charge(len(payload))
    if _minimal(request):
        return resource_answer(request, 200, stored.body, charge, headers, body=b"")
    return resource_answer(request, 200, stored.body, charge, headers, payload)


def delete_item(account: Account, collection: Collection, request: Request, item_id: str) -> Response:
    components = header_partition_key(collection, request, required=True)
    epk, partition = _locate(collection, components or [], request)
    existing = live_item(collection, partition, epk, item_id)
    if existing is None:
        raise not_found()
    check_if_match(request, existing.body["_etag"])
    size = len(dumps(existing.body))
    account.delete_item(collection, partition, existing, partition.lsn + 1)
    return resource_answer(request, 204, None, delete_charge(size), item_headers(collection, partition))


def read_feed(account: Account, collection: Collection, request: Request) -> Response:
    """``GET .../docs``: all live items, scoped by partition key or range id when given, in pages.

    The continuation names the range and the ``_rid`` ordinal of the last item returned.
    """
    if request.header("a-im") is not None:
        from . import change_feed
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
    start_range, after_ordinal = _parse_feed_continuation(request.header("x-ms-continuation"))
    size = request.max_item_count(default=100)
    page: List[Dict[str, Any]] = []
    next_token: Optional[str] = None
    started = start_range is None
    touched: Dict[str, int] = {}
    now = collection.now()
    for partition in partitions:
        if not started:
            if partition.range_id != start_range:
                continue
            started = True
            last_in_partition = after_ordinal
        else:
            last_in_partition = -1
        touched[partition.range_id] = partition.lsn
        for item in partition.iter_items(epk):
            if collection.is_expired(item, now):
                continue
            ordinal = item_ordinal(item)
            if ordinal <= last_in_partition:
                continue
            if len(page) == size:
                next_token = _feed_continuation(partition.range_id, last_in_partition)
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


def _feed_continuation(range_id: str, after_ordinal: int) -> str:
    return dumps({"range": range_id, "after": after_ordinal}).decode()


def _parse_feed_continuation(token: Optional[str]) -> Tuple[Optional[str], int]:
    if not token:
        return None, -1
    try:
        decoded = orjson.loads(token)
        return str(decoded["range"]), int(decoded["after"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise bad_request("Invalid Continuation Token") from None
