"""What the query engine needs from the emulator's storage.

The core implements :class:`QuerySource` over one container (or over a feed of databases, containers,
users, offers, ...); the gateway (:mod:`.gateway`) only talks to storage through it.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Protocol, runtime_checkable

# Resolves ``udf.<name>`` to a callable that takes the evaluated argument list and returns the result.
# Returns ``None`` when the container has no UDF with that id. Arguments that are undefined are passed as
# :data:`cosmos_emulator.query.values.UNDEFINED`; the callable returns that same sentinel for a JavaScript
# ``undefined`` result and raises ``CosmosError`` when the script fails.
UdfResolver = Callable[[str], Optional[Callable[[List[Any]], Any]]]


@runtime_checkable
class QuerySource(Protocol):
    """A queryable feed.

    Attributes:
        resource_kind: ``"docs"``, ``"dbs"``, ``"colls"``, ``"users"``, ``"offers"``, ...
        partition_key_definition: the container's ``partitionKey`` (``{"paths": [...], "kind": ..., "version":
            ...}``), or ``None`` for feeds that are not partitioned.
    """

    resource_kind: str
    partition_key_definition: Optional[Dict[str, Any]]

    def partition_key_ranges(self) -> List[Dict[str, Any]]:
        """Current physical ranges: ``[{"id", "minInclusive", "maxExclusive"}, ...]`` ordered by
        ``minInclusive``."""

    def effective_partition_key(self, pk_components: List[Any]) -> str:
        """Hex EPK string of a partition key value (service-exact hashing)."""

    def documents(self, range_id: Optional[str] = None, epk: Optional[str] = None) -> Iterable[Dict[str, Any]]:
        """Stored resources with their system properties, in a stable order (``_rid`` order); restricted to
        one partition-key range or to one logical partition (by EPK) when given."""

    def udf_resolver(self) -> Optional[UdfResolver]:
        """The container's UDFs, or ``None`` when it has none (or the feed cannot have any)."""


# Optional extension a source may implement so that id filters do not scan (looked up with ``getattr``):
#
#   def documents_by_ids(self, ids: List[str], range_id: Optional[str] = None,
#                        epk: Optional[str] = None) -> Iterable[dict]
#       The resources whose ``id`` is one of ``ids`` (several per id when partitions differ), restricted like
#       ``documents()``, in ``_rid`` order. Used for ``WHERE c.id = <value>`` and ``c.id IN (...)`` filters.
OPTIONAL_ID_LOOKUP = "documents_by_ids"

# Optional attribute a source may set (looked up with ``getattr``):
#
#   ordered_by_rid: bool
#       True when ``documents()`` yields each range's documents in ``_rid`` ordinal order (the order in which
#       they were created) and every document has a service-layout ``_rid``. Continuations of streamed and
#       ORDER BY pages then name a ``_rid`` rather than an index, so a token issued on a partition-key range
#       resumes correctly on the ranges it was split into.
OPTIONAL_RID_ORDER = "ordered_by_rid"

# Optional attribute a source may set (looked up with ``getattr``):
#
#   indexing_policy: dict
#       The container's ``indexingPolicy``, for index metrics (which paths a query's filter and ORDER BY are
#       served from, or would need).
OPTIONAL_INDEXING_POLICY = "indexing_policy"

# Optional attribute a source may set (looked up with ``getattr``):
#
#   computed_properties: Mapping[str, Tuple[str, Node]]
#       The container's computed properties as :func:`.computed.parse_definitions` returns them; queries then
#       read ``c.<name>`` as the definition's value.
OPTIONAL_COMPUTED_PROPERTIES = "computed_properties"

# Optional attribute a source may set (looked up with ``getattr``):
#
#   vector_embeddings: Mapping[tuple, dict]
#       The container's vector embeddings by path segments (:func:`.vector_policy.embeddings_by_path`);
#       ``VectorDistance`` over those paths uses their distance function unless the query says otherwise.
OPTIONAL_VECTOR_EMBEDDINGS = "vector_embeddings"
