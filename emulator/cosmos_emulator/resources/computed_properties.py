"""A container's ``computedProperties``: checked on create and replace, kept as written, handed to queries.

The definition is a list of at most 20 ``{"name", "query"}`` objects; names are unique, non-empty and not a
system property (``id``, ``_rid``, ``_ts``, ``_etag``, ``_self``, ``_attachments``); each query follows the
service's rules (:func:`cosmos_emulator.query.computed.check_definition_query`). Anything else answers 400
("One of the specified inputs is invalid", the service's words, with the reason) and nothing is written.
A container replaced without ``computedProperties`` has none (the property is absent, as on the service).
"""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional, Tuple

from ..errors import CosmosError, bad_request, errors_message
from ..query.computed import DefinitionError, check_definition_query, parse_definitions

MAX_COMPUTED_PROPERTIES = 20
INVALID_INPUT = "One of the specified inputs is invalid"
_SYSTEM_NAMES = frozenset({"id", "_rid", "_ts", "_etag", "_self", "_attachments"})


def _invalid(reason: str) -> CosmosError:
    return bad_request(errors_message(INVALID_INPUT, reason))


def validate(definitions: Any) -> List[Dict[str, Any]]:
    """The ``computedProperties`` of a create or replace body, checked; returned as written."""
    if not isinstance(definitions, list):
        raise _invalid("computedProperties must be an array of {\"name\", \"query\"} objects.")
    if len(definitions) > MAX_COMPUTED_PROPERTIES:
        raise _invalid(f"A container can have at most {MAX_COMPUTED_PROPERTIES} computed properties; "
                       f"{len(definitions)} were given.")
    names: List[str] = []
    for entry in definitions:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) \
                or not isinstance(entry.get("query"), str):
            raise _invalid("Each computed property must be an object with a string 'name' and a string 'query'.")
        name = entry["name"]
        if not name.strip():
            raise _invalid("A computed property name cannot be empty.")
        if name in _SYSTEM_NAMES:
            raise _invalid(f"The computed property name '{name}' is the name of a system property.")
        if name in names:
            raise _invalid(f"The computed property name '{name}' is used more than once.")
        names.append(name)
    for entry in definitions:
        try:
            check_definition_query(entry["query"], names)
        except DefinitionError as error:
            raise _invalid(f"The query of computed property '{entry['name']}' is invalid: {error}.") from None
    return definitions


def definitions_for(properties: Dict[str, Any]) -> Optional[Dict[str, Tuple[str, Any]]]:
    """A container's computed properties, parsed for the query engine (None when it has none)."""
    stored = properties.get("computedProperties")
    if not stored:
        return None
    return _parsed(tuple((entry["name"], entry["query"]) for entry in stored))


@functools.lru_cache(maxsize=256)
def _parsed(pairs: Tuple[Tuple[str, str], ...]) -> Dict[str, Tuple[str, Any]]:
    # The query engine copies each expression before using it, so one parse serves every query.
    return parse_definitions([{"name": name, "query": query} for name, query in pairs])
