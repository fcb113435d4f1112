"""Async twin of tests/test_tracing.py."""
from __future__ import annotations

import inspect

import pytest
from azure.core.settings import settings
from azure.core.tracing import decorator_async as core_decorator_async

from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient

from ..test_tracing import recording  # noqa: F401  (the fixture, shared with the sync tests)


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await client.delete_database(database.id)


async def test_a_tracing_plugin_gets_one_span_per_public_call_async(container, recording):
    await container.create_item({"id": "a", "pk": "p"})
    assert (await container.read_item("a", "p"))["id"] == "a"
    assert [span.name for span in recording] == ["ContainerProxy.create_item", "ContainerProxy.read_item"]


async def test_no_span_once_the_plugin_is_unset_async(container, recording):
    await container.create_item({"id": "a", "pk": "p"})
    settings.tracing_implementation.unset_value()
    await container.read_item("a", "p")
    assert [span.name for span in recording] == ["ContainerProxy.create_item"]


async def test_the_calls_tracing_keywords_reach_azure_core_async(container, recording):
    await container.create_item({"id": "a", "pk": "p"}, tracing_attributes={"team": "data"})
    await container.read_item("a", "p", tracing_options={"enabled": False})
    assert [span.name for span in recording] == ["ContainerProxy.create_item"]
    assert recording[0].attributes == {"team": "data"}


async def test_tracing_switched_on_by_environment_variable_reaches_azure_core_async(container, monkeypatch):
    if not hasattr(core_decorator_async, "_get_tracer"):
        pytest.skip("the installed azure-core has no native tracing (AZURE_TRACING_ENABLED)")
    asked = []
    real = core_decorator_async._get_tracer
    monkeypatch.setattr(core_decorator_async, "_get_tracer", lambda **kw: asked.append(kw) or real(**kw))
    await container.create_item({"id": "a", "pk": "p"})
    assert asked == []
    monkeypatch.setenv("AZURE_TRACING_ENABLED", "true")
    assert (await container.read_item("a", "p"))["id"] == "a"
    assert len(asked) == 1
    monkeypatch.delenv("AZURE_TRACING_ENABLED")
    await container.read_item("a", "p")
    assert len(asked) == 1


def test_traced_methods_stay_coroutine_functions_async():
    assert inspect.iscoroutinefunction(ContainerProxy.read_item)
    assert ContainerProxy.read_item.__name__ == "read_item"
