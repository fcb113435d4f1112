"""Item operations on one container, independent of HTTP.

The REST handlers in :mod:`.documents` are thin wrappers over :class:`ItemStore`; transactional
batch and stored procedures use the same class inside an ``Account`` transaction, so every path
applies the same rules (ids, partition keys, conditions, unique keys, TTL, size limit).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import partitioning
from .. import rid as rids
from ..errors import CosmosError, bad_request, conflict, entity_too_large, not_found, precondition_failed
from ..storage import Account, Collection, PhysicalPartition, StoredItem
from ..wire import MAX_DOCUMENT_BYTES, dumps
from .common import strip_system_properties, validate_id

MISMATCH_MESSAGE = ("PartitionKey extracted from document doesn't match the one specified in the header. "
                    "Learn more: https://aka.ms/CosmosDB/sql/errors/wrong-pk-value")

# Checks run before every item write: hook(account, collection, new_body, previous_item), raising
# CosmosError to refuse the write (unique keys register here; triggers may too).
WriteValidator = Callable[[Account, Collection, Dict[str, Any], Optional[StoredItem]], None]
write_validators: List[WriteValidator] = []


@dataclass
class ItemResult:
    """Outcome of one item operation.

    :ivar status: the HTTP status the service answers with (200, 201, 204).
    :ivar item: the item's state after the operation (before it, for a delete).
    :ivar partition: the physical partition holding it.
    :ivar response_body: what the answer carries instead of the item, when a post-trigger replaced
        the response body (None: the item).
    """

    status: int
    item: StoredItem
    partition: PhysicalPartition
    response_body: Any = None


def require_etag(expected: Optional[str], current: Optional[str]) -> None:
    """``If-Match`` semantics: 412 unless ``expected`` is absent, ``*`` on an existing item, or equal."""
    if expected is None:
        return
    expected = expected.strip()
    if current is None or (expected != "*" and expected != current):
        raise precondition_failed()


class ItemStore:
    """Item operations on ``collection``.

    :param account: the account (for system properties and journaling).
    :param collection: the container.
    :param range_id: when set, only items of that physical partition are reachable (requests
        routed with ``x-ms-documentdb-partitionkeyrangeid``).
    """

    def __init__(self, account: Account, collection: Collection, range_id: Optional[str] = None):
        self.account = account
        self.collection = collection
        self.range_id = range_id
        # Set by a transactional batch: every write it makes commits at this one partition LSN,
        # as the service commits a batch.
        self.fixed_lsn: Optional[int] = None

    def next_lsn(self, partition: PhysicalPartition) -> int:
        return self.fixed_lsn if self.fixed_lsn is not None else partition.lsn + 1

    # ------------------------------------------------------------------------------------------
    def locate(self, components: List[Any]) -> Tuple[str, PhysicalPartition]:
        """EPK and physical partition of a logical partition (410/1002 for an unknown range id)."""
        collection = self.collection
        epk = partitioning.effective_partition_key(components, collection.partition_key_definition)
        partition = collection.partition_for_epk(epk)
        if self.range_id is not None:
            explicit = collection.partition_by_id(self.range_id)
            if explicit is None:
                raise CosmosError(410, "Gone", "The requested partition key range is gone.", 1002)
            if explicit is not partition:
                raise not_found()
        return epk, partition

    def live(self, partition: PhysicalPartition, epk: str, item_id: str) -> Optional[StoredItem]:
        """The item unless it does not exist or its time to live has run out."""
        item = partition.get(epk, item_id)
        if item is not None and self.collection.is_expired(item, self.collection.now()):
            return None
        return item

    def write_components(self, header_components: Optional[List[Any]], body: Dict[str, Any]) -> List[Any]:
        """The partition key of a write: the one given (which must match the body) or the body's."""
        definition = self.collection.partition_key_definition
        body_components = partitioning.extract_from_document(body, definition)
        if header_components is None:
            return body_components
        matches = partitioning.components_equal(header_components, body_components) or (
            bool(definition.get("systemKey")) and header_components == []
            and all(component is partitioning.UNDEFINED for component in body_components))
        if not matches:
            raise bad_request(MISMATCH_MESSAGE, 1001)
        return header_components

    # ------------------------------------------------------------------------------------------
    def read(self, components: List[Any], item_id: str) -> ItemResult:
        epk, partition = self.locate(components)
        item = self.live(partition, epk, item_id)
        if item is None:
            raise not_found()
        return ItemResult(200, item, partition)

    def create(self, components: Optional[List[Any]], body: Dict[str, Any], *, upsert: bool = False,
               if_match: Optional[str] = None) -> ItemResult:
        """Create (409 when the id exists in the logical partition) or upsert one item.

        An upsert with ``If-Match`` follows the service: when the item exists it is a replace, so the etag must
        match (``*`` matches any) or the answer is 412; when it does not exist it is a create and ``If-Match``
        does not apply (201), as the service documents ("UpsertItemAsync will ignore IfMatchEtag when
        materialized as Create"). A create (not upsert) ignores ``If-Match`` too.
        """
        item_id = validate_id(body.get("id"), what="document")
        resolved = self.write_components(components, body)
        epk, partition = self.locate(resolved)
        existing = self.live(partition, epk, item_id)
        if existing is not None and not upsert:
            raise conflict()
        if upsert and existing is not None:
            require_etag(if_match, existing.body["_etag"])
        stored = self._store(partition, body, item_id, epk, resolved, existing)
        return ItemResult(201 if existing is None else 200, stored, partition)

    def replace(self, components: Optional[List[Any]], item_id: str, body: Dict[str, Any],
                if_match: Optional[str] = None) -> ItemResult:
        body_id = validate_id(body.get("id"), what="document")
        resolved = self.write_components(components, body)
        epk, partition = self.locate(resolved)
        existing = self.live(partition, epk, item_id)
        if existing is None:
            raise not_found()
        require_etag(if_match, existing.body["_etag"])
        if body_id != item_id:
            return self._rename(partition, epk, resolved, existing, body, body_id)
        return ItemResult(200, self._store(partition, body, item_id, epk, resolved, existing), partition)

    def _rename(self, partition: PhysicalPartition, epk: str, components: List[Any], existing: StoredItem,
                body: Dict[str, Any], new_id: str) -> ItemResult:
        """A replace whose body carries another id renames the item, as the service does (only the
        partition key is immutable): the old id is gone and the new one must be free (409)."""
        if self.live(partition, epk, new_id) is not None:
            raise conflict()
        # Removing the old id and storing the new one are one change: inside the caller's transaction
        # (batch, scripts, triggers) or one of its own, so a crash cannot lose the item.
        own = None if self.account.in_transaction else self.account.begin()
        try:
            self.account.delete_item(self.collection, partition, existing, self.next_lsn(partition))
            stored = self._store(partition, body, new_id, epk, components, None)
        except BaseException:
            if own is not None:
                self.account.abort(own)
            raise
        if own is not None:
            self.account.commit(own)
        return ItemResult(200, stored, partition)

    def delete(self, components: List[Any], item_id: str, if_match: Optional[str] = None) -> ItemResult:
        epk, partition = self.locate(components)
        existing = self.live(partition, epk, item_id)
        if existing is None:
            raise not_found()
        require_etag(if_match, existing.body["_etag"])
        self.account.delete_item(self.collection, partition, existing, self.next_lsn(partition))
        return ItemResult(204, existing, partition)

    def reap_expired(self, partition: PhysicalPartition) -> int:
        """Remove the items of ``partition`` whose time to live has run out, as the service's
        background expiry does (each removal is a change the full-fidelity feed reports).

        :returns: how many items were removed.
        """
        now = self.collection.now()
        expired = [item for item in partition.iter_items() if self.collection.is_expired(item, now)]
        for item in expired:
            self.account.delete_item(self.collection, partition, item, self.next_lsn(partition), ttl_expired=True)
        return len(expired)

    def patch(self, components: List[Any], item_id: str, operations: Any, condition: Any = None,
              if_match: Optional[str] = None) -> ItemResult:
        from . import patch
        checked = patch.validate_operations(operations, self.collection.partition_key_definition)
        epk, partition = self.locate(components)
        existing = self.live(partition, epk, item_id)
        if existing is None:
            raise not_found()
        require_etag(if_match, existing.body["_etag"])
        patch.check_condition(condition, existing.body)
        patched = patch.apply_operations(existing.body, checked)
        return ItemResult(200, self._store(partition, patched, item_id, epk, components, existing), partition)

    # ------------------------------------------------------------------------------------------
    def _store(self, partition: PhysicalPartition, body: Dict[str, Any], item_id: str, epk: str,
               components: List[Any], existing: Optional[StoredItem]) -> StoredItem:
        stored = self.build(partition, body, item_id, epk, components, existing)
        if len(dumps(stored.body)) > MAX_DOCUMENT_BYTES:
            raise entity_too_large()
        for validator in write_validators:
            validator(self.account, self.collection, stored.body, existing)
        expired = partition.get(epk, item_id) if existing is None else None
        if expired is not None:
            self.account.delete_item(self.collection, partition, expired, self.next_lsn(partition),
                                     ttl_expired=True)
        stored.lsn = self.next_lsn(partition)
        self.account.put_item(self.collection, partition, stored)
        return stored

    def build(self, partition: PhysicalPartition, body: Dict[str, Any], item_id: str, epk: str,
              components: List[Any], previous: Optional[StoredItem]) -> StoredItem:
        """The stored form of a new item state: user properties plus system properties.

        A replace, upsert or patch of an existing item keeps its ``_rid``; a create gets a new one.
        """
        collection = self.collection
        if previous is not None:
            item_rid = previous.body["_rid"]
        else:
            item_rid = rids.child_rid(collection.rid, collection.allocate_child_ordinal(), rids.CHILD_DOCUMENT)
        document = strip_system_properties(body)
        document["id"] = item_id
        document["_rid"] = item_rid
        document["_self"] = f"{collection.self_link}docs/{item_rid}/"
        document["_etag"] = self.account.etag()
        document["_attachments"] = "attachments/"
        document["_ts"] = self.account.now()
        return StoredItem(document, epk, partitioning.components_to_json(components), self.next_lsn(partition))
