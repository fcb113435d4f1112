"""azure-core distributed tracing around the public methods, as 4.x's ``@distributed_trace`` gives it.

The facade's decorator calls a method directly only when azure-core would find tracing off; these tests
turn tracing on each way azure-core reads it (a settings value, an environment variable, the call's own
tracing keywords) and check that the span, or azure-core's own decision, happens.
"""
from __future__ import annotations

import pytest
from azure.core.settings import settings
from azure.core.tracing import decorator as core_decorator

from azure.cosmos import CosmosClient, PartitionKey


class RecordingSpan:
    """The smallest tracing plugin azure-core's decorator drives: it records the spans it opens."""

    opened: list = []

    def __init__(self, name=None, kind=None, **_):
        self.name = name
        self.attributes = {}

    def __enter__(self):
        RecordingSpan.opened.append(self)
        return self

    def __exit__(self, *exc):
        return False

    def add_attribute(self, key, value):
        self.attributes[key] = value

    @classmethod
    def get_current_span(cls):
        return None

    @classmethod
    def set_current_span(cls, span):
        pass


@pytest.fixture
def recording():
    RecordingSpan.opened = []
    settings.tracing_implementation = RecordingSpan
    try:
        yield RecordingSpan.opened
    finally:
        settings.tracing_implementation.unset_value()


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database.create_container(unique_id("c"), PartitionKey("/pk"))
    client.delete_database(database.id)


def test_a_tracing_plugin_gets_one_span_per_public_call(container, recording):
    container.create_item({"id": "a", "pk": "p"})
    assert container.read_item("a", "p")["id"] == "a"
    assert [span.name for span in recording] == ["ContainerProxy.create_item", "ContainerProxy.read_item"]


def test_no_span_once_the_plugin_is_unset(container, recording):
    container.create_item({"id": "a", "pk": "p"})
    settings.tracing_implementation.unset_value()
    container.read_item("a", "p")
    assert [span.name for span in recording] == ["ContainerProxy.create_item"]


def test_the_calls_tracing_keywords_reach_azure_core(container, recording):
    container.create_item({"id": "a", "pk": "p"}, tracing_attributes={"team": "data"})
    container.read_item("a", "p", tracing_options={"enabled": False})
    assert [span.name for span in recording] == ["ContainerProxy.create_item"]
    assert recording[0].attributes == {"team": "data"}


def test_tracing_switched_on_by_environment_variable_reaches_azure_core(container, monkeypatch):
    # azure-core's own tracing (no plugin) starts by asking for a tracer; without OpenTelemetry it gets none.
    if not hasattr(core_decorator, "_get_tracer"):
        pytest.skip("the installed azure-core has no native tracing (AZURE_TRACING_ENABLED)")
    asked = []
    real = core_decorator._get_tracer
    monkeypatch.setattr(core_decorator, "_get_tracer", lambda **kw: asked.append(kw) or real(**kw))
    container.create_item({"id": "a", "pk": "p"})
    assert asked == []
    monkeypatch.setenv("AZURE_TRACING_ENABLED", "true")
    assert container.read_item("a", "p")["id"] == "a"
    assert len(asked) == 1
    monkeypatch.delenv("AZURE_TRACING_ENABLED")
    container.read_item("a", "p")
    assert len(asked) == 1


def test_traced_methods_keep_their_name_and_docstring():
    from azure.cosmos import ContainerProxy
    assert ContainerProxy.read_item.__name__ == "read_item"
    assert ContainerProxy.read_item.__doc__.startswith("Read an item by id and partition key.")
