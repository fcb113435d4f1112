"""Exceptions: 4.x classes and bases, raised by status from real server answers, and the
mapping the engine uses for every failure kind (exceptions._from_engine)."""
from __future__ import annotations

import warnings

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    IncompleteReadError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError, ServiceResponseTimeoutError,
)
from azure.core.utils import CaseInsensitiveDict

from azure.cosmos import CosmosClient, PartitionKey, exceptions
from azure.cosmos.exceptions import _from_engine


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database.create_container(unique_id("c"), PartitionKey("/pk"))
    client.delete_database(database.id)


def test_class_hierarchy_matches_4x():
    assert issubclass(exceptions.CosmosHttpResponseError, HttpResponseError)
    assert issubclass(exceptions.CosmosResourceNotFoundError, ResourceNotFoundError)
    assert issubclass(exceptions.CosmosResourceNotFoundError, exceptions.CosmosHttpResponseError)
    assert issubclass(exceptions.CosmosResourceExistsError, ResourceExistsError)
    assert issubclass(exceptions.CosmosResourceExistsError, exceptions.CosmosHttpResponseError)
    assert issubclass(exceptions.CosmosAccessConditionFailedError, exceptions.CosmosHttpResponseError)
    assert issubclass(exceptions.CosmosClientTimeoutError, AzureError)
    assert issubclass(exceptions.CosmosBatchOperationError, HttpResponseError)


def test_errors_module_is_a_deprecated_alias():
    import importlib
    import sys

    sys.modules.pop("azure.cosmos.errors", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        errors = importlib.import_module("azure.cosmos.errors")
    assert errors.CosmosHttpResponseError is exceptions.CosmosHttpResponseError
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)


def test_missing_item_is_not_found(cosmos_server, container):
    cosmos_server.skip_unless("missing_item_404")
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as caught:
        container.read_item("missing", "p")
    error = caught.value
    assert isinstance(error, ResourceNotFoundError)
    assert error.status_code == 404
    assert isinstance(error.headers, CaseInsensitiveDict)
    assert error.http_error_message  # the service's body, as text
    assert error.response.status_code == 404 and error.reason == "Not Found"


def test_missing_database_is_not_found(client, unique_id):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as caught:
        client.get_database_client(unique_id("missing")).read()
    assert caught.value.status_code == 404


def test_duplicate_is_exists_error(container):
    container.create_item({"id": "a", "pk": "p"})
    with pytest.raises(exceptions.CosmosResourceExistsError) as caught:
        container.create_item({"id": "a", "pk": "p"})
    assert isinstance(caught.value, ResourceExistsError)
    assert caught.value.status_code == 409


def test_failed_condition_is_access_condition_error(container):
    container.create_item({"id": "a", "pk": "p"})
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as caught:
        container.replace_item("a", {"id": "a", "pk": "p"}, etag='"not-the-etag"',
                               match_condition=MatchConditions.IfNotModified)
    assert caught.value.status_code == 412


def test_other_statuses_are_http_response_errors(container):
    # An item without an id: 4.x sends it and the service answers 400; so does v5.
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        container.create_item({"pk": "p"})
    assert type(caught.value) is exceptions.CosmosHttpResponseError
    assert caught.value.status_code == 400


def test_engine_validation_failure_is_a_value_error(container):
    with pytest.raises(ValueError, match="priority"):
        container.read_item("a", "p", priority="Medium")


# ---- the mapping, kind by kind (what the engine hands to _from_engine) ------------------


def test_http_kind_by_status():
    for status, cls in ((404, exceptions.CosmosResourceNotFoundError), (409, exceptions.CosmosResourceExistsError),
                        (412, exceptions.CosmosAccessConditionFailedError), (429, exceptions.CosmosHttpResponseError),
                        (500, exceptions.CosmosHttpResponseError)):
        error = _from_engine("http", status, None, {"x-ms-activity-id": "a"}, b"boom", "engine text")
        assert type(error) is cls
        assert error.status_code == status
        assert error.http_error_message == "boom"
        assert error.headers["X-MS-ACTIVITY-ID"] == "a"


def test_http_message_format_with_and_without_sub_status():
    with_sub = _from_engine("http", 410, 1002, {"x-ms-substatus": "1002"}, b"partition gone", "")
    assert with_sub.sub_status == 1002
    assert with_sub.message == "Status code: 410 Sub-status: 1002\npartition gone"
    without_sub = _from_engine("http", 503, None, {}, b"unavailable", "")
    assert without_sub.sub_status is None
    assert without_sub.message == "Status code: 503\nunavailable"


