"""Change feed: ``GET .../docs`` with ``A-IM: Incremental feed`` or ``A-IM: Full-Fidelity Feed``.

Scope: one physical partition (``x-ms-documentdb-partitionkeyrangeid``, optionally narrowed to an
EPK window by ``x-ms-start-epk``/``x-ms-end-epk``), or one logical partition
(``x-ms-documentdb-partitionkey``); a container with a single range may name neither.

Start: ``If-None-Match: "<lsn>"`` continues after that LSN, ``If-None-Match: *`` starts now, and
``If-Modified-Since`` keeps only changes made at or after that time (clients send it on every page
of a point-in-time read); without any of them the feed starts at the beginning. The answer's
``etag`` is the continuation: the LSN of the last change returned, or the partition's current LSN
when nothing is new, in which case the status is 304. Changes committed together (a transactional
batch) share one LSN and are never split across pages.

Modes:

* LatestVersion (``Incremental feed``): the current version of every item changed after the
  continuation, each with ``_lsn``; deletes and intermediate versions are not reported.
* AllVersionsAndDeletes (``Full-Fidelity Feed``, wire format ``2021-09-15``): every create, replace
  and delete (including removals by time to live) as ``{"current": ..., "metadata": {"lsn",
  "crts", "operationType", "previousImageLSN", "timeToLiveExpired", "id", "partitionKey"}}``, deletes
  also with ``previous`` (the removed version). It needs the container's change feed policy
  (``changeFeedPolicy.retentionDuration``, minutes): history is kept from when the policy is set and
  for that long; a continuation older than the kept history answers 400.
"""
from __future__ import annotations

import email.utils
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import partitioning
from ..errors import CosmosError, bad_request
from ..storage import Account, ChangeRecord, Collection, PhysicalPartition
from ..wire import Request, Response, dumps, feed_body, format_charge, read_charge, session_token
from .item_headers import RANGE_ID_HEADER, content_headers, header_partition_key

INCREMENTAL_FEED = "incremental feed"
FULL_FIDELITY_FEED = "full-fidelity feed"


def handle(account: Account, collection: Collection, request: Request) -> Response:
    mode = (request.header("a-im") or "").strip().lower()
    if mode not in (INCREMENTAL_FEED, FULL_FIDELITY_FEED):
        raise bad_request(f"The change feed mode '{request.header('a-im')}' (A-IM header) is not supported.")
    partition, epk, window = _scope(collection, request)
    full_fidelity = mode == FULL_FIDELITY_FEED
    if full_fidelity:
        retention = collection.change_retention_minutes
        if retention is None:
            raise bad_request("Full-fidelity change feed (AllVersionsAndDeletes) requires a change feed policy on "
                              "the container (changeFeedPolicy.retentionDuration).")
        from .items import ItemStore
        ItemStore(account, collection).reap_expired(partition)
        _trim_history(partition, collection.now() - retention * 60)
    after_lsn = _start_lsn(request, partition)
    since = _modified_since(request)
    if full_fidelity and partition.changes_floor > max(after_lsn, 0):
        raise bad_request("The change feed continuation is older than the retained history of the container "
                          "(outside its change feed policy's retention window).")
    size = request.max_item_count(default=100)
    if full_fidelity:
        changes = [change for change in partition.changes
                   if change.lsn > after_lsn and _in_scope(change.epk, epk, window)
                   and (since is None or change.crts >= since)]
        page_entries = _page(changes, size)
        documents = [render_change(change, collection) for change in page_entries]
        last_lsn = page_entries[-1].lsn if page_entries else None
    else:
        now = collection.now()
        items = [item for item in partition.iter_items(epk)
                 if item.lsn > after_lsn and not collection.is_expired(item, now)
                 and _in_scope(item.epk, None, window) and (since is None or item.body.get("_ts", 0) >= since)]
        items.sort(key=lambda stored: stored.lsn)
        page_items = _page(items, size)
        documents = [dict(item.body, _lsn=item.lsn) for item in page_items]
        last_lsn = page_items[-1].lsn if page_items else None
    return _answer(collection, partition, documents, last_lsn, after_lsn)


# ------------------------------------------------------------------------------------------------
# Scope and start
# ------------------------------------------------------------------------------------------------

