"""Async twin of tests/test_databases.py."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosDict, exceptions
from azure.cosmos.aio import CosmosClient, DatabaseProxy


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def database_id(client, unique_id):
    database_id = unique_id("db")
    yield database_id
    try:
        await client.delete_database(database_id)
    except exceptions.CosmosResourceNotFoundError:
        pass


async def test_create_read_delete_async(client, database_id):
    database = await client.create_database(database_id)
    assert isinstance(database, DatabaseProxy)
    assert database.id == database_id
    assert database.database_link == f"dbs/{database_id}"
    assert repr(database) == f"<DatabaseProxy [dbs/{database_id}]>"
    properties = await database.read()
    assert isinstance(properties, CosmosDict)
    assert properties["id"] == database_id and "_rid" in properties and "_etag" in properties
    await client.delete_database(database_id)
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await database.read()


async def test_create_with_return_properties_async(client, database_id):
    database, properties = await client.create_database(database_id, return_properties=True)
    assert database.id == properties["id"] == database_id
    assert isinstance(properties, CosmosDict)
    assert "x-ms-activity-id" in properties.get_response_headers()


async def test_create_existing_database_conflicts_async(client, database_id):
    await client.create_database(database_id)
    with pytest.raises(exceptions.CosmosResourceExistsError) as caught:
        await client.create_database(database_id)
    assert caught.value.status_code == 409


async def test_create_if_not_exists_creates_then_returns_existing_async(client, database_id):
    first = await client.create_database_if_not_exists(database_id)
    second, properties = await client.create_database_if_not_exists(database_id, return_properties=True)
    assert first.id == second.id == properties["id"] == database_id
    assert [d["id"] async for d in client.list_databases()].count(database_id) == 1


async def test_create_with_offer_throughput_async(client, database_id):
    database = await client.create_database(database_id, offer_throughput=400)
    assert (await database.read())["id"] == database_id


async def test_get_database_client_makes_no_request_async(client, unique_id):
    missing = unique_id("missing")
    proxy = client.get_database_client(missing)
    assert proxy.id == missing
    assert client.get_database_client(proxy).id == missing
    assert client.get_database_client({"id": missing}).id == missing
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await proxy.read()


async def test_list_and_query_databases_async(client, database_id):
    await client.create_database(database_id)
    assert database_id in [d["id"] async for d in client.list_databases()]
    found = [d async for d in client.query_databases("SELECT * FROM root r WHERE r.id = @id",
                                                     parameters=[{"name": "@id", "value": database_id}])]
    assert [d["id"] for d in found] == [database_id]


async def test_list_databases_in_pages_async(client, unique_id):
    ids = [unique_id("paged") for _ in range(3)]
    for database_id in ids:
        await client.create_database(database_id)
    try:
        pages = [[d async for d in page] async for page in client.list_databases(max_item_count=1).by_page()]
        assert all(len(page) <= 1 for page in pages)
        assert set(ids) <= {d["id"] for page in pages for d in page}
    finally:
        for database_id in ids:
            await client.delete_database(database_id)


async def test_delete_database_accepts_proxy_or_properties_async(client, unique_id):
    by_proxy = await client.create_database(unique_id("db"))
    await client.delete_database(by_proxy)
    by_dict = await client.create_database(unique_id("db"))
    await client.delete_database({"id": by_dict.id})
    remaining = {d["id"] async for d in client.list_databases()}
    assert by_proxy.id not in remaining and by_dict.id not in remaining


async def test_delete_missing_database_is_not_found_async(client, unique_id):
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await client.delete_database(unique_id("missing"))


async def test_response_hooks_async(client, database_id):
    calls = []
    # The async client calls create_database's hook with the headers only, as 4.x does.
    await client.create_database(database_id, response_hook=lambda headers: calls.append(("create", "etag" in headers)))
    database = client.get_database_client(database_id)
    await database.read(response_hook=lambda headers, body: calls.append(("read", body["id"])))
    await client.delete_database(database_id,
                                 response_hook=lambda headers: calls.append(("delete", "x-ms-activity-id" in headers)))
    assert calls == [("create", True), ("read", database_id), ("delete", True)]


async def test_last_response_headers_follow_each_call_async(client, database_id):
    await client.create_database(database_id)
    created = client.client_connection.last_response_headers
    await client.get_database_client(database_id).read()
    read = client.client_connection.last_response_headers
    assert created["x-ms-activity-id"] != read["x-ms-activity-id"]
