"""Async twin of tests/test_change_feed_processor.py: azure.cosmos.aio.ChangeFeedProcessor and ChangeFeedEstimator,
in-process on the test's event loop and in separate processes running the asyncio processor."""
from __future__ import annotations

import asyncio
import datetime
import threading
import time

import pytest

import azure.cosmos.aio

if not hasattr(azure.cosmos.aio, "ChangeFeedProcessor"):  # the suite also runs against azure-cosmos 4.x
    pytest.skip("azure-cosmos 4.x has no change-feed processor (new in 5)", allow_module_level=True)

from azure.cosmos import PartitionKey  # noqa: E402
from azure.cosmos.aio import ChangeFeedEstimator, ChangeFeedProcessor, CosmosClient  # noqa: E402

from .._change_feed_processor_programs import (  # noqa: E402
    ASYNC_INSTANCE, TEST_INTERVALS, InstanceProcess, delivered, leases_per_owner, owners, wait_until_async,
)
from .._data_plane import PARTITION_KEYS, module_database  # noqa: E402

# Run on every server with a change feed; the tests over the http emulator alone (below) need no such mark.
CHANGE_FEED = pytest.mark.requires("change_feed")


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-cfp")) as database_id:
        yield database_id


@pytest.fixture
async def database(cosmos_server, database_id):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(database_id)


@pytest.fixture
async def monitored(database, unique_id):
    return await database.create_container(unique_id("orders"), PartitionKey("/pk"))


@pytest.fixture
async def leases(database, unique_id):
    return await database.create_container(unique_id("leases"), PartitionKey("/id"))


class Recorder:
    """A handler that records what it is given: ``(id, lease token)`` per change, in order."""

    def __init__(self):
        self.changes = []
        self.threads = set()

    async def __call__(self, changes, context):
        self.changes.extend((change["id"], context.lease_token) for change in changes)
        self.threads.add(threading.current_thread())

    def ids(self):
        return [item_id for item_id, _ in self.changes]


async def _create_spread(container, per_partition=1, prefix="i"):
    """Items in every logical partition of PARTITION_KEYS (so in every physical partition); their ids."""
    created = []
    for round_ in range(per_partition):
        for index, pk in enumerate(PARTITION_KEYS):
            item_id = f"{prefix}{round_}-{index}"
            await container.create_item({"id": item_id, "pk": pk, "v": 0})
            created.append(item_id)
    return created


def _processor(monitored, leases, handler, **overrides):
    settings = dict(TEST_INTERVALS, processor_name="orders-processor", start_time="Beginning")
    settings.update(overrides)
    return ChangeFeedProcessor(monitored, leases, handler, **settings)


async def _lease_documents(leases):
    return [document async for document in leases.read_all_items()]


async def _feed_ranges(container, **kwargs):
    return [feed_range async for feed_range in container.read_feed_ranges(**kwargs)]


def _has_all(recorder, expected):
    async def check():
        return set(expected) <= set(recorder.ids())
    return check


@CHANGE_FEED
async def test_one_instance_delivers_everything_from_the_beginning_once_async(monitored, leases):
    created = await _create_spread(monitored, per_partition=3)
    recorder = Recorder()
    async with _processor(monitored, leases, recorder, instance_name="only") as processor:
        await wait_until_async(_has_all(recorder, created), "every change delivered")
        owned = processor.owned_leases()
    ranges = await _feed_ranges(monitored)
    assert sorted(recorder.ids()) == sorted(created)
    assert recorder.threads == {threading.current_thread()}  # tasks on the test's own loop, no other thread
    documents = await _lease_documents(leases)
    assert sorted(document["id"] for document in documents) == owned and len(owned) == len(ranges)
    assert sorted(document["feedRange"]["Range"]["min"] for document in documents) == sorted(
        feed_range["Range"]["min"] for feed_range in ranges)
    assert all(document["owner"] is None and document["continuationToken"] for document in documents)


