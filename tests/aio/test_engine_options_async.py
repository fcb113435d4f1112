"""The per-request options dict of the engine's awaitable operations: the twin of test_engine_options.py."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos._serialization import dump_json, load_json
from azure.cosmos.aio import CosmosClient

from ..test_engine_options import request_option_keys


@pytest.fixture
async def container(cosmos_server, unique_id):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = await client.create_database(unique_id("db"))
        container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
        await container.create_item({"id": "a", "pk": "p", "n": 1})
        yield container
        await client.delete_database(database.id)


async def _engine_read(container, options):
    engine = await container._engine()
    return await engine.read_item_async(container._database_id, container.id, await container._partition_key("p"),
                                        "a", options)


@pytest.mark.parametrize("key", request_option_keys())
async def test_every_documented_option_is_known_to_the_engine_async(container, key):
    assert load_json((await _engine_read(container, {key: None})).body)["n"] == 1


async def test_an_unknown_option_is_refused_async(container):
    with pytest.raises(TypeError, match='unknown engine option "bogus"'):
        await _engine_read(container, {"session_token": None, "bogus": 1})


async def test_an_option_of_the_wrong_type_is_refused_async(container):
    with pytest.raises(TypeError, match='engine option "timeout" has the wrong type'):
        await _engine_read(container, {"timeout": "soon"})


async def test_a_refused_write_writes_nothing_async(container):
    engine = await container._engine()
    with pytest.raises(TypeError, match='engine option "content_response_on_write" has the wrong type'):
        await engine.upsert_item_async(container._database_id, container.id, await container._partition_key("p"),
                                       "b", dump_json({"id": "b", "pk": "p"}), {"content_response_on_write": "no"})
    assert [item["id"] async for item in container.read_all_items()] == ["a"]


async def test_options_set_together_all_apply_async(cosmos_server, container):
    cosmos_server.skip_unless("prefer_return_minimal")
    engine = await container._engine()
    response = await engine.upsert_item_async(container._database_id, container.id,
                                              await container._partition_key("p"), "a",
                                              dump_json({"id": "a", "pk": "p", "n": 2}),
                                              {"content_response_on_write": False, "timeout": 30.0,
                                               "initial_headers": {"x-ms-documentdb-partitionkey": '["p"]'}})
    assert response.body == b""
    assert (await container.read_item("a", "p"))["n"] == 2
