"""The account's resource tree: databases → collections → physical partitions → items.

Every mutation is expressed as a *record* (a small JSON-able dict holding the full new state of
what changed), applied to memory by one ``_apply`` function and, when a data directory is in use,
appended to the journal. Because records carry full states ("put this", "delete that"), replaying
them is idempotent, which is what makes snapshot + journal recovery safe.

Writes that must be all-or-nothing (transactional batch, stored procedures) run inside a
:class:`Transaction`: it keeps an undo log, and the records reach the journal only on commit.
"""
from __future__ import annotations

import itertools
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from .. import partitioning, rid as rids
from .partition import ChangeRecord, PhysicalPartition, StoredItem

# Upper bound of the change history kept per physical partition, whatever the retention window,
# so a long-running emulator's memory stays bounded.
MAX_CHANGES_PER_PARTITION = 100_000


def new_etag(counter: Iterator[int]) -> str:
    """An etag in the service's quoted GUID-like shape, unique per write."""
    value = next(counter)
    stamp = int(time.time()) & 0xFFFFFFFF
    return '"%08x-0000-0000-%04x-%08x%04x"' % (value & 0xFFFFFFFF, (value >> 32) & 0xFFFF, stamp,
                                                 value & 0xFFFF)


class Collection:
    """A container: properties, partition key definition, physical partitions and child resources."""

    def __init__(self, database: "Database", properties: Dict[str, Any], ordinal: int):
        self.database = database
        self.properties = properties
        self.ordinal = ordinal
        self.partitions: List[PhysicalPartition] = []
        # Child resources other than documents (sprocs, triggers, udfs, conflicts) by kind then id.
        self.children: Dict[str, Dict[str, Dict[str, Any]]] = {
            "sprocs": {}, "triggers": {}, "udfs": {}, "conflicts": {}}
        self.next_child_ordinal = 1
        self.next_range_id = 0
        # Bumped whenever the range layout changes; it is the etag of the /pkranges feed.
        self.ranges_version = 1
        # (partition versions, item count, KB) for the usage headers, recomputed after changes.
        self.usage_cache: Optional[Tuple[Any, int, int]] = None

    @property
    def id(self) -> str:
        return self.properties["id"]

    @property
    def rid(self) -> str:
        return self.properties["_rid"]

    @property
    def partition_key_definition(self) -> Dict[str, Any]:
        return self.properties["partitionKey"]

    @property
    def name_link(self) -> str:
        return f"dbs/{self.database.id}/colls/{self.id}"

    @property
    def self_link(self) -> str:
        return self.properties["_self"]

    def allocate_child_ordinal(self) -> int:
        ordinal = self.next_child_ordinal
        self.next_child_ordinal += 1
        return ordinal

    def partition_for_epk(self, epk: str) -> PhysicalPartition:
        for partition in self.partitions:
            if partition.holds(epk):
                return partition
        # "FF" and above (the Infinity component) belong to the last range.
        return self.partitions[-1]

    def partition_by_id(self, range_id: str) -> Optional[PhysicalPartition]:
        for partition in self.partitions:
            if partition.range_id == range_id:
                return partition
        return None

    def item_count(self) -> int:
        return sum(partition.item_count() for partition in self.partitions)

    def item_by_rid(self, item_rid: str) -> Optional[Tuple[PhysicalPartition, StoredItem]]:
        """The partition and stored state of the item whose ``_rid`` is ``item_rid`` (expired or not)."""
        for partition in self.partitions:
            item = partition.get_by_rid(item_rid)
            if item is not None:
                return partition, item
        return None

    def now(self) -> float:
        return self.database.account.clock()

    def is_expired(self, item: StoredItem, now: float) -> bool:
        """Whether time to live has removed the item (evaluated on every access, as the
        container's ``defaultTtl`` may change after the write).

        TTL applies only when the container has ``defaultTtl`` (-1: no default, items opt in with
        their own ``ttl``); an item's positive ``ttl`` overrides the default, ``ttl: -1`` never expires.
        """
        default_ttl = self.properties.get("defaultTtl")
        if default_ttl is None:
            return False
        ttl = item.body.get("ttl")
        if not (isinstance(ttl, (int, float)) and not isinstance(ttl, bool) and (ttl > 0 or ttl == -1)):
            ttl = default_ttl
        if ttl == -1:
            return False
        return item.body.get("_ts", 0) + ttl <= now

    def iter_items(self) -> Iterator[StoredItem]:
        for partition in self.partitions:
            yield from partition.iter_items()

    @property
    def change_retention_minutes(self) -> Optional[int]:
        """The retention window of the all-versions-and-deletes change feed (the container's
        ``changeFeedPolicy.retentionDuration``, minutes), or None when the container has none."""
        policy = self.properties.get("changeFeedPolicy")
        if not isinstance(policy, dict):
            return None
        minutes = policy.get("retentionDuration")
        if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
            return minutes
        return None


