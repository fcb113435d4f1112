"""The per-request options dict the facade hands the engine (``RequestOptions`` of ``_rust.pyi``).

Every key the stub documents is one the engine reads; an unknown key or a value of the wrong type is a facade
bug, refused before anything is sent. The async twin is aio/test_engine_options_async.py.
"""
from __future__ import annotations

import ast
import pathlib

import pytest

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos._serialization import dump_json, load_json

STUB = pathlib.Path(__file__).resolve().parents[1] / "python" / "azure" / "cosmos" / "_rust.pyi"


def request_option_keys() -> list:
    """The keys of the stub's ``RequestOptions`` TypedDict."""
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "RequestOptions":
            return [item.target.id for item in node.body if isinstance(item, ast.AnnAssign)]
    raise AssertionError("no RequestOptions in _rust.pyi")


@pytest.fixture
def container(cosmos_server, unique_id):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = client.create_database(unique_id("db"))
        container = database.create_container(unique_id("c"), PartitionKey("/pk"))
        container.create_item({"id": "a", "pk": "p", "n": 1})
        yield container
        client.delete_database(database.id)


def _engine_read(container, options):
    return container.client_connection.engine.read_item(
        container._database_id, container.id, container._partition_key("p"), "a", options)


def test_the_stub_lists_the_request_options():
    # Guards the parametrised test below: an empty list would run no case at all.
    keys = request_option_keys()
    assert len(keys) >= 20 and "content_response_on_write" in keys and "timeout" in keys


@pytest.mark.parametrize("key", request_option_keys())
def test_every_documented_option_is_known_to_the_engine(container, key):
    # None is "not set": the read goes through as without the key.
    assert load_json(_engine_read(container, {key: None}).body)["n"] == 1


def test_an_unknown_option_is_refused(container):
    with pytest.raises(TypeError, match='unknown engine option "bogus"'):
        _engine_read(container, {"session_token": None, "bogus": 1})


def test_an_option_of_the_wrong_type_is_refused(container):
    with pytest.raises(TypeError, match='engine option "timeout" has the wrong type'):
        _engine_read(container, {"timeout": "soon"})


def test_a_refused_write_writes_nothing(container):
    engine = container.client_connection.engine
    with pytest.raises(TypeError, match='engine option "content_response_on_write" has the wrong type'):
        engine.upsert_item(container._database_id, container.id, container._partition_key("p"), "b",
                           dump_json({"id": "b", "pk": "p"}), {"content_response_on_write": "no"})
    assert [item["id"] for item in container.read_all_items()] == ["a"]


def test_options_set_together_all_apply(cosmos_server, container):
    cosmos_server.skip_unless("prefer_return_minimal")
    engine = container.client_connection.engine
    response = engine.upsert_item(container._database_id, container.id, container._partition_key("p"), "a",
                                  dump_json({"id": "a", "pk": "p", "n": 2}),
                                  {"content_response_on_write": False, "timeout": 30.0,
                                   "initial_headers": {"x-ms-documentdb-partitionkey": '["p"]'}})
    assert response.body == b""
    assert container.read_item("a", "p")["n"] == 2
