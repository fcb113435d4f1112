"""raw_request_hook / raw_response_hook (client-level and per call) with azure-core's PipelineRequest and
PipelineResponse of each operation; azure-core's per-request ``headers`` and 4.x's ``request_options``."""
from __future__ import annotations

import json

import pytest
from azure.core.pipeline import PipelineContext, PipelineRequest, PipelineResponse

from azure.cosmos import CosmosClient, PartitionKey, exceptions

from ._data_plane import module_database


def _client(server, **kwargs):
    return CosmosClient(server.endpoint, server.key, **{**server.connection_kwargs, **kwargs})


@pytest.fixture(scope="module")
def names(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-hooks")) as database_id:
        with _client(cosmos_server) as client:
            container_id = unique_id("c")
            client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
        yield database_id, container_id


def _container(client, names):
    return client.get_database_client(names[0]).get_container_client(names[1])


def _base(server, names):
    return f"{server.endpoint.rstrip('/')}/dbs/{names[0]}/colls/{names[1]}"


def test_client_hooks_see_each_operation(cosmos_server, names, unique_id):
    seen = []
    item_id = unique_id("item")
    with _client(cosmos_server, raw_request_hook=lambda request: seen.append(("request", request)),
                 raw_response_hook=lambda response: seen.append(("response", response))) as client:
        container = _container(client, names)
        container.read()
        seen.clear()
        container.upsert_item({"id": item_id, "pk": "p", "n": 1})
        result = container.read_item(item_id, "p")
    assert [kind for kind, _ in seen] == ["request", "response", "request", "response"]
    upsert_request, upsert_response = seen[0][1], seen[1][1]
    assert isinstance(upsert_request, PipelineRequest) and isinstance(upsert_request.context, PipelineContext)
    assert upsert_request.http_request.method == "POST"
    assert upsert_request.http_request.url == _base(cosmos_server, names) + "/docs"
    assert json.loads(upsert_request.http_request.body) == {"id": item_id, "pk": "p", "n": 1}
    assert upsert_request.http_request.headers["x-ms-documentdb-partitionkey"] == '["p"]'
    assert isinstance(upsert_response, PipelineResponse)
    assert upsert_response.http_request is upsert_request.http_request
    assert upsert_response.http_response.status_code in (200, 201)
    read = seen[3][1]
    assert read.http_request.method == "GET" and read.http_request.body is None
    assert read.http_request.url == _base(cosmos_server, names) + f"/docs/{item_id}"
    response = read.http_response
    assert response.status_code == 200 and response.reason == "OK"
    assert response.headers["x-ms-request-charge"] == result.get_response_headers()["x-ms-request-charge"]
    assert json.loads(response.text())["n"] == 1 and json.loads(response.body())["id"] == item_id
    assert response.json()["id"] == item_id


def test_per_call_hook_replaces_the_clients(cosmos_server, names):
    client_seen, call_seen = [], []
    with _client(cosmos_server, raw_response_hook=lambda response: client_seen.append(response)) as client:
        container = _container(client, names)
        container.upsert_item({"id": "per-call", "pk": "p"})
        client_seen.clear()
        container.read_item("per-call", "p", raw_response_hook=lambda response: call_seen.append(response))
        assert client_seen == [] and [r.http_response.status_code for r in call_seen] == [200]
        container.read_item("per-call", "p")
    assert [r.http_request.method for r in client_seen] == ["GET"]


def test_per_call_hooks_without_client_hooks(cosmos_server, names):
    order = []
    with _client(cosmos_server) as client:
        container = _container(client, names)
        container.upsert_item({"id": "order", "pk": "p"},
                              raw_request_hook=lambda request: order.append(request.http_request.method),
                              raw_response_hook=lambda response: order.append(response.http_response.status_code))
        container.read_item("order", "p")
    assert order[-2:] == ["POST", order[-1]] and order[-1] in (200, 201)


def test_response_hook_sees_a_failed_response_and_headers_reach_the_server(cosmos_server, names):
    seen = []
    with _client(cosmos_server) as client:
        container = _container(client, names)
        container.upsert_item({"id": "stale", "pk": "p"})
        with pytest.raises(exceptions.CosmosAccessConditionFailedError):
            container.replace_item("stale", {"id": "stale", "pk": "p"}, headers={"If-Match": '"stale-etag"'},
                                   raw_request_hook=lambda request: seen.append(request),
                                   raw_response_hook=lambda response: seen.append(response))
        container.replace_item("stale", {"id": "stale", "pk": "p"})
    request, response = seen
    assert request.http_request.method == "PUT" and request.http_request.headers["If-Match"] == '"stale-etag"'
    assert response.http_response.status_code == 412 and response.http_response.reason == "Precondition Failed"


def test_headers_keyword_is_merged_over_initial_headers(cosmos_server, names):
    seen = []
    with _client(cosmos_server) as client:
        _container(client, names).read()
        _container(client, names).upsert_item(
            {"id": "merged", "pk": "p"}, initial_headers={"x-ms-a": "initial", "x-ms-b": "initial"},
            headers={"x-ms-b": "headers"}, raw_request_hook=seen.append)
    headers = seen[0].http_request.headers
    assert headers["x-ms-a"] == "initial" and headers["x-ms-b"] == "headers"


def test_each_query_page_reaches_the_hook(cosmos_server, names, unique_id):
    pk = unique_id("pk")
    seen = []
    with _client(cosmos_server) as client:
        container = _container(client, names)
        for number in range(3):
            container.upsert_item({"id": f"q{number}", "pk": pk})
        pages = [list(page) for page in container.query_items(
            "SELECT * FROM c WHERE c.pk = @pk", parameters=[{"name": "@pk", "value": pk}], partition_key=pk,
            request_options={"maxItemCount": 1}, raw_response_hook=seen.append).by_page()]
    assert [len(page) for page in pages] == [1, 1, 1]
    assert len(seen) >= 3
    first = seen[0]
    assert first.http_request.method == "POST" and first.http_request.url == _base(cosmos_server, names) + "/docs"
    assert first.http_request.headers["x-ms-max-item-count"] == "1"
    assert json.loads(first.http_request.body) == {"query": "SELECT * FROM c WHERE c.pk = @pk",
                                                   "parameters": [{"name": "@pk", "value": pk}]}
    body = first.http_response.json()
    assert body["_count"] == 1 and body["Documents"][0]["pk"] == pk


def test_request_options_warn_about_what_is_not_applied(cosmos_server, names):
    with _client(cosmos_server) as client:
        with pytest.warns(UserWarning, match="someUnknownOption"):
            _container(client, names).read(request_options={"someUnknownOption": 1})


@pytest.mark.requires("users")
def test_users_operations_reach_the_hooks(cosmos_server, names, unique_id):
    seen = []
    user_id = unique_id("user")
    with _client(cosmos_server, raw_response_hook=seen.append) as client:
        database = client.get_database_client(names[0])
        database.create_user({"id": user_id})
        database.get_user_client(user_id).read()
        users = list(database.list_users())
        database.delete_user(user_id)
    base = f"{cosmos_server.endpoint.rstrip('/')}/dbs/{names[0]}/users"
    assert [(r.http_request.method, r.http_request.url, r.http_response.status_code) for r in seen] == [
        ("POST", base, 201), ("GET", f"{base}/{user_id}", 200), ("GET", base, 200), ("DELETE", f"{base}/{user_id}", 204)]
    assert json.loads(seen[0].http_request.body) == {"id": user_id}
    assert seen[1].http_response.json()["id"] == user_id
    assert seen[2].http_response.json()["_count"] == len(users)
    assert seen[3].http_response.body() == b""
