"""execute_item_batch: every operation form of 4.x, per-operation results, atomic failure."""
from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from azure.cosmos import CosmosList, PartitionKey, exceptions

from ._data_plane import PARTITION_KEYS, module_database, sync_client

pytestmark = pytest.mark.requires("batch")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-batch")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def container(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    container.create_item({"id": "r", "pk": "p", "v": 1})
    container.create_item({"id": "d", "pk": "p"})
    return container


def _stored(container, pk="p"):
    return sorted((item["id"], item.get("v")) for item in container.query_items(
        "SELECT * FROM c", partition_key=pk))


def _failure(container, operations, pk="p"):
    with pytest.raises(exceptions.CosmosBatchOperationError) as raised:
        container.execute_item_batch(operations, partition_key=pk)
    return raised.value


def test_every_operation_kind(container):
    results = container.execute_item_batch([
        ("create", ({"id": "c", "pk": "p"},)),
        ("upsert", ({"id": "u", "pk": "p", "v": 0},)),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 2})),
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 5}])),
        ("read", ("r",)),
        ("delete", ("d",)),
    ], partition_key="p")
    assert isinstance(results, CosmosList)
    assert [result["statusCode"] for result in results] == [201, 201, 200, 200, 200, 204]
    assert [result.get("resourceBody", {}).get("id") for result in results] == ["c", "u", "r", "r", "r", None]
    assert results[4]["resourceBody"]["v"] == 7  # the read sees the writes before it
    for result in results[:5]:
        assert result["eTag"] == result["resourceBody"]["_etag"]
        assert isinstance(result["requestCharge"], float)
    assert _stored(container) == [("c", None), ("r", 7), ("u", 0)]


def test_upsert_of_an_existing_item_is_200(container):
    results = container.execute_item_batch([("upsert", ({"id": "r", "pk": "p", "v": 3},))], partition_key="p")
    assert [result["statusCode"] for result in results] == [200]
    assert container.read_item("r", "p")["v"] == 3


def test_results_carry_the_response_headers(container):
    results = container.execute_item_batch([("read", ("r",)), ("read", ("d",))], partition_key="p")
    headers = results.get_response_headers()
    assert float(headers["x-ms-request-charge"]) > 0
    assert headers["x-ms-activity-id"]


def test_response_hook_receives_headers_and_results(container):
    seen = []
    container.execute_item_batch([("read", ("r",))], partition_key="p",
                                 response_hook=lambda headers, results: seen.append(
                                     ("x-ms-activity-id" in headers, [r["statusCode"] for r in results])))
    assert seen == [(True, [200])]


def test_if_match_etag_option(container):
    etag = container.read_item("r", "p")["_etag"]
    results = container.execute_item_batch([
        ("replace", ("r", {"id": "r", "pk": "p", "v": 10}), {"if_match_etag": etag}),
        ("upsert", ({"id": "d", "pk": "p", "v": 11},), {"if_match_etag": container.read_item("d", "p")["_etag"]}),
    ], partition_key="p")
    assert [result["statusCode"] for result in results] == [200, 200]
    assert _stored(container) == [("d", 11), ("r", 10)]


def test_patch_with_a_matching_filter_predicate(container):
    results = container.execute_item_batch([
        ("patch", ("r", [{"op": "set", "path": "/v", "value": 8}]), {"filter_predicate": "FROM c WHERE c.v = 1"}),
    ], partition_key="p")
    assert results[0]["statusCode"] == 200 and results[0]["resourceBody"]["v"] == 8


def test_batches_in_several_logical_partitions(container):
    for pk in PARTITION_KEYS:
        results = container.execute_item_batch([("create", ({"id": "x", "pk": pk, "v": pk},)),
                                                ("upsert", ({"id": "y", "pk": pk},))], partition_key=pk)
        assert [result["statusCode"] for result in results] == [201, 201]
    for pk in PARTITION_KEYS:
        assert container.read_item("x", pk)["v"] == pk
    assert sorted(container.query_items("SELECT VALUE c.pk FROM c WHERE c.id = 'x'",
                                        enable_cross_partition_query=True)) == sorted(PARTITION_KEYS)


def test_failing_operation_rolls_the_batch_back(cosmos_server, container):
    cosmos_server.skip_unless("atomic_batch")
    error = _failure(container, [
        ("create", ({"id": "n", "pk": "p"},)),
        ("create", ({"id": "r", "pk": "p"},)),
        ("upsert", ({"id": "z", "pk": "p"},)),
    ])
    assert type(error) is exceptions.CosmosBatchOperationError
    # As in 4.x, an HttpResponseError but not a CosmosHttpResponseError: `except CosmosHttpResponseError`
    # does not catch a failed batch.
    assert isinstance(error, HttpResponseError) and not isinstance(error, exceptions.CosmosHttpResponseError)
    assert (error.status_code, error.error_index) == (409, 1)
    # The failing operation has its own status; every other one is 424 Failed Dependency.
    assert [result["statusCode"] for result in error.operation_responses] == [424, 409, 424]
    assert error.headers["x-ms-activity-id"]
    assert _stored(container) == [("d", None), ("r", 1)]