@CHANGE_FEED
async def test_start_now_delivers_only_later_changes_async(monitored, leases):
    earlier = await _create_spread(monitored, prefix="earlier")
    recorder = Recorder()
    ranges = await _feed_ranges(monitored)
    async with _processor(monitored, leases, recorder, start_time="Now") as processor:
        async def all_leases_owned():
            return len(processor.owned_leases()) == len(ranges)
        await wait_until_async(all_leases_owned, "leases")
        later = await _create_spread(monitored, prefix="later")
        await wait_until_async(_has_all(recorder, later), "the later changes")
    assert sorted(recorder.ids()) == sorted(later) and not set(earlier) & set(recorder.ids())


@CHANGE_FEED
async def test_start_from_a_point_in_time_async(monitored, leases):
    before = await _create_spread(monitored, prefix="before")
    last = max([document["_ts"] async for document in monitored.read_all_items()])
    while time.time() < last + 1.2:  # the service's clock (seconds) passes the moment chosen below
        await asyncio.sleep(0.1)
    moment = datetime.datetime.fromtimestamp(last + 1, tz=datetime.timezone.utc)
    after = await _create_spread(monitored, prefix="after")
    recorder = Recorder()
    async with _processor(monitored, leases, recorder, start_time=moment):
        await wait_until_async(_has_all(recorder, after), "the changes after the moment")
    assert sorted(recorder.ids()) == sorted(after) and not set(before) & set(recorder.ids())


@CHANGE_FEED
async def test_a_handler_that_raises_gets_the_same_batch_again_async(monitored, leases):
    created = await _create_spread(monitored, per_partition=2)
    calls, errors = [], []

    async def fail_once(changes, context):
        calls.append((context.lease_token, [change["id"] for change in changes]))
        if len(calls) == 1:
            raise RuntimeError("the handler failed")

    async def every_change_after_the_failure():
        return set(created) <= {item for _, batch in calls[1:] for item in batch}

    async with _processor(monitored, leases, fail_once,
                          error_handler=lambda error, context: errors.append((error, context))):
        await wait_until_async(every_change_after_the_failure, "every change")
    failed_lease, failed_batch = calls[0]
    assert [batch for lease, batch in calls[1:] if lease == failed_lease][0] == failed_batch
    assert len(errors) == 1 and str(errors[0][0]) == "the handler failed"
    assert errors[0][1].lease_token == failed_lease and errors[0][1].headers["x-ms-item-count"] == str(
        len(failed_batch))


@CHANGE_FEED
async def test_checkpoint_only_after_the_handler_returns_async(monitored, leases):
    await _create_spread(monitored)
    entered, release, contexts = asyncio.Event(), asyncio.Event(), []

    async def slow(changes, context):
        contexts.append(context)
        entered.set()
        await asyncio.wait_for(release.wait(), 30)

    async with _processor(monitored, leases, slow):
        await asyncio.wait_for(entered.wait(), 30)
        lease_token = contexts[0].lease_token
        assert (await leases.read_item(lease_token, lease_token))["continuationToken"] is None
        release.set()

        async def checkpointed():
            return (await leases.read_item(lease_token, lease_token))["continuationToken"]
        await wait_until_async(checkpointed, "the checkpoint")


@CHANGE_FEED
async def test_graceful_stop_releases_the_leases_and_a_restart_continues_from_the_checkpoints_async(
        monitored, leases):
    first_batch = await _create_spread(monitored, prefix="first")
    first = Recorder()
    async with _processor(monitored, leases, first, instance_name="first"):
        await wait_until_async(_has_all(first, first_batch), "the first changes")
    assert {document["owner"] for document in await _lease_documents(leases)} == {None}
    second_batch = await _create_spread(monitored, prefix="second")
    second = Recorder()
    async with _processor(monitored, leases, second, instance_name="second") as processor:
        await wait_until_async(_has_all(second, second_batch), "the second changes")
        assert {document["owner"] for document in await _lease_documents(leases)} == {"second"}
        assert processor.is_running
    assert not processor.is_running
    assert sorted(first.ids()) == sorted(first_batch) and sorted(second.ids()) == sorted(second_batch)


@CHANGE_FEED
async def test_the_lease_container_must_be_partitioned_by_id_async(monitored, database, unique_id):
    wrong = await database.create_container(unique_id("leases"), PartitionKey("/pk"))
    with pytest.raises(ValueError, match="partitioned by '/id'"):
        await _processor(monitored, wrong, Recorder()).start()
    with pytest.raises(ValueError):
        _processor(monitored, wrong, Recorder(), lease_renew_interval=5, lease_expiration_interval=5)


