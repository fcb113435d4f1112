# The MIT License (MIT)
"""Users and permissions: 4.x arguments -> engine arguments, and engine results -> 4.x results,
shared by the sync and async proxies.

Pure functions, no I/O. The engine addresses a user as ``("users", database id, None, user id)``
and a permission as ``("permissions", database id, user id, permission id)``.
"""
from __future__ import annotations

from typing import Any, Mapping

from ._request_builders import _check_id, resource_id
from ._serialization import dump_json
from .permission import Permission

USERS = "users"
PERMISSIONS = "permissions"


def user_id(user: Any) -> str:
    """The id of a user given as its id, a ``UserProxy`` (sync or async) or its properties.

    :param user: ``str``, a proxy with ``.id``, or a mapping with ``"id"``.
    :returns: The user id.
    :rtype: str
    """
    if isinstance(user, str):
        return user
    if isinstance(user, Mapping):
        return user["id"]
    return resource_id(user)


def permission_id(permission: Any) -> str:
    """The id of a permission given as its id, a :class:`~azure.cosmos.Permission` or its properties.

    :param permission: ``str``, a ``Permission``, or a mapping with ``"id"``.
    :returns: The permission id.
    :rtype: str
    """
    if isinstance(permission, str):
        return permission
    if isinstance(permission, Permission):
        return permission.id
    return permission["id"]


def resource_body(body: Mapping[str, Any]) -> bytes:
    """A user or permission definition as sent, checked the way 4.x checks it before sending.

    :param body: The definition, e.g. ``{"id": "alice"}`` or
        ``{"id": "read-c1", "permissionMode": "read", "resource": "dbs/db1/colls/c1"}``.
    :returns: The JSON body.
    :rtype: bytes
    :raises TypeError: The id is not a string, or the body is not JSON serialisable.
    :raises ValueError: The id has characters the service does not allow, or ends with a space or newline.
    """
    _check_id(body.get("id"))
    return dump_json(body)


def permission_record(user_link: str, properties: Mapping[str, Any]) -> Permission:
    """The :class:`~azure.cosmos.Permission` 4.x returns for a permission the service sent.

    :param str user_link: The link of the user the permission belongs to (``dbs/{db}/users/{user}``).
    :param properties: The permission as the service returned it (a ``CosmosDict``, headers kept).
    :returns: The permission record, with ``properties`` the service's document.
    :rtype: ~azure.cosmos.Permission
    """
    return Permission(
        id=properties["id"],
        user_link=user_link,
        permission_mode=properties["permissionMode"],
        resource_link=properties["resource"],
        properties=properties,
    )
