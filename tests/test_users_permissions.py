"""Users of a database (DatabaseProxy.create_user ... query_users) and their permissions (UserProxy)."""
from __future__ import annotations

import pytest
from azure.core import MatchConditions

import azure.cosmos
import azure.cosmos.user
from azure.cosmos import CosmosDict, PartitionKey, Permission, PermissionMode, UserProxy, exceptions

from ._data_plane import ids, module_database, sync_client

@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-users")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture(scope="module")
def container_link(database, unique_id):
    return database.create_container(unique_id("c"), PartitionKey("/pk")).container_link


@pytest.fixture
def user(database, unique_id):
    user = database.create_user({"id": unique_id("user")})
    yield user
    try:
        database.delete_user(user)
    except exceptions.CosmosResourceNotFoundError:
        pass


def _permission(permission_id, resource, mode=PermissionMode.Read):
    return {"id": permission_id, "permissionMode": mode, "resource": resource}


# ---- users -------------------------------------------------------------------------------


@pytest.mark.requires("users")
def test_create_read_delete_user(database, unique_id):
    user_id = unique_id("alice")
    seen = []
    user = database.create_user({"id": user_id}, response_hook=lambda headers, body: seen.append((headers, body)))
    assert isinstance(user, UserProxy)
    assert (user.id, user.user_link) == (user_id, f"{database.database_link}/users/{user_id}")
    assert repr(user) == f"<UserProxy [{database.database_link}/users/{user_id}]>"
    [(headers, body)] = seen
    assert body["id"] == user_id and "x-ms-activity-id" in headers
    properties = user.read()
    assert isinstance(properties, CosmosDict)
    assert properties["id"] == user_id and properties["_permissions"] and "_self" in properties
    assert "x-ms-request-charge" in properties.get_response_headers()
    deleted = []
    database.delete_user(user_id, response_hook=lambda headers, body: deleted.append(body))
    assert deleted == [None]
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        user.read()
    assert raised.value.status_code == 404


@pytest.mark.requires("users")
def test_create_existing_user_conflicts(database, user):
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        database.create_user({"id": user.id})
    assert raised.value.status_code == 409


