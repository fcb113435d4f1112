"""CosmosClient lifecycle: construction, credentials, context manager, close, connection strings."""
from __future__ import annotations

import pytest
from azure.core.exceptions import ServiceRequestError

import azure.cosmos
from azure.cosmos import CosmosClient, exceptions
from azure.cosmos import _rust


def _client(server, **kwargs):
    return CosmosClient(server.endpoint, server.key, **{**server.connection_kwargs, **kwargs})


def test_versions_are_visible_at_runtime():
    assert azure.cosmos.__version__ == "5.0.0b1"
    assert azure.cosmos.ENGINE_VERSION == _rust.ENGINE_VERSION
    assert azure.cosmos.ENGINE_VERSION.count(".") == 2


def test_client_reads_the_account_and_lists_databases(cosmos_server, unique_id):
    with _client(cosmos_server) as client:
        database_id = unique_id("db")
        client.create_database(database_id)
        try:
            assert database_id in [d["id"] for d in client.list_databases()]
        finally:
            client.delete_database(database_id)


def test_master_key_as_dict(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, {"masterKey": cosmos_server.key},
                      **cosmos_server.connection_kwargs) as client:
        assert isinstance(list(client.list_databases()), list)


def test_from_connection_string(cosmos_server):
    connection_string = f"AccountEndpoint={cosmos_server.endpoint};AccountKey={cosmos_server.key};"
    with CosmosClient.from_connection_string(connection_string, **cosmos_server.connection_kwargs) as client:
        assert client.client_connection.url_connection == cosmos_server.endpoint
        assert isinstance(list(client.list_databases()), list)


def test_connection_string_without_endpoint_is_rejected():
    with pytest.raises(ValueError):
        CosmosClient.from_connection_string("AccountKey=abc;")


def test_repr_names_the_endpoint(cosmos_server):
    with _client(cosmos_server) as client:
        assert repr(client) == f"<CosmosClient [{cosmos_server.endpoint}]>"


def test_consistency_level_is_accepted(cosmos_server):
    with _client(cosmos_server, consistency_level="Session") as client:
        assert isinstance(list(client.list_databases()), list)


def test_closed_client_refuses_further_operations(cosmos_server):
    client = _client(cosmos_server)
    with client:
        pass
    with pytest.raises(RuntimeError):
        list(client.list_databases())
    client.close()  # closing twice is harmless


def test_unknown_client_keyword_is_rejected_before_connecting(refused_endpoint, key):
    # The endpoint refuses connections: a TypeError (not a transport error) proves the keyword
    # was checked before any network I/O, as 4.x's transport rejects it.
    with pytest.raises(TypeError, match="not_a_cosmos_option"):
        CosmosClient(refused_endpoint, key, not_a_cosmos_option=1)


def test_refused_endpoint_raises_service_request_error(refused_endpoint, key):
    with pytest.raises(ServiceRequestError):
        CosmosClient(refused_endpoint, key)


def test_key_that_is_not_base64_is_a_value_error(refused_endpoint):
    # Signing needs the decoded key, so the failure comes before the request is sent, as in 4.x.
    with pytest.raises(ValueError):
        CosmosClient(refused_endpoint, "not base64!!")


def test_wrong_key_is_rejected_by_the_server(cosmos_server):
    cosmos_server.skip_unless("auth")
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        CosmosClient(cosmos_server.endpoint, "AAAA" + cosmos_server.key[4:], **cosmos_server.connection_kwargs)
    assert caught.value.status_code == 401


def test_resource_tokens_are_not_supported_yet(cosmos_server):
    with pytest.raises(NotImplementedError):
        CosmosClient(cosmos_server.endpoint, {"resourceTokens": {}})


def test_compact_utf8_option_must_be_a_bool(refused_endpoint, key):
    with pytest.raises(TypeError):
        CosmosClient(refused_endpoint, key, enable_compact_utf8_item_writes="yes")


def test_keywords_the_engine_does_not_apply_are_announced(cosmos_server):
    with pytest.warns(UserWarning, match="proxies"):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key, proxies={"https": "http://127.0.0.1:9"},
                              **cosmos_server.connection_kwargs)
    with client:
        assert isinstance(list(client.list_databases()), list)
