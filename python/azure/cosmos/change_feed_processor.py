# The MIT License (MIT)
"""The change-feed processor: the changes of a container handed to your function, spread over any number of
processes or machines that share a lease container, with checkpoints, failover and split handling (synchronous;
:mod:`azure.cosmos.aio` has the asyncio twin).

Example::

    from azure.cosmos import ChangeFeedProcessor, CosmosClient, PartitionKey

    def handle(changes, context):
        for change in changes:
            print(context.lease_token, change["id"])

    client = CosmosClient(url, credential)
    database = client.get_database_client("shop")
    leases = database.create_container_if_not_exists("leases", PartitionKey("/id"))
    with ChangeFeedProcessor(database.get_container_client("orders"), leases, handle,
                             processor_name="order-mailer", start_time="Beginning"):
        ...  # changes are handled on the processor's thread until the block ends
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, List, Optional

from azure.core import MatchConditions
from azure.core.utils import CaseInsensitiveDict

from ._change_feed_leases import (
    LEASE_PARTITION_KEY_PATH, NOW, ChangeFeedProcessorContext, Lease, LeaseLag, ProcessorOptions,
    child_leases, default_instance_name, estimated_lag, leases_query, new_lease, plan_balance, ranges_without_lease,
    split_children, start_from_option, start_time_argument,
)
from .container import ContainerProxy
from .exceptions import CosmosAccessConditionFailedError, CosmosResourceExistsError, CosmosResourceNotFoundError

__all__ = ("ChangeFeedProcessor", "ChangeFeedEstimator", "ChangeFeedProcessorContext", "LeaseLag")

_LOGGER = logging.getLogger("azure.cosmos.change_feed_processor")

Handler = Callable[[List[Dict[str, Any]], ChangeFeedProcessorContext], None]
ErrorHandler = Callable[[BaseException, Optional[ChangeFeedProcessorContext]], None]


class _LeaseStore:
    """The processor's leases in the lease container; every write is conditional on the lease's etag."""

    def __init__(self, container: ContainerProxy, processor_name: str) -> None:
        self._container = container
        self._processor_name = processor_name

    def check(self) -> None:
        paths = self._container.read()["partitionKey"]["paths"]
        if paths != [LEASE_PARTITION_KEY_PATH]:
            raise ValueError(f"the lease container must be partitioned by {LEASE_PARTITION_KEY_PATH!r}, "
                             f"not {paths!r}")

    def list(self) -> List[Lease]:
        query, parameters = leases_query(self._processor_name)
        return [Lease.from_document(document) for document in self._container.query_items(
            query, parameters=parameters, enable_cross_partition_query=True)]

    def create(self, lease: Lease) -> Optional[Lease]:
        try:
            return Lease.from_document(self._container.create_item(lease.to_document()))
        except CosmosResourceExistsError:
            return None

    def replace(self, lease: Lease) -> Optional[Lease]:
        """The lease as written, or ``None`` when someone else wrote (or deleted) it since it was read."""
        try:
            return Lease.from_document(self._container.replace_item(
                lease.id, lease.to_document(), etag=lease.etag, match_condition=MatchConditions.IfNotModified))
        except (CosmosAccessConditionFailedError, CosmosResourceNotFoundError):
            return None

    def delete(self, lease: Lease) -> bool:
        try:
            self._container.delete_item(lease.id, lease.id, etag=lease.etag,
                                        match_condition=MatchConditions.IfNotModified)
            return True
        except (CosmosAccessConditionFailedError, CosmosResourceNotFoundError):
            return False


def _read_page(container: ContainerProxy, lease: Lease, max_item_count: int):
    """One page of a lease's changes after its checkpoint: ``(changes, continuation token, headers)``."""
    headers = CaseInsensitiveDict()
    position = ({"continuation": lease.continuation} if lease.continuation
                else {"start_time": start_time_argument(lease.start_from)})
    pages = container.query_items_change_feed(
        feed_range=lease.feed_range, max_item_count=max_item_count,
        response_hook=lambda page_headers, _: headers.update(page_headers), **position).by_page()
    page = next(pages, None)
    return ([] if page is None else list(page)), pages.continuation_token, headers


