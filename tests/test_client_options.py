"""Client options 4.x accepts with any value: user agents with any text, connection and read timeouts
outside the engine transport's own bounds, and what a malformed key raises."""
from __future__ import annotations

import binascii

import pytest

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos._client_connection import user_agent_suffix

from ._data_plane import module_database


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-options")) as database_id:
        yield database_id


def round_trip(client: CosmosClient, database_id: str) -> None:
    container = client.get_database_client(database_id).create_container_if_not_exists("c", PartitionKey("/pk"))
    container.upsert_item({"id": "1", "pk": "p"})
    assert container.read_item("1", "p")["id"] == "1"


@pytest.mark.parametrize("keywords", [
    {"user_agent": "my app/1.0 (test)"},
    {"user_agent_suffix": "a suffix; with (metadata) and ünïcode, longer than the engine's twenty-five"},
    {"user_agent": "x", "user_agent_suffix": "y z", "user_agent_overwrite": True},
])
def test_any_user_agent_text_is_accepted(cosmos_server, database_id, keywords):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                      **keywords) as client:
        round_trip(client, database_id)


def test_user_agent_text_becomes_a_header_safe_suffix():
    assert user_agent_suffix("my app/1.0 (test)") == "my_app_1.0_test"
    assert user_agent_suffix("x", None, "y z") == "x_y_z"
    assert user_agent_suffix(None, "") is None
    assert user_agent_suffix("(((") is None
    long = user_agent_suffix("a suffix; with (metadata) and ünïcode, longer than twenty-five")
    assert long == "a_suffix_with_metadata_an" and len(long) == 25
    assert user_agent_suffix("cut right at a run of spaces") == "cut_right_at_a_run_of_spa"


@pytest.mark.parametrize("keywords", [
    {"connection_timeout": 100},
    {"connection_timeout": 0.01},
    {"read_timeout": 300},
    {"read_timeout": 120, "connection_timeout": 30},
])
def test_timeouts_outside_the_transport_bounds_are_accepted(cosmos_server, database_id, keywords):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                      **keywords) as client:
        round_trip(client, database_id)


@pytest.mark.parametrize("key, message", [
    ("abc", "Incorrect padding"),
    ("not base64!!", "Invalid base64-encoded string"),
])
def test_a_malformed_key_raises_what_4x_raises(cosmos_server, key, message):
    # 4.x decodes the key to sign the constructor's account read: binascii.Error (a ValueError).
    with pytest.raises(binascii.Error, match=message):
        CosmosClient(cosmos_server.endpoint, key, **cosmos_server.connection_kwargs)
    with pytest.raises(binascii.Error, match=message):
        CosmosClient(cosmos_server.endpoint, {"masterKey": key}, **cosmos_server.connection_kwargs)
