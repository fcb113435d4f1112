"""A container's quota and usage as the gateway reports them.

* ``x-ms-resource-quota`` / ``x-ms-resource-usage`` on container answers. The script counts
  (``functions``, ``storedProcedures``, ``triggers``) are always there; the document figures, with the service's
  keys (``documentSize`` in MB, ``documentsSize`` and ``collectionSize`` in KB, ``documentsCount``), only when
  the request asks with ``x-ms-documentdb-populatequotainfo: true``, as on the service (whose quota reports
  ``documentsCount=-1``: no limit). Such a read also carries
  ``x-ms-documentdb-collection-index-transformation-progress`` (always 100: indexing here is synchronous, so a
  replaced indexing policy is in force at once) and, for a lazily indexed container,
  ``x-ms-documentdb-collection-lazy-indexing-progress`` (100 likewise).
* ``statistics`` in the container's body when the read asks with
  ``x-ms-documentdb-populatepartitionstatistics: true``: one entry per physical partition (``id``, ``sizeInKB``,
  ``documentCount``, ``sampledDistinctPartitionKeyCount``, ``partitionKeys``: its largest logical partitions).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from ..storage import Collection
from ..wire import Request, dumps

COLLECTION_QUOTA_SCRIPTS = "functions=25;storedProcedures=100;triggers=25;"
COLLECTION_QUOTA = COLLECTION_QUOTA_SCRIPTS + "documentSize=51200;documentsSize=52428800;documentsCount=-1;" \
                                              "collectionSize=52428800;"
POPULATE_QUOTA_INFO = "x-ms-documentdb-populatequotainfo"
POPULATE_PARTITION_STATISTICS = "x-ms-documentdb-populatepartitionstatistics"
INDEX_TRANSFORMATION_PROGRESS = "x-ms-documentdb-collection-index-transformation-progress"
LAZY_INDEXING_PROGRESS = "x-ms-documentdb-collection-lazy-indexing-progress"
# How many of a range's logical partitions its statistics name (the largest ones).
LISTED_PARTITION_KEYS = 3


def resource_quota_headers(collection: Collection, *, remember: bool = True, documents: bool = True
                           ) -> Dict[str, str]:
    """``x-ms-resource-quota`` and ``x-ms-resource-usage`` of a container.

    :keyword remember: cache the usage figures; pass False inside a transaction that may still be rolled
        back, so that figures counting its writes are never served afterwards.
    :keyword documents: include the document figures (what ``x-ms-documentdb-populatequotainfo`` asks for).
    """
    children = collection.children
    usage = (f"functions={len(children['udfs'])};storedProcedures={len(children['sprocs'])};"
             f"triggers={len(children['triggers'])};")
    if not documents:
        return {"x-ms-resource-quota": COLLECTION_QUOTA_SCRIPTS, "x-ms-resource-usage": usage}
    count, size_kb = _usage(collection, remember)
    usage += (f"documentSize={size_kb // 1024};documentsSize={size_kb};documentsCount={count};"
              f"collectionSize={size_kb};")
    return {"x-ms-resource-quota": COLLECTION_QUOTA, "x-ms-resource-usage": usage}


def container_read_headers(collection: Collection, request: Request) -> Dict[str, str]:
    """The quota, usage and indexing progress headers of a container answer, as the request asks for them."""
    quota_info = request.flag(POPULATE_QUOTA_INFO)
    headers = resource_quota_headers(collection, documents=quota_info)
    if quota_info:
        headers[INDEX_TRANSFORMATION_PROGRESS] = "100"
        mode = str(collection.properties.get("indexingPolicy", {}).get("indexingMode", "consistent")).lower()
        if mode == "lazy":
            headers[LAZY_INDEXING_PROGRESS] = "100"
    return headers


def wants_statistics(request: Request) -> bool:
    return request.flag(POPULATE_PARTITION_STATISTICS)


def partition_statistics(collection: Collection) -> List[Dict[str, Any]]:
    """The ``statistics`` array of a container read with partition statistics."""
    statistics = []
    for partition in collection.partitions:
        per_key: List[Tuple[int, List[Any]]] = []
        total = 0
        for logical in partition.by_logical_partition.values():
            items = list(logical.values())
            size = sum(len(dumps(item.body)) for item in items)
            total += size
            per_key.append((size, items[0].partition_key))
        per_key.sort(key=lambda entry: -entry[0])
        statistics.append({
            "id": partition.range_id,
            "sizeInKB": total // 1024,
            "documentCount": partition.item_count(),
            "sampledDistinctPartitionKeyCount": len(per_key),
            "partitionKeys": [{"partitionKey": key, "sizeInKB": size // 1024}
                              for size, key in per_key[:LISTED_PARTITION_KEYS] if size >= 1024],
        })
    return statistics


def _usage(collection: Collection, remember: bool = True) -> Tuple[int, int]:
    """(item count, stored KB), recomputed only when a partition has changed since last asked."""
    version = tuple((p.range_id, p.lsn, p.item_count()) for p in collection.partitions)
    cached = collection.usage_cache
    if cached is None or cached[0] != version:
        size = sum(len(dumps(item.body)) for item in collection.iter_items())
        cached = (version, collection.item_count(), size // 1024)
        if remember:
            collection.usage_cache = cached
    return cached[1], cached[2]
