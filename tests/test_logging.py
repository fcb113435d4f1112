"""Logging as 4.x's pipeline writes it: enable_diagnostics_logging/logger (CosmosHttpLoggingPolicy records per
HTTP attempt), the HTTP logging records when that logger is enabled for INFO, logging_enable (network trace),
client-level and per call; never the key or a token; no wrapper around the engine without any of it."""
from __future__ import annotations

import logging

import pytest

from azure.cosmos import CosmosClient, PartitionKey, exceptions

from ._data_plane import module_database

DIAGNOSTICS_LOGGER = "azure.cosmos._cosmos_http_logging_policy"
TRACE_LOGGER = "azure.core.pipeline.policies.http_logging_policy"


def _client(server, **kwargs):
    return CosmosClient(server.endpoint, server.key, **{**server.connection_kwargs, **kwargs})


@pytest.fixture(scope="module")
def names(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-log")) as database_id:
        with _client(cosmos_server) as client:
            container_id = unique_id("c")
            client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
        yield database_id, container_id


def _container(client, names):
    return client.get_database_client(names[0]).get_container_client(names[1])


def _records(caplog, logger_name, **attributes):
    return [record for record in caplog.records if record.name == logger_name
            and all(getattr(record, name, None) == value for name, value in attributes.items())]


def test_no_wrapper_without_logging_or_hooks(cosmos_server, names):
    with _client(cosmos_server) as client:
        container = _container(client, names)
        assert type(client.client_connection.engine).__name__ == "Engine"
        container.upsert_item({"id": "plain", "pk": "p"}, logging_enable=True)
        # The call's keywords end with the call.
        assert type(client.client_connection.engine).__name__ == "Engine"
    with _client(cosmos_server, logging_enable=True) as client:
        assert type(client.client_connection.engine).__name__ == "ObservedEngine"


def test_diagnostics_records_per_request(cosmos_server, names, caplog, unique_id):
    caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
    item_id = unique_id("item")
    with _client(cosmos_server, enable_diagnostics_logging=True) as client:
        container = _container(client, names)
        container.upsert_item({"id": item_id, "pk": "p"})
        caplog.clear()
        item = container.read_item(item_id, "p")
    requests = _records(caplog, DIAGNOSTICS_LOGGER, is_request=True)
    responses = _records(caplog, DIAGNOSTICS_LOGGER, is_request=False)
    assert len(requests) == 1 and len(responses) == 1
    request, response = requests[0], responses[0]
    assert request.levelno == logging.INFO and request.verb == "GET" and request.status_code is None
    assert request.url == f"{cosmos_server.endpoint.rstrip('/')}/dbs/{names[0]}/colls/{names[1]}/docs/{item_id}"
    assert "Request URL: '{}'".format(request.url) in request.getMessage()
    assert response.status_code == 200 and response.sub_status_code == 0 and response.exception_type == ""
    assert response.database_name == names[0] and response.collection_name == names[1]
    assert response.activity_id == item.get_response_headers()["x-ms-activity-id"]
    charge = item.get_response_headers()["x-ms-request-charge"]
    assert float(response.request_charge) == float(charge)
    assert "'x-ms-request-charge': '{}'".format(charge) in response.getMessage()
    assert "Response status: 200" in response.getMessage()
    assert "Elapsed time in seconds:" in response.getMessage() and response.duration >= 0


@pytest.mark.requires("missing_item_404")
def test_failed_request_is_logged_with_its_error(cosmos_server, names, caplog):
    caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
    with _client(cosmos_server, enable_diagnostics_logging=True) as client:
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            _container(client, names).read_item("missing", "p")
    failed = _records(caplog, DIAGNOSTICS_LOGGER, is_request=False, status_code=404)
    assert len(failed) == 1
    assert failed[0].exception_type == "CosmosHttpResponseError" and failed[0].verb == "GET"
    assert "Response error message:" in failed[0].getMessage() and "NotFound" in failed[0].getMessage()


def test_each_query_page_is_logged(cosmos_server, names, caplog, unique_id):
    caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
    pk = unique_id("pk")
    with _client(cosmos_server, enable_diagnostics_logging=True) as client:
        container = _container(client, names)
        for number in range(3):
            container.upsert_item({"id": f"q{number}", "pk": pk})
        caplog.clear()
        pages = list(container.query_items("SELECT * FROM c WHERE c.pk = @pk", parameters=[{"name": "@pk", "value": pk}],
                                           partition_key=pk, max_item_count=1).by_page())
    responses = _records(caplog, DIAGNOSTICS_LOGGER, is_request=False, status_code=200)
    assert len(pages) >= 3 and len(responses) >= len(pages)
    assert {record.verb for record in responses} == {"POST"}
    assert all(record.url.endswith(f"/dbs/{names[0]}/colls/{names[1]}/docs") for record in responses)
    assert all("'x-ms-request-charge'" in record.getMessage() for record in responses)
    requests = _records(caplog, DIAGNOSTICS_LOGGER, is_request=True)
    assert all("A body is sent with the request" in record.getMessage() for record in requests)


@pytest.mark.requires("users")
def test_users_requests_are_logged(cosmos_server, names, caplog, unique_id):
    caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
    user_id = unique_id("user")
    with _client(cosmos_server, enable_diagnostics_logging=True) as client:
        database = client.get_database_client(names[0])
        database.create_user({"id": user_id})
        database.get_user_client(user_id).read()
        database.delete_user(user_id)
    base = f"{cosmos_server.endpoint.rstrip('/')}/dbs/{names[0]}/users"
    seen = [(r.verb, r.url, r.status_code) for r in _records(caplog, DIAGNOSTICS_LOGGER, is_request=False)]
    assert seen == [("POST", base, 201), ("GET", f"{base}/{user_id}", 200), ("DELETE", f"{base}/{user_id}", 204)]


@pytest.mark.requires("sprocs")
def test_scripts_requests_are_logged(cosmos_server, names, caplog, unique_id):
    caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
    sproc_id = unique_id("sp")
    with _client(cosmos_server, enable_diagnostics_logging=True) as client:
        scripts = _container(client, names).scripts
        scripts.create_stored_procedure({"id": sproc_id, "body": "function () { getContext().getResponse().setBody(1); }"})
        scripts.delete_stored_procedure(sproc_id)
    records = _records(caplog, DIAGNOSTICS_LOGGER, is_request=False, resource_type="sprocs")
    base = f"{cosmos_server.endpoint.rstrip('/')}/dbs/{names[0]}/colls/{names[1]}/sprocs"
    assert [(r.verb, r.url, r.status_code) for r in records] == [("POST", base, 201),
                                                                  ("DELETE", f"{base}/{sproc_id}", 204)]
    assert records[0].collection_name == names[1] and records[0].resource_type == "sprocs"


def test_client_logger_and_per_call_logger(cosmos_server, names, caplog):
    caplog.set_level(logging.INFO)
    client_logger, call_logger = logging.getLogger("tests.client_logger"), logging.getLogger("tests.call_logger")
    with _client(cosmos_server, enable_diagnostics_logging=True, logger=client_logger) as client:
        container = _container(client, names)
        container.upsert_item({"id": "logger", "pk": "p"})
        container.read_item("logger", "p", logger=call_logger)
    # (The client's first item operation reads the container's partition-key definition first.)
    docs = dict(is_request=False, resource_type="docs")
    assert [r.verb for r in _records(caplog, "tests.client_logger", **docs)] == ["POST"]
    assert [r.verb for r in _records(caplog, "tests.call_logger", **docs)] == ["GET"]
    assert _records(caplog, DIAGNOSTICS_LOGGER) == []


def test_http_logging_records_when_the_logger_is_enabled_for_info(cosmos_server, names, caplog):
    with _client(cosmos_server) as client:
        container = _container(client, names)
        caplog.set_level(logging.INFO, logger=DIAGNOSTICS_LOGGER)
        assert type(client.client_connection.engine).__name__ == "ObservedEngine"
        container.upsert_item({"id": "http-log", "pk": "p"}, headers={"x-custom": "hidden"})
    messages = [record.getMessage() for record in _records(caplog, DIAGNOSTICS_LOGGER)]
    messages = [message for message in messages if "/docs" in message or message.startswith("Response")][-2:]
    assert messages[0].startswith("Request URL: ") and "'x-custom': 'REDACTED'" in messages[0]
    assert messages[1].startswith("Response status: 20")


def test_per_call_network_trace(cosmos_server, names, caplog):
    caplog.set_level(logging.DEBUG, logger=TRACE_LOGGER)
    with _client(cosmos_server) as client:
        container = _container(client, names)
        container.read()
        caplog.clear()
        container.upsert_item({"id": "trace", "pk": "p", "marker": "traced-body"}, logging_enable=True)
        container.read_item("trace", "p")
    messages = [record.getMessage() for record in _records(caplog, TRACE_LOGGER)]
    assert len(messages) == 2 and all(r.levelno == logging.DEBUG for r in _records(caplog, TRACE_LOGGER))
    assert "Request method: 'POST'" in messages[0] and "traced-body" in messages[0]
    assert "Response status: '20" in messages[1] and "traced-body" in messages[1]


def test_client_network_trace_turned_off_per_call(cosmos_server, names, caplog):
    caplog.set_level(logging.DEBUG, logger=TRACE_LOGGER)
    with _client(cosmos_server, logging_enable=True) as client:
        container = _container(client, names)
        container.read(logging_enable=False)
        container.upsert_item({"id": "trace-off", "pk": "p"}, logging_enable=False)
        assert _records(caplog, TRACE_LOGGER) == []
        container.read_item("trace-off", "p")
    messages = [record.getMessage() for record in _records(caplog, TRACE_LOGGER)]
    assert len(messages) == 2 and "Request method: 'GET'" in messages[0]


def test_logs_never_hold_the_key_or_a_token(cosmos_server, names, caplog, unique_id):
    caplog.set_level(logging.DEBUG)
    secret = "Bearer not-to-be-logged"
    with _client(cosmos_server, enable_diagnostics_logging=True, logging_enable=True) as client:
        container = _container(client, names)
        container.upsert_item({"id": "redact", "pk": "p"}, headers={"authorization": secret})
        container.read_item("redact", "p")
        list(container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p"))
        token = None
        if cosmos_server.supports("users"):
            database = client.get_database_client(names[0])
            user = database.create_user({"id": unique_id("user")})
            permission = user.create_permission({"id": "read", "permissionMode": "Read",
                                                 "resource": container.container_link})
            token = permission.properties["_token"]
            list(user.list_permissions())
            user.get_permission("read")
            database.delete_user(user.id)
    text = caplog.text + "".join(record.getMessage() for record in caplog.records)
    assert "Request URL" in text and "Response content" in text
    assert cosmos_server.key not in text
    assert secret not in text and "not-to-be-logged" not in text
    assert "sig=" not in text and "sig%3d" not in text.lower()
    if token is not None:
        assert token and token not in text
