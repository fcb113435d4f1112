"""azure.cosmos.permission: the Permission record and PermissionMode, as 4.x has them (no server needed)."""
from __future__ import annotations

import azure.cosmos
from azure.cosmos import documents, permission
from azure.cosmos.permission import Permission, PermissionMode


def test_permission_keeps_its_fields_and_builds_its_link():
    properties = {"id": "read-c1", "permissionMode": "read", "resource": "dbs/db1/colls/c1", "_token": "t"}
    perm = Permission("read-c1", "dbs/db1/users/alice", PermissionMode.Read, "dbs/db1/colls/c1", properties)
    assert perm.id == "read-c1"
    assert perm.user_link == "dbs/db1/users/alice"
    assert perm.permission_mode == "read"
    assert perm.resource_link == "dbs/db1/colls/c1"
    assert perm.properties is properties
    assert perm.permission_link == "dbs/db1/users/alice/permissions/read-c1"


def test_permission_takes_its_arguments_by_keyword():
    perm = Permission(id="p", user_link="dbs/d/users/u", permission_mode="all", resource_link="dbs/d", properties={})
    assert perm.permission_link == "dbs/d/users/u/permissions/p"


def test_permission_mode_is_the_documents_one_with_4x_values():
    assert permission.PermissionMode is documents.PermissionMode
    assert (PermissionMode.NoneMode, PermissionMode.Read, PermissionMode.All) == ("none", "read", "all")


def test_permission_is_exported_from_the_package():
    assert azure.cosmos.Permission is Permission
    assert "Permission" in azure.cosmos.__all__
