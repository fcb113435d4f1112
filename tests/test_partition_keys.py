"""Partition keys: the PartitionKey definition and every 4.x partition-key value kind, end to end."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos.partition_key import (
    NonePartitionKeyValue,
    NullPartitionKeyValue,
    _engine_value,
    _split_path,
    _value_from_item,
)


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database
    client.delete_database(database.id)


# ---- the definition -------------------------------------------------------------------


def test_single_path_definition():
    key = PartitionKey(path="/tenant")
    assert dict(key) == {"paths": ["/tenant"], "kind": "Hash", "version": 2}
    assert key.path == "/tenant" and key.kind == "Hash" and key.version == 2
    assert repr(key) == "<PartitionKey [/tenant]>"


def test_hierarchical_definition():
    key = PartitionKey(path=["/tenant", "/user"])
    assert dict(key) == {"paths": ["/tenant", "/user"], "kind": "MultiHash", "version": 2}
    assert key.path == "/tenant/user"
    key.version = 1
    key.path = "/other"
    key.kind = "Hash"
    assert dict(key) == {"paths": ["/other"], "kind": "Hash", "version": 1}


def test_positional_kind_and_version():
    assert dict(PartitionKey("/a", "Hash", 1)) == {"paths": ["/a"], "kind": "Hash", "version": 1}


# ---- value conversion (no server) -----------------------------------------------------


def test_engine_values_of_every_kind():
    assert _engine_value("a") == ["a"]
    assert _engine_value(5) == [5]
    assert _engine_value(2.5) == [2.5]
    assert _engine_value(True) == [True]
    assert _engine_value(None) == [None]
    assert _engine_value(NullPartitionKeyValue) == [None]
    assert _engine_value(NonePartitionKeyValue) == [{}]
    assert _engine_value(["a", 1, None]) == ["a", 1, None]
    assert _engine_value(("a", NonePartitionKeyValue)) == ["a", {}]


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", [object()]])
def test_values_4x_cannot_serialise_are_type_errors(value):
    with pytest.raises(TypeError, match="not JSON serializable"):
        _engine_value(value)


@pytest.mark.parametrize("value", [{"a": 1}, [["nested"]]])
def test_structured_values_are_type_errors(value):
    with pytest.raises(TypeError, match="partition key"):
        _engine_value(value)


def test_paths_with_quotes_and_nesting():
    assert _split_path("/a/b") == ["a", "b"]
    assert _split_path('/"a/b"/c') == ["a/b", "c"]
    assert _split_path("/'x y'") == ["x y"]


def test_value_taken_from_the_item_as_4x_does():
    single = {"paths": ["/address/city"], "kind": "Hash"}
    assert _value_from_item(single, {"address": {"city": "Oslo"}}) == ["Oslo"]
    assert _value_from_item(single, {"address": {}}) == [{}]  # missing: undefined
    assert _value_from_item(single, {"address": {"city": {"x": 1}}}) == [{}]  # an object: undefined
    assert _value_from_item(single, {"address": {"city": None}}) == [None]
    assert _value_from_item({"paths": ["/pk"], "kind": "Hash", "systemKey": True}, {}) == []
    hierarchical = {"paths": ["/a", "/b"], "kind": "MultiHash"}
    assert _value_from_item(hierarchical, {"a": "x", "b": 2}) == ["x", 2]
    assert _value_from_item(hierarchical, {"a": "x"}) == ["x", None]  # a missing level is null in 4.x


# ---- end to end -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["text", 42, -7, 2.5, True, False])
def test_scalar_values_round_trip(database, unique_id, value):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    container.create_item({"id": "item", "pk": value})
    container.create_item({"id": "other", "pk": "another partition"})
    assert container.read_item("item", value)["pk"] == value
    stored = "SELECT * FROM c WHERE c.pk = @pk"
    parameters = [{"name": "@pk", "value": value}]
    assert [i["id"] for i in container.query_items(stored, parameters=parameters, partition_key=value)] == ["item"]
    container.delete_item("item", value)
    assert list(container.query_items(stored, parameters=parameters, partition_key=value)) == []


def test_null_and_missing_values(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("null_pk")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    container.create_item({"id": "null", "pk": None})
    container.create_item({"id": "missing"})
    assert container.read_item("null", None)["id"] == "null"
    assert container.read_item("null", NullPartitionKeyValue)["id"] == "null"
    assert container.read_item("missing", NonePartitionKeyValue)["id"] == "missing"
    assert [i["id"] for i in container.query_items("SELECT * FROM c", partition_key=NullPartitionKeyValue)] == ["null"]
    assert [i["id"] for i in container.query_items("SELECT * FROM c",
                                                   partition_key=NonePartitionKeyValue)] == ["missing"]
    container.delete_item("missing", NonePartitionKeyValue)
    container.delete_item("null", None)
    assert list(container.read_all_items()) == []


def test_hierarchical_values(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("hierarchical_pk")
    container = database.create_container(unique_id("c"), PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
    container.create_item({"id": "1", "tenant": "acme", "user": "ann"})
    container.create_item({"id": "2", "tenant": "acme", "user": "bob"})
    container.create_item({"id": "3", "tenant": "other", "user": "ann"})
    assert container.read_item("1", ["acme", "ann"])["user"] == "ann"
    assert [i["id"] for i in container.query_items("SELECT * FROM c", partition_key=["acme", "bob"])] == ["2"]
    prefix = sorted(i["id"] for i in container.query_items("SELECT * FROM c", partition_key=["acme"]))
    assert prefix == ["1", "2"]
    container.delete_item("3", ["other", "ann"])
    assert sorted(i["id"] for i in container.read_all_items()) == ["1", "2"]


def test_wrong_partition_key_type_is_a_type_error(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    with pytest.raises(TypeError):
        container.read_item("item", object())
    with pytest.raises(TypeError):
        container.delete_item("item", {"a": 1})
    with pytest.raises(TypeError):
        list(container.query_items("SELECT * FROM c", partition_key={1, 2}))
