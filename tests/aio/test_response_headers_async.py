"""Async twin of tests/test_response_headers.py."""
from __future__ import annotations

import pytest
from azure.core.utils import CaseInsensitiveDict

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await client.delete_database(database.id)


async def test_point_operation_headers_async(container):
    created = await container.create_item({"id": "a", "pk": "p"})
    headers = created.get_response_headers()
    assert isinstance(headers, CaseInsensitiveDict)
    assert float(headers["x-ms-request-charge"]) > 0
    assert headers["X-MS-ACTIVITY-ID"] == headers["x-ms-activity-id"]
    assert headers["etag"] == created["_etag"]


async def test_request_charge_reflects_the_work_async(cosmos_server, container):
    cosmos_server.skip_unless("request_charge")
    small = await container.create_item({"id": "small", "pk": "p"})
    large = await container.create_item({"id": "large", "pk": "p", "blob": "x" * 20000})
    assert float(large.get_response_headers()["x-ms-request-charge"]) > float(
        small.get_response_headers()["x-ms-request-charge"])


async def test_session_token_is_returned_async(cosmos_server, container):
    cosmos_server.skip_unless("session_token")
    created = await container.create_item({"id": "a", "pk": "p"})
    token = created.get_response_headers()["x-ms-session-token"]
    assert token
    assert (await container.read_item("a", "p", session_token=token))["id"] == "a"


async def test_headers_are_a_copy_async(container):
    created = await container.create_item({"id": "a", "pk": "p"})
    headers = created.get_response_headers()
    headers["x-ms-request-charge"] = "changed"
    assert created.get_response_headers()["x-ms-request-charge"] != "changed"


async def test_last_response_headers_are_the_latest_response_async(container):
    read = await container.read_item(await container.create_item({"id": "a", "pk": "p"}), "p")
    assert container.client_connection.last_response_headers["x-ms-activity-id"] == \
        read.get_response_headers()["x-ms-activity-id"]


async def test_a_pagers_headers_are_those_of_its_latest_page_only_async(container):
    for n in range(2):
        await container.create_item({"id": f"h{n}", "pk": "pages"})
    paged = container.query_items("SELECT * FROM c WHERE c.pk = 'pages'", partition_key="pages", max_item_count=1)
    pages = paged.by_page()
    assert [item["id"] async for item in await pages.__anext__()] == ["h0"]
    first = paged.get_response_headers()
    assert first.get("x-ms-continuation")
    assert [item["id"] async for item in await pages.__anext__()] == ["h1"]
    rest = [[item async for item in page] async for page in pages]
    assert all(not page for page in rest)
    last = paged.get_response_headers()
    assert "x-ms-continuation" not in last
    assert last["x-ms-activity-id"] and last["x-ms-activity-id"] != first["x-ms-activity-id"]


async def test_result_headers_are_laid_out_as_azure_cores_constructor_lays_them_out_async(container):
    headers = (await container.create_item({"id": "a", "pk": "p"})).get_response_headers()
    rebuilt = CaseInsensitiveDict(dict(headers.items()))
    assert list(headers.items()) == list(rebuilt.items())
    assert list(headers.lowerkey_items()) == list(rebuilt.lowerkey_items())
    assert all(name == name.lower() for name in headers)
    assert headers == rebuilt and headers.copy() == rebuilt
