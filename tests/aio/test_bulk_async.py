"""Async twin of tests/test_bulk.py: execute_item_bulk with ``async for``, from sync and async iterables."""
from __future__ import annotations

import pytest

from azure.cosmos import BulkOperationResult, PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._bulk import MANY, MIXED_STATUSES, CountingInput, expected_items, mixed_operations, stored, upserts
from .._data_plane import module_database

pytestmark = pytest.mark.requires("bulk")


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-bulk")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, database_id, unique_id):
    return await client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))


async def _all(container):
    return [item async for item in container.query_items("SELECT * FROM c")]


async def _results(run):
    return [result async for result in run]


async def _async_input(operations):
    for operation in operations:
        yield operation


async def test_upserts_land_in_every_partition_with_one_result_each_in_input_order(container):
    results = await _results(container.execute_item_bulk(upserts(MANY)))
    assert [result.index for result in results] == list(range(MANY))
    assert all(isinstance(result, BulkOperationResult) and result.ok for result in results)
    assert {result.status_code for result in results} == {201}
    assert [result.resource["v"] for result in results] == list(range(MANY))
    assert all(result.etag == result.resource["_etag"] and result.request_charge > 0 for result in results)
    assert stored(await _all(container)) == expected_items(MANY)
    again = await _results(container.execute_item_bulk(upserts(MANY)))
    assert {result.status_code for result in again} == {200}


async def test_an_async_iterable_input(container):
    results = await _results(container.execute_item_bulk(_async_input(upserts(250))))
    assert [result.index for result in results] == list(range(250))
    assert stored(await _all(container)) == expected_items(250)


async def test_every_operation_kind_fails_or_succeeds_on_its_own(container):
    etag = (await container.create_item({"id": "r", "pk": "p", "v": 1}))["_etag"]
    await container.create_item({"id": "d", "pk": "p"})
    operations = mixed_operations(etag)
    results = await _results(container.execute_item_bulk(operations))
    assert [result.status_code for result in results] == MIXED_STATUSES
    assert [result.operation for result in results] == operations
    assert isinstance(results[1].error, exceptions.CosmosResourceExistsError)
    assert isinstance(results[3].error, exceptions.CosmosAccessConditionFailedError)
    assert isinstance(results[5].error, exceptions.CosmosResourceNotFoundError)
    assert results[4].resource["v"] == 2
    assert results[6].resource is None and results[6].ok
    assert sorted((item["id"], item.get("v")) for item in await _all(container)) == [("c", None), ("r", 2), ("u", 1)]


@pytest.mark.requires("bulk_patch")
async def test_patch_operations_with_and_without_a_filter(container):
    await container.create_item({"id": "r", "pk": "p", "v": 1})
    results = await _results(container.execute_item_bulk([
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 5}]), {"partition_key": "p"}),
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 1}]),
         {"partition_key": "p", "filter_predicate": "from c where c.v = 0"}),
    ]))
    assert [result.status_code for result in results] == [200, 412]
    assert (await container.read_item("r", "p"))["v"] == 6


async def test_unordered_results_cover_every_operation_once(container):
    results = await _results(container.execute_item_bulk(upserts(MANY), ordered=False, max_concurrency=4))
    assert sorted(result.index for result in results) == list(range(MANY))
    assert stored(await _all(container)) == expected_items(MANY)


@pytest.mark.requires("faults")
async def test_throttled_requests_are_sent_again_and_counted(cosmos_server, container):
    with cosmos_server.fault(operation="batch", status=429, retryAfterMs=20, count=6) as hits:
        results = await _results(container.execute_item_bulk(upserts(400)))
        assert hits() == 6
    assert all(result.ok for result in results)
    assert sum(result.retries for result in results) > 0
    assert stored(await _all(container)) == expected_items(400)


@pytest.mark.requires("faults")
async def test_throttles_beyond_the_client_budget_are_the_operations_results(cosmos_server, database_id, unique_id):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, retry_throttle_total=2,
                            **cosmos_server.connection_kwargs) as client:
        container = await client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        with cosmos_server.fault(operation="batch", status=429, retryAfterMs=5):
            results = await _results(container.execute_item_bulk(upserts(30)))
        assert await _all(container) == []
    assert [result.status_code for result in results] == [429] * 30
    assert {result.retries for result in results} == {2}


@pytest.mark.requires("partition_split")
async def test_a_split_during_the_run_routes_operations_again(cosmos_server, database_id, container):
    results = []
    async for result in container.execute_item_bulk(upserts(MANY), max_concurrency=2):
        results.append(result)
        if len(results) == 50:
            assert len(cosmos_server.split_range(database_id, container.id, "0")) == 2
    assert [result.index for result in results] == list(range(MANY))
    assert all(result.ok for result in results)
    assert stored(await _all(container)) == expected_items(MANY)


async def test_input_is_read_a_bounded_distance_ahead_of_the_results(container):
    source = CountingInput(upserts(MANY))
    taken = 0
    async for _ in container.execute_item_bulk(source, max_concurrency=1):
        taken += 1
        assert source.pulled - taken <= 2 * 200 + 100
    assert taken == MANY


async def test_stopping_early_sends_no_more(container):
    run = container.execute_item_bulk(upserts(MANY), max_concurrency=1)
    first = await run.__anext__()
    await run.aclose()
    assert first.ok and first.index == 0
    assert len(await _all(container)) < MANY


async def test_progress_callback_sees_every_completion(container):
    seen = []
    await _results(container.execute_item_bulk(upserts(250), progress=lambda done, sent: seen.append((done, sent))))
    assert seen[-1] == (250, 250)


async def test_bad_input_is_refused_before_anything_is_written(container):
    with pytest.raises(TypeError):
        container.execute_item_bulk(upserts(3), ordered="yes")
    with pytest.raises(ValueError):
        container.execute_item_bulk(upserts(3), max_concurrency=0)
    with pytest.raises(TypeError):
        container.execute_item_bulk(upserts(3), not_a_keyword=1)
    with pytest.raises(ValueError, match="partition_key"):
        await _results(container.execute_item_bulk([("read", ("x",))]))
    assert await _all(container) == []


async def test_a_missing_container_raises_not_found(client, database_id):
    missing = client.get_database_client(database_id).get_container_client("no-such-container")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await _results(missing.execute_item_bulk(upserts(3)))
