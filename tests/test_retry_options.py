"""4.x's retry keywords, applied by the engine: connection retries (``retry_connect``, ``retry_total``,
``retry_backoff_factor``, ``retry_mode``, ``connection_retry_policy``), ``retry_fixed_interval`` for
throttled requests, ``retry_write``, throttling on the REST path (users, scripts, ...), and the
deprecation warnings 4.x gives. The waits are azure-core's (see ``azure.cosmos._request_retries``)."""
from __future__ import annotations

import time
import warnings

import pytest
from azure.core.exceptions import ServiceRequestError

from azure.cosmos import ConnectionRetryPolicy, CosmosClient, PartitionKey, exceptions
from azure.cosmos._request_retries import retry_options
from azure.cosmos.documents import ConnectionPolicy

from .test_outages import RestartableEmulator


def engine_retries(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return retry_options(kwargs, ConnectionPolicy())


def test_without_connection_keywords_the_engine_schedule_applies():
    options = engine_retries()
    assert "connect_retry_waits" not in options and "read_retry_waits" not in options
    assert (options["throttle_retry_count"], options["throttle_retry_wait"]) == (9, 30.0)


def test_connection_waits_follow_azure_core():
    # No wait before the first retry, then the factor (4.x's client default: fixed, 1 s).
    assert engine_retries(retry_connect=3)["connect_retry_waits"] == [0.0, 1.0, 1.0]
    assert engine_retries(retry_connect=4, retry_backoff_factor=0.5, retry_mode="exponential",
                          retry_backoff_max=1.5)["connect_retry_waits"] == [0.0, 1.0, 1.5, 1.5]
    # retry_total caps every kind of retry.
    assert engine_retries(retry_total=1, retry_connect=5)["connect_retry_waits"] == [0.0]
    assert engine_retries(retry_read=2, retry_backoff_factor=0.2)["read_retry_waits"] == [0.0, 0.2]
    assert engine_retries(retry_connect=0)["connect_retry_waits"] == []


def test_connection_retry_policy_forms():
    assert engine_retries(connection_retry_policy=2)["connect_retry_waits"] == [0.0, 1.0]
    policy = ConnectionRetryPolicy(retry_connect=2, retry_read=1, retry_backoff_factor=0.1)
    options = engine_retries(connection_retry_policy=policy)
    assert options["connect_retry_waits"] == [0.0, 0.2]  # ConnectionRetryPolicy is exponential by default
    assert options["read_retry_waits"] == [0.0]
    with pytest.raises(TypeError, match="Unsupported retry policy"):
        engine_retries(connection_retry_policy="three")


def test_a_custom_pipeline_policy_cannot_run_in_the_engine():
    class OwnPolicy:
        def send(self, request):
            raise AssertionError("never sent")

    with pytest.raises(NotImplementedError, match="custom pipeline policy"):
        engine_retries(connection_retry_policy=OwnPolicy())


def test_fixed_interval_and_retry_write_options():
    options = engine_retries(retry_fixed_interval=250, retry_write=True)
    assert options["throttle_fixed_interval"] == 0.25 and options["retry_writes"] is True


def test_deprecated_keywords_warn_as_in_4x(cosmos_server):
    for keyword, value in [("retry_options", object()), ("connection_retry_policy", ConnectionRetryPolicy())]:
        with pytest.warns(DeprecationWarning, match=keyword):
            with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                              **{keyword: value}):
                pass


@pytest.fixture
def container_of(cosmos_server, unique_id):
    clients = []

    def make(**kwargs):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs, **kwargs)
        clients.append(client)
        return client.get_database_client(database.id).get_container_client(container.id)

    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as setup:
        database = setup.create_database(unique_id("db-retry"))
        container = database.create_container(unique_id("c"), PartitionKey("/pk"))
        container.upsert_item({"id": "a", "pk": "p"})
        try:
            yield make
        finally:
            for client in clients:
                client.close()
            setup.delete_database(database.id)


def test_a_fixed_interval_replaces_the_services_retry_after(cosmos_server, container_of):
    container = container_of(retry_fixed_interval=50)
    # The service asks for 20 s between attempts; the client's 50 ms interval is used instead.
    with cosmos_server.fault(operation="read", resourceType="docs", status=429, retryAfterMs=20000, count=2) as hits:
        started = time.monotonic()
        assert container.read_item("a", "p")["id"] == "a"
        assert hits() == 2
        assert time.monotonic() - started < 20


def test_a_fixed_interval_keeps_the_retry_count(cosmos_server, container_of):
    container = container_of(retry_fixed_interval=10, retry_total=3)
    with cosmos_server.fault(operation="read", resourceType="docs", status=429) as hits:
        with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
            container.read_item("a", "p")
        assert raised.value.status_code == 429
        assert hits() == 4  # the request and 3 retries


def test_throttled_rest_requests_are_retried(cosmos_server, container_of):
    cosmos_server.skip_unless("users")
    database_id = container_of()._database_id
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database_proxy = client.get_database_client(database_id)
        with cosmos_server.fault(operation="create", resourceType="users", status=429, retryAfterMs=20,
                                 count=2) as hits:
            assert database_proxy.create_user({"id": "throttled-user"}).id == "throttled-user"
            assert hits() == 2
        with cosmos_server.fault(operation="read", resourceType="users", status=429, retryAfterMs=1) as hits:
            with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
                database_proxy.get_user_client("throttled-user").read()
            assert raised.value.status_code == 429
            assert hits() == 10  # 4.x's budget: the request and 9 retries


def test_retry_write_reports_what_the_retry_was_answered(cosmos_server, container_of):
    container = container_of(retry_write=True)
    # The first create is applied and its answer lost; the engine's retry meets the item it wrote.
    with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
        with pytest.raises(exceptions.CosmosResourceExistsError):
            container.create_item({"id": "retried", "pk": "p"})
    assert container.read_item("retried", "p")["id"] == "retried"


@pytest.fixture
def restartable(tmp_path):
    server = RestartableEmulator(str(tmp_path / "data"))
    yield server
    server.stop()


@pytest.mark.parametrize("keywords", [
    {"retry_connect": 0},
    {"retry_total": 0},
    {"connection_retry_policy": ConnectionRetryPolicy(retry_connect=0)},
])
def test_no_connection_retries_fail_at_once_during_an_outage(restartable, key, keywords):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = CosmosClient(restartable.endpoint, key, **keywords)
    with client:
        container = client.create_database("retry-outage").create_container("c", PartitionKey("/pk"))
        container.upsert_item({"id": "before", "pk": "p"})
        restartable.kill_and_restart_later()
        with pytest.raises(ServiceRequestError):
            container.upsert_item({"id": "during", "pk": "p"})
        restartable.wait_restarted()
        container.upsert_item({"id": "after", "pk": "p"})
        ids = sorted(item["id"] for item in container.query_items("SELECT * FROM c", partition_key="p"))
        assert ids == ["after", "before"]  # the refused write was never applied


def test_retry_write_per_call_overrides_the_client(cosmos_server, container_of):
    from azure.core.exceptions import IncompleteReadError

    container = container_of()  # the client default: an ambiguous write is reported as such
    with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
        with pytest.raises(exceptions.CosmosResourceExistsError):
            container.create_item({"id": "per-call", "pk": "p"}, retry_write=1)
    with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
        with pytest.raises(IncompleteReadError, match="may or may not have been applied"):
            container.create_item({"id": "per-call-default", "pk": "p"})
