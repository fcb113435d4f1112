"""4.x's ``availability_strategy`` (cross-region hedging of reads): validated as 4.x validates it and
handed to the engine as its hedging threshold; off by default, as in 4.x (the driver alone would hedge).

Hedging itself needs an account with several read regions, which no local server here has: these
tests check the configuration and that reads work with it, not that a slow region is hedged."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos._request_availability import hedging_threshold

from ._data_plane import module_database


def test_strategies_become_thresholds():
    assert hedging_threshold(None) == 0.0  # the client default: no hedging
    assert hedging_threshold(False) == 0.0
    assert hedging_threshold(True) == 0.5
    assert hedging_threshold({"threshold_ms": 200, "threshold_steps_ms": 50}) == 0.2
    assert hedging_threshold({}) == 0.5
    # Per call: None keeps the client's, False turns it off for the call.
    assert hedging_threshold(None, per_request=True) is None
    assert hedging_threshold(False, per_request=True) == 0.0


@pytest.mark.parametrize("strategy, message", [
    ({"threshold_ms": 0}, "threshold_ms must be positive"),
    ({"threshold_ms": 100, "threshold_steps_ms": -1}, "threshold_steps_ms must be positive"),
])
def test_invalid_strategies_raise_as_in_4x(cosmos_server, strategy, message):
    with pytest.raises(ValueError, match=message):
        CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=strategy,
                     **cosmos_server.connection_kwargs)


def test_the_engine_gets_the_threshold_only_when_asked(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as plain:
        assert "hedging_threshold" not in plain.client_connection._engine_options
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy={"threshold_ms": 250},
                      **cosmos_server.connection_kwargs) as hedged:
        assert hedged.client_connection._engine_options["hedging_threshold"] == 0.25


@pytest.mark.parametrize("strategy", [True, {"threshold_ms": 100, "threshold_steps_ms": 50}])
def test_reads_work_with_hedging_configured(cosmos_server, unique_id, strategy):
    with module_database(cosmos_server, unique_id("db-hedge")) as database_id:
        with CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=strategy,
                          availability_strategy_executor=None, **cosmos_server.connection_kwargs) as client:
            container = client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
            container.upsert_item({"id": "1", "pk": "p"})
            assert container.read_item("1", "p")["id"] == "1"
            found = [i["id"] for i in container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p")]
            assert found == ["1"]


def test_per_call_strategies_are_validated_before_sending(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-hedge")) as database_id:
        with CosmosClient(cosmos_server.endpoint, cosmos_server.key, availability_strategy=True,
                          **cosmos_server.connection_kwargs) as client:
            container = client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
            with pytest.raises(ValueError, match="threshold_ms must be positive"):
                container.upsert_item({"id": "1", "pk": "p"}, availability_strategy={"threshold_ms": -5})
            assert list(container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p")) == []
            container.upsert_item({"id": "1", "pk": "p"}, availability_strategy=False)
            assert container.read_item("1", "p", availability_strategy={"threshold_ms": 50})["id"] == "1"
