"""Async twin of tests/test_client_options.py."""
from __future__ import annotations

import binascii

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-options")) as database_id:
        yield database_id


async def round_trip(client: CosmosClient, database_id: str) -> None:
    container = await client.get_database_client(database_id).create_container_if_not_exists("c", PartitionKey("/pk"))
    await container.upsert_item({"id": "1", "pk": "p"})
    assert (await container.read_item("1", "p"))["id"] == "1"


@pytest.mark.parametrize("keywords", [
    {"user_agent": "my app/1.0 (test)"},
    {"user_agent_suffix": "a suffix; with (metadata) and ünïcode, longer than the engine's twenty-five"},
    {"user_agent": "x", "user_agent_suffix": "y z", "user_agent_overwrite": True},
])
async def test_any_user_agent_text_is_accepted_async(cosmos_server, database_id, keywords):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                            **keywords) as client:
        await round_trip(client, database_id)


@pytest.mark.parametrize("keywords", [
    {"connection_timeout": 100},
    {"connection_timeout": 0.01},
    {"read_timeout": 300},
    {"read_timeout": 120, "connection_timeout": 30},
])
async def test_timeouts_outside_the_transport_bounds_are_accepted_async(cosmos_server, database_id, keywords):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                            **keywords) as client:
        await round_trip(client, database_id)


@pytest.mark.parametrize("key, message", [
    ("abc", "Incorrect padding"),
    ("not base64!!", "Invalid base64-encoded string"),
])
async def test_a_malformed_key_raises_what_4x_raises_async(cosmos_server, key, message):
    with pytest.raises(binascii.Error, match=message):
        async with CosmosClient(cosmos_server.endpoint, key, **cosmos_server.connection_kwargs):
            pass
