"""Running server-side scripts against storage: stored procedures, pre/post-triggers and UDFs.

The JavaScript runtime (``cosmos_emulator.scripts``, one :class:`ScriptEngine` per server, started
on first use) runs the code; this module gives it one logical partition of a container
(:class:`PartitionScriptCollection`, over :class:`~.items.ItemStore`) inside a storage transaction:

* a stored procedure (``POST`` to ``.../sprocs/{id}`` with the argument array as the body and the
  partition key header) commits every write it made, or none of them when it throws or runs out of
  time; the answer is the body it set, with ``x-ms-documentdb-script-log-results`` when
  ``x-ms-documentdb-script-enable-logging: true`` was sent;
* item writes naming ``x-ms-documentdb-pre-trigger-include`` / ``-post-trigger-include`` (comma
  separated ids) run those triggers before and after the write, in the same transaction: a
  pre-trigger may replace the document being written (with another JSON object: anything else fails
  the write with 400), a post-trigger may replace the body of the answer (the stored item stays as
  written) and reads the container's quota and usage, a throwing trigger fails the write and undoes
  everything;
* queries resolve ``udf.<id>(...)`` to the container's user-defined functions.

Scripts read request headers with ``getRequest().getValue(name)``; they see the service's own
(``x-ms-*``) and the conditional ones, never the credentials or transport headers.

The writes of one execution commit at a single partition LSN, like a transactional batch.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ..enumerations import TRIGGER_OPERATIONS, TRIGGER_TYPES, canonical
from ..errors import CosmosError, bad_request, not_found
from ..query.vector_policy import embeddings_by_path
from ..storage import Account, Collection, StoredItem
from ..wire import INVALID_PAYLOAD_MESSAGE, Request, Response, format_charge, write_charge
from .computed_properties import definitions_for
from .container_usage import resource_quota_headers
from .item_headers import RANGE_ID_HEADER, header_partition_key, item_headers
from .items import MISMATCH_MESSAGE, ItemResult, ItemStore

ENGINE_SERVICE = "scripts"
PRE_TRIGGER_HEADER = "x-ms-documentdb-pre-trigger-include"
POST_TRIGGER_HEADER = "x-ms-documentdb-post-trigger-include"
ENABLE_LOGGING_HEADER = "x-ms-documentdb-script-enable-logging"
_UNAVAILABLE = ("Server-side JavaScript is not available in this emulator build "
                "(the cosmos_emulator.scripts runtime is missing).")
# Standard headers a script may read besides the x-ms-* ones.
_SCRIPT_VISIBLE_HEADERS = frozenset({"if-match", "if-none-match"})
# Which trigger operations (as defined on the trigger) fire for which request operation.
_TRIGGER_FIRES_ON = {
    "create": ("All", "Create"),
    "replace": ("All", "Replace", "Update"),
    "upsert": ("All", "Upsert"),
    "delete": ("All", "Delete"),
}


def script_engine(account: Account, *, required: bool = True) -> Any:
    """The account's script engine, started on first use; None (or 400 when ``required``) when the
    runtime is not installed."""
    engine = account.services.get(ENGINE_SERVICE)
    if engine is None:
        try:
            from ..scripts import ScriptEngine
        except ImportError:
            if required:
                raise bad_request(_UNAVAILABLE) from None
            return None
        engine = ScriptEngine()
        account.services[ENGINE_SERVICE] = engine
    return engine


def validate_script(account: Account, source: str) -> None:
    """Compile a script body (400 on a syntax error) when the runtime is installed."""
    engine = script_engine(account, required=False)
    if engine is not None:
        engine.validate(source)


def udf_resolver_for(account: Account, collection: Collection) -> Any:
    """The query engine's ``udf.<id>`` resolver over the container's user-defined functions."""
    udfs = collection.children.get("udfs") or {}
    if not udfs:
        return None
    engine = script_engine(account, required=False)
    if engine is None:
        return None
    return engine.udf_resolver({udf_id: udf["body"] for udf_id, udf in udfs.items()})


# ------------------------------------------------------------------------------------------------
# The logical partition a script sees
# ------------------------------------------------------------------------------------------------

class PartitionScriptCollection:
    """:class:`cosmos_emulator.scripts.ScriptCollection` over one logical partition.

    :param store: item operations on the container (inside the execution's transaction).
    :param components: the execution's partition key.
    :param udf_resolver: for ``udf.<id>`` in the script's queries.
    """

    def __init__(self, store: ItemStore, components: List[Any], udf_resolver: Any = None):
        self._store = store
        self._components = components
        self._epk, self._partition = store.locate(components)
        self._udf_resolver = udf_resolver

    def self_link(self) -> str:
        return self._store.collection.self_link

    def alt_link(self) -> str:
        return self._store.collection.name_link

    def create(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        self._own(doc)
        return self._store.create(self._components, doc).item.body

    def upsert(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        self._own(doc)
        return self._store.create(self._components, doc, upsert=True, if_match=options.get("etag")).item.body

    def replace(self, link_or_id: str, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        current = self._find(link_or_id)
        self._own(doc)
        return self._store.replace(self._components, current.id, doc, options.get("etag")).item.body

    def read(self, link_or_id: str, options: Dict[str, Any]) -> Dict[str, Any]:
        return self._find(link_or_id).body

    def delete(self, link_or_id: str, options: Dict[str, Any]) -> None:
        current = self._find(link_or_id)
        self._store.delete(self._components, current.id, options.get("etag"))

    def query(self, sql: str, parameters: Optional[List[Dict[str, Any]]]) -> List[Any]:
        from ..query import prepare
        collection = self._store.collection
        now = collection.now()
        documents = [item.body for item in self._partition.iter_items(self._epk)
                     if not collection.is_expired(item, now)]
        return prepare(sql, parameters, udfs=self._udf_resolver, computed=definitions_for(collection.properties),
                       embeddings=embeddings_by_path(collection.properties.get("vectorEmbeddingPolicy"))
                       ).run(documents)

    # ------------------------------------------------------------------------------------------
    def _own(self, doc: Dict[str, Any]) -> None:
        """Scripts may only write their own logical partition."""
        from ..scripts import script_partition_key_mismatch
        try:
            self._store.write_components(self._components, doc)
        except CosmosError as error:
            if error.message == MISMATCH_MESSAGE:
                raise script_partition_key_mismatch() from None
            raise

    def _find(self, link_or_id: str) -> StoredItem:
        from ..scripts import document_reference
        try:
            kind, value = document_reference(link_or_id, self.self_link(), self.alt_link())
        except ValueError:
            raise bad_request(f"The document link '{link_or_id}' does not belong to this collection.") from None
        if kind == "id":
            found = self._store.live(self._partition, self._epk, value)
        else:
            collection = self._store.collection
            now = collection.now()
            found = next((item for item in self._partition.iter_items(self._epk)
                          if item.body.get("_rid") == value and not collection.is_expired(item, now)), None)
        if found is None:
            raise not_found()
        return found


# ------------------------------------------------------------------------------------------------
# Stored procedures
# ------------------------------------------------------------------------------------------------

def execute_stored_procedure(account: Account, collection: Collection, sproc: Dict[str, Any],
                             request: Request) -> Response:
    components = header_partition_key(collection, request, required=False)
    if components is None:
        if not collection.partition_key_definition.get("systemKey"):
            raise bad_request("PartitionKey value must be supplied for this operation.")
        components = []
    params = request.json_body() if request.body.strip() else None
    engine = script_engine(account)
    store = ItemStore(account, collection, (request.header(RANGE_ID_HEADER) or "").strip() or None)
    view = PartitionScriptCollection(store, components, udf_resolver_for(account, collection))
    result = _in_transaction(store, components, lambda: engine.run_stored_procedure(
        sproc["body"], params, view, enable_logging=request.flag(ENABLE_LOGGING_HEADER),
        request_headers=script_request_headers(request)))
    _, partition = store.locate(components)
    headers = item_headers(collection, partition)
    headers.update(result.headers())
    payload = result.response_text.encode("utf-8") if result.response_text is not None else b""
    headers["x-ms-request-charge"] = format_charge(write_charge(len(payload)))
    return Response(200, payload, headers)


def script_request_headers(request: Request) -> Dict[str, str]:
    """The request headers a script may read: the service's own (``x-ms-*``) and the conditional
    ones; ``authorization`` and transport headers are not the script's business."""
    return {name: value for name, value in request.headers.items()
            if name.startswith("x-ms-") or name in _SCRIPT_VISIBLE_HEADERS}


def _in_transaction(store: ItemStore, components: List[Any], action: Callable[[], Any]) -> Any:
    """Run ``action`` as one transaction committing at one LSN; any failure undoes its writes."""
    account = store.account
    _, partition = store.locate(components)
    store.fixed_lsn = partition.lsn + 1
    transaction = account.begin()
    try:
        outcome = action()
    except BaseException:
        account.abort(transaction)
        raise
    finally:
        store.fixed_lsn = None
    account.commit(transaction)
    return outcome


# ------------------------------------------------------------------------------------------------
# Triggers around item writes
# ------------------------------------------------------------------------------------------------

def trigger_ids(request: Request, header: str) -> List[str]:
    raw = request.header(header) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def run_with_triggers(account: Account, collection: Collection, request: Request, store: ItemStore,
                      operation: str, components: Optional[List[Any]], document: Optional[Dict[str, Any]],
                      perform: Callable[[Optional[Dict[str, Any]]], ItemResult]) -> ItemResult:
    """Run an item write (``perform(document)``) with the triggers the request names.

    :param operation: ``create``, ``replace``, ``upsert`` or ``delete`` (patch counts as replace).
    :param components: the write's partition key (None: taken from ``document``).
    """
    pre_ids = trigger_ids(request, PRE_TRIGGER_HEADER)
    post_ids = trigger_ids(request, POST_TRIGGER_HEADER)
    if not pre_ids and not post_ids:
        return perform(document)
    pre = [_trigger(collection, trigger_id, "Pre", operation) for trigger_id in pre_ids]
    post = [_trigger(collection, trigger_id, "Post", operation) for trigger_id in post_ids]
    engine = script_engine(account)
    if components is None:
        components = store.write_components(None, document or {})
    view = PartitionScriptCollection(store, components, udf_resolver_for(account, collection))

    def execute() -> ItemResult:
        body = document
        headers = script_request_headers(request)
        for trigger in pre:
            replaced = engine.run_trigger(trigger["body"], "pre", operation, body, None, view,
                                          request_headers=headers)
            if body is not None:
                # The replacement becomes the request payload, which must still be a document.
                if not isinstance(replaced, dict):
                    raise bad_request(INVALID_PAYLOAD_MESSAGE)
                body = replaced
        result = perform(body)
        if operation == "delete":
            response_doc = None
        else:
            response_doc = result.item.body
        for trigger in post:
            answered = engine.run_trigger(trigger["body"], "post", operation, body, response_doc, view,
                                          request_headers=headers,
                                          response_headers=resource_quota_headers(collection, remember=False))
            # Setting the body to null (or undefined) leaves the answer as it was.
            if response_doc is not None and answered is not None:
                response_doc = answered
        if response_doc is not None and response_doc is not result.item.body:
            result.response_body = response_doc
        return result

    return _in_transaction(store, components, execute)


def _trigger(collection: Collection, trigger_id: str, kind: str, operation: str) -> Dict[str, Any]:
    trigger = (collection.children.get("triggers") or {}).get(trigger_id)
    if trigger is None:
        raise not_found(f"The trigger '{trigger_id}' does not exist in the collection.")
    # Stored as the client wrote them (any case): compared through their canonical spelling.
    if canonical(trigger.get("triggerType"), TRIGGER_TYPES) != kind:
        raise bad_request(f"Trigger '{trigger_id}' is a {trigger.get('triggerType')}-trigger and cannot be run as a "
                          f"{kind.lower()}-trigger.")
    defined = trigger.get("triggerOperation", "All")
    if canonical(defined, TRIGGER_OPERATIONS) not in _TRIGGER_FIRES_ON[operation]:
        raise bad_request(f"Trigger '{trigger_id}' was defined with operation type '{defined}', and therefore is "
                          f"invalid for '{operation.capitalize()}'.")
    return trigger

