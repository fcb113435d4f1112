# The MIT License (MIT)
"""The change-feed processor for asyncio: the same leases, balancing, checkpoints and split handling as
:class:`azure.cosmos.change_feed_processor.ChangeFeedProcessor`, run as tasks on the caller's event loop.

Example::

    from azure.cosmos import PartitionKey
    from azure.cosmos.aio import ChangeFeedProcessor, CosmosClient

    async def handle(changes, context):
        for change in changes:
            await mail(change)

    async with CosmosClient(url, credential) as client:
        database = client.get_database_client("shop")
        leases = await database.create_container_if_not_exists("leases", PartitionKey("/id"))
        async with ChangeFeedProcessor(database.get_container_client("orders"), leases, handle,
                                       processor_name="order-mailer", start_time="Beginning"):
            await asyncio.Event().wait()  # until cancelled
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Union

from azure.core import MatchConditions
from azure.core.utils import CaseInsensitiveDict

from .._change_feed_leases import (
    LEASE_PARTITION_KEY_PATH, NOW, ChangeFeedProcessorContext, Lease, LeaseLag, ProcessorOptions,
    child_leases, default_instance_name, estimated_lag, leases_query, new_lease, plan_balance, ranges_without_lease,
    split_children, start_from_option, start_time_argument,
)
from ..exceptions import CosmosAccessConditionFailedError, CosmosResourceExistsError, CosmosResourceNotFoundError
from ._container import ContainerProxy

__all__ = ("ChangeFeedProcessor", "ChangeFeedEstimator")

_LOGGER = logging.getLogger("azure.cosmos.change_feed_processor")

Handler = Callable[[List[Dict[str, Any]], ChangeFeedProcessorContext], Union[Awaitable[None], None]]
ErrorHandler = Callable[[BaseException, Optional[ChangeFeedProcessorContext]], Union[Awaitable[None], None]]


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class _LeaseStore:
    """The processor's leases in the lease container; every write is conditional on the lease's etag."""

    def __init__(self, container: ContainerProxy, processor_name: str) -> None:
        self._container = container
        self._processor_name = processor_name

    async def check(self) -> None:
        paths = (await self._container.read())["partitionKey"]["paths"]
        if paths != [LEASE_PARTITION_KEY_PATH]:
            raise ValueError(f"the lease container must be partitioned by {LEASE_PARTITION_KEY_PATH!r}, "
                             f"not {paths!r}")

    async def list(self) -> List[Lease]:
        query, parameters = leases_query(self._processor_name)
        return [Lease.from_document(document)
                async for document in self._container.query_items(query, parameters=parameters)]

    async def create(self, lease: Lease) -> Optional[Lease]:
        try:
            return Lease.from_document(await self._container.create_item(lease.to_document()))
        except CosmosResourceExistsError:
            return None

    async def replace(self, lease: Lease) -> Optional[Lease]:
        """The lease as written, or ``None`` when someone else wrote (or deleted) it since it was read."""
        try:
            return Lease.from_document(await self._container.replace_item(
                lease.id, lease.to_document(), etag=lease.etag, match_condition=MatchConditions.IfNotModified))
        except (CosmosAccessConditionFailedError, CosmosResourceNotFoundError):
            return None

    async def delete(self, lease: Lease) -> bool:
        try:
            await self._container.delete_item(lease.id, lease.id, etag=lease.etag,
                                              match_condition=MatchConditions.IfNotModified)
            return True
        except (CosmosAccessConditionFailedError, CosmosResourceNotFoundError):
            return False


async def _read_page(container: ContainerProxy, lease: Lease, max_item_count: int):
    """One page of a lease's changes after its checkpoint: ``(changes, continuation token, headers)``."""
    headers = CaseInsensitiveDict()
    position = ({"continuation": lease.continuation} if lease.continuation
                else {"start_time": start_time_argument(lease.start_from)})
    pages = container.query_items_change_feed(
        feed_range=lease.feed_range, max_item_count=max_item_count,
        response_hook=lambda page_headers, _: headers.update(page_headers), **position).by_page()
    try:
        page = await pages.__anext__()
    except StopAsyncIteration:
        return [], pages.continuation_token, headers
    return [change async for change in page], pages.continuation_token, headers


