"""``/dbs/{db}/colls/{coll}/pkranges``: the container's partition key ranges.

Clients read this feed incrementally (``A-IM: Incremental feed`` + ``If-None-Match: <etag>``) and
stop when it answers 304, so the etag only changes when the range layout does (a split). A single range
is read through its ``_self`` (``.../pkranges/{rid}``).
"""
from __future__ import annotations

from typing import Dict

from ..errors import method_not_allowed, not_found
from ..storage import Account, Collection
from ..wire import Request, Response, dumps, feed_body, format_charge
from .common import not_modified, not_modified_since, resolve_collection


def handle(account: Account, request: Request) -> Response:
    collection = resolve_collection(account, request, owner=True)
    if request.method != "GET":
        raise method_not_allowed()
    etag = f'"{collection.ranges_version}"'
    headers = {"etag": etag, "x-ms-request-charge": format_charge(1.0),
               "x-ms-alt-content-path": collection.name_link, "x-ms-content-path": collection.rid}
    if not request.address.is_feed:
        return _read_range(collection, request, etag, headers)
    incremental = (request.header("a-im") or "").strip().lower() == "incremental feed"
    if incremental and (request.header("if-none-match") or "").strip() == etag:
        headers["x-ms-item-count"] = "0"
        return Response(304, None, headers)
    ranges = [partition.describe(collection.rid, etag, collection.properties["_ts"])
              for partition in collection.partitions]
    headers["x-ms-item-count"] = str(len(ranges))
    return Response(200, dumps(feed_body("PartitionKeyRanges", collection.rid, ranges)), headers)


def _read_range(collection: Collection, request: Request, etag: str, headers: Dict[str, str]) -> Response:
    """One range, addressed by its ``_rid`` (its ``_self`` link) or, in a name-based path, by its id. A range
    split since is gone (404), as its children replaced it."""
    target = request.address.target_id or ""
    attribute = "rid" if request.address.rid_based else "range_id"
    partition = next((p for p in collection.partitions if getattr(p, attribute) == target), None)
    if partition is None:
        raise not_found()
    document = partition.describe(collection.rid, etag, collection.properties["_ts"])
    if not_modified_since(request, etag):
        return not_modified(1.0, etag, headers)
    return Response(200, dumps(document), headers)
