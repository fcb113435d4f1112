"""Databases through CosmosClient and DatabaseProxy: create, read, list, query, delete."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, CosmosDict, DatabaseProxy, exceptions


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database_id(client, unique_id):
    database_id = unique_id("db")
    yield database_id
    try:
        client.delete_database(database_id)
    except exceptions.CosmosResourceNotFoundError:
        pass


def test_create_read_delete(client, database_id):
    database = client.create_database(database_id)
    assert isinstance(database, DatabaseProxy)
    assert database.id == database_id
    assert database.database_link == f"dbs/{database_id}"
    assert repr(database) == f"<DatabaseProxy [dbs/{database_id}]>"
    properties = database.read()
    assert isinstance(properties, CosmosDict)
    assert properties["id"] == database_id and "_rid" in properties and "_etag" in properties
    client.delete_database(database_id)
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.read()


def test_create_with_return_properties(client, database_id):
    database, properties = client.create_database(database_id, return_properties=True)
    assert database.id == properties["id"] == database_id
    assert isinstance(properties, CosmosDict)
    assert "x-ms-activity-id" in properties.get_response_headers()


def test_create_existing_database_conflicts(client, database_id):
    client.create_database(database_id)
    with pytest.raises(exceptions.CosmosResourceExistsError) as caught:
        client.create_database(database_id)
    assert caught.value.status_code == 409


def test_create_if_not_exists_creates_then_returns_existing(client, database_id):
    first = client.create_database_if_not_exists(database_id)
    second, properties = client.create_database_if_not_exists(database_id, return_properties=True)
    assert first.id == second.id == properties["id"] == database_id
    assert [d["id"] for d in client.list_databases()].count(database_id) == 1


def test_create_with_offer_throughput(client, database_id):
    database = client.create_database(database_id, offer_throughput=400)
    assert database.read()["id"] == database_id


def test_get_database_client_makes_no_request(client, unique_id):
    missing = unique_id("missing")
    proxy = client.get_database_client(missing)  # a request would fail: the database does not exist
    assert proxy.id == missing
    assert client.get_database_client(proxy).id == missing
    assert client.get_database_client({"id": missing}).id == missing
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        proxy.read()


def test_list_and_query_databases(client, database_id):
    client.create_database(database_id)
    assert database_id in [d["id"] for d in client.list_databases()]
    found = list(client.query_databases("SELECT * FROM root r WHERE r.id = @id",
                                        parameters=[{"name": "@id", "value": database_id}]))
    assert [d["id"] for d in found] == [database_id]
    assert database_id in [d["id"] for d in client.query_databases()]  # no query: every database


def test_list_databases_in_pages(client, unique_id):
    ids = [unique_id("paged") for _ in range(3)]
    for database_id in ids:
        client.create_database(database_id)
    try:
        pages = [list(page) for page in client.list_databases(max_item_count=1).by_page()]
        assert all(len(page) <= 1 for page in pages)
        assert set(ids) <= {d["id"] for page in pages for d in page}
    finally:
        for database_id in ids:
            client.delete_database(database_id)


def test_delete_database_accepts_proxy_or_properties(client, unique_id):
    by_proxy = client.create_database(unique_id("db"))
    client.delete_database(by_proxy)
    by_dict = client.create_database(unique_id("db"))
    client.delete_database({"id": by_dict.id})
    remaining = {d["id"] for d in client.list_databases()}
    assert by_proxy.id not in remaining and by_dict.id not in remaining


def test_delete_missing_database_is_not_found(client, unique_id):
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        client.delete_database(unique_id("missing"))


def test_response_hooks(client, database_id):
    calls = []
    client.create_database(database_id, response_hook=lambda headers, body: calls.append(("create", body["id"])))
    client.get_database_client(database_id).read(response_hook=lambda headers, body: calls.append(("read", body["id"])))
    client.delete_database(database_id, response_hook=lambda headers: calls.append(("delete", "x-ms-activity-id" in headers)))
    assert calls == [("create", database_id), ("read", database_id), ("delete", True)]


def test_last_response_headers_follow_each_call(client, database_id):
    client.create_database(database_id)
    created = client.client_connection.last_response_headers
    client.get_database_client(database_id).read()
    read = client.client_connection.last_response_headers
    assert created["x-ms-activity-id"] != read["x-ms-activity-id"]
