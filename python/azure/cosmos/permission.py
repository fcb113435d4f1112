# The MIT License (MIT)
"""Permissions of a user: what :class:`~azure.cosmos.UserProxy` returns for a permission.

:class:`PermissionMode` is the one of :mod:`azure.cosmos.documents`, importable from here as
in 4.x.
"""
from __future__ import annotations

from typing import Any, Mapping

from .documents import PermissionMode  # noqa: F401  pylint: disable=unused-import


class Permission:  # pylint: disable=too-few-public-methods
    """A permission of a user on one resource (a plain record of the service's permission).

    :param str id: The permission's id.
    :param str user_link: The link of the user it belongs to, e.g. ``"dbs/db1/users/alice"``.
    :param str permission_mode: What it allows, one of :class:`~azure.cosmos.documents.PermissionMode`
        (``"read"`` or ``"all"``).
    :param str resource_link: The link of the resource it applies to, e.g. ``"dbs/db1/colls/c1"``.
    :param properties: The permission's properties as the service returned them (``_token``,
        ``_etag``, ...).
    :type properties: Mapping[str, Any]
    :ivar str permission_link: ``"{user_link}/permissions/{id}"``, computed at construction.
    """

    def __init__(
        self,
        id: str,  # pylint: disable=redefined-builtin
        user_link: str,
        permission_mode: str,
        resource_link: str,
        properties: Mapping[str, Any],
    ) -> None:
        self.id = id
        self.user_link = user_link
        self.permission_mode = permission_mode
        self.resource_link = resource_link
        self.properties = properties
        self.permission_link: str = f"{user_link}/permissions/{id}"
