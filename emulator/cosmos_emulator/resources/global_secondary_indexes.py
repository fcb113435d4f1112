"""Global secondary index (GSI) containers: the definition checked and kept as the service does.

A GSI container names a source container of its database and a projection query over it. Clients send the
definition as ``materializedViewDefinition`` (the service's name) and/or ``globalSecondaryIndexDefinition``
(azure-cosmos 4.17.1 sends both, one dict); the container is stored and answered with
``materializedViewDefinition`` only, which 4.x renames for its callers. What the service documents and this
module enforces (400 otherwise, nothing written):

* the source is found by ``sourceCollectionRid`` (4.x reads the source for it); a ``sourceCollectionId``
  sent with it must name the same container;
* the query projects first-level properties of the one alias or is ``SELECT *``: no ``AS`` aliases, no
  WHERE/JOIN/DISTINCT/GROUP BY/ORDER BY/TOP/OFFSET LIMIT/EXISTS, no system functions or UDFs;
* the container uses autoscale throughput; at most 5 per source container;
* the definition cannot change after creation (a replace may leave it out; it is kept);
* a source container cannot be deleted while indexes of it exist.

The service also fills in ``status``; nothing builds the index here, so it stays ``Initializing``, and items
are not projected from the source (writes to the source never reach the index container).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from ..errors import CosmosError, bad_request, errors_message
from ..storage import Account, Collection, Database
from . import offers

STORED_KEY = "materializedViewDefinition"
SDK_KEY = "globalSecondaryIndexDefinition"
MAX_PER_SOURCE = 5
INITIAL_STATUS = "Initializing"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PROJECTION = re.compile(
    rf"^\s*SELECT\s+(?:(?P<star>\*)|(?P<fields>{_NAME}\s*\.\s*{_NAME}(?:\s*,\s*{_NAME}\s*\.\s*{_NAME})*))"
    rf"\s+FROM\s+(?P<alias>{_NAME})\s*$", re.IGNORECASE)


def _refuse(message: str) -> CosmosError:
    return bad_request(errors_message(message))


def sent_definition(body: Dict[str, Any]) -> Optional[Any]:
    """The definition a create or replace body carries (under either name), or None."""
    stored, sdk = body.get(STORED_KEY), body.get(SDK_KEY)
    if stored is not None and sdk is not None and stored != sdk:
        raise _refuse(f"'{STORED_KEY}' and '{SDK_KEY}' must be the same definition.")
    return stored if stored is not None else sdk


def _check_query(query: Any) -> str:
    if not isinstance(query, str) or not query.strip():
        raise _refuse("The global secondary index definition query is required.")
    match = _PROJECTION.match(query)
    if match is None:
        raise _refuse(f"The global secondary index definition query '{query}' is invalid: only SELECT * or a "
                      "projection of first-level properties FROM one alias is supported (no aliases, clauses or "
                      "functions).")
    if match.group("fields"):
        alias = match.group("alias").lower()
        for field in match.group("fields").split(","):
            if field.split(".")[0].strip().lower() != alias:
                raise _refuse(f"The global secondary index definition query '{query}' refers to an unknown "
                              "alias.")
    return query


def _source(database: Database, definition: Dict[str, Any]) -> Collection:
    rid = definition.get("sourceCollectionRid")
    if not isinstance(rid, str) or not rid:
        raise _refuse("The global secondary index definition must name its source by sourceCollectionRid.")
    source = next((collection for collection in database.collections.values() if collection.rid == rid), None)
    if source is None:
        raise _refuse(f"The source collection '{rid}' of the global secondary index does not exist.")
    named = definition.get("sourceCollectionId")
    if named is not None and named != source.id:
        raise _refuse(f"sourceCollectionId '{named}' does not match sourceCollectionRid '{rid}'.")
    if STORED_KEY in source.properties:
        raise _refuse("A global secondary index cannot be the source of another one.")
    return source


def indexes_of(database: Database, source: Collection) -> list:
    """The GSI containers of ``database`` whose source is ``source``."""
    return [collection for collection in database.collections.values()
            if (collection.properties.get(STORED_KEY) or {}).get("sourceCollectionRid") == source.rid]


def validate_new(account: Account, database: Database, sent: Any,
                 throughput: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The definition to store for a new GSI container (``throughput``: its own offer content, if any)."""
    if not isinstance(sent, dict):
        raise _refuse("The global secondary index definition is invalid.")
    query = _check_query(sent.get("definition"))
    source = _source(database, sent)
    shared = offers.offer_for(account, database.rid) if throughput is None else None
    offer = throughput if throughput is not None else (shared or {}).get("content")
    if not offer or "offerAutopilotSettings" not in offer:
        raise _refuse("A global secondary index container must use autoscale throughput.")
    if len(indexes_of(database, source)) >= MAX_PER_SOURCE:
        raise _refuse(f"A source collection can have at most {MAX_PER_SOURCE} global secondary indexes.")
    return {"sourceCollectionId": source.id, "sourceCollectionRid": source.rid, "definition": query,
            "status": INITIAL_STATUS}


def validate_replace(collection: Collection, sent: Any) -> Optional[Dict[str, Any]]:
    """The definition a replaced container keeps: the stored one (a replace may leave it out, not change it)."""
    stored = collection.properties.get(STORED_KEY)
    if sent is None:
        return stored
    if stored is None:
        raise _refuse("An existing container cannot become a global secondary index.")
    if not isinstance(sent, dict) or any(sent.get(name) is not None and sent.get(name) != stored.get(name)
                                         for name in ("sourceCollectionId", "sourceCollectionRid", "definition")):
        raise _refuse("The global secondary index definition of a container cannot be changed.")
    return stored


def check_delete(collection: Collection) -> None:
    """Refuse deleting a source container while indexes of it exist."""
    dependent = indexes_of(collection.database, collection)
    if dependent:
        raise _refuse(f"The collection '{collection.id}' is the source of global secondary indexes "
                      f"({', '.join(sorted(index.id for index in dependent))}); delete them first.")
