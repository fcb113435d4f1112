"""``VectorDistance`` as the container's vector embedding policy defines it.

A call whose first or second argument is a document path listed in the container's ``vectorEmbeddingPolicy``
and whose options do not say otherwise uses that embedding's ``distanceFunction`` (and ``dataType``), as the
service does; the call is completed in the parsed query (``VectorDistance(c.v, @q)`` becomes
``VectorDistance(c.v, @q, false, {"distanceFunction": "euclidean", "dataType": "float32"})``), so evaluation,
ORDER BY direction (similarity first for cosine and dot product, nearest first for Euclidean) and rewritten
per-range queries all agree. A vector whose length differs from the embedding's ``dimensions`` has no distance
(undefined), so it never ranks.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import nodes as n
from .analysis import property_path, root_alias
from .functions.vector_functions import VECTOR_SCORE_FUNCTIONS

# path (tuple of segments) -> the embedding entry ({"path", "dataType", "dimensions", "distanceFunction"}).
Embeddings = Mapping[tuple, Dict[str, Any]]


def embeddings_by_path(policy: Any) -> Optional[Dict[tuple, Dict[str, Any]]]:
    """The container's ``vectorEmbeddingPolicy`` keyed by path segments (None when it has none)."""
    if not isinstance(policy, dict):
        return None
    found = {}
    for entry in policy.get("vectorEmbeddings") or []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            found[tuple(segment for segment in entry["path"].strip("/").split("/") if segment)] = entry
    return found or None


def apply(query: n.Query, embeddings: Optional[Embeddings]) -> n.Query:
    """Complete every ``VectorDistance`` call over an embedding path with the embedding's options (in place)."""
    if not embeddings:
        return query
    alias = root_alias(query)
    if alias is None:
        return query
    for node in n.walk(query):
        if isinstance(node, n.FunctionCall) and not node.is_udf and node.name.upper() in VECTOR_SCORE_FUNCTIONS \
                and 2 <= len(node.arguments) <= 4:
            entry = _embedding_of(node.arguments[:2], alias, embeddings)
            if entry is not None:
                _complete(node, entry)
    return query


def _embedding_of(arguments: List[n.Node], alias: str, embeddings: Embeddings) -> Optional[Dict[str, Any]]:
    for argument in arguments:
        path = property_path(argument, alias)
        if path and tuple(path) in embeddings:
            return embeddings[tuple(path)]
    return None


def _complete(call: n.FunctionCall, entry: Dict[str, Any]) -> None:
    defaults = [("distanceFunction", entry.get("distanceFunction")), ("dataType", entry.get("dataType")),
                ("dimensions", entry.get("dimensions"))]
    if len(call.arguments) == 2:
        call.arguments.append(n.Literal(False))
    if len(call.arguments) == 3:
        call.arguments.append(n.ObjectConstructor([]))
    options = call.arguments[3]
    if not isinstance(options, n.ObjectConstructor):
        return  # options from a parameter: the caller's choice stands
    present = {key for key, _ in options.properties}
    for key, value in defaults:
        if key not in present and value is not None:
            options.properties.append((key, n.Literal(value.lower() if key == "distanceFunction" else value)))