def test_stale_if_match_etag_fails_the_batch(cosmos_server, container):
    cosmos_server.skip_unless("atomic_batch")
    error = _failure(container, [
        ("upsert", ({"id": "q", "pk": "p"},)),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 9}), {"if_match_etag": '"0000-stale"'}),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 9}), {"if_none_match_etag": '"0000-stale"'}),
    ])
    assert (error.status_code, error.error_index) == (412, 1)
    assert [result["statusCode"] for result in error.operation_responses] == [424, 412, 424]
    assert _stored(container) == [("d", None), ("r", 1)]


def test_patch_with_a_false_filter_predicate_fails_the_batch(cosmos_server, container):
    cosmos_server.skip_unless("atomic_batch")
    error = _failure(container, [
        ("delete", ("d",)),
        ("patch", ("r", [{"op": "set", "path": "/v", "value": 7}]), {"filter_predicate": "FROM c WHERE c.v = 0"}),
    ])
    assert (error.status_code, error.error_index) == (412, 1)
    assert [result["statusCode"] for result in error.operation_responses] == [424, 412]
    assert _stored(container) == [("d", None), ("r", 1)]


def test_read_of_a_missing_item_fails_the_batch(cosmos_server, container):
    cosmos_server.skip_unless("atomic_batch")
    error = _failure(container, [
        ("replace", ("r", {"id": "r", "pk": "p", "v": 8})),
        ("read", ("missing",)),
    ])
    assert (error.status_code, error.error_index) == (404, 1)
    assert [result["statusCode"] for result in error.operation_responses] == [424, 404]
    assert _stored(container) == [("d", None), ("r", 1)]


def test_item_of_another_partition_fails_the_batch(cosmos_server, container):
    cosmos_server.skip_unless("atomic_batch")
    error = _failure(container, [("create", ({"id": "here", "pk": "p"},)),
                                    ("create", ({"id": "elsewhere", "pk": "other"},))])
    assert (error.status_code, error.error_index) == (400, 1)
    assert [result["statusCode"] for result in error.operation_responses] == [424, 400]
    error = _failure(container, [("create", ({"id": "here", "pk": "p"},)), ("create", ({"id": "elsewhere"},))])
    assert (error.status_code, error.error_index) == (400, 1)
    assert [result["statusCode"] for result in error.operation_responses] == [424, 400]
    assert _stored(container) == [("d", None), ("r", 1)]
    assert list(container.query_items("SELECT * FROM c WHERE c.id = 'elsewhere'",
                                      enable_cross_partition_query=True)) == []


def test_empty_batch_is_a_bad_request(container):
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.execute_item_batch([], partition_key="p")
    assert raised.value.status_code == 400
    assert "Batch request has no operations." in raised.value.message


def test_a_hundred_operations_is_the_limit(container):
    creates = [("create", ({"id": f"m{n:03d}", "pk": "q"},)) for n in range(101)]
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.execute_item_batch(creates, partition_key="q")
    assert raised.value.status_code == 400
    assert "Batch request has more operations than what is supported." in raised.value.message
    assert list(container.query_items("SELECT * FROM c", partition_key="q")) == []
    results = container.execute_item_batch(creates[:100], partition_key="q")
    assert [result["statusCode"] for result in results] == [201] * 100
    assert len(list(container.query_items("SELECT * FROM c", partition_key="q"))) == 100


@pytest.mark.requires("hierarchical_pk")
def test_hierarchical_partition_key(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey(path=["/state", "/city"], kind="MultiHash"))
    container.create_item({"id": "a", "state": "WA", "city": "Redmond"})
    operations = [("read", ("a",)), ("create", ({"id": "b", "state": "WA", "city": "Redmond"},))]
    results = container.execute_item_batch(operations, partition_key=["WA", "Redmond"])
    assert [result["statusCode"] for result in results] == [200, 201]
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:  # a prefix of the key is not enough
        container.execute_item_batch([("read", ("a",))], partition_key=["WA"])
    assert type(raised.value) is exceptions.CosmosHttpResponseError and raised.value.status_code == 400


def test_keyword_arguments_by_their_4x_names(container):
    results = container.execute_item_batch(batch_operations=[("read", ("r",))], partition_key="p")
    assert [result["statusCode"] for result in results] == [200]
