"""Async twin of tests/test_retry_options.py (the engine applies the same retry options to the async client)."""
from __future__ import annotations

import asyncio
import time
import warnings

import pytest
from azure.core.exceptions import ServiceRequestError

from azure.cosmos import ConnectionRetryPolicy, PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database, sync_client
from ..test_outages import RestartableEmulator


@pytest.fixture(scope="module")
def address(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-retry")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk")).upsert_item(
                {"id": "a", "pk": "p"})
        yield database_id, container_id


def client_of(server, **kwargs) -> CosmosClient:
    return CosmosClient(server.endpoint, server.key, **server.connection_kwargs, **kwargs)


async def test_deprecated_keywords_warn_as_in_4x_async(cosmos_server):
    for keyword, value in [("retry_options", object()), ("connection_retry_policy", ConnectionRetryPolicy())]:
        with pytest.warns(DeprecationWarning, match=keyword):
            async with client_of(cosmos_server, **{keyword: value}):
                pass


async def test_a_fixed_interval_replaces_the_services_retry_after_async(cosmos_server, address):
    async with client_of(cosmos_server, retry_fixed_interval=50) as client:
        container = client.get_database_client(address[0]).get_container_client(address[1])
        with cosmos_server.fault(operation="read", resourceType="docs", status=429, retryAfterMs=20000,
                                 count=2) as hits:
            started = time.monotonic()
            assert (await container.read_item("a", "p"))["id"] == "a"
            assert hits() == 2
            assert time.monotonic() - started < 20


async def test_a_fixed_interval_keeps_the_retry_count_async(cosmos_server, address):
    async with client_of(cosmos_server, retry_fixed_interval=10, retry_total=3) as client:
        container = client.get_database_client(address[0]).get_container_client(address[1])
        with cosmos_server.fault(operation="read", resourceType="docs", status=429) as hits:
            with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
                await container.read_item("a", "p")
            assert raised.value.status_code == 429
            assert hits() == 4


async def test_throttled_rest_requests_are_retried_async(cosmos_server, address):
    cosmos_server.skip_unless("users")
    async with client_of(cosmos_server) as client:
        database = client.get_database_client(address[0])
        with cosmos_server.fault(operation="create", resourceType="users", status=429, retryAfterMs=20,
                                 count=2) as hits:
            assert (await database.create_user({"id": "throttled-user"})).id == "throttled-user"
            assert hits() == 2
        with cosmos_server.fault(operation="read", resourceType="users", status=429, retryAfterMs=1) as hits:
            with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
                await database.get_user_client("throttled-user").read()
            assert raised.value.status_code == 429
            assert hits() == 10


async def test_retry_write_reports_what_the_retry_was_answered_async(cosmos_server, address):
    async with client_of(cosmos_server, retry_write=True) as client:
        container = client.get_database_client(address[0]).get_container_client(address[1])
        with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
            with pytest.raises(exceptions.CosmosResourceExistsError):
                await container.create_item({"id": "retried", "pk": "p"})
        assert (await container.read_item("retried", "p"))["id"] == "retried"


@pytest.fixture
def restartable(tmp_path):
    server = RestartableEmulator(str(tmp_path / "data"))
    yield server
    server.stop()


@pytest.mark.parametrize("keywords", [
    {"retry_connect": 0},
    {"connection_retry_policy": ConnectionRetryPolicy(retry_connect=0)},
])
async def test_no_connection_retries_fail_at_once_during_an_outage_async(restartable, key, keywords):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = CosmosClient(restartable.endpoint, key, **keywords)
    async with client:
        database = await client.create_database("retry-outage")
        container = await database.create_container("c", PartitionKey("/pk"))
        await container.upsert_item({"id": "before", "pk": "p"})
        restartable.kill_and_restart_later()
        with pytest.raises(ServiceRequestError):
            await container.upsert_item({"id": "during", "pk": "p"})
        await asyncio.get_running_loop().run_in_executor(None, restartable.wait_restarted)
        await container.upsert_item({"id": "after", "pk": "p"})
        ids = sorted([item["id"] async for item in container.query_items("SELECT * FROM c", partition_key="p")])
        assert ids == ["after", "before"]


async def test_retry_write_per_call_overrides_the_client_async(cosmos_server, address):
    from azure.core.exceptions import IncompleteReadError

    async with client_of(cosmos_server) as client:
        container = client.get_database_client(address[0]).get_container_client(address[1])
        with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
            with pytest.raises(exceptions.CosmosResourceExistsError):
                await container.create_item({"id": "per-call", "pk": "p"}, retry_write=1)
        with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1):
            with pytest.raises(IncompleteReadError, match="may or may not have been applied"):
                await container.create_item({"id": "per-call-default", "pk": "p"})