class Database:
    def __init__(self, account: "Account", properties: Dict[str, Any], ordinal: int):
        self.account = account
        self.properties = properties
        self.ordinal = ordinal
        self.collections: Dict[str, Collection] = {}
        self.next_collection_ordinal = 1
        # Users (and their permissions) are kept as plain resources for the helper that adds them.
        self.users: Dict[str, Dict[str, Any]] = {}
        self.permissions: Dict[str, Dict[str, Dict[str, Any]]] = {}
        self.next_user_ordinal = 1
        self.next_permission_ordinal = 1

    def find_user(self, name_or_rid: str, by_rid: bool = False) -> Optional[Dict[str, Any]]:
        """A user of this database by id, or by ``_rid`` for rid-based links."""
        if not by_rid:
            return self.users.get(name_or_rid)
        return next((user for user in self.users.values() if user["_rid"] == name_or_rid), None)

    def allocate_permission_ordinal(self) -> int:
        ordinal = self.next_permission_ordinal
        self.next_permission_ordinal += 1
        return ordinal

    @property
    def id(self) -> str:
        return self.properties["id"]

    @property
    def rid(self) -> str:
        return self.properties["_rid"]


class Transaction:
    """Undo log of in-memory changes plus the records to journal on commit."""

    def __init__(self, account: "Account"):
        self.account = account
        self.records: List[Dict[str, Any]] = []
        self.undo: List[Callable[[], None]] = []

    def rollback(self) -> None:
        for action in reversed(self.undo):
            action()
        self.undo.clear()
        self.records.clear()