def _scope(collection: Collection, request: Request) -> Tuple[PhysicalPartition, Optional[str],
                                                               Optional[Tuple[str, str]]]:
    """(physical partition, logical partition EPK or None, EPK window or None)."""
    components = header_partition_key(collection, request, required=False)
    range_header = (request.header(RANGE_ID_HEADER) or "").strip()
    start_epk = request.header("x-ms-start-epk")
    end_epk = request.header("x-ms-end-epk")
    window = (start_epk.strip().upper(), end_epk.strip().upper()) if start_epk is not None and end_epk is not None \
        else None
    if range_header:
        partition = collection.partition_by_id(range_header)
        if partition is None:
            raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
    elif components is None and len(collection.partitions) > 1:
        raise bad_request("A change feed request on a partitioned container must name a partition key "
                          "range (x-ms-documentdb-partitionkeyrangeid) or a partition key.")
    else:
        partition = collection.partitions[0]
    epk: Optional[str] = None
    if components is not None:
        epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
        holder = collection.partition_for_epk(epk)
        if range_header and holder is not partition:
            raise bad_request("The partition key does not belong to the requested partition key range.")
        partition = holder
    return partition, epk, window


def _in_scope(item_epk: str, epk: Optional[str], window: Optional[Tuple[str, str]]) -> bool:
    if epk is not None and item_epk != epk:
        return False
    return window is None or window[0] <= item_epk < window[1]


def _start_lsn(request: Request, partition: PhysicalPartition) -> int:
    token = request.header("if-none-match")
    if token is None:
        return 0
    token = token.strip()
    if token == "*":
        return partition.lsn
    try:
        return int(token.strip('"'))
    except ValueError:
        raise bad_request(f"Invalid change feed continuation '{token}'.") from None


def _modified_since(request: Request) -> Optional[float]:
    text = request.header("if-modified-since")
    if not text:
        return None
    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        raise bad_request(f"Invalid If-Modified-Since value '{text}'.") from None


def _page(entries: Sequence[Any], size: int) -> List[Any]:
    """The first ``size`` entries, extended to the end of the last LSN: a continuation is an LSN,
    so changes committed together must travel together."""
    if len(entries) <= size:
        return list(entries)
    end = size
    while end < len(entries) and entries[end].lsn == entries[size - 1].lsn:
        end += 1
    return list(entries[:end])


def _trim_history(partition: PhysicalPartition, oldest_kept: float) -> None:
    """Forget changes older than the retention window, remembering where the history now starts."""
    changes = partition.changes
    cut = 0
    while cut < len(changes) and changes[cut].crts < oldest_kept:
        cut += 1
    if cut:
        partition.changes_floor = max(partition.changes_floor, changes[cut - 1].lsn)
        del changes[:cut]


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------

def render_change(change: ChangeRecord, collection: Collection) -> Dict[str, Any]:
    """One all-versions-and-deletes entry in the service's wire format (2021-09-15)."""
    metadata: Dict[str, Any] = {"lsn": change.lsn, "crts": change.crts, "operationType": change.kind}
    if change.previous_lsn:
        metadata["previousImageLSN"] = change.previous_lsn
    if change.kind == "delete":
        metadata["timeToLiveExpired"] = change.ttl_expired
        metadata["id"] = change.item_id
        metadata["partitionKey"] = _partition_key_object(collection, change.partition_key)
        entry: Dict[str, Any] = {"current": {}, "metadata": metadata}
        if change.previous is not None:
            entry["previous"] = change.previous
        return entry
    return {"current": change.current, "metadata": metadata}


def _partition_key_object(collection: Collection, components: List[Any]) -> Dict[str, Any]:
    """The partition key of a deleted item as ``{property: value}``, one entry per key level."""
    paths = collection.partition_key_definition.get("paths") or []
    result: Dict[str, Any] = {}
    for path, value in zip(paths, components):
        name = "/".join(partitioning.split_path(path))
        if not (isinstance(value, dict) and not value):  # an undefined component has no property
            result[name] = value
    return result


def _answer(collection: Collection, partition: PhysicalPartition, documents: List[Dict[str, Any]],
            last_lsn: Optional[int], after_lsn: int) -> Response:
    headers = content_headers(collection)
    headers["x-ms-session-token"] = session_token(partition.range_id, partition.lsn)
    headers["lsn"] = str(partition.lsn)
    headers[RANGE_ID_HEADER] = partition.range_id
    if last_lsn is None:
        headers["etag"] = f'"{max(after_lsn, partition.lsn)}"'
        headers["x-ms-request-charge"] = format_charge(1.0)
        headers["x-ms-item-count"] = "0"
        return Response(304, None, headers)
    payload = dumps(feed_body("Documents", collection.rid, documents))
    headers["etag"] = f'"{last_lsn}"'
    headers["x-ms-item-count"] = str(len(documents))
    headers["x-ms-request-charge"] = format_charge(read_charge(len(payload)))
    return Response(200, payload, headers)

