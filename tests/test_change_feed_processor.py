"""ChangeFeedProcessor and ChangeFeedEstimator: one instance from the beginning, now or a point in time; checkpoints
only after the handler returns; graceful stop and restart; two and three instances in separate processes sharing
the ranges, one killed (-9) and its leases taken over; nothing lost across a split and a restart; lag per lease."""
from __future__ import annotations

import datetime
import threading
import time

import pytest

import azure.cosmos

if not hasattr(azure.cosmos, "ChangeFeedProcessor"):  # the suite also runs against azure-cosmos 4.x
    pytest.skip("azure-cosmos 4.x has no change-feed processor (new in 5)", allow_module_level=True)

from azure.cosmos import ChangeFeedEstimator, ChangeFeedProcessor, PartitionKey  # noqa: E402

from ._change_feed_processor_programs import (  # noqa: E402
    SYNC_INSTANCE, TEST_INTERVALS, InstanceProcess, delivered, leases_per_owner, owners, wait_until,
)
from ._data_plane import PARTITION_KEYS, module_database, sync_client  # noqa: E402

# Run on every server with a change feed; the tests over the http emulator alone (below) need no such mark.
CHANGE_FEED = pytest.mark.requires("change_feed")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-cfp")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def monitored(database, unique_id):
    return database.create_container(unique_id("orders"), PartitionKey("/pk"))


@pytest.fixture
def leases(database, unique_id):
    return database.create_container(unique_id("leases"), PartitionKey("/id"))


class Recorder:
    """A handler that records what it is given: ``(id, lease token)`` per change, in order."""

    def __init__(self):
        self.changes = []
        self.threads = set()
        self._lock = threading.Lock()

    def __call__(self, changes, context):
        with self._lock:
            self.changes.extend((change["id"], context.lease_token) for change in changes)
            self.threads.add(threading.current_thread())

    def ids(self):
        with self._lock:
            return [item_id for item_id, _ in self.changes]


def _create_spread(container, per_partition=1, prefix="i"):
    """Items in every logical partition of PARTITION_KEYS (so in every physical partition); their ids."""
    created = []
    for round_ in range(per_partition):
        for index, pk in enumerate(PARTITION_KEYS):
            item_id = f"{prefix}{round_}-{index}"
            container.create_item({"id": item_id, "pk": pk, "v": 0})
            created.append(item_id)
    return created


def _processor(monitored, leases, handler, **overrides):
    settings = dict(TEST_INTERVALS, processor_name="orders-processor", start_time="Beginning")
    settings.update(overrides)
    return ChangeFeedProcessor(monitored, leases, handler, **settings)


def _lease_documents(leases):
    return list(leases.read_all_items())


def _has_all(recorder, expected):
    return set(expected) <= set(recorder.ids())


@CHANGE_FEED
def test_one_instance_delivers_everything_from_the_beginning_once(monitored, leases):
    created = _create_spread(monitored, per_partition=3)
    recorder = Recorder()
    with _processor(monitored, leases, recorder, instance_name="only") as processor:
        wait_until(lambda: _has_all(recorder, created), "every change delivered")
        owned = processor.owned_leases()
    ranges = list(monitored.read_feed_ranges())
    assert sorted(recorder.ids()) == sorted(created)
    (thread,) = recorder.threads  # the processor's own thread, the same for every call
    assert thread is not threading.current_thread() and thread.name.startswith("change-feed-processor-")
    documents = _lease_documents(leases)
    assert sorted(document["id"] for document in documents) == owned and len(owned) == len(ranges)
    assert sorted(document["feedRange"]["Range"]["min"] for document in documents) == sorted(
        feed_range["Range"]["min"] for feed_range in ranges)
    assert all(document["owner"] is None and document["continuationToken"] for document in documents)