class ChangeFeedProcessor:
    """Hands the changes of a container to a function, sharing the work with every other instance of the same
    processor (same ``processor_name`` and lease container), in this process or any other.

    The processor keeps one lease per feed range of the monitored container in the lease container (a container
    partitioned by ``/id``; several processors may share it, each under its own name). An instance owns some of
    the leases and, for each, reads the changes after the lease's checkpoint, calls ``handler(changes, context)``
    and, once the handler returns, stores the new position in the lease. So every change is delivered at least
    once: a handler that raises gets the same changes again (after ``feed_poll_delay``), and an instance that dies
    between handling and checkpointing has them handled again by the next owner. Changes of one feed range come
    in order; ranges are processed independently.

    Instances balance the leases between them: every ``lease_acquire_interval`` each one takes free leases up to
    an even share and, when none is free, takes one over from an instance that has two more than itself. An owner
    renews its leases every ``lease_renew_interval``; the leases of an instance that stops renewing (killed, hung,
    cut off) are free after ``lease_expiration_interval`` and are taken by the others on their next pass. When a
    feed range splits, its owner replaces its lease by one per child range, each continuing from the parent's
    checkpoint.

    The processor is a class rather than a ``ContainerProxy`` method because it works on two containers (and
    possibly two accounts) with a life of its own (:meth:`start`, :meth:`stop`), as .NET's and Java's processors
    do; their concepts and defaults are kept (processor name, instance name, lease container, the three lease
    intervals, poll delay, max items per call, estimator).

    **Threading.** :meth:`start` runs the processor on one background thread that it owns, and the handler is
    called on that thread, one batch at a time (the leases take turns). A handler should return well within
    ``lease_expiration_interval``: leases are renewed between handler calls, and another instance takes over the
    leases of one that stops renewing. The thread is a daemon thread; call :meth:`stop` (or use the processor as
    a context manager) to release the leases at once instead of letting them expire.

    :param monitored_container: The container whose changes are processed.
    :type monitored_container: ~azure.cosmos.ContainerProxy
    :param lease_container: The container of the leases, partitioned by ``/id``.
    :type lease_container: ~azure.cosmos.ContainerProxy
    :param handler: Called as ``handler(changes, context)`` with a non-empty list of changed items (their latest
        versions) and a :class:`~azure.cosmos.change_feed_processor.ChangeFeedProcessorContext`.
    :type handler: Callable[[list[dict[str, Any]], ChangeFeedProcessorContext], None]
    :keyword str processor_name: Names the processor: instances with the same name share the work, processors with
        other names over the same lease container get every change too.
    :keyword str instance_name: This instance's name among them (default: host name, process id and a random
        suffix). Two live instances must not share a name.
    :keyword start_time: Where leases created by this processor start reading: ``"Beginning"``, ``"Now"`` (the
        default: from the moment the lease is created) or a datetime (naive ones taken as UTC). Leases that
        already exist continue from their checkpoints.
    :paramtype start_time: Union[~datetime.datetime, Literal["Beginning", "Now"]]
    :keyword int max_item_count: Most changes per handler call (default 100).
    :keyword float feed_poll_delay: Seconds before polling a lease again that had no new changes, or whose handler
        raised (default 5).
    :keyword float lease_acquire_interval: Seconds between load-balancing passes (default 13).
    :keyword float lease_renew_interval: Seconds between renewals of the owned leases (default 17).
    :keyword float lease_expiration_interval: Seconds without renewal after which a lease is free to take (default
        60). The instances' clocks must agree to well within it.
    :keyword error_handler: Called as ``error_handler(error, context)`` when the handler raises (``context`` of
        the batch) or reading or writing leases fails (``context`` ``None``); the processor carries on either way.
        Default: the error is logged to the ``azure.cosmos.change_feed_processor`` logger.
    :paramtype error_handler: Callable[[BaseException, Optional[ChangeFeedProcessorContext]], None]
    :raises ValueError: An interval that is not a positive number, a renew interval not below the expiration
        interval, a bad ``max_item_count`` or ``start_time``.
    """

    def __init__(self, monitored_container: ContainerProxy, lease_container: ContainerProxy, handler: Handler, *,
                 processor_name: str, instance_name: Optional[str] = None, start_time: Any = NOW,
                 max_item_count: int = 100, feed_poll_delay: float = 5.0, lease_acquire_interval: float = 13.0,
                 lease_renew_interval: float = 17.0, lease_expiration_interval: float = 60.0,
                 error_handler: Optional[ErrorHandler] = None) -> None:
        if not processor_name or not isinstance(processor_name, str):
            raise ValueError("processor_name must be a non-empty string")
        self._monitored = monitored_container
        self._store = _LeaseStore(lease_container, processor_name)
        self._handler = handler
        self._error_handler = error_handler
        self._processor_name = processor_name
        self._instance_name = instance_name or default_instance_name()
        self._start_from = start_from_option(start_time)
        self._options = ProcessorOptions(lease_expiration_interval, lease_renew_interval, lease_acquire_interval,
                                         feed_poll_delay, max_item_count)
        self._owned: Dict[str, Lease] = {}
        self._next_poll: Dict[str, float] = {}
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def processor_name(self) -> str:
        """The processor's name (shared by its instances)."""
        return self._processor_name

    @property
    def instance_name(self) -> str:
        """This instance's name (the ``owner`` of its leases)."""
        return self._instance_name

    @property
    def is_running(self) -> bool:
        """Whether the processor's thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def owned_leases(self) -> List[str]:
        """The ids of the leases this instance owns right now (a snapshot)."""
        return sorted(dict(self._owned))

    def start(self) -> None:
        """Checks the lease container, then starts processing on the processor's own thread (returns at once).

        :raises ValueError: The lease container is not partitioned by ``/id``.
        :raises RuntimeError: The processor is running already.
        """
        if self.is_running:
            raise RuntimeError("the change feed processor is running already")
        self._store.check()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"change-feed-processor-{self._processor_name}-{self._instance_name}")
        self._thread.start()

    def stop(self, timeout: Optional[float] = None) -> None:
        """Stops gracefully: the handler call in flight finishes and is checkpointed, then the leases are released
        (ownerless, so other instances take them on their next pass, without waiting for expiry).

        Called from the handler (on the processor's own thread), it only asks the processor to stop once the
        handler returns, without waiting.

        :param float timeout: Most seconds to wait for the thread (default: as long as it takes).
        """
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self._thread = None

    def __enter__(self) -> "ChangeFeedProcessor":
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # ---- the processor's thread ------------------------------------------------------------

    def _run(self) -> None:
        next_balance = next_renew = 0.0
        try:
            while not self._stopping.is_set():
                if time.monotonic() >= next_balance:
                    self._guarded(self._balance)
                    next_balance = time.monotonic() + self._options.lease_acquire_interval
                if time.monotonic() >= next_renew:
                    self._guarded(self._renew)
                    next_renew = time.monotonic() + self._options.lease_renew_interval
                for lease_id in sorted(self._owned):
                    if self._stopping.is_set():
                        break
                    if self._next_poll.get(lease_id, 0.0) <= time.monotonic() and lease_id in self._owned:
                        self._guarded(self._process, lease_id)
                wake = min([next_balance, next_renew] + [self._next_poll.get(lease_id, 0.0)
                                                          for lease_id in self._owned])
                self._stopping.wait(max(0.0, wake - time.monotonic()))
        finally:
            self._release_all()

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        try:
            step(*args)
        except Exception as error:  # pylint: disable=broad-except
            # A failed read or write (throttling, a timeout) is retried on the next turn of the loop.
            self._report(error, None)

    def _report(self, error: BaseException, context: Optional[ChangeFeedProcessorContext]) -> None:
        if self._error_handler is not None:
            try:
                self._error_handler(error, context)
                return
            except Exception:  # pylint: disable=broad-except
                _LOGGER.exception("the change feed processor's error_handler raised")
        _LOGGER.warning("change feed processor %s/%s: %s", self._processor_name, self._instance_name,
                        "handler raised" if context else "lease work failed", exc_info=error)

    def _process(self, lease_id: str) -> None:
        lease = self._owned[lease_id]
        changes, token, headers = _read_page(self._monitored, lease, self._options.max_item_count)
        if not changes:
            self._next_poll[lease_id] = time.monotonic() + self._options.feed_poll_delay
            return
        context = ChangeFeedProcessorContext(lease.id, lease.feed_range, headers)
        try:
            self._handler(changes, context)
        except Exception as error:  # pylint: disable=broad-except
            self._report(error, context)
            self._next_poll[lease_id] = time.monotonic() + self._options.feed_poll_delay
            return
        self._keep(lease_id, self._store.replace(lease.checkpointed(token, time.time())))
        self._next_poll[lease_id] = 0.0

    def _keep(self, lease_id: str, written: Optional[Lease]) -> None:
        """Records a write of an owned lease; a lease someone else wrote meanwhile is no longer this instance's."""
        if written is None:
            self._owned.pop(lease_id, None)
            self._next_poll.pop(lease_id, None)
        else:
            self._owned[lease_id] = written

    def _renew(self) -> None:
        for lease_id, lease in sorted(self._owned.items()):
            self._keep(lease_id, self._store.replace(lease.renewed(time.time())))

    def _balance(self) -> None:
        feed_ranges = list(self._monitored.read_feed_ranges(force_refresh=True))
        leases = {lease.id: lease for lease in self._store.list()}
        for lease_id in list(self._owned):
            stored = leases.get(lease_id)
            if stored is None or stored.owner != self._instance_name:
                self._keep(lease_id, None)
        self._adopt(leases)
        for feed_range in ranges_without_lease(list(leases.values()), feed_ranges):
            created = self._store.create(self._new_lease(feed_range))
            if created is not None:
                leases[created.id] = created
        for lease_id in sorted(self._owned):
            children = split_children(self._owned[lease_id], feed_ranges)
            if children:
                self._split(self._owned[lease_id], children, leases)
        plan = plan_balance(list(leases.values()), self._instance_name, time.time(),
                            self._options.lease_expiration_interval)
        for lease in plan.take + ([plan.steal] if plan.steal else []):
            acquired = self._store.replace(lease.owned_by(self._instance_name, time.time()))
            if acquired is not None:
                self._owned[acquired.id] = acquired
                self._next_poll[acquired.id] = 0.0

    def _adopt(self, leases: Dict[str, Lease]) -> None:
        """Takes back live leases that name this instance as owner (a restart under the same instance name)."""
        now = time.time()
        for lease in leases.values():
            if lease.owner == self._instance_name and lease.id not in self._owned \
                    and not lease.is_free(now, self._options.lease_expiration_interval):
                self._owned[lease.id] = lease
                self._next_poll[lease.id] = 0.0

    def _new_lease(self, feed_range: Dict[str, Any]) -> Lease:
        start_from, continuation = self._start_from, None
        if start_from == NOW:
            # "Now" is the moment the lease is made, kept as a token: a point in time would repeat the changes of
            # that second. (Changes already in the first answer mean a write raced it: the point in time then.)
            moment = time.time()
            changes, token, _ = _read_page(self._monitored, Lease("", self._processor_name, feed_range,
                                                                  start_from=NOW), 1)
            start_from, continuation = {"pointInTime": moment}, (None if changes else token)
        return new_lease(self._processor_name, feed_range, start_from, continuation, time.time())

    def _split(self, parent: Lease, child_ranges: List[Dict[str, Any]], leases: Dict[str, Lease]) -> None:
        """Children first, parent last: at every moment some lease covers each range (a failed split is finished
        by whoever owns the parent next; children made twice collide and the first ones stay)."""
        for child in child_leases(parent, child_ranges, self._instance_name, time.time()):
            created = self._store.create(child)
            if created is not None:
                leases[created.id] = self._owned[created.id] = created
                self._next_poll[created.id] = 0.0
        if self._store.delete(parent):
            leases.pop(parent.id, None)
        self._keep(parent.id, None)

    def _release_all(self) -> None:
        for lease_id, lease in sorted(self._owned.items()):
            try:
                self._store.replace(lease.owned_by(None, time.time()))
            except Exception as error:  # pylint: disable=broad-except
                self._report(error, None)
            self._keep(lease_id, None)


class ChangeFeedEstimator:
    """How far behind a change-feed processor is: the changes after each lease's checkpoint.

    It reads the leases and, per lease, the first change after its checkpoint (one request per lease), whether
    or not any instance of the processor is running.

    :param monitored_container: The container the processor monitors.
    :type monitored_container: ~azure.cosmos.ContainerProxy
    :param lease_container: The processor's lease container.
    :type lease_container: ~azure.cosmos.ContainerProxy
    :keyword str processor_name: The processor's name.
    """

    def __init__(self, monitored_container: ContainerProxy, lease_container: ContainerProxy, *,
                 processor_name: str) -> None:
        self._monitored = monitored_container
        self._store = _LeaseStore(lease_container, processor_name)

    def get_estimated_lag(self) -> List[LeaseLag]:
        """The estimated lag of every lease of the processor, by lease id.

        :returns: One :class:`~azure.cosmos.change_feed_processor.LeaseLag` per lease (none before the processor
            first ran).
        :rtype: list[~azure.cosmos.change_feed_processor.LeaseLag]
        """
        lags = []
        for lease in sorted(self._store.list(), key=lambda lease: lease.id):
            changes, _, headers = _read_page(self._monitored, lease, 1)
            lags.append(LeaseLag(lease.id, lease.feed_range, lease.owner,
                                 estimated_lag(headers, changes[0] if changes else None)))
        return lags