class ChangeFeedProcessor:
    """Hands the changes of a container to a coroutine function, sharing the work with every other instance of
    the same processor (same ``processor_name`` and lease container), in this process or any other; the asyncio
    twin of :class:`azure.cosmos.change_feed_processor.ChangeFeedProcessor`, whose documentation describes the
    leases, the balancing, the checkpoints (after the handler returns: at-least-once delivery), failover and split
    handling.

    **Tasks.** ``await start()`` starts one task on the running event loop that balances and renews the leases,
    and one task per owned lease that reads its changes, awaits the handler and checkpoints. So the handler may be
    running for several leases at once (one call at a time per lease, changes of a lease in order), and leases
    are renewed while handlers run. Nothing runs on other threads. ``await stop()`` (or leaving ``async with``)
    lets every handler call in flight finish and be checkpointed, then releases the leases.

    :param monitored_container: The container whose changes are processed.
    :type monitored_container: ~azure.cosmos.aio.ContainerProxy
    :param lease_container: The container of the leases, partitioned by ``/id``.
    :type lease_container: ~azure.cosmos.aio.ContainerProxy
    :param handler: Awaited as ``handler(changes, context)`` with a non-empty list of changed items and a
        :class:`~azure.cosmos.change_feed_processor.ChangeFeedProcessorContext` (a plain function is called as
        it is, on the event loop).
    :type handler: Callable[[list[dict[str, Any]], ChangeFeedProcessorContext], Awaitable[None]]
    :keyword str processor_name: Names the processor: instances with the same name share the work.
    :keyword str instance_name: This instance's name among them (default: host name, process id and a random
        suffix). Two live instances must not share a name.
    :keyword start_time: Where leases created by this processor start reading: ``"Beginning"``, ``"Now"`` (the
        default) or a datetime (naive ones taken as UTC). Existing leases continue from their checkpoints.
    :paramtype start_time: Union[~datetime.datetime, Literal["Beginning", "Now"]]
    :keyword int max_item_count: Most changes per handler call (default 100).
    :keyword float feed_poll_delay: Seconds before polling a lease again that had no new changes, or whose handler
        raised (default 5).
    :keyword float lease_acquire_interval: Seconds between load-balancing passes (default 13).
    :keyword float lease_renew_interval: Seconds between renewals of the owned leases (default 17).
    :keyword float lease_expiration_interval: Seconds without renewal after which a lease is free to take (default
        60). The instances' clocks must agree to well within it.
    :keyword error_handler: Called (and awaited, if it returns an awaitable) as ``error_handler(error, context)``
        when the handler raises (``context`` of the batch) or lease work fails (``context`` ``None``). Default: the
        error is logged to the ``azure.cosmos.change_feed_processor`` logger.
    :paramtype error_handler: Callable[[BaseException, Optional[ChangeFeedProcessorContext]], Awaitable[None]]
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
        # A lease is written by its task (checkpoints) and by the balancing task (renewals, splits): one write at a
        # time, each with the etag of the one before, or the second would fail as if the lease had been stolen.
        self._write_locks: Dict[str, asyncio.Lock] = {}
        self._lease_tasks: Dict[str, asyncio.Task] = {}
        # Splits found by the balancing task, done by the lease's own task between two batches: a batch in flight
        # is checkpointed in the parent first, so that the children do not hand it out again.
        self._pending_splits: Dict[str, List[Dict[str, Any]]] = {}
        self._stopping: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task] = None

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
        """Whether the processor's tasks are running."""
        return self._task is not None and not self._task.done()

    def owned_leases(self) -> List[str]:
        """The ids of the leases this instance owns right now (a snapshot)."""
        return sorted(dict(self._owned))

    async def start(self) -> None:
        """Checks the lease container, then starts the processor's tasks on the running loop (returns at once).

        :raises ValueError: The lease container is not partitioned by ``/id``.
        :raises RuntimeError: The processor is running already.
        """
        if self.is_running:
            raise RuntimeError("the change feed processor is running already")
        await self._store.check()
        self._stopping = asyncio.Event()
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        """Stops gracefully: the handler calls in flight finish and are checkpointed, then the leases are
        released (ownerless, so other instances take them on their next pass, without waiting for expiry).

        Awaited in the handler, it only asks the processor to stop once the handler returns, without waiting."""
        if self._stopping is not None:
            self._stopping.set()
        if asyncio.current_task() in self._lease_tasks.values():
            return
        if self._task is not None:
            await self._task
            self._task = None

    async def __aenter__(self) -> "ChangeFeedProcessor":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    # ---- the processor's tasks -------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        """Waits for ``seconds`` or until the processor stops, whichever is first."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _run(self) -> None:
        assert self._stopping is not None
        next_balance = next_renew = 0.0
        try:
            while not self._stopping.is_set():
                if time.monotonic() >= next_balance:
                    await self._guarded(self._balance)
                    next_balance = time.monotonic() + self._options.lease_acquire_interval
                if time.monotonic() >= next_renew:
                    await self._guarded(self._renew)
                    next_renew = time.monotonic() + self._options.lease_renew_interval
                for lease_id in sorted(self._owned):
                    self._ensure_lease_task(lease_id)
                await self._sleep(min(next_balance, next_renew) - time.monotonic())
        finally:
            while any(not task.done() for task in self._lease_tasks.values()):  # a split may start more
                await asyncio.gather(*self._lease_tasks.values(), return_exceptions=True)
            self._lease_tasks.clear()
            await self._release_all()

    def _ensure_lease_task(self, lease_id: str) -> None:
        task = self._lease_tasks.get(lease_id)
        if task is None or task.done():
            self._lease_tasks[lease_id] = asyncio.ensure_future(self._lease_loop(lease_id))

    async def _lease_loop(self, lease_id: str) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set() and lease_id in self._owned:
            delay = self._options.feed_poll_delay
            try:
                children = self._pending_splits.pop(lease_id, None)
                if children:
                    await self._split(lease_id, children)
                    continue
                delay = await self._process(lease_id)
            except Exception as error:  # pylint: disable=broad-except
                await self._report(error, None)
            if delay:
                await self._sleep(delay)

    async def _guarded(self, step: Callable[[], Awaitable[None]]) -> None:
        try:
            await step()
        except Exception as error:  # pylint: disable=broad-except
            # A failed read or write (throttling, a timeout) is retried on the next turn of the loop.
            await self._report(error, None)

    async def _report(self, error: BaseException, context: Optional[ChangeFeedProcessorContext]) -> None:
        if self._error_handler is not None:
            try:
                await _maybe_await(self._error_handler(error, context))
                return
            except Exception:  # pylint: disable=broad-except
                _LOGGER.exception("the change feed processor's error_handler raised")
        _LOGGER.warning("change feed processor %s/%s: %s", self._processor_name, self._instance_name,
                        "handler raised" if context else "lease work failed", exc_info=error)

    def _lock(self, lease_id: str) -> asyncio.Lock:
        return self._write_locks.setdefault(lease_id, asyncio.Lock())

    async def _process(self, lease_id: str) -> float:
        """Handles one page of a lease's changes; the seconds to wait before the next."""
        lease = self._owned.get(lease_id)
        if lease is None:
            return 0.0
        changes, token, headers = await _read_page(self._monitored, lease, self._options.max_item_count)
        if not changes:
            return self._options.feed_poll_delay
        context = ChangeFeedProcessorContext(lease.id, lease.feed_range, headers)
        try:
            await _maybe_await(self._handler(changes, context))
        except Exception as error:  # pylint: disable=broad-except
            await self._report(error, context)
            return self._options.feed_poll_delay
        async with self._lock(lease_id):
            current = self._owned.get(lease_id)
            if current is not None:  # else lost or split meanwhile: the next owner hands these changes out again
                self._keep(lease_id, await self._store.replace(current.checkpointed(token, time.time())))
        return 0.0

    def _keep(self, lease_id: str, written: Optional[Lease]) -> None:
        """Records a write of an owned lease; a lease someone else wrote meanwhile is no longer this instance's."""
        if written is None:
            self._owned.pop(lease_id, None)
        else:
            self._owned[lease_id] = written

    async def _renew(self) -> None:
        for lease_id in sorted(self._owned):
            async with self._lock(lease_id):
                lease = self._owned.get(lease_id)
                if lease is not None:
                    self._keep(lease_id, await self._store.replace(lease.renewed(time.time())))

    async def _balance(self) -> None:
        feed_ranges = [feed_range async for feed_range in self._monitored.read_feed_ranges(force_refresh=True)]
        leases = {lease.id: lease for lease in await self._store.list()}
        for lease_id in list(self._owned):
            stored = leases.get(lease_id)
            if stored is None or stored.owner != self._instance_name:
                self._keep(lease_id, None)
        now = time.time()
        for lease in leases.values():  # a restart under the same instance name takes its live leases back
            if lease.owner == self._instance_name and lease.id not in self._owned \
                    and not lease.is_free(now, self._options.lease_expiration_interval):
                self._owned[lease.id] = lease
        for feed_range in ranges_without_lease(list(leases.values()), feed_ranges):
            created = await self._store.create(await self._new_lease(feed_range))
            if created is not None:
                leases[created.id] = created
        for lease_id, lease in sorted(self._owned.items()):
            children = split_children(lease, feed_ranges)
            if children:
                self._pending_splits[lease_id] = children
        plan = plan_balance(list(leases.values()), self._instance_name, time.time(),
                            self._options.lease_expiration_interval)
        for lease in plan.take + ([plan.steal] if plan.steal else []):
            acquired = await self._store.replace(lease.owned_by(self._instance_name, time.time()))
            if acquired is not None:
                self._owned[acquired.id] = acquired

    async def _new_lease(self, feed_range: Dict[str, Any]) -> Lease:
        start_from, continuation = self._start_from, None
        if start_from == NOW:
            # As the sync processor: "Now" kept as a token, a point in time only if a write raced the first read.
            moment = time.time()
            changes, token, _ = await _read_page(self._monitored, Lease("", self._processor_name, feed_range,
                                                                        start_from=NOW), 1)
            start_from, continuation = {"pointInTime": moment}, (None if changes else token)
        return new_lease(self._processor_name, feed_range, start_from, continuation, time.time())

    async def _split(self, lease_id: str, child_ranges: List[Dict[str, Any]]) -> None:
        """Children first, parent last, as the sync processor does; the children's tasks start at once."""
        async with self._lock(lease_id):
            parent = self._owned.get(lease_id)
            if parent is None:
                return
            for child in child_leases(parent, child_ranges, self._instance_name, time.time()):
                created = await self._store.create(child)
                if created is not None:
                    self._owned[created.id] = created
                    self._ensure_lease_task(created.id)
            await self._store.delete(parent)
            self._keep(lease_id, None)

    async def _release_all(self) -> None:
        for lease_id, lease in sorted(self._owned.items()):
            try:
                await self._store.replace(lease.owned_by(None, time.time()))
            except Exception as error:  # pylint: disable=broad-except
                await self._report(error, None)
            self._keep(lease_id, None)