@CHANGE_FEED
def test_start_now_delivers_only_later_changes(monitored, leases):
    earlier = _create_spread(monitored, prefix="earlier")
    recorder = Recorder()
    with _processor(monitored, leases, recorder, start_time="Now") as processor:
        wait_until(lambda: len(processor.owned_leases()) == len(list(monitored.read_feed_ranges())), "leases")
        later = _create_spread(monitored, prefix="later")
        wait_until(lambda: _has_all(recorder, later), "the later changes")
    assert sorted(recorder.ids()) == sorted(later) and not set(earlier) & set(recorder.ids())


@CHANGE_FEED
def test_start_from_a_point_in_time(monitored, leases):
    before = _create_spread(monitored, prefix="before")
    last = max(document["_ts"] for document in monitored.read_all_items())
    while time.time() < last + 1.2:  # the service's clock (seconds) passes the moment chosen below
        time.sleep(0.1)
    moment = datetime.datetime.fromtimestamp(last + 1, tz=datetime.timezone.utc)
    after = _create_spread(monitored, prefix="after")
    recorder = Recorder()
    with _processor(monitored, leases, recorder, start_time=moment):
        wait_until(lambda: _has_all(recorder, after), "the changes after the moment")
    assert sorted(recorder.ids()) == sorted(after) and not set(before) & set(recorder.ids())


@CHANGE_FEED
def test_a_handler_that_raises_gets_the_same_batch_again(monitored, leases):
    created = _create_spread(monitored, per_partition=2)
    calls, errors = [], []

    def fail_once(changes, context):
        calls.append((context.lease_token, [change["id"] for change in changes]))
        if len(calls) == 1:
            raise RuntimeError("the handler failed")

    with _processor(monitored, leases, fail_once, error_handler=lambda error, context: errors.append(
            (error, context))):
        wait_until(lambda: set(created) <= {item for _, batch in calls[1:] for item in batch}, "every change")
    failed_lease, failed_batch = calls[0]
    assert [batch for lease, batch in calls[1:] if lease == failed_lease][0] == failed_batch
    assert len(errors) == 1 and str(errors[0][0]) == "the handler failed"
    assert errors[0][1].lease_token == failed_lease and errors[0][1].headers["x-ms-item-count"] == str(
        len(failed_batch))


@CHANGE_FEED
def test_checkpoint_only_after_the_handler_returns(monitored, leases):
    _create_spread(monitored)
    entered, release, contexts = threading.Event(), threading.Event(), []

    def slow(changes, context):
        contexts.append(context)
        entered.set()
        assert release.wait(30)

    with _processor(monitored, leases, slow):
        assert entered.wait(30)
        lease_token = contexts[0].lease_token
        assert leases.read_item(lease_token, lease_token)["continuationToken"] is None
        release.set()
        wait_until(lambda: leases.read_item(lease_token, lease_token)["continuationToken"], "the checkpoint")


@CHANGE_FEED
def test_graceful_stop_releases_the_leases_and_a_restart_continues_from_the_checkpoints(monitored, leases):
    first_batch = _create_spread(monitored, prefix="first")
    first = Recorder()
    with _processor(monitored, leases, first, instance_name="first"):
        wait_until(lambda: _has_all(first, first_batch), "the first changes")
    assert {document["owner"] for document in _lease_documents(leases)} == {None}
    second_batch = _create_spread(monitored, prefix="second")
    second = Recorder()
    with _processor(monitored, leases, second, instance_name="second") as processor:
        wait_until(lambda: _has_all(second, second_batch), "the second changes")
        assert {document["owner"] for document in _lease_documents(leases)} == {"second"}
        assert processor.is_running
    assert not processor.is_running
    assert sorted(first.ids()) == sorted(first_batch) and sorted(second.ids()) == sorted(second_batch)


@CHANGE_FEED
def test_the_lease_container_must_be_partitioned_by_id(monitored, database, unique_id):
    wrong = database.create_container(unique_id("leases"), PartitionKey("/pk"))
    with pytest.raises(ValueError, match="partitioned by '/id'"):
        _processor(monitored, wrong, Recorder()).start()
    with pytest.raises(ValueError):
        _processor(monitored, wrong, Recorder(), lease_renew_interval=5, lease_expiration_interval=5)


