"""Async twin of tests/test_conflicts.py: the conflicts feed and the account document."""
from __future__ import annotations

import pytest

from azure.cosmos import DatabaseAccount, PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database, sync_client


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-conflicts")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk")).create_item(
                {"id": "a", "pk": "p"})
        yield database_id, container_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, container_address):
    database_id, container_id = container_address
    return client.get_database_client(database_id).get_container_client(container_id)


async def _all(items):
    return [item async for item in items]


@pytest.mark.requires("conflicts")
async def test_list_conflicts_is_empty_async(container):
    assert await _all(container.list_conflicts()) == []
    pages = [await _all(page) async for page in container.list_conflicts(max_item_count=1).by_page()]
    assert pages == []  # no empty page


@pytest.mark.requires("conflicts")
async def test_query_conflicts_is_empty_async(container):
    assert await _all(container.query_conflicts("SELECT * FROM c")) == []
    assert await _all(container.query_conflicts("SELECT * FROM c WHERE c.id = @id",
                                                parameters=[{"name": "@id", "value": "a"}], partition_key="p")) == []


@pytest.mark.requires("conflicts")
async def test_missing_conflict_is_not_found_async(container):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await container.get_conflict("missing", "p")
    assert raised.value.status_code == 404
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await container.delete_conflict("missing", "p")
    assert raised.value.status_code == 404


async def test_database_account_async(cosmos_server, client):
    # 4.x's async client has the account read only as the private _get_database_account (no public twin).
    account = await client._get_database_account()
    assert isinstance(account, DatabaseAccount)
    location = {"name": account.WritableLocations[0]["name"], "databaseAccountEndpoint": cosmos_server.endpoint}
    assert account.WritableLocations == [location]
    assert account.ReadableLocations == [location]
    assert account.ConsistencyPolicy["defaultConsistencyLevel"] == "Session"  # what the local servers run
    assert (account.DatabasesLink, account.MediaLink) == ("/dbs/", "/media/")


async def test_database_account_response_hook_async(client):
    seen = []
    await client._get_database_account(response_hook=lambda headers: seen.append("x-ms-activity-id" in headers))
    assert seen == [True]


@pytest.mark.requires("conflicts")
async def test_keyword_arguments_by_their_4x_names_async(container):
    assert await _all(container.list_conflicts(max_item_count=5)) == []
    assert await _all(container.query_conflicts(query="SELECT * FROM c", parameters=[], partition_key="p",
                                                max_item_count=5)) == []
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.get_conflict(conflict="missing", partition_key="p")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.delete_conflict(conflict="missing", partition_key="p")