@pytest.mark.requires("users")
def test_missing_user_is_not_found(database, unique_id):
    missing = unique_id("nobody")
    for call in (lambda: database.get_user_client(missing).read(),
                 lambda: database.replace_user(missing, {"id": missing}),
                 lambda: database.delete_user(missing)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            call()
        assert raised.value.status_code == 404


@pytest.mark.requires("users")
def test_upsert_user_creates_then_replaces(database, unique_id):
    user_id = unique_id("upserted")
    created = database.upsert_user({"id": user_id})
    assert isinstance(created, UserProxy) and created.id == user_id
    first = created.read()
    replaced = database.upsert_user({"id": user_id})
    second = replaced.read()
    assert second["_rid"] == first["_rid"]  # the same user, written again
    assert second["_etag"] != first["_etag"]
    assert ids(database.query_users("SELECT * FROM root r WHERE r.id = @id",
                                    parameters=[{"name": "@id", "value": user_id}])) == [user_id]
    database.delete_user(user_id)


@pytest.mark.requires("users")
def test_replace_user_renames_it_and_keeps_its_permissions(database, container_link, unique_id):
    old_id, new_id = unique_id("old"), unique_id("new")
    user = database.create_user({"id": old_id})
    user.create_permission(_permission("p", container_link))
    replaced = database.replace_user(user, {"id": new_id})
    assert isinstance(replaced, UserProxy) and replaced.id == new_id
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        user.read()
    assert ids(replaced.list_permissions()) == ["p"]
    database.delete_user({"id": new_id})


@pytest.mark.requires("users")
def test_user_given_as_id_proxy_or_properties(database, user):
    properties = user.read()
    for reference in (user.id, user, properties):
        proxy = database.get_user_client(reference)
        assert isinstance(proxy, UserProxy)
        assert (proxy.id, proxy.user_link) == (user.id, user.user_link)
    assert database.replace_user(properties, {"id": user.id}).id == user.id
    assert database.replace_user(user, {"id": user.id}).id == user.id


@pytest.mark.requires("users")
def test_replace_and_delete_user_check_the_etag(database, user):
    etag = user.read()["_etag"]
    database.upsert_user({"id": user.id})  # a new etag
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as raised:
        database.replace_user(user.id, {"id": user.id}, etag=etag, match_condition=MatchConditions.IfNotModified)
    assert raised.value.status_code == 412
    with pytest.raises(exceptions.CosmosAccessConditionFailedError):
        database.delete_user(user.id, etag=etag, match_condition=MatchConditions.IfNotModified)
    current = user.read()["_etag"]
    database.replace_user(user.id, {"id": user.id}, etag=current, match_condition=MatchConditions.IfNotModified)


@pytest.mark.requires("users")
def test_list_and_query_users(database, unique_id):
    prefix = unique_id("many")
    user_ids = [f"{prefix}-{n}" for n in range(3)]
    for user_id in user_ids:
        database.create_user({"id": user_id})
    assert set(user_ids) <= set(ids(database.list_users()))
    hooked = []
    result = database.query_users("SELECT * FROM root r WHERE r.id = @id", [{"name": "@id", "value": user_ids[1]}],
                                  response_hook=lambda headers, iterable: hooked.append(iterable))
    assert ids(result) == [user_ids[1]]
    assert hooked == [result]  # once, when created, as 4.x
    query = {"query": "SELECT * FROM root r WHERE STARTSWITH(r.id, @prefix)",
             "parameters": [{"name": "@prefix", "value": prefix}]}
    pages = [ids(page) for page in database.query_users(query, max_item_count=2).by_page()]
    assert pages == [user_ids[:2], user_ids[2:]]
    listed_pages = [ids(page) for page in database.list_users(max_item_count=1).by_page()]
    assert all(len(page) == 1 for page in listed_pages) and set(user_ids) <= {page[0] for page in listed_pages}
    for user_id in user_ids:
        database.delete_user(user_id)


@pytest.mark.requires("users")
def test_user_ids_are_checked_before_sending(database):
    with pytest.raises(ValueError):
        database.create_user({"id": "a/b"})
    with pytest.raises(ValueError):
        database.upsert_user({"id": "trailing "})
    with pytest.raises(TypeError):
        database.create_user({"id": 7})


@pytest.mark.requires("users")
def test_user_keyword_arguments_by_their_4x_names(database, unique_id):
    user_id = unique_id("kw")
    user = database.create_user(body={"id": user_id}, initial_headers={"x-ms-test": "1"}, timeout=30)
    database.upsert_user(body={"id": user_id}, session_token=None)
    database.replace_user(user=user_id, body={"id": user_id})
    assert ids(database.query_users(query="SELECT * FROM root r WHERE r.id = @id",
                                    parameters=[{"name": "@id", "value": user_id}], max_item_count=5)) == [user_id]
    assert user_id in ids(database.list_users(max_item_count=5))
    database.delete_user(user=user)
    with pytest.raises(TypeError):
        database.create_user({"id": user_id}, no_such_keyword=1)


# ---- permissions ---------------------------------------------------------------------------


def _check_permission(permission, user, permission_id, mode, resource):
    assert isinstance(permission, Permission)
    assert permission.id == permission_id
    assert permission.user_link == user.user_link
    assert permission.permission_mode == mode
    assert permission.resource_link == resource
    assert permission.permission_link == f"{user.user_link}/permissions/{permission_id}"
    assert isinstance(permission.properties, CosmosDict)
    assert permission.properties["id"] == permission_id
    assert permission.properties["_token"]  # the resource token that the permission grants
    assert "x-ms-activity-id" in permission.properties.get_response_headers()


@pytest.mark.requires("users")
def test_create_get_delete_permission(user, container_link):
    seen = []
    created = user.create_permission(_permission("read-c", container_link),
                                     response_hook=lambda headers, body: seen.append(body["id"]))
    _check_permission(created, user, "read-c", "read", container_link)
    assert seen == ["read-c"]
    for reference in ("read-c", created, created.properties):
        _check_permission(user.get_permission(reference), user, "read-c", "read", container_link)
    user.delete_permission(created)
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        user.get_permission("read-c")
    assert raised.value.status_code == 404


@pytest.mark.requires("users")
def test_create_existing_permission_conflicts(user, container_link):
    user.create_permission(_permission("p", container_link))
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        user.create_permission(_permission("p", container_link))
    assert raised.value.status_code == 409


@pytest.mark.requires("users")
def test_missing_permission_is_not_found(user, container_link):
    for call in (lambda: user.get_permission("missing"),
                 lambda: user.replace_permission("missing", _permission("missing", container_link)),
                 lambda: user.delete_permission("missing")):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            call()
        assert raised.value.status_code == 404


@pytest.mark.requires("users")
def test_upsert_permission_creates_then_replaces(user, container_link):
    created = user.upsert_permission(_permission("up", container_link, PermissionMode.Read))
    _check_permission(created, user, "up", "read", container_link)
    replaced = user.upsert_permission(_permission("up", container_link, PermissionMode.All))
    _check_permission(replaced, user, "up", "all", container_link)
    assert replaced.properties["_rid"] == created.properties["_rid"]
    assert user.get_permission("up").permission_mode == "all"
    assert ids(user.list_permissions()) == ["up"]


@pytest.mark.requires("users")
def test_replace_permission(user, container_link):
    created = user.create_permission(_permission("r", container_link, PermissionMode.Read))
    replaced = user.replace_permission(created, _permission("r", container_link, PermissionMode.All))
    _check_permission(replaced, user, "r", "all", container_link)
    etag = created.properties["_etag"]
    with pytest.raises(exceptions.CosmosAccessConditionFailedError):
        user.replace_permission("r", _permission("r", container_link), etag=etag,
                                match_condition=MatchConditions.IfNotModified)


@pytest.mark.requires("users")
def test_permission_on_a_partition_key(user, container_link):
    body = dict(_permission("pk-a", container_link, PermissionMode.All), resourcePartitionKey=["a"])
    created = user.create_permission(body)
    assert created.properties["resourcePartitionKey"] == ["a"]
    assert created.properties["_token"]


@pytest.mark.requires("users")
def test_list_and_query_permissions(user, container_link):
    for name, mode in (("p1", PermissionMode.Read), ("p2", PermissionMode.All), ("p3", PermissionMode.Read)):
        user.create_permission(_permission(name, container_link, mode))
    assert sorted(ids(user.list_permissions())) == ["p1", "p2", "p3"]
    hooked = []
    result = user.query_permissions("SELECT * FROM root r WHERE r.permissionMode = @mode",
                                    [{"name": "@mode", "value": "read"}],
                                    response_hook=lambda headers, body: hooked.append(body))
    assert hooked == [result]  # when created; then once per page with the feed body, as 4.x
    assert sorted(ids(result)) == ["p1", "p3"]
    assert [sorted(ids(body["Permissions"])) for body in hooked[1:]] == [["p1", "p3"]]
    pages = [ids(page) for page in user.list_permissions(max_item_count=2).by_page()]
    assert [len(page) for page in pages] == [2, 1]
    assert ids(user.query_permissions({"query": "SELECT * FROM root r WHERE r.id = @id",
                                       "parameters": [{"name": "@id", "value": "p2"}]})) == ["p2"]


@pytest.mark.requires("users")
def test_deleting_a_user_deletes_its_permissions(database, user, container_link):
    user.create_permission(_permission("gone", container_link))
    database.delete_user(user)
    database.create_user({"id": user.id})
    assert list(user.list_permissions()) == []


@pytest.mark.requires("users")
def test_permission_keyword_arguments_by_their_4x_names(user, container_link):
    user.create_permission(body=_permission("kw", container_link), initial_headers={"x-ms-test": "1"})
    user.upsert_permission(body=_permission("kw", container_link, PermissionMode.All))
    user.replace_permission(permission="kw", body=_permission("kw", container_link))
    assert user.get_permission(permission="kw", timeout=30).permission_mode == "read"
    assert ids(user.query_permissions(query="SELECT * FROM root r", parameters=[], max_item_count=5)) == ["kw"]
    assert ids(user.list_permissions(max_item_count=5)) == ["kw"]
    assert user.read(session_token=None)["id"] == user.id
    user.delete_permission(permission="kw")
    with pytest.raises(TypeError):
        user.get_permission("kw", no_such_keyword=1)


def test_user_module_exports_as_4x():
    assert azure.cosmos.UserProxy is azure.cosmos.user.UserProxy
    assert azure.cosmos.user.Permission is azure.cosmos.Permission
    assert "UserProxy" in azure.cosmos.__all__
