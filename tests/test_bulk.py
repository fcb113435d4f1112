"""execute_item_bulk: many operations over every physical partition, per-operation results, throttles,
splits, bounded read-ahead, bad input."""
from __future__ import annotations

import pytest

from azure.cosmos import BulkOperationResult, CosmosClient, PartitionKey, exceptions

from ._bulk import MANY, MIXED_STATUSES, CountingInput, expected_items, mixed_operations, stored, upserts
from ._data_plane import module_database, sync_client

pytestmark = pytest.mark.requires("bulk")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-bulk")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def container(database, unique_id):
    return database.create_container(unique_id("c"), PartitionKey("/pk"))


def _all(container):
    return list(container.query_items("SELECT * FROM c", enable_cross_partition_query=True))


def test_upserts_land_in_every_partition_with_one_result_each_in_input_order(container):
    results = list(container.execute_item_bulk(upserts(MANY)))
    assert [result.index for result in results] == list(range(MANY))
    assert all(isinstance(result, BulkOperationResult) and result.ok for result in results)
    assert {result.status_code for result in results} == {201}
    assert [result.resource["v"] for result in results] == list(range(MANY))
    assert all(result.etag == result.resource["_etag"] and result.request_charge > 0 for result in results)
    assert stored(_all(container)) == expected_items(MANY)
    # The same input again replaces every item: 200s now.
    again = list(container.execute_item_bulk(upserts(MANY, tag="v")))
    assert {result.status_code for result in again} == {200}


def test_every_operation_kind_fails_or_succeeds_on_its_own(container):
    etag = container.create_item({"id": "r", "pk": "p", "v": 1})["_etag"]
    container.create_item({"id": "d", "pk": "p"})
    operations = mixed_operations(etag)
    results = list(container.execute_item_bulk(operations))
    assert [result.status_code for result in results] == MIXED_STATUSES
    assert [result.operation for result in results] == operations
    assert isinstance(results[1].error, exceptions.CosmosResourceExistsError)
    assert isinstance(results[3].error, exceptions.CosmosAccessConditionFailedError)
    assert isinstance(results[5].error, exceptions.CosmosResourceNotFoundError)
    assert results[1].error.status_code == 409 and not results[1].ok
    assert results[4].resource["v"] == 2
    assert results[6].resource is None and results[6].ok
    assert sorted((item["id"], item.get("v")) for item in _all(container)) == [("c", None), ("r", 2), ("u", 1)]


@pytest.mark.requires("bulk_patch")
def test_patch_operations_with_and_without_a_filter(container):
    container.create_item({"id": "r", "pk": "p", "v": 1})
    results = list(container.execute_item_bulk([
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 5}]), {"partition_key": "p"}),
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 1}]),
         {"partition_key": "p", "filter_predicate": "from c where c.v = 0"}),
    ]))
    assert [result.status_code for result in results] == [200, 412]
    assert results[0].resource["v"] == 6
    assert container.read_item("r", "p")["v"] == 6


def test_unordered_results_cover_every_operation_once(container):
    results = list(container.execute_item_bulk(upserts(MANY), ordered=False, max_concurrency=4))
    assert sorted(result.index for result in results) == list(range(MANY))
    assert stored(_all(container)) == expected_items(MANY)


@pytest.mark.requires("faults")
def test_throttled_requests_are_sent_again_and_counted(cosmos_server, container):
    with cosmos_server.fault(operation="batch", status=429, retryAfterMs=20, count=6) as hits:
        results = list(container.execute_item_bulk(upserts(400)))
        assert hits() == 6
    assert all(result.ok for result in results)
    assert sum(result.retries for result in results) > 0
    assert stored(_all(container)) == expected_items(400)


@pytest.mark.requires("faults")
def test_throttles_beyond_the_client_budget_are_the_operations_results(cosmos_server, database, unique_id):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, retry_throttle_total=2,
                      **cosmos_server.connection_kwargs) as client:
        container = client.get_database_client(database.id).create_container(unique_id("c"), PartitionKey("/pk"))
        with cosmos_server.fault(operation="batch", status=429, retryAfterMs=5):
            results = list(container.execute_item_bulk(upserts(30)))
        assert _all(container) == []
    assert [result.status_code for result in results] == [429] * 30
    assert all(isinstance(result.error, exceptions.CosmosHttpResponseError) for result in results)
    assert {result.retries for result in results} == {2}


@pytest.mark.requires("partition_split")
def test_a_split_during_the_run_routes_operations_again(cosmos_server, database, container):
    container.execute_item_bulk(upserts(10))  # not iterated: nothing sent
    assert _all(container) == []
    results = []
    for result in container.execute_item_bulk(upserts(MANY), max_concurrency=2):
        results.append(result)
        if len(results) == 50:
            # Ranges "0" to "3" exist until then (a new container of the test emulator).
            assert len(cosmos_server.split_range(database.id, container.id, "0")) == 2
    assert [result.index for result in results] == list(range(MANY))
    assert all(result.ok for result in results), [r for r in results if not r.ok][:3]
    assert stored(_all(container)) == expected_items(MANY)
    assert len(list(container.read_feed_ranges(force_refresh=True))) == 5


def test_input_is_read_a_bounded_distance_ahead_of_the_results(container):
    source = CountingInput(upserts(MANY))
    run = container.execute_item_bulk(source, max_concurrency=1)
    taken = 0
    for _ in run:
        taken += 1
        # Unanswered operations (at most the capacity, 200 for one request in flight), results taken from
        # the engine but not yet yielded (at most as many again), and the chunk being handed over.
        assert source.pulled - taken <= 2 * 200 + 100
    assert taken == MANY


def test_stopping_early_sends_no_more(container):
    run = container.execute_item_bulk(upserts(MANY), max_concurrency=1)
    first = next(run)
    run.close()
    assert first.ok and first.index == 0
    assert len(_all(container)) < MANY


def test_progress_callback_sees_every_completion(container):
    seen = []
    list(container.execute_item_bulk(upserts(250), progress=lambda done, submitted: seen.append((done, submitted))))
    assert seen[-1] == (250, 250)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_bad_input_is_refused_before_anything_is_written(container):
    with pytest.raises(TypeError):
        container.execute_item_bulk(upserts(3), ordered="yes")
    with pytest.raises(ValueError):
        container.execute_item_bulk(upserts(3), max_concurrency=0)
    with pytest.raises(TypeError):
        container.execute_item_bulk(upserts(3), progress=3)
    with pytest.raises(TypeError):
        container.execute_item_bulk(upserts(3), not_a_keyword=1)
    with pytest.raises(ValueError, match="partition_key"):
        list(container.execute_item_bulk([("read", ("x",))]))
    with pytest.raises(AttributeError):
        list(container.execute_item_bulk([("frobnicate", ("x",))]))
    assert _all(container) == []


def test_a_missing_container_raises_not_found(database):
    missing = database.get_container_client("no-such-container")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        list(missing.execute_item_bulk(upserts(3)))
