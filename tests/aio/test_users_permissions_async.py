"""Async twin of tests/test_users_permissions.py: users of a database and their permissions."""
from __future__ import annotations

import pytest
from azure.core import MatchConditions

import azure.cosmos.aio
from azure.cosmos import CosmosDict, PartitionKey, Permission, PermissionMode, exceptions
from azure.cosmos.aio import CosmosClient, UserProxy

from .._data_plane import ids, module_database, sync_client


@pytest.fixture(scope="module")
def addresses(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-users")) as database_id:
        with sync_client(cosmos_server) as client:
            container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        yield database_id, container.container_link


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database(client, addresses):
    return client.get_database_client(addresses[0])


@pytest.fixture
def container_link(addresses):
    return addresses[1]


@pytest.fixture
async def user(database, unique_id):
    user = await database.create_user({"id": unique_id("user")})
    yield user
    try:
        await database.delete_user(user)
    except exceptions.CosmosResourceNotFoundError:
        pass


def _permission(permission_id, resource, mode=PermissionMode.Read):
    return {"id": permission_id, "permissionMode": mode, "resource": resource}


async def _ids(items):
    return [item["id"] async for item in items]


async def _pages(paged):
    return [[item["id"] async for item in page] async for page in paged.by_page()]


# ---- users -------------------------------------------------------------------------------


@pytest.mark.requires("users")
async def test_create_read_delete_user_async(database, unique_id):
    user_id = unique_id("alice")
    seen = []
    user = await database.create_user({"id": user_id},
                                      response_hook=lambda headers, body: seen.append((headers, body)))
    assert isinstance(user, UserProxy)
    assert (user.id, user.user_link) == (user_id, f"{database.database_link}/users/{user_id}")
    assert repr(user) == f"<UserProxy [{database.database_link}/users/{user_id}]>"
    [(headers, body)] = seen
    assert body["id"] == user_id and "x-ms-activity-id" in headers
    properties = await user.read()
    assert isinstance(properties, CosmosDict)
    assert properties["id"] == user_id and properties["_permissions"] and "_self" in properties
    assert "x-ms-request-charge" in properties.get_response_headers()
    deleted = []
    await database.delete_user(user_id, response_hook=lambda headers, body: deleted.append(body))
    assert deleted == [None]
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await user.read()
    assert raised.value.status_code == 404


@pytest.mark.requires("users")
async def test_create_existing_user_conflicts_async(database, user):
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        await database.create_user({"id": user.id})
    assert raised.value.status_code == 409


@pytest.mark.requires("users")
async def test_missing_user_is_not_found_async(database, unique_id):
    missing = unique_id("nobody")
    for call in (lambda: database.get_user_client(missing).read(),
                 lambda: database.replace_user(missing, {"id": missing}),
                 lambda: database.delete_user(missing)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await call()
        assert raised.value.status_code == 404


@pytest.mark.requires("users")
async def test_upsert_user_creates_then_replaces_async(database, unique_id):
    user_id = unique_id("upserted")
    created = await database.upsert_user({"id": user_id})
    assert isinstance(created, UserProxy) and created.id == user_id
    first = await created.read()
    replaced = await database.upsert_user({"id": user_id})
    second = await replaced.read()
    assert second["_rid"] == first["_rid"]  # the same user, written again
    assert second["_etag"] != first["_etag"]
    assert await _ids(database.query_users("SELECT * FROM root r WHERE r.id = @id",
                                           parameters=[{"name": "@id", "value": user_id}])) == [user_id]
    await database.delete_user(user_id)


@pytest.mark.requires("users")
async def test_replace_user_renames_it_and_keeps_its_permissions_async(database, container_link, unique_id):
    old_id, new_id = unique_id("old"), unique_id("new")
    user = await database.create_user({"id": old_id})
    await user.create_permission(_permission("p", container_link))
    replaced = await database.replace_user(user, {"id": new_id})
    assert isinstance(replaced, UserProxy) and replaced.id == new_id
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await user.read()
    assert await _ids(replaced.list_permissions()) == ["p"]
    await database.delete_user({"id": new_id})


@pytest.mark.requires("users")
async def test_user_given_as_id_proxy_or_properties_async(database, user):
    properties = await user.read()
    for reference in (user.id, user, properties):
        proxy = database.get_user_client(reference)
        assert isinstance(proxy, UserProxy)
        assert (proxy.id, proxy.user_link) == (user.id, user.user_link)
    assert (await database.replace_user(properties, {"id": user.id})).id == user.id
    assert (await database.replace_user(user, {"id": user.id})).id == user.id


@pytest.mark.requires("users")
async def test_replace_and_delete_user_check_the_etag_async(database, user):
    etag = (await user.read())["_etag"]
    await database.upsert_user({"id": user.id})  # a new etag
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as raised:
        await database.replace_user(user.id, {"id": user.id}, etag=etag,
                                    match_condition=MatchConditions.IfNotModified)
    assert raised.value.status_code == 412
    with pytest.raises(exceptions.CosmosAccessConditionFailedError):
        await database.delete_user(user.id, etag=etag, match_condition=MatchConditions.IfNotModified)
    current = (await user.read())["_etag"]
    await database.replace_user(user.id, {"id": user.id}, etag=current, match_condition=MatchConditions.IfNotModified)


@pytest.mark.requires("users")
async def test_list_and_query_users_async(database, unique_id):
    prefix = unique_id("many")
    user_ids = [f"{prefix}-{n}" for n in range(3)]
    for user_id in user_ids:
        await database.create_user({"id": user_id})
    assert set(user_ids) <= set(await _ids(database.list_users()))
    hooked = []
    result = database.query_users("SELECT * FROM root r WHERE r.id = @id",
                                  parameters=[{"name": "@id", "value": user_ids[1]}],
                                  response_hook=lambda headers, iterable: hooked.append(iterable))
    assert await _ids(result) == [user_ids[1]]
    assert hooked == [result]  # once, when created, as 4.x
    query = {"query": "SELECT * FROM root r WHERE STARTSWITH(r.id, @prefix)",
             "parameters": [{"name": "@prefix", "value": prefix}]}
    assert await _pages(database.query_users(query, max_item_count=2)) == [user_ids[:2], user_ids[2:]]
    listed_pages = await _pages(database.list_users(max_item_count=1))
    assert all(len(page) == 1 for page in listed_pages) and set(user_ids) <= {page[0] for page in listed_pages}
    for user_id in user_ids:
        await database.delete_user(user_id)


@pytest.mark.requires("users")
async def test_user_ids_are_checked_before_sending_async(database):
    with pytest.raises(ValueError):
        await database.create_user({"id": "a/b"})
    with pytest.raises(ValueError):
        await database.upsert_user({"id": "trailing "})
    with pytest.raises(TypeError):
        await database.create_user({"id": 7})


@pytest.mark.requires("users")
async def test_user_keyword_arguments_by_their_4x_names_async(database, unique_id):
    user_id = unique_id("kw")
    user = await database.create_user(body={"id": user_id}, initial_headers={"x-ms-test": "1"}, timeout=30)
    await database.upsert_user(body={"id": user_id}, session_token=None)
    await database.replace_user(user=user_id, body={"id": user_id})
    assert await _ids(database.query_users(query="SELECT * FROM root r WHERE r.id = @id",
                                           parameters=[{"name": "@id", "value": user_id}],
                                           max_item_count=5)) == [user_id]
    assert user_id in await _ids(database.list_users(max_item_count=5))
    await database.delete_user(user=user)
    with pytest.raises(TypeError):
        await database.create_user({"id": user_id}, no_such_keyword=1)


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
async def test_create_get_delete_permission_async(user, container_link):
    seen = []
    created = await user.create_permission(_permission("read-c", container_link),
                                           response_hook=lambda headers, body: seen.append(body["id"]))
    _check_permission(created, user, "read-c", "read", container_link)
    assert seen == ["read-c"]
    for reference in ("read-c", created, created.properties):
        _check_permission(await user.get_permission(reference), user, "read-c", "read", container_link)
    await user.delete_permission(created)
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await user.get_permission("read-c")
    assert raised.value.status_code == 404


@pytest.mark.requires("users")
async def test_create_existing_permission_conflicts_async(user, container_link):
    await user.create_permission(_permission("p", container_link))
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        await user.create_permission(_permission("p", container_link))
    assert raised.value.status_code == 409


@pytest.mark.requires("users")
async def test_missing_permission_is_not_found_async(user, container_link):
    for call in (lambda: user.get_permission("missing"),
                 lambda: user.replace_permission("missing", _permission("missing", container_link)),
                 lambda: user.delete_permission("missing")):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await call()
        assert raised.value.status_code == 404


@pytest.mark.requires("users")
async def test_upsert_permission_creates_then_replaces_async(user, container_link):
    created = await user.upsert_permission(_permission("up", container_link, PermissionMode.Read))
    _check_permission(created, user, "up", "read", container_link)
    replaced = await user.upsert_permission(_permission("up", container_link, PermissionMode.All))
    _check_permission(replaced, user, "up", "all", container_link)
    assert replaced.properties["_rid"] == created.properties["_rid"]
    assert (await user.get_permission("up")).permission_mode == "all"
    assert await _ids(user.list_permissions()) == ["up"]


@pytest.mark.requires("users")
async def test_replace_permission_async(user, container_link):
    created = await user.create_permission(_permission("r", container_link, PermissionMode.Read))
    replaced = await user.replace_permission(created, _permission("r", container_link, PermissionMode.All))
    _check_permission(replaced, user, "r", "all", container_link)
    etag = created.properties["_etag"]
    with pytest.raises(exceptions.CosmosAccessConditionFailedError):
        await user.replace_permission("r", _permission("r", container_link), etag=etag,
                                      match_condition=MatchConditions.IfNotModified)


@pytest.mark.requires("users")
async def test_permission_on_a_partition_key_async(user, container_link):
    body = dict(_permission("pk-a", container_link, PermissionMode.All), resourcePartitionKey=["a"])
    created = await user.create_permission(body)
    assert created.properties["resourcePartitionKey"] == ["a"]
    assert created.properties["_token"]


@pytest.mark.requires("users")
async def test_list_and_query_permissions_async(user, container_link):
    for name, mode in (("p1", PermissionMode.Read), ("p2", PermissionMode.All), ("p3", PermissionMode.Read)):
        await user.create_permission(_permission(name, container_link, mode))
    assert sorted(await _ids(user.list_permissions())) == ["p1", "p2", "p3"]
    hooked = []
    result = user.query_permissions("SELECT * FROM root r WHERE r.permissionMode = @mode",
                                    parameters=[{"name": "@mode", "value": "read"}],
                                    response_hook=lambda headers, body: hooked.append(body))
    assert sorted(await _ids(result)) == ["p1", "p3"]
    assert hooked == [result]  # once, when created: 4.x's async proxy does not pass the hook to the pages
    assert [len(page) for page in await _pages(user.list_permissions(max_item_count=2))] == [2, 1]
    assert await _ids(user.query_permissions({"query": "SELECT * FROM root r WHERE r.id = @id",
                                              "parameters": [{"name": "@id", "value": "p2"}]})) == ["p2"]


@pytest.mark.requires("users")
async def test_deleting_a_user_deletes_its_permissions_async(database, user, container_link):
    await user.create_permission(_permission("gone", container_link))
    await database.delete_user(user)
    await database.create_user({"id": user.id})
    assert await _ids(user.list_permissions()) == []


@pytest.mark.requires("users")
async def test_permission_keyword_arguments_by_their_4x_names_async(user, container_link):
    await user.create_permission(body=_permission("kw", container_link), initial_headers={"x-ms-test": "1"})
    await user.upsert_permission(body=_permission("kw", container_link, PermissionMode.All))
    await user.replace_permission(permission="kw", body=_permission("kw", container_link))
    assert (await user.get_permission(permission="kw", timeout=30)).permission_mode == "read"
    assert await _ids(user.query_permissions(query="SELECT * FROM root r", parameters=[], max_item_count=5)) == ["kw"]
    assert await _ids(user.list_permissions(max_item_count=5)) == ["kw"]
    assert (await user.read(session_token=None))["id"] == user.id
    await user.delete_permission(permission="kw")
    with pytest.raises(TypeError):
        await user.get_permission("kw", no_such_keyword=1)


async def test_user_module_exports_as_4x_async():
    assert azure.cosmos.aio.UserProxy is azure.cosmos.aio._user.UserProxy
    assert "UserProxy" in azure.cosmos.aio.__all__