class ChangeFeedEstimator:
    """How far behind a change-feed processor is: the changes after each lease's checkpoint (asyncio twin of
    :class:`azure.cosmos.change_feed_processor.ChangeFeedEstimator`).

    :param monitored_container: The container the processor monitors.
    :type monitored_container: ~azure.cosmos.aio.ContainerProxy
    :param lease_container: The processor's lease container.
    :type lease_container: ~azure.cosmos.aio.ContainerProxy
    :keyword str processor_name: The processor's name.
    """

    def __init__(self, monitored_container: ContainerProxy, lease_container: ContainerProxy, *,
                 processor_name: str) -> None:
        self._monitored = monitored_container
        self._store = _LeaseStore(lease_container, processor_name)

    async def get_estimated_lag(self) -> List[LeaseLag]:
        """The estimated lag of every lease of the processor, by lease id (one request per lease).

        :returns: One :class:`~azure.cosmos.change_feed_processor.LeaseLag` per lease.
        :rtype: list[~azure.cosmos.change_feed_processor.LeaseLag]
        """
        lags = []
        for lease in sorted(await self._store.list(), key=lambda lease: lease.id):
            changes, _, headers = await _read_page(self._monitored, lease, 1)
            lags.append(LeaseLag(lease.id, lease.feed_range, lease.owner,
                                 estimated_lag(headers, changes[0] if changes else None)))
        return lags
