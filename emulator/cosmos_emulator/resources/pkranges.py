"""``/dbs/{db}/colls/{coll}/pkranges``: the container's partition key ranges.

Clients read this feed incrementally (``A-IM: Incremental feed`` + ``If-None-Match: <etag>``) and
stop when it answers 304, so the etag only changes when the range layout does (a split).
"""
from __future__ import annotations

from ..errors import method_not_allowed
from ..storage import Account
from ..wire import Request, Response, dumps, feed_body, format_charge
from .common import resolve_collection


def handle(account: Account, request: Request) -> Response:
    collection = resolve_collection(account, request, owner=True)
    if not request.address.is_feed or request.method != "GET":
        raise method_not_allowed()
    etag = f'"{collection.ranges_version}"'
    headers = {"etag": etag, "x-ms-request-charge": format_charge(1.0),
               "x-ms-alt-content-path": collection.name_link, "x-ms-content-path": collection.rid}
    incremental = (request.header("a-im") or "").strip().lower() == "incremental feed"
    if incremental and (request.header("if-none-match") or "").strip() == etag:
        headers["x-ms-item-count"] = "0"
        return Response(304, None, headers)
    ranges = [partition.describe(collection.rid, etag, collection.properties["_ts"])
              for partition in collection.partitions]
    headers["x-ms-item-count"] = str(len(ranges))
    return Response(200, dumps(feed_body("PartitionKeyRanges", collection.rid, ranges)), headers)
