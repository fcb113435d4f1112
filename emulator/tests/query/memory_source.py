"""An in-memory ``QuerySource`` for the query engine's own unit tests.

It partitions documents over ``range_count`` equal slices of a toy effective-partition-key space (an MD5
of the key; the real emulator hashes like the service, which does not matter to the engine), keeps them in
insertion order (standing in for ``_rid`` order) and counts what it hands out.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, Iterable, List, Optional


class MemorySource:
    resource_kind = "docs"

    def __init__(self, documents: Iterable[Dict[str, Any]] = (), *, partition_key_path: Optional[str] = "/pk",
                 range_count: int = 4, with_id_lookup: bool = True, udfs: Optional[Dict[str, Any]] = None):
        self.partition_key_definition = (
            {"paths": [partition_key_path], "kind": "Hash", "version": 2} if partition_key_path else None)
        bounds = [format(i * 256 // range_count, "02X") if i else "" for i in range(range_count)] + ["FF"]
        self._ranges = [{"id": str(i), "minInclusive": bounds[i], "maxExclusive": bounds[i + 1]}
                        for i in range(range_count)]
        self._documents: List[Dict[str, Any]] = []
        self._udfs = udfs or {}
        self.handed_out = 0
        if with_id_lookup:
            self.documents_by_ids = self._documents_by_ids
        for document in documents:
            self.add(document)

    # ------------------------------------------------------------------------------------------ test helpers
    def add(self, document: Dict[str, Any]) -> Dict[str, Any]:
        stored = dict(document)
        stored.setdefault("_rid", f"rid{len(self._documents):06d}")
        self._documents.append(stored)
        return stored

    def remove(self, document_id: str) -> None:
        self._documents = [d for d in self._documents if d.get("id") != document_id]

    def key_components(self, document: Dict[str, Any]) -> List[Any]:
        path = self.partition_key_definition["paths"][0].strip("/").split("/")
        value: Any = document
        for segment in path:
            value = value.get(segment, {}) if isinstance(value, dict) else {}
        return [value]

    # ------------------------------------------------------------------------------------------ QuerySource
    def partition_key_ranges(self) -> List[Dict[str, Any]]:
        return [dict(entry) for entry in self._ranges]

    def effective_partition_key(self, pk_components: List[Any]) -> str:
        return hashlib.md5(json.dumps(pk_components, sort_keys=True).encode()).hexdigest().upper()

    def _range_of(self, document: Dict[str, Any]) -> str:
        epk = self.effective_partition_key(self.key_components(document))
        for entry in self._ranges:
            if entry["minInclusive"] <= epk < entry["maxExclusive"]:
                return entry["id"]
        return self._ranges[-1]["id"]

    def _matches(self, document, range_id, epk) -> bool:
        if self.partition_key_definition is None:
            return True
        if epk is not None and self.effective_partition_key(self.key_components(document)) != epk:
            return False
        if range_id is not None and self._range_of(document) != range_id:
            return False
        return True

    def documents(self, range_id: Optional[str] = None, epk: Optional[str] = None):
        for document in list(self._documents):
            if self._matches(document, range_id, epk):
                self.handed_out += 1
                yield document

    def _documents_by_ids(self, ids, range_id=None, epk=None):
        wanted = set(ids)
        for document in list(self._documents):
            if document.get("id") in wanted and self._matches(document, range_id, epk):
                self.handed_out += 1
                yield document

    def udf_resolver(self):
        if not self._udfs:
            return None
        return self._udfs.get
