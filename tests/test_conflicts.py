"""Conflicts feed of a container (list_conflicts, query_conflicts, get_conflict, delete_conflict) and the
account document (CosmosClient.get_database_account). A single-region account has no conflicts."""
from __future__ import annotations

import pytest

from azure.cosmos import DatabaseAccount, PartitionKey, exceptions

from ._data_plane import module_database, sync_client


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-conflicts")) as database_id:
        container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        container.create_item({"id": "a", "pk": "p"})
        yield container


@pytest.mark.requires("conflicts")
def test_list_conflicts_is_empty(container):
    assert list(container.list_conflicts()) == []
    assert [list(page) for page in container.list_conflicts(max_item_count=1).by_page()] == []  # no empty page


@pytest.mark.requires("conflicts")
def test_query_conflicts_is_empty(container):
    assert list(container.query_conflicts("SELECT * FROM c")) == []
    assert list(container.query_conflicts("SELECT * FROM c", enable_cross_partition_query=True)) == []
    assert list(container.query_conflicts("SELECT * FROM c WHERE c.id = @id",
                                          parameters=[{"name": "@id", "value": "a"}], partition_key="p")) == []


@pytest.mark.requires("conflicts")
def test_missing_conflict_is_not_found(container):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        container.get_conflict("missing", "p")
    assert raised.value.status_code == 404
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        container.delete_conflict("missing", "p")
    assert raised.value.status_code == 404


def test_database_account(cosmos_server, client):
    account = client.get_database_account()
    assert isinstance(account, DatabaseAccount)
    location = {"name": account.WritableLocations[0]["name"], "databaseAccountEndpoint": cosmos_server.endpoint}
    assert account.WritableLocations == [location]
    assert account.ReadableLocations == [location]
    assert account.ConsistencyPolicy["defaultConsistencyLevel"] == "Session"  # what the local servers run
    assert (account.DatabasesLink, account.MediaLink) == ("/dbs/", "/media/")


def test_database_account_response_hook(client):
    seen = []
    client.get_database_account(response_hook=lambda headers: seen.append("x-ms-activity-id" in headers))
    assert seen == [True]


@pytest.mark.requires("conflicts")
def test_keyword_arguments_by_their_4x_names(container):
    assert list(container.list_conflicts(max_item_count=5)) == []
    assert list(container.query_conflicts(query="SELECT * FROM c", parameters=[], partition_key="p",
                                          max_item_count=5)) == []
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.get_conflict(conflict="missing", partition_key="p")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.delete_conflict(conflict="missing", partition_key="p")