# As in the sync twin, the tests with instances in processes of their own run over the http emulator only.
@pytest.fixture(scope="module")
def emulator_database_id(emulator_server, unique_id):
    with module_database(emulator_server, unique_id("db-cfp-processes")) as database_id:
        yield database_id


@pytest.fixture
async def emulator_containers(emulator_server, emulator_database_id, unique_id):
    """A monitored container and a lease container on the http emulator (4 partition-key ranges)."""
    async with CosmosClient(emulator_server.endpoint, emulator_server.key) as client:
        database = client.get_database_client(emulator_database_id)
        yield (await database.create_container(unique_id("orders"), PartitionKey("/pk")),
               await database.create_container(unique_id("leases"), PartitionKey("/id")))


def _instances(cosmos_server, monitored, leases, tmp_path, names):
    """Instances in processes of their own, started at once (each takes a second or so to import and start)."""
    started = [InstanceProcess(ASYNC_INSTANCE, cosmos_server, database=monitored.container_link.split("/")[1],
                               monitored=monitored.id, leases=leases.id, processor="orders-processor",
                               instance=name, output=str(tmp_path / f"{name}.jsonl")) for name in names]
    try:
        return [instance.wait_started() for instance in started]
    except BaseException:
        for instance in started:
            instance.close()
        raise


def _counts_are(leases, expected):
    async def check():
        return leases_per_owner(owners(await _lease_documents(leases))) == expected
    return check


def _delivered_all(instances, expected):
    async def check():
        return set(expected) <= {change["id"] for change in delivered(instance.output for instance in instances)}
    return check


async def test_two_then_three_instances_in_separate_processes_share_the_ranges_async(emulator_server,
        emulator_containers, tmp_path):
    monitored, leases = emulator_containers
    created = await _create_spread(monitored, prefix="before")
    instances = _instances(emulator_server, monitored, leases, tmp_path, ["a", "b"])
    try:
        await wait_until_async(_counts_are(leases, [2, 2]), "two instances owning two leases each")
        instances += _instances(emulator_server, monitored, leases, tmp_path, ["c"])
        await wait_until_async(_counts_are(leases, [1, 1, 2]), "three instances sharing four leases")
        created += await _create_spread(monitored, per_partition=2, prefix="after")
        await wait_until_async(_delivered_all(instances, created), "every change")
        assert set(owners(await _lease_documents(leases)).values()) == {"a", "b", "c"}
        for instance in instances:
            assert instance.stop().strip() == "stopped"
    finally:
        for instance in instances:
            instance.close()
    assert {document["owner"] for document in await _lease_documents(leases)} == {None}


async def test_a_killed_instance_leases_move_to_the_others_within_the_lease_expiry_async(emulator_server,
        emulator_containers, tmp_path):
    monitored, leases = emulator_containers
    created = await _create_spread(monitored, prefix="before")
    instances = _instances(emulator_server, monitored, leases, tmp_path, ["a", "b", "c"])
    try:
        await wait_until_async(_counts_are(leases, [1, 1, 2]), "three instances sharing four leases")
        lease_owners = owners(await _lease_documents(leases))
        victim = next(instance for instance in instances
                      if list(lease_owners.values()).count(instance.instance) == 2)
        victim.kill()
        killed_at = time.monotonic()
        created += await _create_spread(monitored, per_partition=2, prefix="after")

        async def taken_over():
            return victim.instance not in owners(await _lease_documents(leases)).values()
        await wait_until_async(taken_over, "the killed instance's leases taken over",
                               timeout=TEST_INTERVALS["lease_expiration_interval"] + 20, interval=0.05)
        failover = time.monotonic() - killed_at
        print(f"\nfailover after kill -9 (asyncio instances): {failover:.2f} s (lease expiration "
              f"{TEST_INTERVALS['lease_expiration_interval']} s, renew {TEST_INTERVALS['lease_renew_interval']} s, "
              f"acquire {TEST_INTERVALS['lease_acquire_interval']} s)")
        survivors = [instance for instance in instances if instance is not victim]
        assert await _counts_are(leases, [2, 2])()
        assert set(owners(await _lease_documents(leases)).values()) == {survivor.instance for survivor in survivors}
        await wait_until_async(_delivered_all(instances, created), "every change")
        for survivor in survivors:
            assert survivor.stop().strip() == "stopped"
    finally:
        for instance in instances:
            instance.close()