# The tests with instances in processes of their own run over the http emulator only: what they test (instances
# sharing a lease container) is the same over any transport, and each costs seconds of process start and expiry.
@pytest.fixture(scope="module")
def emulator_database(emulator_server, unique_id):
    with module_database(emulator_server, unique_id("db-cfp-processes")) as database_id:
        with sync_client(emulator_server) as client:
            yield client.get_database_client(database_id)


@pytest.fixture
def emulator_containers(emulator_database, unique_id):
    """A monitored container and a lease container on the http emulator (4 partition-key ranges)."""
    return (emulator_database.create_container(unique_id("orders"), PartitionKey("/pk")),
            emulator_database.create_container(unique_id("leases"), PartitionKey("/id")))


def _instances(cosmos_server, monitored, leases, tmp_path, names):
    """Instances in processes of their own, started at once (each takes a second or so to import and start)."""
    started = [InstanceProcess(SYNC_INSTANCE, cosmos_server, database=monitored.container_link.split("/")[1],
                               monitored=monitored.id, leases=leases.id, processor="orders-processor",
                               instance=name, output=str(tmp_path / f"{name}.jsonl")) for name in names]
    try:
        return [instance.wait_started() for instance in started]
    except BaseException:
        for instance in started:
            instance.close()
        raise


def _counts(leases):
    return leases_per_owner(owners(_lease_documents(leases)))


def test_two_then_three_instances_in_separate_processes_share_the_ranges(emulator_server, emulator_containers,
                                                                         tmp_path):
    monitored, leases = emulator_containers
    created = _create_spread(monitored, prefix="before")
    instances = _instances(emulator_server, monitored, leases, tmp_path, ["a", "b"])
    try:
        wait_until(lambda: _counts(leases) == [2, 2], "two instances owning two leases each")
        instances += _instances(emulator_server, monitored, leases, tmp_path, ["c"])
        wait_until(lambda: _counts(leases) == [1, 1, 2], "three instances sharing four leases")
        created += _create_spread(monitored, per_partition=2, prefix="after")
        outputs = [instance.output for instance in instances]
        wait_until(lambda: set(created) <= {change["id"] for change in delivered(outputs)}, "every change")
        assert set(owners(_lease_documents(leases)).values()) == {"a", "b", "c"}
        for instance in instances:
            assert instance.stop().strip() == "stopped"
    finally:
        for instance in instances:
            instance.close()
    assert {document["owner"] for document in _lease_documents(leases)} == {None}


def test_a_killed_instance_leases_move_to_the_others_within_the_lease_expiry(emulator_server, emulator_containers,
                                                                              tmp_path):
    monitored, leases = emulator_containers
    created = _create_spread(monitored, prefix="before")
    instances = _instances(emulator_server, monitored, leases, tmp_path, ["a", "b", "c"])
    try:
        wait_until(lambda: _counts(leases) == [1, 1, 2], "three instances sharing four leases")
        lease_owners = owners(_lease_documents(leases))
        victim = next(instance for instance in instances
                      if list(lease_owners.values()).count(instance.instance) == 2)
        victim.kill()
        killed_at = time.monotonic()
        created += _create_spread(monitored, per_partition=2, prefix="after")
        wait_until(lambda: victim.instance not in owners(_lease_documents(leases)).values(),
                   "the killed instance's leases taken over",
                   timeout=TEST_INTERVALS["lease_expiration_interval"] + 20, interval=0.05)
        failover = time.monotonic() - killed_at
        print(f"\nfailover after kill -9: {failover:.2f} s (lease expiration "
              f"{TEST_INTERVALS['lease_expiration_interval']} s, renew {TEST_INTERVALS['lease_renew_interval']} s, "
              f"acquire {TEST_INTERVALS['lease_acquire_interval']} s)")
        survivors = [instance for instance in instances if instance is not victim]
        assert _counts(leases) == [2, 2]
        assert set(owners(_lease_documents(leases)).values()) == {survivor.instance for survivor in survivors}
        outputs = [instance.output for instance in instances]
        wait_until(lambda: set(created) <= {change["id"] for change in delivered(outputs)}, "every change")
        for survivor in survivors:
            assert survivor.stop().strip() == "stopped"
    finally:
        for instance in instances:
            instance.close()


