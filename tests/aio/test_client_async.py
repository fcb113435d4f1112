"""Async twin of tests/test_client.py: CosmosClient lifecycle."""
from __future__ import annotations

import pytest
from azure.core.exceptions import ServiceRequestError

import azure.cosmos
from azure.cosmos import _rust, exceptions
from azure.cosmos.aio import CosmosClient


def _client(server, **kwargs):
    return CosmosClient(server.endpoint, server.key, **{**server.connection_kwargs, **kwargs})


async def test_versions_are_visible_at_runtime_async():
    assert azure.cosmos.__version__ == "5.0.0b1"
    assert azure.cosmos.ENGINE_VERSION == _rust.ENGINE_VERSION


async def test_client_reads_the_account_and_lists_databases_async(cosmos_server, unique_id):
    async with _client(cosmos_server) as client:
        database_id = unique_id("db")
        await client.create_database(database_id)
        try:
            assert database_id in [d["id"] async for d in client.list_databases()]
        finally:
            await client.delete_database(database_id)


async def test_client_connects_on_first_use_without_async_with_async(cosmos_server, unique_id):
    client = _client(cosmos_server)
    try:
        database_id = unique_id("db")
        database = await client.create_database(database_id)
        assert (await database.read())["id"] == database_id
        await client.delete_database(database_id)
    finally:
        await client.close()


async def test_master_key_as_dict_async(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, {"masterKey": cosmos_server.key},
                            **cosmos_server.connection_kwargs) as client:
        assert isinstance([d async for d in client.list_databases()], list)


async def test_from_connection_string_async(cosmos_server):
    connection_string = f"AccountEndpoint={cosmos_server.endpoint};AccountKey={cosmos_server.key};"
    async with CosmosClient.from_connection_string(connection_string, **cosmos_server.connection_kwargs) as client:
        assert client.client_connection.url_connection == cosmos_server.endpoint
        assert isinstance([d async for d in client.list_databases()], list)


async def test_connection_string_without_endpoint_is_rejected_async():
    with pytest.raises(ValueError):
        CosmosClient.from_connection_string("AccountKey=abc;")


async def test_repr_names_the_endpoint_async(cosmos_server):
    async with _client(cosmos_server) as client:
        assert repr(client) == f"<CosmosClient [{cosmos_server.endpoint}]>"


async def test_consistency_level_is_accepted_async(cosmos_server):
    async with _client(cosmos_server, consistency_level="Session") as client:
        assert isinstance([d async for d in client.list_databases()], list)


async def test_closed_client_refuses_further_operations_async(cosmos_server):
    client = _client(cosmos_server)
    async with client:
        pass
    with pytest.raises(RuntimeError):
        [d async for d in client.list_databases()]
    await client.close()  # closing twice is harmless


async def test_unknown_client_keyword_is_rejected_before_connecting_async(refused_endpoint, key):
    with pytest.raises(TypeError, match="not_a_cosmos_option"):
        CosmosClient(refused_endpoint, key, not_a_cosmos_option=1)


async def test_refused_endpoint_raises_service_request_error_async(refused_endpoint, key):
    client = CosmosClient(refused_endpoint, key)
    with pytest.raises(ServiceRequestError):
        await client.__aenter__()
    await client.close()


async def test_key_that_is_not_base64_is_a_value_error_async(refused_endpoint):
    with pytest.raises(ValueError):
        async with CosmosClient(refused_endpoint, "not base64!!"):
            pass


async def test_wrong_key_is_rejected_by_the_server_async(cosmos_server):
    cosmos_server.skip_unless("auth")
    client = CosmosClient(cosmos_server.endpoint, "AAAA" + cosmos_server.key[4:], **cosmos_server.connection_kwargs)
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        await client.__aenter__()
    assert caught.value.status_code == 401
    await client.close()


async def test_resource_tokens_are_not_supported_yet_async(cosmos_server):
    with pytest.raises(NotImplementedError):
        CosmosClient(cosmos_server.endpoint, {"resourceTokens": {}})


async def test_compact_utf8_option_must_be_a_bool_async(refused_endpoint, key):
    with pytest.raises(TypeError):
        CosmosClient(refused_endpoint, key, enable_compact_utf8_item_writes="yes")


async def test_keywords_the_engine_does_not_apply_are_announced_async(cosmos_server):
    with pytest.warns(UserWarning, match="proxies"):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key, proxies={"https": "http://127.0.0.1:9"},
                              **cosmos_server.connection_kwargs)
    async with client:
        assert isinstance([d async for d in client.list_databases()], list)