def test_http_json_error_body_is_formatted_as_azure_core_does():
    body = b'{"code":"NotFound","message":"Entity with the specified id does not exist"}'
    error = _from_engine("http", 404, None, {}, body, "")
    assert error.message.startswith("(NotFound) Entity with the specified id does not exist")
    assert error.error.code == "NotFound"


def test_synthesised_status_without_body_uses_engine_message():
    error = _from_engine("http", 503, 20305, {"x-ms-substatus": "20305"}, b"", "topology failed")
    assert "topology failed" in error.message and error.sub_status == 20305


def test_other_kinds():
    assert isinstance(_from_engine("timeout", 408, 20008, {}, b"", "late"), exceptions.CosmosClientTimeoutError)
    request = _from_engine("request", 503, 20010, {}, b"", "connection refused")
    assert type(request) is ServiceRequestError and "connection refused" in str(request)
    response = _from_engine("response", 503, 20011, {}, b"", "reset mid-body")
    assert type(response) is ServiceResponseError and "reset mid-body" in str(response)
    assert type(_from_engine("client", 400, 20100, {}, b"", "bad argument")) is ValueError
    assert type(_from_engine("auth", 401, 20402, {}, b"", "bad key")) is ValueError


def test_timeout_default_message_is_4x():
    assert str(exceptions.CosmosClientTimeoutError()) == "The request failed to complete within the given timeout."


def test_timeout_keyword_raises_client_timeout_error(cosmos_server, container):
    container.upsert_item({"id": "slow", "pk": "p"})
    # The server holds the read far longer than the budget: only the timeout can end the call.
    with cosmos_server.fault(operation="read", resourceType="docs", delayMs=20000):
        with pytest.raises(exceptions.CosmosClientTimeoutError):
            container.read_item("slow", "p", timeout=0.5)
    assert container.read_item("slow", "p")["id"] == "slow"


def test_timeout_keyword_bounds_connecting(blackhole_server, key):
    # The server accepts the connection and never answers the account read.
    with pytest.raises(exceptions.CosmosClientTimeoutError):
        CosmosClient(blackhole_server, key, timeout=0.5)


@pytest.mark.parametrize("status, sub_status, error_class", [
    (404, 1002, exceptions.CosmosResourceNotFoundError),  # read session not available
    (403, 3, exceptions.CosmosHttpResponseError),  # write forbidden
])
def test_terminal_routing_failures_raise_the_services_status(cosmos_server, container, status, sub_status,
                                                             error_class):
    # After its own recovery the driver gives up; 4.x raises the service's status, not a client-made 503.
    container.upsert_item({"id": "a", "pk": "p"})
    with cosmos_server.fault(operation="read", resourceType="docs", status=status, subStatus=sub_status):
        with pytest.raises(error_class) as raised:
            container.read_item("a", "p")
    assert (raised.value.status_code, raised.value.sub_status) == (status, sub_status)
    assert raised.value.response is not None and raised.value.response.status_code == status
    assert container.read_item("a", "p")["id"] == "a"


def test_a_read_timeout_is_a_service_response_error(cosmos_server, container):
    # The request was sent and no answer came in time: 4.x raises ServiceResponse(Timeout)Error, and
    # `except ServiceResponseError` handlers must keep catching it (not ServiceRequestError).
    container.upsert_item({"id": "slow", "pk": "p"})
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, read_timeout=0.5,
                      **cosmos_server.connection_kwargs) as impatient:
        slow = impatient.get_database_client(container.database_link.split("/")[1]).get_container_client(
            container.id)
        with cosmos_server.fault(operation="read", resourceType="docs", delayMs=5000):
            with pytest.raises(ServiceResponseError) as raised:
                slow.read_item("slow", "p")
            # The class 4.x's transports raise for a read timeout (a ServiceResponseError).
            assert isinstance(raised.value, ServiceResponseTimeoutError)


def test_a_body_that_breaks_off_is_an_incomplete_read(cosmos_server, container):
    # 4.x's transport raises azure-core's IncompleteReadError, an HttpResponseError, when the body ends early.
    container.upsert_item({"id": "cut", "pk": "p"})
    with cosmos_server.fault(operation="read", resourceType="docs", dropConnection=True):
        with pytest.raises(IncompleteReadError):
            container.read_item("cut", "p")
    assert container.read_item("cut", "p")["id"] == "cut"