def _lag(estimator):
    return {lag.lease_token: lag.estimated_lag for lag in estimator.get_estimated_lag()}


@CHANGE_FEED
def test_nothing_lost_across_a_split_and_a_restart(cosmos_server, monitored, leases):
    cosmos_server.skip_unless("partition_split")
    estimator = ChangeFeedEstimator(monitored, leases, processor_name="orders-processor")
    database_id = monitored.container_link.split("/")[1]
    created = _create_spread(monitored, per_partition=2, prefix="before")
    recorder = Recorder()
    processor = _processor(monitored, leases, recorder, instance_name="first")
    processor.start()
    try:
        wait_until(lambda: _has_all(recorder, created), "the changes before the split")
        wait_until(lambda: set(_lag(estimator).values()) == {0}, "every lease checkpointed")
        assert len(cosmos_server.split_range(database_id, monitored.id, "3")) == 2
        assert len(cosmos_server.split_range(database_id, monitored.id, "0")) == 2
        created += _create_spread(monitored, per_partition=2, prefix="split")
        wait_until(lambda: _has_all(recorder, created), "the changes after the split")
        ranges = list(monitored.read_feed_ranges(force_refresh=True))
        assert len(ranges) == 6
        wait_until(lambda: sorted(document["feedRange"]["Range"]["min"] for document in _lease_documents(leases))
                   == sorted(feed_range["Range"]["min"] for feed_range in ranges), "one lease per child range")
    finally:
        processor.stop()
    created += _create_spread(monitored, prefix="stopped")
    with _processor(monitored, leases, recorder, instance_name="second"):
        wait_until(lambda: _has_all(recorder, created), "the changes made while no instance ran")
    # Checkpointed before the split, handed over to the children and stopped gracefully: nothing comes twice.
    assert sorted(recorder.ids()) == sorted(created)
    assert len({lease for item_id, lease in recorder.changes if item_id.startswith("stopped")}) >= 4


@CHANGE_FEED
def test_estimator_reports_the_lag_of_each_lease(monitored, leases):
    created = _create_spread(monitored, per_partition=2)
    estimator = ChangeFeedEstimator(monitored, leases, processor_name="orders-processor")
    assert estimator.get_estimated_lag() == []

    def refuse(changes, context):
        raise RuntimeError("not yet")

    ranges = list(monitored.read_feed_ranges())
    with _processor(monitored, leases, refuse, error_handler=lambda error, context: None):
        wait_until(lambda: len(_lease_documents(leases)) == len(ranges), "the leases")
    lags = estimator.get_estimated_lag()
    per_range = {lag.feed_range["Range"]["min"]: lag.estimated_lag for lag in lags}
    assert per_range == {feed_range["Range"]["min"]: len(list(monitored.query_items_change_feed(
        feed_range=feed_range, start_time="Beginning"))) for feed_range in ranges}
    assert sum(per_range.values()) == len(created) and all(lag.owner is None for lag in lags)
    recorder = Recorder()
    with _processor(monitored, leases, recorder):
        wait_until(lambda: _has_all(recorder, created), "every change")
    assert set(_lag(estimator).values()) == {0}
    for n in range(3):
        monitored.create_item({"id": f"late-{n}", "pk": "pk-8", "v": 0})
    pk_8_range = monitored.feed_range_from_partition_key("pk-8")
    expected = {lag.lease_token: 3 if monitored.is_feed_range_subset(lag.feed_range, pk_8_range) else 0
                for lag in lags}
    assert _lag(estimator) == expected
