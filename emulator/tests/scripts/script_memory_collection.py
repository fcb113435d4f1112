"""A small in-memory ``ScriptCollection`` for the scripts runtime's unit tests.

It is a test double of the core's storage (one logical partition of one container), standing in for
it so the runtime can be tested on its own; the emulator's integration tests exercise the real
storage. Queries go through the real query engine (``cosmos_emulator.query``). Writes can be grouped
in a transaction that the test rolls back when an execution fails, as the core does.
"""
from __future__ import annotations

import copy
import itertools
from typing import Any, Dict, List, Optional

from cosmos_emulator.errors import CosmosError, bad_request, conflict, not_found, precondition_failed
from cosmos_emulator.query import prepare
from cosmos_emulator.scripts import document_reference, script_partition_key_mismatch

SELF_LINK = "dbs/Ab0AAA==/colls/Ab0AAJ1bKgA=/"
ALT_LINK = "dbs/shop/colls/orders"


class MemoryScriptCollection:
    """Documents of the logical partition ``partition_value`` of a container keyed by ``/pk``.

    :param documents: initial documents (system properties are added).
    :param partition_value: the execution's partition key value; writes of other values are refused.
    :param udfs: ``{id: callable}`` for ``udf.<id>(...)`` in queries.
    """

    def __init__(self, documents: Optional[List[Dict[str, Any]]] = None, *, partition_value: Any = "p1",
                 udfs: Any = None, with_alt_link: bool = True):
        self.partition_value = partition_value
        self.udfs = udfs
        self.documents: Dict[str, Dict[str, Any]] = {}
        self.calls: List[str] = []
        self._counter = itertools.count(1)
        self._saved: Optional[Dict[str, Dict[str, Any]]] = None
        if with_alt_link:
            self.alt_link = lambda: ALT_LINK
        for document in documents or []:
            self._store(dict(document), previous=None)

    # ------------------------------------------------------------------------- ScriptCollection
    def self_link(self) -> str:
        return SELF_LINK

    def create(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        self.calls.append("create")
        self._check(doc)
        if doc["id"] in self.documents:
            raise conflict()
        return copy.deepcopy(self._store(doc, previous=None))

    def upsert(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        self.calls.append("upsert")
        self._check(doc)
        previous = self.documents.get(doc["id"])
        if previous is not None:
            self._require_etag(options, previous)
        return copy.deepcopy(self._store(doc, previous=previous))

    def replace(self, link_or_id: str, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        self.calls.append("replace")
        previous = self._find(link_or_id)
        self._check(doc)
        if doc["id"] != previous["id"]:
            raise bad_request("The id of the item in the request body does not match the id in the request path.")
        self._require_etag(options, previous)
        return copy.deepcopy(self._store(doc, previous=previous))

    def read(self, link_or_id: str, options: Dict[str, Any]) -> Dict[str, Any]:
        self.calls.append("read")
        return copy.deepcopy(self._find(link_or_id))

    def delete(self, link_or_id: str, options: Dict[str, Any]) -> None:
        self.calls.append("delete")
        previous = self._find(link_or_id)
        self._require_etag(options, previous)
        del self.documents[previous["id"]]

    def query(self, sql: str, parameters: Optional[List[Dict[str, Any]]]) -> List[Any]:
        self.calls.append("query")
        ordered = sorted(self.documents.values(), key=lambda document: document["_rid"])
        return copy.deepcopy(prepare(sql, parameters, udfs=self.udfs).run(ordered))

    # ------------------------------------------------------------------------------ transactions
    def begin(self) -> None:
        self._saved = copy.deepcopy(self.documents)

    def commit(self) -> None:
        self._saved = None

    def rollback(self) -> None:
        assert self._saved is not None, "rollback without begin"
        self.documents = self._saved
        self._saved = None

    def run_in_transaction(self, action):
        """Run ``action()``; undo its writes when it raises ``CosmosError`` (re-raised)."""
        self.begin()
        try:
            result = action()
        except CosmosError:
            self.rollback()
            raise
        self.commit()
        return result

    # ---------------------------------------------------------------------------------- helpers
    def _check(self, doc: Dict[str, Any]) -> None:
        if not isinstance(doc.get("id"), str) or not doc["id"]:
            raise bad_request("The input content is invalid because the required properties - 'id; ' - are missing")
        if doc.get("pk") != self.partition_value:
            raise script_partition_key_mismatch()

    def _find(self, link: str) -> Dict[str, Any]:
        kind, value = document_reference(link, SELF_LINK, ALT_LINK)
        if kind == "id":
            found = self.documents.get(value)
        else:
            found = next((document for document in self.documents.values() if document["_rid"] == value), None)
        if found is None:
            raise not_found()
        return found

    @staticmethod
    def _require_etag(options: Dict[str, Any], previous: Dict[str, Any]) -> None:
        expected = options.get("etag")
        if expected is not None and expected != previous["_etag"]:
            raise precondition_failed()

    def _store(self, doc: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        number = next(self._counter)
        stored = {key: value for key, value in doc.items() if not key.startswith("_")}
        stored["_rid"] = previous["_rid"] if previous is not None else f"r{number:06d}"
        stored["_self"] = f"{SELF_LINK}docs/{stored['_rid']}/"
        stored["_etag"] = f'"etag-{number}"'
        stored["_attachments"] = "attachments/"
        stored["_ts"] = 1700000000 + number
        self.documents[stored["id"]] = stored
        return stored
