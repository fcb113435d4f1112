"""Turning a request path into the addressed resource: its type, the chain of ids, feed or item.

Paths alternate type segments and ids: ``/dbs/{db}/colls/{coll}/docs/{doc}``. A path ending in a
type segment addresses a feed (``POST`` creates in it, ``GET`` reads it); one ending in an id
addresses a single resource. Ids are percent-decoded per segment, because clients quote them in
the URL but sign them unquoted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple
from urllib.parse import unquote

from .errors import CosmosError

# Which child feeds each resource type has.
CHILD_TYPES = {
    "": ("dbs", "offers", "media", "addresses", "partitionkeyranges"),
    "dbs": ("colls", "users", "clientencryptionkeys"),
    "colls": ("docs", "sprocs", "triggers", "udfs", "conflicts", "pkranges", "partitionkeyrangeids",
              "operations", "schemas"),
    "docs": ("attachments",),
    "users": ("permissions",),
    "operations": ("partitionkeydelete",),
}


@dataclass
class Address:
    """The resource a request path points at.

    :ivar resource_type: the last type segment (``"docs"``, ``"colls"`` ...), ``""`` for the account.
    :ivar ids: ``(type, id)`` pairs from the root, e.g. ``[("dbs", "db1"), ("colls", "c1")]``.
    :ivar is_feed: True when the path ends with a type segment.
    :ivar rid_based: True when the ids are resource ids rather than names (set by the dispatcher).
    """

    resource_type: str
    ids: List[Tuple[str, str]] = field(default_factory=list)
    is_feed: bool = False
    rid_based: bool = False

    def id_of(self, resource_type: str) -> Optional[str]:
        for kind, value in self.ids:
            if kind == resource_type:
                return value
        return None

    @property
    def name_link(self) -> str:
        """The full link of the addressed resource (``dbs/db1/colls/c1``), no slashes around."""
        return "/".join(f"{kind}/{value}" for kind, value in self.ids)

    @property
    def signing_resource_type(self) -> str:
        """The resource type that goes into the master-key string to sign: container operations
        (``colls/{c}/operations/partitionkeydelete``) are signed as the container."""
        return "colls" if self.resource_type == "operations" else self.resource_type

    def signing_link(self) -> str:
        """The resource link that goes into the master-key string to sign."""
        ids = self.ids[:-1] if self.resource_type == "operations" else self.ids
        if not ids:
            return ""
        if self.rid_based:
            return ids[-1][1].lower()
        return "/".join(f"{kind}/{value}" for kind, value in ids)

    @property
    def target_id(self) -> Optional[str]:
        return None if self.is_feed or not self.ids else self.ids[-1][1]


def parse_path(raw_path: str) -> Address:
    """Parse the raw (still percent-encoded) URL path of a request.

    :raises CosmosError: 400 when the path does not follow the resource hierarchy.
    """
    path = raw_path.split("?", 1)[0]
    segments = [unquote(part) for part in path.strip("/").split("/")] if path.strip("/") else []
    if not segments:
        return Address(resource_type="")
    ids: List[Tuple[str, str]] = []
    parent_type = ""
    index = 0
    while index < len(segments):
        kind = segments[index]
        if kind not in CHILD_TYPES.get(parent_type, ()):
            raise _bad_path(raw_path)
        if index + 1 == len(segments):
            return Address(resource_type=kind, ids=ids, is_feed=True)
        value = segments[index + 1]
        if value == "":
            raise _bad_path(raw_path)
        ids.append((kind, value))
        parent_type = kind
        index += 2
    return Address(resource_type=ids[-1][0], ids=ids, is_feed=False)


def _bad_path(raw_path: str) -> CosmosError:
    return CosmosError(400, "BadRequest", f"The requested resource path '{raw_path}' is invalid.")