class Account:
    """All state of one emulated account.

    :param partition_count: number of physical partitions every new container starts with (an explicit
        override); None derives it from the container's throughput, as the service does.
    :param journal: an object with ``append(records)``; None keeps everything in memory only.
    """

    def __init__(self, partition_count: Optional[int] = None, journal: Any = None):
        self.partition_count = None if partition_count is None else max(1, int(partition_count))
        self.journal = journal
        self.databases: Dict[str, Database] = {}
        self.databases_by_rid: Dict[str, Database] = {}
        self.collections_by_rid: Dict[str, Collection] = {}
        self.offers: Dict[str, Dict[str, Any]] = {}
        self.next_database_ordinal = 1
        self.next_offer_ordinal = 1
        self.etags = itertools.count(1)
        # Source of "now" for _ts and time to live; tests may substitute a controllable clock.
        self.clock: Callable[[], float] = time.time
        # Run-time collaborators the resource handlers reach through the account (never persisted):
        # "tokens" (resource token issuer), "scripts" (JavaScript engine).
        self.services: Dict[str, Any] = {}
        self._transaction: Optional[Transaction] = None

    # ----------------------------------------------------------------------------------------
    # Transactions and journaling
    # ----------------------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        """Whether changes are being collected into an all-or-nothing transaction right now."""
        return self._transaction is not None

    def begin(self) -> Transaction:
        if self._transaction is not None:
            raise RuntimeError("nested transactions are not supported")
        self._transaction = Transaction(self)
        return self._transaction

    def commit(self, transaction: Transaction) -> None:
        self._transaction = None
        if self.journal is not None and transaction.records:
            self.journal.append(transaction.records)

    def abort(self, transaction: Transaction) -> None:
        self._transaction = None
        transaction.rollback()

    def _emit(self, record: Dict[str, Any], undo: Callable[[], None]) -> None:
        if self._transaction is not None:
            self._transaction.records.append(record)
            self._transaction.undo.append(undo)
        elif self.journal is not None:
            self.journal.append([record])

    # ----------------------------------------------------------------------------------------
    # Lookups
    # ----------------------------------------------------------------------------------------

    def find_database(self, name_or_rid: str, by_rid: bool = False) -> Optional[Database]:
        if by_rid:
            return self.databases_by_rid.get(name_or_rid)
        return self.databases.get(name_or_rid)

    def find_collection(self, database: Database, name_or_rid: str, by_rid: bool = False
                        ) -> Optional[Collection]:
        if by_rid:
            found = self.collections_by_rid.get(name_or_rid)
            return found if found is not None and found.database is database else None
        return database.collections.get(name_or_rid)

    def now(self) -> int:
        return int(self.clock())

    def etag(self) -> str:
        return new_etag(self.etags)

    # ----------------------------------------------------------------------------------------
    # Mutations (each builds a record and applies it)
    # ----------------------------------------------------------------------------------------

    def put_database(self, properties: Dict[str, Any]) -> Database:
        record = {"t": "db.put", "db": properties}
        previous = self.databases_by_rid.get(properties["_rid"])
        previous_props = dict(previous.properties) if previous else None
        self._apply(record)

        def undo() -> None:
            if previous_props is None:
                self._apply({"t": "db.del", "rid": properties["_rid"]})
            else:
                self._apply({"t": "db.put", "db": previous_props})
        self._emit(record, undo)
        return self.databases_by_rid[properties["_rid"]]

    def delete_database(self, database: Database) -> None:
        self._emit({"t": "db.del", "rid": database.rid}, _no_undo("database delete"))
        self._apply({"t": "db.del", "rid": database.rid})

    def put_collection(self, database: Database, properties: Dict[str, Any],
                       ranges: Optional[List[PhysicalPartition]] = None) -> Collection:
        existing = self.collections_by_rid.get(properties["_rid"])
        if ranges is None and existing is not None:
            ranges = existing.partitions
        record = {"t": "coll.put", "db": database.rid, "coll": properties,
                  "ranges": [p.to_record() for p in (ranges or [])]}
        self._emit(record, _no_undo("collection write"))
        self._apply(record)
        return self.collections_by_rid[properties["_rid"]]

    def delete_collection(self, collection: Collection) -> None:
        record = {"t": "coll.del", "rid": collection.rid}
        self._emit(record, _no_undo("collection delete"))
        self._apply(record)

    def put_item(self, collection: Collection, partition: PhysicalPartition, item: StoredItem) -> None:
        key = (item.epk, item.id)
        previous = partition.get(*key)
        previous_lsn = partition.lsn
        record = {"t": "item.put", "coll": collection.rid, "range": partition.range_id,
                  **item.to_record()}
        partition.put(item)
        change = _log_put(collection, partition, item, previous)

        def undo() -> None:
            partition.restore(key, previous)
            partition.lsn = previous_lsn
            _unlog(partition, change)
        self._emit(record, undo)

    def delete_item(self, collection: Collection, partition: PhysicalPartition, item: StoredItem,
                    lsn: int, *, ttl_expired: bool = False) -> None:
        """Remove ``item`` at partition LSN ``lsn``; ``ttl_expired`` marks a removal by time to live
        (the all-versions-and-deletes change feed reports it)."""
        key = (item.epk, item.id)
        previous_lsn = partition.lsn
        now = self.now()
        record = {"t": "item.del", "coll": collection.rid, "range": partition.range_id,
                  "epk": item.epk, "id": item.id, "lsn": lsn, "ts": now}
        if ttl_expired:
            record["ttl"] = True
        partition.remove(*key)
        partition.lsn = max(partition.lsn, lsn)
        change = _log_delete(collection, partition, item, lsn, now, ttl_expired)

        def undo() -> None:
            partition.restore(key, item)
            partition.lsn = previous_lsn
            _unlog(partition, change)
        self._emit(record, undo)

    def put_child(self, collection: Collection, kind: str, resource: Dict[str, Any]) -> None:
        """Create or replace a stored procedure / trigger / UDF / conflict."""
        store = collection.children[kind]
        previous = store.get(resource["id"])
        record = {"t": "child.put", "coll": collection.rid, "kind": kind, "res": resource}
        self._apply(record)

        def undo() -> None:
            if previous is None:
                store.pop(resource["id"], None)
            else:
                store[resource["id"]] = previous
        self._emit(record, undo)

    def delete_child(self, collection: Collection, kind: str, resource_id: str) -> None:
        store = collection.children[kind]
        previous = store.get(resource_id)
        record = {"t": "child.del", "coll": collection.rid, "kind": kind, "id": resource_id}
        self._apply(record)

        def undo() -> None:
            if previous is not None:
                store[resource_id] = previous
        self._emit(record, undo)

    def put_offer(self, offer: Dict[str, Any]) -> None:
        previous = self.offers.get(offer["_rid"])
        record = {"t": "offer.put", "offer": offer}
        self._apply(record)

        def undo() -> None:
            if previous is None:
                self.offers.pop(offer["_rid"], None)
            else:
                self.offers[offer["_rid"]] = previous
        self._emit(record, undo)

    def delete_offer(self, offer_rid: str) -> None:
        record = {"t": "offer.del", "rid": offer_rid}
        self._emit(record, _no_undo("offer delete"))
        self._apply(record)

    def put_user_resource(self, database: Database, kind: str, resource: Dict[str, Any],
                          user_id: Optional[str] = None) -> None:
        """Create or replace a user (``kind="users"``) or a permission of ``user_id``."""
        record = {"t": "user.put", "db": database.rid, "kind": kind, "user": user_id, "res": resource}
        self._emit(record, _no_undo("user write"))
        self._apply(record)

    def delete_user_resource(self, database: Database, kind: str, resource_id: str,
                             user_id: Optional[str] = None) -> None:
        record = {"t": "user.del", "db": database.rid, "kind": kind, "user": user_id, "id": resource_id}
        self._emit(record, _no_undo("user delete"))
        self._apply(record)

    def split_range(self, collection: Collection, range_id: str) -> List[PhysicalPartition]:
        """Split one physical partition into two children at the middle of its EPK interval.

        The children get new range ids and list the parent in ``parents``; requests still naming
        the parent range get 410/1002 (partition key range gone) from then on.
        """
        parent = collection.partition_by_id(range_id)
        if parent is None:
            raise KeyError(f"no partition key range {range_id!r}")
        middle = _split_point(collection, parent)
        children = []
        for low, high in ((parent.min_inclusive, middle), (middle, parent.max_exclusive)):
            child_id = str(collection.next_range_id)
            collection.next_range_id += 1
            child_rid = rids.child_rid(collection.rid, int(child_id) + 1, rids.CHILD_PARTITION_KEY_RANGE)
            children.append(PhysicalPartition(child_id, low, high, parent.parents + [parent.range_id],
                                              parent.lsn, child_rid))
        layout = []
        for partition in collection.partitions:
            layout.extend(children if partition is parent else [partition])
        self.set_ranges(collection, layout)
        return [collection.partition_by_id(child.range_id) for child in children]

    def set_ranges(self, collection: Collection, ranges: List[PhysicalPartition]) -> None:
        """Replace the range layout (partition split); items are re-homed by EPK."""
        record = {"t": "ranges.set", "coll": collection.rid, "ranges": [p.to_record() for p in ranges]}
        self._emit(record, _no_undo("partition split"))
        self._apply(record)

    # ----------------------------------------------------------------------------------------
    # Record application (also used by recovery)
    # ----------------------------------------------------------------------------------------

    def apply_records(self, records: List[Dict[str, Any]]) -> None:
        for record in records:
            self._apply(record)

    def _apply(self, record: Dict[str, Any]) -> None:
        handler = getattr(self, "_apply_" + record["t"].replace(".", "_"))
        handler(record)

    def _apply_db_put(self, record: Dict[str, Any]) -> None:
        properties = record["db"]
        existing = self.databases_by_rid.get(properties["_rid"])
        if existing is not None:
            if existing.id != properties["id"]:
                self.databases.pop(existing.id, None)
            existing.properties = properties
            self.databases[properties["id"]] = existing
            return
        clash = self.databases.get(properties["id"])
        if clash is not None:
            self._apply_db_del({"rid": clash.rid})
        ordinal = _ordinal_of(properties["_rid"], 0, 4, "big")
        database = Database(self, properties, ordinal)
        self.databases[database.id] = database
        self.databases_by_rid[database.rid] = database
        self.next_database_ordinal = max(self.next_database_ordinal, ordinal + 1)

    def _apply_db_del(self, record: Dict[str, Any]) -> None:
        database = self.databases_by_rid.pop(record["rid"], None)
        if database is None:
            return
        self.databases.pop(database.id, None)
        for collection in list(database.collections.values()):
            self._apply_coll_del({"rid": collection.rid})
        for offer_rid, offer in list(self.offers.items()):
            if offer.get("offerResourceId") == database.rid:
                del self.offers[offer_rid]

    def _apply_coll_put(self, record: Dict[str, Any]) -> None:
        database = self.databases_by_rid.get(record["db"])
        if database is None:
            return
        properties = record["coll"]
        existing = self.collections_by_rid.get(properties["_rid"])
        if existing is not None:
            existing.properties = properties
            return
        clash = database.collections.get(properties["id"])
        if clash is not None:
            self._apply_coll_del({"rid": clash.rid})
        ordinal = _ordinal_of(properties["_rid"], 4, 8, "big") & 0x7FFFFFFF
        collection = Collection(database, properties, ordinal)
        collection.partitions = [PhysicalPartition.from_record(r) for r in record["ranges"]]
        collection.next_range_id = 1 + max((int(p.range_id) for p in collection.partitions), default=-1)
        database.collections[collection.id] = collection
        database.next_collection_ordinal = max(database.next_collection_ordinal, ordinal + 1)
        self.collections_by_rid[collection.rid] = collection

    def _apply_coll_del(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.pop(record["rid"], None)
        if collection is None:
            return
        collection.database.collections.pop(collection.id, None)
        for offer_rid, offer in list(self.offers.items()):
            if offer.get("offerResourceId") == collection.rid:
                del self.offers[offer_rid]

    def _apply_item_put(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is None:
            return
        body = record["item"]
        item = StoredItem(body, record["epk"], record["pk"], record["lsn"])
        partition = collection.partition_for_epk(item.epk)
        previous = partition.get(item.epk, item.id)
        partition.put(item)
        _log_put(collection, partition, item, previous, replay=True)
        ordinal = _ordinal_of(body.get("_rid", ""), 8, 16, "little") & ((1 << 60) - 1)
        collection.next_child_ordinal = max(collection.next_child_ordinal, ordinal + 1)

    def _apply_item_del(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is None:
            return
        partition = collection.partition_for_epk(record["epk"])
        removed = partition.remove(record["epk"], record["id"])
        partition.lsn = max(partition.lsn, record["lsn"])
        if removed is not None:
            _log_delete(collection, partition, removed, record["lsn"], record.get("ts", 0), record.get("ttl", False),
                        replay=True)

    def _apply_chg_set(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is None:
            return
        partition = collection.partition_by_id(record["range"])
        if partition is not None:
            partition.changes = [ChangeRecord.from_record(entry) for entry in record["changes"]]

    def _apply_child_put(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is None:
            return
        resource = record["res"]
        collection.children.setdefault(record["kind"], {})[resource["id"]] = resource
        ordinal = _ordinal_of(resource.get("_rid", ""), 8, 16, "little") & ((1 << 60) - 1)
        collection.next_child_ordinal = max(collection.next_child_ordinal, ordinal + 1)

    def _apply_child_del(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is not None:
            collection.children.setdefault(record["kind"], {}).pop(record["id"], None)

    def _apply_offer_put(self, record: Dict[str, Any]) -> None:
        offer = record["offer"]
        self.offers[offer["_rid"]] = offer
        ordinal = _ordinal_of(offer["_rid"], 0, 3, "big")
        self.next_offer_ordinal = max(self.next_offer_ordinal, ordinal + 1)

    def _apply_offer_del(self, record: Dict[str, Any]) -> None:
        self.offers.pop(record["rid"], None)

    def _apply_user_put(self, record: Dict[str, Any]) -> None:
        database = self.databases_by_rid.get(record["db"])
        if database is None:
            return
        resource = record["res"]
        if record["kind"] == "users":
            previous = [u for u in database.users.values() if u["_rid"] == resource["_rid"]]
            for old in previous:
                if old["id"] != resource["id"]:
                    database.users.pop(old["id"], None)
                    database.permissions[resource["id"]] = database.permissions.pop(old["id"], {})
            database.users[resource["id"]] = resource
            database.permissions.setdefault(resource["id"], {})
            ordinal = _ordinal_of(resource["_rid"], 4, 8, "big") & 0x7FFFFFFF
            database.next_user_ordinal = max(database.next_user_ordinal, ordinal + 1)
        else:
            database.permissions.setdefault(record["user"], {})[resource["id"]] = resource
            ordinal = _ordinal_of(resource.get("_rid", ""), 8, 16, "little") & ((1 << 60) - 1)
            database.next_permission_ordinal = max(database.next_permission_ordinal, ordinal + 1)

    def _apply_user_del(self, record: Dict[str, Any]) -> None:
        database = self.databases_by_rid.get(record["db"])
        if database is None:
            return
        if record["kind"] == "users":
            database.users.pop(record["id"], None)
            database.permissions.pop(record["id"], None)
        else:
            database.permissions.get(record["user"], {}).pop(record["id"], None)

    def _apply_ranges_set(self, record: Dict[str, Any]) -> None:
        collection = self.collections_by_rid.get(record["coll"])
        if collection is None:
            return
        items = list(collection.iter_items())
        changes = sorted((change for partition in collection.partitions for change in partition.changes),
                         key=lambda change: change.lsn)
        collection.partitions = [PhysicalPartition.from_record(r) for r in record["ranges"]]
        collection.next_range_id = 1 + max((int(p.range_id) for p in collection.partitions), default=-1)
        collection.ranges_version += 1
        for item in items:
            collection.partition_for_epk(item.epk).put(item)
        # Children keep the history of the keys they now own, so a feed continued from the
        # parent's LSN on a child misses nothing.
        for change in changes:
            collection.partition_for_epk(change.epk).changes.append(change)

    # ----------------------------------------------------------------------------------------
    # Snapshot
    # ----------------------------------------------------------------------------------------

    def snapshot_records(self) -> Iterator[Dict[str, Any]]:
        """Records that rebuild the current state from nothing (the snapshot file's content)."""
        for database in list(self.databases.values()):
            yield {"t": "db.put", "db": database.properties}
            for user_id, user in database.users.items():
                yield {"t": "user.put", "db": database.rid, "kind": "users", "user": None, "res": user}
                for permission in database.permissions.get(user_id, {}).values():
                    yield {"t": "user.put", "db": database.rid, "kind": "permissions", "user": user_id,
                           "res": permission}
            for collection in list(database.collections.values()):
                yield {"t": "coll.put", "db": database.rid, "coll": collection.properties,
                       "ranges": [p.to_record() for p in collection.partitions]}
                for kind, resources in collection.children.items():
                    for resource in resources.values():
                        yield {"t": "child.put", "coll": collection.rid, "kind": kind, "res": resource}
                for partition in collection.partitions:
                    for item in partition.iter_items():
                        yield {"t": "item.put", "coll": collection.rid, "range": partition.range_id,
                               **item.to_record()}
                    if partition.changes:
                        yield {"t": "chg.set", "coll": collection.rid, "range": partition.range_id,
                               "changes": [change.to_record() for change in partition.changes]}
        for offer in list(self.offers.values()):
            yield {"t": "offer.put", "offer": offer}


def _split_point(collection: Collection, parent: PhysicalPartition) -> str:
    """Where to cut a range: at the median stored EPK (both children then hold data, as a
    load-driven split would), else halfway through the hash space the range covers."""
    epks = sorted({item.epk for item in parent.iter_items()})
    if len(epks) >= 2:
        return epks[len(epks) // 2]
    high = parent.max_exclusive
    definition = collection.partition_key_definition
    if high == partitioning.MAX_EPK and (partitioning.definition_kind(definition) == "MultiHash"
                                        or partitioning.definition_version(definition) == 2):
        high = "4" + "0" * 31  # v2 hashes have their top two bits cleared
    return partitioning.midpoint(parent.min_inclusive, high)


def _log_put(collection: Collection, partition: PhysicalPartition, item: StoredItem,
             previous: Optional[StoredItem], replay: bool = False) -> Optional[ChangeRecord]:
    if collection.change_retention_minutes is None:
        return None
    kind = "create" if previous is None else "replace"
    if replay and _already_logged(partition, item.lsn, item.id, kind):
        return None
    change = ChangeRecord(item.lsn, kind, item.epk, item.id,
                          item.partition_key, item.body, previous.body if previous is not None else None,
                          previous.lsn if previous is not None else 0, int(item.body.get("_ts", 0)))
    _append_change(partition, change)
    return change


def _log_delete(collection: Collection, partition: PhysicalPartition, item: StoredItem, lsn: int, crts: int,
                ttl_expired: bool, replay: bool = False) -> Optional[ChangeRecord]:
    if collection.change_retention_minutes is None:
        return None
    if replay and _already_logged(partition, lsn, item.id, "delete"):
        return None
    change = ChangeRecord(lsn, "delete", item.epk, item.id, item.partition_key, None, item.body, item.lsn,
                          int(crts), ttl_expired)
    _append_change(partition, change)
    return change


def _already_logged(partition: PhysicalPartition, lsn: int, item_id: str, kind: str) -> bool:
    """Journal lines replayed over a snapshot that already holds their history must not log twice."""
    if not partition.changes or partition.changes[-1].lsn < lsn:
        return False
    if partition.changes[-1].lsn > lsn:
        return True
    return any(change.lsn == lsn and change.item_id == item_id and change.kind == kind
               for change in partition.changes[-200:])


def _append_change(partition: PhysicalPartition, change: ChangeRecord) -> None:
    partition.changes.append(change)
    if len(partition.changes) > MAX_CHANGES_PER_PARTITION:
        dropped = len(partition.changes) - MAX_CHANGES_PER_PARTITION
        partition.changes_floor = max(partition.changes_floor, partition.changes[dropped - 1].lsn)
        del partition.changes[:dropped]


def _unlog(partition: PhysicalPartition, change: Optional[ChangeRecord]) -> None:
    if change is None:
        return
    if partition.changes and partition.changes[-1] is change:
        partition.changes.pop()
    else:
        partition.changes = [entry for entry in partition.changes if entry is not change]


def _no_undo(what: str) -> Callable[[], None]:
    def refuse() -> None:
        raise RuntimeError(f"a {what} cannot be part of a transaction")
    return refuse


def _ordinal_of(rid_text: str, start: int, end: int, byteorder: str) -> int:
    raw = rids.decode(rid_text) if rid_text else None
    if raw is None or len(raw) < end:
        return 0
    return int.from_bytes(raw[start:end], byteorder)  # type: ignore[arg-type]


def initial_partitions(collection_rid: str, count: int, definition: Dict[str, Any]
                       ) -> List[PhysicalPartition]:
    """The physical partitions of a new container: ``count`` even slices of the EPK space."""
    partitions = []
    for index, (low, high) in enumerate(partitioning.initial_boundaries(count, definition)):
        range_rid = rids.child_rid(collection_rid, index + 1, rids.CHILD_PARTITION_KEY_RANGE)
        partitions.append(PhysicalPartition(str(index), low, high, [], 0, range_rid))
    return partitions


ItemKey = Tuple[str, str]
