"""Change feed (``GET .../docs`` with ``A-IM: Incremental feed``), LatestVersion mode.

Each physical partition orders its items by the LSN of their last write; the feed returns items
whose LSN is above the continuation, oldest first, each with ``_lsn``. The continuation is the
``etag`` header, the LSN (quoted) of the last item returned, or the partition's LSN when nothing is
new (then 304). Scope: ``x-ms-documentdb-partitionkeyrangeid`` (optionally narrowed by
``x-ms-start-epk``/``x-ms-end-epk``) or a partition key header.
Start: ``If-None-Match`` continuation, ``*`` (now), ``If-Modified-Since`` (a point in time) or
nothing (the beginning).
"""
from __future__ import annotations

import email.utils
from typing import Any, Dict, List, Optional

from .. import partitioning
from ..errors import CosmosError, bad_request
from ..storage import Account, Collection, PhysicalPartition
from ..wire import Request, Response, dumps, feed_body, format_charge, read_charge, session_token

INCREMENTAL_FEED = "incremental feed"


def handle(account: Account, collection: Collection, request: Request) -> Response:
    mode = (request.header("a-im") or "").strip().lower()
    if mode != INCREMENTAL_FEED:
        raise bad_request(f"Change feed mode '{request.header('a-im')}' is not supported by this emulator yet.")
    from .documents import RANGE_ID_HEADER, content_headers, header_partition_key

    epk: Optional[str] = None
    components = header_partition_key(collection, request, required=False)
    range_header = (request.header(RANGE_ID_HEADER) or "").strip()
    if components is not None:
        epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
        partition = collection.partition_for_epk(epk)
    elif range_header:
        found = collection.partition_by_id(range_header)
        if found is None:
            raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
        partition = found
    elif len(collection.partitions) == 1:
        partition = collection.partitions[0]
    else:
        raise bad_request("A change feed request on a partitioned container must name a partition key "
                          "range (x-ms-documentdb-partitionkeyrangeid) or a partition key.")
    start_epk = request.header("x-ms-start-epk")
    end_epk = request.header("x-ms-end-epk")

    after_lsn = _start_lsn(request, partition)
    size = request.max_item_count(default=100)
    now = collection.now()
    changed = []
    for item in partition.iter_items(epk):
        if item.lsn <= after_lsn or collection.is_expired(item, now):
            continue
        if start_epk is not None and end_epk is not None and not (start_epk <= item.epk < end_epk):
            continue
        changed.append(item)
    changed.sort(key=lambda stored: stored.lsn)
    headers = content_headers(collection)
    headers["x-ms-session-token"] = session_token(partition.range_id, partition.lsn)
    headers["lsn"] = str(partition.lsn)
    headers["x-ms-documentdb-partitionkeyrangeid"] = partition.range_id
    if not changed:
        headers["etag"] = f'"{max(after_lsn, partition.lsn) if after_lsn >= 0 else partition.lsn}"'
        headers["x-ms-request-charge"] = format_charge(1.0)
        headers["x-ms-item-count"] = "0"
        return Response(304, None, headers)
    page = changed[:size]
    documents: List[Dict[str, Any]] = []
    for item in page:
        document = dict(item.body)
        document["_lsn"] = item.lsn
        documents.append(document)
    payload = dumps(feed_body("Documents", collection.rid, documents))
    headers["etag"] = f'"{page[-1].lsn}"'
    headers["x-ms-item-count"] = str(len(documents))
    headers["x-ms-request-charge"] = format_charge(read_charge(len(payload)))
    return Response(200, payload, headers)


def _start_lsn(request: Request, partition: PhysicalPartition) -> int:
    token = request.header("if-none-match")
    if token is not None:
        token = token.strip()
        if token == "*":
            return partition.lsn
        try:
            return int(token.strip('"'))
        except ValueError:
            raise bad_request(f"Invalid change feed continuation '{token}'.") from None
    since = request.header("if-modified-since")
    if since:
        try:
            moment = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            raise bad_request(f"Invalid If-Modified-Since value '{since}'.") from None
        older = [item.lsn for item in partition.iter_items() if item.body.get("_ts", 0) < moment]
        return max(older, default=0)
    return 0
