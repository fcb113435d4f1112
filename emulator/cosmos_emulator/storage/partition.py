"""One physical partition (a partition key range) and the items it stores."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple


class StoredItem:
    """A document as stored: its body (with system properties) plus placement metadata.

    :param body: the document as returned to clients, system properties included.
    :param epk: effective partition key of its logical partition.
    :param partition_key: the JSON form of its partition key components.
    :param lsn: the partition LSN of its last write.
    """

    __slots__ = ("body", "epk", "partition_key", "lsn")

    def __init__(self, body: Dict[str, Any], epk: str, partition_key: List[Any], lsn: int):
        self.body = body
        self.epk = epk
        self.partition_key = partition_key
        self.lsn = lsn

    @property
    def id(self) -> str:
        return self.body["id"]

    def to_record(self) -> Dict[str, Any]:
        return {"epk": self.epk, "pk": self.partition_key, "lsn": self.lsn, "item": self.body}


class ChangeRecord:
    """One entry of a partition's change history (the all-versions-and-deletes change feed).

    :param lsn: the partition LSN of the change (items written by one batch share it).
    :param kind: ``"create"``, ``"replace"`` or ``"delete"``.
    :param epk: effective partition key of the item's logical partition.
    :param item_id: the item's id.
    :param partition_key: JSON form of the item's partition key components.
    :param current: the item after the change (None for a delete).
    :param previous: the item before the change (None for a create).
    :param previous_lsn: LSN of the previous version (0 when there was none).
    :param crts: the change's conflict-resolution timestamp (epoch seconds).
    :param ttl_expired: True when time to live removed the item.
    """

    __slots__ = ("lsn", "kind", "epk", "item_id", "partition_key", "current", "previous", "previous_lsn",
                 "crts", "ttl_expired")

    def __init__(self, lsn: int, kind: str, epk: str, item_id: str, partition_key: List[Any],
                 current: Optional[Dict[str, Any]], previous: Optional[Dict[str, Any]], previous_lsn: int,
                 crts: int, ttl_expired: bool = False):
        self.lsn = lsn
        self.kind = kind
        self.epk = epk
        self.item_id = item_id
        self.partition_key = partition_key
        self.current = current
        self.previous = previous
        self.previous_lsn = previous_lsn
        self.crts = crts
        self.ttl_expired = ttl_expired

    def to_record(self) -> Dict[str, Any]:
        return {"lsn": self.lsn, "kind": self.kind, "epk": self.epk, "id": self.item_id,
                "pk": self.partition_key, "cur": self.current, "prev": self.previous,
                "plsn": self.previous_lsn, "crts": self.crts, "ttl": self.ttl_expired}

    @classmethod
    def from_record(cls, record: Dict[str, Any]) -> "ChangeRecord":
        return cls(record["lsn"], record["kind"], record["epk"], record["id"], record["pk"], record.get("cur"),
                   record.get("prev"), record.get("plsn", 0), record.get("crts", 0), record.get("ttl", False))


class PhysicalPartition:
    """A partition key range ``[min_inclusive, max_exclusive)`` with its own LSN counter.

    Items are kept in insertion order (which is ``_rid`` order: a replace keeps its slot, a
    delete + create gets a new ``_rid`` at the end), and are also indexed per logical partition.
    """

    def __init__(self, range_id: str, min_inclusive: str, max_exclusive: str,
                 parents: Optional[List[str]] = None, lsn: int = 0, rid: str = ""):
        self.range_id = range_id
        self.min_inclusive = min_inclusive
        self.max_exclusive = max_exclusive
        self.parents = list(parents or [])
        self.lsn = lsn
        self.rid = rid
        self.items: Dict[Tuple[str, str], StoredItem] = {}
        self.by_logical_partition: Dict[str, Dict[str, StoredItem]] = {}
        # Items by ``_rid``, for rid-based addressing (``dbs/{rid}/colls/{rid}/docs/{rid}``).
        self.by_rid: Dict[str, StoredItem] = {}
        # Change history in LSN order, kept only for containers with a change feed policy
        # (the all-versions-and-deletes feed reads it).
        self.changes: List[ChangeRecord] = []
        # LSN of the newest change dropped from ``changes`` (retention): continuations before it are stale.
        self.changes_floor = 0

    def holds(self, epk: str) -> bool:
        return self.min_inclusive <= epk < self.max_exclusive

    def get(self, epk: str, item_id: str) -> Optional[StoredItem]:
        return self.items.get((epk, item_id))

    def get_by_rid(self, item_rid: str) -> Optional[StoredItem]:
        return self.by_rid.get(item_rid)

    def put(self, item: StoredItem) -> Optional[StoredItem]:
        key = (item.epk, item.id)
        previous = self.items.get(key)
        self.items[key] = item
        self.by_logical_partition.setdefault(item.epk, {})[item.id] = item
        if previous is not None and previous.body.get("_rid") != item.body.get("_rid"):
            self.by_rid.pop(previous.body.get("_rid"), None)
        self.by_rid[item.body.get("_rid")] = item
        if item.lsn > self.lsn:
            self.lsn = item.lsn
        return previous

    def remove(self, epk: str, item_id: str) -> Optional[StoredItem]:
        previous = self.items.pop((epk, item_id), None)
        if previous is not None:
            self.by_rid.pop(previous.body.get("_rid"), None)
        logical = self.by_logical_partition.get(epk)
        if logical is not None:
            logical.pop(item_id, None)
            if not logical:
                del self.by_logical_partition[epk]
        return previous

    def restore(self, key: Tuple[str, str], item: Optional[StoredItem]) -> None:
        """Undo helper: put ``item`` back under ``key`` (or remove the key when ``item`` is None).

        An item brought back after a delete returns to its ``_rid`` position, so feeds keep
        their order after a rolled-back transaction.
        """
        if item is None:
            self.remove(*key)
            return
        was_present = key in self.items
        self.put(item)
        if not was_present and len(self.items) > 1:
            ordered = sorted(self.items.items(), key=lambda entry: _rid_ordinal(entry[1].body.get("_rid", "")))
            self.items = dict(ordered)

    def iter_items(self, epk: Optional[str] = None) -> Iterator[StoredItem]:
        if epk is None:
            return iter(list(self.items.values()))
        return iter(list(self.by_logical_partition.get(epk, {}).values()))

    def item_count(self) -> int:
        return len(self.items)

    def describe(self, collection_rid: str, etag: str, ts: int) -> Dict[str, Any]:
        """The ``/pkranges`` document for this range."""
        return {
            "id": self.range_id,
            "_rid": self.rid,
            "_self": f"dbs/{_db_of(collection_rid)}/colls/{collection_rid}/pkranges/{self.rid}/",
            "_etag": etag,
            "minInclusive": self.min_inclusive,
            "maxExclusive": self.max_exclusive,
            "ridPrefix": int(self.range_id) if self.range_id.isdigit() else 0,
            "throughputFraction": 1.0,
            "status": "online",
            "parents": list(self.parents),
            "ownedArchivalPKRangeIds": [],
            "_ts": ts,
            "_lsn": self.lsn,
        }

    def to_record(self) -> Dict[str, Any]:
        return {"id": self.range_id, "min": self.min_inclusive, "max": self.max_exclusive,
                "parents": self.parents, "lsn": self.lsn, "rid": self.rid}

    @classmethod
    def from_record(cls, record: Dict[str, Any]) -> "PhysicalPartition":
        return cls(record["id"], record["min"], record["max"], record.get("parents"),
                   record.get("lsn", 0), record.get("rid", ""))


def _rid_ordinal(text: str) -> int:
    from .. import rid as rids
    raw = rids.decode(text)
    return int.from_bytes(raw[8:16], "little") & ((1 << 60) - 1) if raw and len(raw) == 16 else 0


def _db_of(collection_rid: str) -> str:
    from .. import rid as rids
    raw = rids.decode(collection_rid)
    return rids.encode(raw[:4]) if raw else ""