async def _lag(estimator):
    return {lag.lease_token: lag.estimated_lag for lag in await estimator.get_estimated_lag()}


@CHANGE_FEED
async def test_nothing_lost_across_a_split_and_a_restart_async(cosmos_server, monitored, leases):
    cosmos_server.skip_unless("partition_split")
    estimator = ChangeFeedEstimator(monitored, leases, processor_name="orders-processor")
    database_id = monitored.container_link.split("/")[1]
    created = await _create_spread(monitored, per_partition=2, prefix="before")
    recorder = Recorder()
    processor = _processor(monitored, leases, recorder, instance_name="first")
    await processor.start()
    try:
        await wait_until_async(_has_all(recorder, created), "the changes before the split")

        async def caught_up():
            return set((await _lag(estimator)).values()) == {0}
        await wait_until_async(caught_up, "every lease checkpointed")
        # The admin call blocks; the processor keeps running on the loop meanwhile.
        loop = asyncio.get_running_loop()
        assert len(await loop.run_in_executor(None, cosmos_server.split_range, database_id, monitored.id, "3")) == 2
        assert len(await loop.run_in_executor(None, cosmos_server.split_range, database_id, monitored.id, "0")) == 2
        created += await _create_spread(monitored, per_partition=2, prefix="split")
        await wait_until_async(_has_all(recorder, created), "the changes after the split")
        ranges = await _feed_ranges(monitored, force_refresh=True)
        assert len(ranges) == 6

        async def one_lease_per_child():
            return sorted(document["feedRange"]["Range"]["min"] for document in await _lease_documents(leases)) \
                == sorted(feed_range["Range"]["min"] for feed_range in ranges)
        await wait_until_async(one_lease_per_child, "one lease per child range")
    finally:
        await processor.stop()
    created += await _create_spread(monitored, prefix="stopped")
    async with _processor(monitored, leases, recorder, instance_name="second"):
        await wait_until_async(_has_all(recorder, created), "the changes made while no instance ran")
    # Checkpointed before the split, handed over to the children and stopped gracefully: nothing comes twice.
    assert sorted(recorder.ids()) == sorted(created)
    assert len({lease for item_id, lease in recorder.changes if item_id.startswith("stopped")}) >= 4


@CHANGE_FEED
async def test_estimator_reports_the_lag_of_each_lease_async(monitored, leases):
    created = await _create_spread(monitored, per_partition=2)
    estimator = ChangeFeedEstimator(monitored, leases, processor_name="orders-processor")
    assert await estimator.get_estimated_lag() == []

    async def refuse(changes, context):
        raise RuntimeError("not yet")

    ranges = await _feed_ranges(monitored)

    async def leases_made():
        return len(await _lease_documents(leases)) == len(ranges)

    async with _processor(monitored, leases, refuse, error_handler=lambda error, context: None):
        await wait_until_async(leases_made, "the leases")
    lags = await estimator.get_estimated_lag()
    per_range = {lag.feed_range["Range"]["min"]: lag.estimated_lag for lag in lags}
    expected_per_range = {}
    for feed_range in ranges:
        expected_per_range[feed_range["Range"]["min"]] = len([change async for change in monitored.
                                                              query_items_change_feed(feed_range=feed_range,
                                                                                      start_time="Beginning")])
    assert per_range == expected_per_range
    assert sum(per_range.values()) == len(created) and all(lag.owner is None for lag in lags)
    recorder = Recorder()
    async with _processor(monitored, leases, recorder):
        await wait_until_async(_has_all(recorder, created), "every change")
    assert set((await _lag(estimator)).values()) == {0}
    for n in range(3):
        await monitored.create_item({"id": f"late-{n}", "pk": "pk-8", "v": 0})
    pk_8_range = await monitored.feed_range_from_partition_key("pk-8")
    expected = {lag.lease_token: 3 if await monitored.is_feed_range_subset(lag.feed_range, pk_8_range) else 0
                for lag in lags}
    assert await _lag(estimator) == expected
