# The MIT License (MIT)
"""The definition of a global secondary index (GSI) container, as 4.x's provisional API has it."""
from __future__ import annotations

from typing import Any, Mapping, Optional

# The container property 4.x exposes the definition under, and the one the service (in some
# versions) answers with; 4.x sends both and renames the second to the first in what it returns.
PROPERTY = "globalSecondaryIndexDefinition"
LEGACY_PROPERTY = "materializedViewDefinition"
# Wire names of the definition's fields (the service still calls containers "collections").
_SOURCE_ID = "sourceCollectionId"
_SOURCE_RID = "sourceCollectionRid"
_DEFINITION = "definition"
_STATUS = "status"


def _required(name: str, value: Optional[str]) -> str:
    if not value or not value.strip():
        raise ValueError(f"{name} cannot be None or empty.")
    return value


class GlobalSecondaryIndexDefinition:
    """**provisional** The definition of a global secondary index (GSI) container.

    A GSI container is derived from a source container by a SQL-like projection query; its
    definition cannot change once the container exists. The service allows at most 5 per source
    container, and they must be deleted before the source container.

    Pass it as ``global_secondary_index`` to ``create_container``, ``create_container_if_not_exists``
    or ``replace_container``; the source container is read first for its ``_rid``, which the service
    resolves the source by. Read back, the container properties carry it under
    ``"globalSecondaryIndexDefinition"`` (the service's legacy ``"materializedViewDefinition"`` is
    renamed to that, as 4.x does).

    :param str source_container_id: The id of the source container. Required.
    :param str definition: The projection query, e.g. ``"SELECT c.customerId, c.name FROM c"``.
        Required.
    :raises ValueError: ``source_container_id`` or ``definition`` is empty or blank.
    """

    def __init__(self, source_container_id: str, definition: str):
        self._source_container_id = _required("source_container_id", source_container_id)
        self._definition = _required("definition", definition)
        self._source_container_rid: Optional[str] = None
        self._status: Optional[str] = None

    @property
    def source_container_id(self) -> str:
        """The id of the source container.

        :returns: The source container id.
        :rtype: str
        """
        return self._source_container_id

    @property
    def definition(self) -> str:
        """The projection query that defines the index.

        :returns: The query.
        :rtype: str
        """
        return self._definition

    @property
    def source_container_rid(self) -> Optional[str]:
        """The ``_rid`` of the source container, filled in by the service (read-only).

        :returns: The resource id, or ``None`` for a definition not read from the service.
        :rtype: str or None
        """
        return self._source_container_rid

    @property
    def status(self) -> Optional[str]:
        """The build state the service reports (read-only), e.g. ``"Initializing"`` or ``"Active"``.

        :returns: The state, or ``None`` for a definition not read from the service.
        :rtype: str or None
        """
        return self._status

    def __repr__(self) -> str:
        return "GlobalSecondaryIndexDefinition(source_container_id={!r}, definition={!r})".format(
            self._source_container_id, self._definition)

    def _to_dict(self) -> dict:
        """The definition as the service takes it in a container's properties.

        :returns: The wire dict; the service-filled fields only when known.
        :rtype: dict
        """
        wire: dict = {_SOURCE_ID: self._source_container_id, _DEFINITION: self._definition}
        for name, value in ((_SOURCE_RID, self._source_container_rid), (_STATUS, self._status)):
            if value is not None:
                wire[name] = value
        return wire

    @classmethod
    def _from_dict(cls, data: Optional[Mapping[str, Any]]) -> Optional["GlobalSecondaryIndexDefinition"]:
        """A definition from the service's wire dict.

        :param data: The wire dict, or ``None``.
        :type data: Mapping[str, Any] or None
        :returns: The definition, or ``None`` when ``data`` is ``None`` or lacks the source id or query.
        :rtype: ~azure.cosmos.GlobalSecondaryIndexDefinition or None
        """
        if not data or not data.get(_SOURCE_ID) or not data.get(_DEFINITION):
            return None
        result = cls(data[_SOURCE_ID], data[_DEFINITION])
        result._source_container_rid = data.get(_SOURCE_RID)
        result._status = data.get(_STATUS)
        return result


def normalize_properties(properties: Any) -> Any:
    """Rename the service's legacy ``materializedViewDefinition`` to ``globalSecondaryIndexDefinition``,
    in place, as 4.x does on create, replace and read (an existing new-style key wins; the legacy key
    is dropped either way, so callers only ever see one name).

    :param properties: Container properties as the service returned them (a mutable mapping), or ``None``.
    :returns: ``properties``, changed in place.
    """
    if properties is None or LEGACY_PROPERTY not in properties:
        return properties
    if PROPERTY not in properties:
        properties[PROPERTY] = properties[LEGACY_PROPERTY]
    del properties[LEGACY_PROPERTY]
    return properties
