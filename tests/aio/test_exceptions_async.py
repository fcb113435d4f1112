"""Async twin of tests/test_exceptions.py: exception classes raised by real server answers,
plus the ``timeout`` keyword and transport failures seen through the async client."""
from __future__ import annotations

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import (
    IncompleteReadError, ResourceExistsError, ResourceNotFoundError, ServiceRequestError, ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.core.utils import CaseInsensitiveDict

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await client.delete_database(database.id)


async def test_missing_item_is_not_found_async(cosmos_server, container):
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as caught:
        await container.read_item("missing", "p")
    error = caught.value
    assert isinstance(error, ResourceNotFoundError)
    assert error.status_code == 404
    assert isinstance(error.headers, CaseInsensitiveDict)
    assert error.http_error_message
    assert error.response.status_code == 404 and error.reason == "Not Found"


async def test_missing_database_is_not_found_async(client, unique_id):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as caught:
        await client.get_database_client(unique_id("missing")).read()
    assert caught.value.status_code == 404


async def test_duplicate_is_exists_error_async(container):
    await container.create_item({"id": "a", "pk": "p"})
    with pytest.raises(exceptions.CosmosResourceExistsError) as caught:
        await container.create_item({"id": "a", "pk": "p"})
    assert isinstance(caught.value, ResourceExistsError)
    assert caught.value.status_code == 409


async def test_failed_condition_is_access_condition_error_async(container):
    await container.create_item({"id": "a", "pk": "p"})
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as caught:
        await container.replace_item("a", {"id": "a", "pk": "p"}, etag='"not-the-etag"',
                                     match_condition=MatchConditions.IfNotModified)
    assert caught.value.status_code == 412


async def test_other_statuses_are_http_response_errors_async(container):
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        await container.create_item({"pk": "p"})
    assert type(caught.value) is exceptions.CosmosHttpResponseError
    assert caught.value.status_code == 400


async def test_engine_validation_failure_is_a_value_error_async(container):
    with pytest.raises(ValueError, match="priority"):
        await container.read_item("a", "p", priority="Medium")


async def test_timeout_keyword_raises_client_timeout_error_async(blackhole_server, key):
    # The server accepts the connection and never answers: only the timeout can end the call.
    client = CosmosClient(blackhole_server, key)
    try:
        with pytest.raises(exceptions.CosmosClientTimeoutError):
            await client.create_database("never-created", timeout=0.5)
    finally:
        await client.close()


async def test_refused_connection_is_service_request_error_async(refused_endpoint, key):
    client = CosmosClient(refused_endpoint, key)
    try:
        with pytest.raises(ServiceRequestError):
            await client.create_database("never-created")
    finally:
        await client.close()


async def test_timeout_keyword_raises_client_timeout_error_on_reads_async(cosmos_server, container):
    await container.upsert_item({"id": "slow", "pk": "p"})
    # The server holds the read far longer than the budget: only the timeout can end the call.
    with cosmos_server.fault(operation="read", resourceType="docs", delayMs=20000):
        with pytest.raises(exceptions.CosmosClientTimeoutError):
            await container.read_item("slow", "p", timeout=0.5)
    assert (await container.read_item("slow", "p"))["id"] == "slow"


async def test_timeout_keyword_bounds_connecting_async(blackhole_server, key):
    # The server accepts the connection and never answers the account read.
    with pytest.raises(exceptions.CosmosClientTimeoutError):
        async with CosmosClient(blackhole_server, key, timeout=0.5):
            pass


@pytest.mark.parametrize("status, sub_status, error_class", [
    (404, 1002, exceptions.CosmosResourceNotFoundError),  # read session not available
    (403, 3, exceptions.CosmosHttpResponseError),  # write forbidden
])
async def test_terminal_routing_failures_raise_the_services_status_async(cosmos_server, container, status,
                                                                         sub_status, error_class):
    # After its own recovery the driver gives up; 4.x raises the service's status, not a client-made 503.
    await container.upsert_item({"id": "a", "pk": "p"})
    with cosmos_server.fault(operation="read", resourceType="docs", status=status, subStatus=sub_status):
        with pytest.raises(error_class) as raised:
            await container.read_item("a", "p")
    assert (raised.value.status_code, raised.value.sub_status) == (status, sub_status)
    assert raised.value.response is not None and raised.value.response.status_code == status
    assert (await container.read_item("a", "p"))["id"] == "a"


async def test_a_read_timeout_is_a_service_response_error_async(cosmos_server, container):
    await container.upsert_item({"id": "slow", "pk": "p"})
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, read_timeout=0.5,
                            **cosmos_server.connection_kwargs) as impatient:
        slow = impatient.get_database_client(container.database_link.split("/")[1]).get_container_client(
            container.id)
        with cosmos_server.fault(operation="read", resourceType="docs", delayMs=5000):
            with pytest.raises(ServiceResponseError) as raised:
                await slow.read_item("slow", "p")
            # The class 4.x's transports raise for a read timeout (a ServiceResponseError).
            assert isinstance(raised.value, ServiceResponseTimeoutError)


async def test_a_body_that_breaks_off_is_an_incomplete_read_async(cosmos_server, container):
    await container.upsert_item({"id": "cut", "pk": "p"})
    with cosmos_server.fault(operation="read", resourceType="docs", dropConnection=True):
        with pytest.raises(IncompleteReadError):
            await container.read_item("cut", "p")
    assert (await container.read_item("cut", "p"))["id"] == "cut"
