"""Async twin of tests/test_availability_strategy.py (hedging needs several read regions, which no local
server has: the configuration and reads with it are checked)."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database


@pytest.mark.parametrize("strategy, message", [
    ({"threshold_ms": 0}, "threshold_ms must be positive"),
    ({"threshold_ms": 100, "threshold_steps_ms": -1}, "threshold_steps_ms must be positive"),
])
async def test_invalid_strategies_raise_as_in_4x_async(cosmos_server, strategy, message):
    with pytest.raises(ValueError, match=message):
        CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=strategy,
                     **cosmos_server.connection_kwargs)


async def test_the_engine_gets_the_threshold_only_when_asked_async(cosmos_server):
    plain = CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs)
    assert "hedging_threshold" not in plain.client_connection._engine_options
    hedged = CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy={"threshold_ms": 250},
                          **cosmos_server.connection_kwargs)
    assert hedged.client_connection._engine_options["hedging_threshold"] == 0.25
    await plain.close()
    await hedged.close()


@pytest.mark.parametrize("strategy", [True, {"threshold_ms": 100, "threshold_steps_ms": 50}])
async def test_reads_work_with_hedging_configured_async(cosmos_server, unique_id, strategy):
    with module_database(cosmos_server, unique_id("db-hedge")) as database_id:
        async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=strategy,
                                availability_strategy_max_concurrency=4,
                                **cosmos_server.connection_kwargs) as client:
            container = await client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
            await container.upsert_item({"id": "1", "pk": "p"})
            assert (await container.read_item("1", "p"))["id"] == "1"
            found = [i["id"] async for i in container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p")]
            assert found == ["1"]


async def test_per_call_strategies_are_validated_before_sending_async(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-hedge")) as database_id:
        async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=True,
                                **cosmos_server.connection_kwargs) as client:
            container = await client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
            with pytest.raises(ValueError, match="threshold_ms must be positive"):
                await container.upsert_item({"id": "1", "pk": "p"}, availability_strategy={"threshold_ms": -5})
            found = [i async for i in container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p")]
            assert found == []
            await container.upsert_item({"id": "1", "pk": "p"}, availability_strategy=False)
            assert (await container.read_item("1", "p", availability_strategy={"threshold_ms": 50}))["id"] == "1"
