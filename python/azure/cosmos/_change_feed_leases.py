# The MIT License (MIT)
"""The change-feed processor's decisions, without I/O: lease documents, which leases to create, take, steal
or split, the token of a split lease's children, and the lag estimate. Shared by the sync processor
(:mod:`azure.cosmos.change_feed_processor`) and its asyncio twin (:mod:`azure.cosmos.aio._change_feed_processor`),
which do the reading and writing.

A lease is one document of the lease container per feed range of the monitored container and processor name::

    {"id": "orders-sync.30000000-FF", "processorName": "orders-sync",
     "feedRange": {"Range": {"min": "30000000", "max": "FF", ...}},
     "owner": "host-a" | null, "continuationToken": "cf1...." | null,
     "startFrom": "Beginning" | {"pointInTime": 1796137942.0} | null, "timestamp": 1796137950.25}

``owner`` is the instance processing the range; it proves it is alive by rewriting ``timestamp`` (its own clock,
epoch seconds) at least every renew interval, and every write is conditional on the lease's etag, so two
instances never both think they won the same write. A lease whose timestamp is older than the expiration
interval, or whose owner is null, is free to take.
"""
from __future__ import annotations

import datetime
import logging
import math
import os
import socket
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._request_feeds import is_subset, to_bounds

_LOGGER = logging.getLogger("azure.cosmos.change_feed_processor")

LEASE_PARTITION_KEY_PATH = "/id"
BEGINNING = "Beginning"
NOW = "Now"

StartFrom = Union[str, Dict[str, float], None]


@dataclass(frozen=True)
class ProcessorOptions:
    """The intervals and limits of a processor, checked once.

    :ivar float lease_expiration_interval: Seconds after its last renewal that a lease is free to take.
    :ivar float lease_renew_interval: Seconds between the owner's renewals (well below the expiration).
    :ivar float lease_acquire_interval: Seconds between load-balancing passes (take, steal, split, create).
    :ivar float feed_poll_delay: Seconds to wait before polling a lease again that had no changes.
    :ivar int max_item_count: Most changes handed to the handler in one call.
    """

    lease_expiration_interval: float = 60.0
    lease_renew_interval: float = 17.0
    lease_acquire_interval: float = 13.0
    feed_poll_delay: float = 5.0
    max_item_count: int = 100

    def __post_init__(self) -> None:
        for name in ("lease_expiration_interval", "lease_renew_interval", "lease_acquire_interval",
                     "feed_poll_delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        if self.lease_renew_interval >= self.lease_expiration_interval:
            raise ValueError(
                f"lease_renew_interval ({self.lease_renew_interval}) must be shorter than lease_expiration_interval "
                f"({self.lease_expiration_interval}), or an owner's leases expire between its renewals")
        if isinstance(self.max_item_count, bool) or not isinstance(self.max_item_count, int) \
                or self.max_item_count < 1:
            raise ValueError(f"max_item_count must be a positive int, got {self.max_item_count!r}")


def start_from_option(start_time: Any) -> StartFrom:
    """The ``startFrom`` of new leases for a processor's ``start_time``.

    :param start_time: ``"Beginning"``, ``"Now"`` or a datetime (naive ones taken as UTC).
    :returns: ``"Beginning"``, ``"Now"`` (made a token, or failing that a point in time, when a lease is
        created) or ``{"pointInTime": epoch seconds}``.
    :raises ValueError: Any other value.
    """
    if start_time in (BEGINNING, NOW):
        return start_time
    if isinstance(start_time, datetime.datetime):
        moment = start_time if start_time.tzinfo else start_time.replace(tzinfo=datetime.timezone.utc)
        return {"pointInTime": moment.timestamp()}
    raise ValueError(f"start_time must be 'Beginning', 'Now' or a datetime, got {start_time!r}")


def start_time_argument(start_from: StartFrom) -> Any:
    """The ``start_time`` of ``query_items_change_feed`` for a lease without a continuation token."""
    if isinstance(start_from, Mapping):
        return datetime.datetime.fromtimestamp(float(start_from["pointInTime"]), tz=datetime.timezone.utc)
    return start_from or BEGINNING


def lease_id(processor_name: str, feed_range: Mapping[str, Any]) -> str:
    """The lease document id of a feed range: the same on every instance, so two instances creating the lease of
    one range at once collide (409) instead of making two."""
    low, high = to_bounds(feed_range)
    return f"{processor_name}.{low or 'MIN'}-{high}"


def leases_query(processor_name: str) -> Tuple[str, List[Dict[str, Any]]]:
    """The query (and its parameters) of a processor's leases in the lease container."""
    return ("SELECT * FROM c WHERE c.processorName = @processorName",
            [{"name": "@processorName", "value": processor_name}])


@dataclass(frozen=True)
class Lease:
    """A lease document as the processor works with it (immutable: a write gives a new one)."""

    id: str
    processor_name: str
    feed_range: Dict[str, Any]
    owner: Optional[str] = None
    continuation: Optional[str] = None
    start_from: StartFrom = None
    timestamp: float = 0.0
    etag: Optional[str] = field(default=None, compare=False)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> "Lease":
        return cls(id=document["id"], processor_name=document["processorName"],
                   feed_range=dict(document["feedRange"]), owner=document.get("owner"),
                   continuation=document.get("continuationToken"), start_from=document.get("startFrom"),
                   timestamp=float(document.get("timestamp") or 0.0), etag=document.get("_etag"))

    def to_document(self) -> Dict[str, Any]:
        return {"id": self.id, "processorName": self.processor_name, "feedRange": self.feed_range,
                "owner": self.owner, "continuationToken": self.continuation, "startFrom": self.start_from,
                "timestamp": self.timestamp}

    def is_free(self, now: float, expiration: float) -> bool:
        """Whether any instance may take the lease: nobody owns it, or its owner stopped renewing it."""
        return self.owner is None or now - self.timestamp > expiration

    def renewed(self, now: float) -> "Lease":
        return replace(self, timestamp=now)

    def owned_by(self, owner: Optional[str], now: float) -> "Lease":
        return replace(self, owner=owner, timestamp=now)

    def checkpointed(self, continuation: str, now: float) -> "Lease":
        return replace(self, continuation=continuation, timestamp=now)


def new_lease(processor_name: str, feed_range: Mapping[str, Any], start_from: StartFrom,
              continuation: Optional[str], now: float) -> Lease:
    """An unowned lease for a feed range no lease covers yet."""
    return Lease(id=lease_id(processor_name, feed_range), processor_name=processor_name,
                 feed_range=dict(feed_range), continuation=continuation, start_from=start_from, timestamp=now)


def ranges_without_lease(leases: Sequence[Lease], feed_ranges: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The feed ranges no lease covers (all of them for a new processor). A range inside a lease's range (that
    lease's range split) or holding a lease's range (merged) is covered: its changes are that lease's."""
    return [dict(feed_range) for feed_range in feed_ranges
            if not any(is_subset(lease.feed_range, feed_range) or is_subset(feed_range, lease.feed_range)
                       for lease in leases)]


def split_children(lease: Lease, feed_ranges: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The current feed ranges a lease's range split into, or ``[]`` while it is still one range (or merged)."""
    inside = [dict(feed_range) for feed_range in feed_ranges if is_subset(lease.feed_range, feed_range)]
    if len(inside) < 2:
        return []
    return inside


def child_leases(parent: Lease, child_ranges: Sequence[Mapping[str, Any]], owner: Optional[str],
                 now: float) -> List[Lease]:
    """The leases that replace a split lease: one per child range, each continuing from the parent's last
    checkpoint, so nothing after that checkpoint is lost and nothing before it repeats.

    A child keeps its parent's token until its first checkpoint: read with the child's ``feed_range``, the
    engine narrows a token to a sub-range of the range it was taken on (each child reads only its own changes
    after the parent's checkpoint)."""
    return [Lease(id=lease_id(parent.processor_name, child), processor_name=parent.processor_name,
                  feed_range=dict(child), owner=owner, start_from=parent.start_from, timestamp=now,
                  continuation=parent.continuation)
            for child in child_ranges]


@dataclass(frozen=True)
class BalancePlan:
    """What one instance does in a load-balancing pass.

    :ivar take: Free leases (unowned or expired) to take now.
    :ivar steal: A lease of the busiest instance to take over, or ``None``.
    :ivar target: How many leases this instance aims to own.
    """

    take: List[Lease]
    steal: Optional[Lease]
    target: int


def plan_balance(leases: Sequence[Lease], me: str, now: float, expiration: float) -> BalancePlan:
    """How many leases this instance should own and which to take or steal, for an even share.

    The instances are the owners of live leases plus this one; each aims at ``ceil(leases / instances)``. Free
    leases are taken up to that target at once (so a dead instance's ranges move in one pass). Without free
    leases, one lease is stolen from the busiest instance when it owns at least two more than this one: one per
    pass, so that instances starting together converge instead of taking turns stealing everything.
    """
    live: Dict[str, List[Lease]] = {me: []}
    free: List[Lease] = []
    for lease in sorted(leases, key=lambda lease: lease.id):
        if lease.is_free(now, expiration):
            free.append(lease)
        else:
            live.setdefault(lease.owner or "", []).append(lease)
    target = math.ceil(len(leases) / len(live)) if leases else 0
    mine = len(live[me])
    if free:
        return BalancePlan(take=free[:max(0, target - mine)], steal=None, target=target)
    busiest = max(sorted(live), key=lambda owner: len(live[owner]))
    if busiest != me and len(live[busiest]) >= mine + 2 and mine < target:
        return BalancePlan(take=[], steal=live[busiest][-1], target=target)
    return BalancePlan(take=[], steal=None, target=target)


def estimated_lag(headers: Mapping[str, str], first_change: Optional[Mapping[str, Any]]) -> int:
    """How many changes a lease has yet to process, as the service's sequence numbers tell.

    ``first_change`` is the first change after the lease's checkpoint (``None``: it is caught up), and the
    response's session token (or ``lsn`` header) carries the partition's latest sequence number; the lag is the
    distance between the two. It counts changes, not items: several updates of one item that the latest-version
    feed hands out once count each, so it is an upper bound.
    """
    if first_change is None:
        return 0
    latest = _latest_lsn(headers)
    first = first_change.get("_lsn")
    if latest is None or not isinstance(first, int):
        return 1
    return max(1, latest - first + 1)


def _latest_lsn(headers: Mapping[str, str]) -> Optional[int]:
    lsn = headers.get("lsn")
    if lsn is not None and str(lsn).isdigit():
        return int(lsn)
    # A session token is "<range id>:<version>#<global lsn>[#<region>=<lsn>...]", several joined by commas.
    latest = None
    for token in str(headers.get("x-ms-session-token") or "").split(","):
        _, _, progress = token.partition(":")
        parts = progress.split("#")
        if len(parts) >= 2 and parts[1].isdigit():
            latest = max(latest or 0, int(parts[1]))
    return latest


@dataclass(frozen=True)
class ChangeFeedProcessorContext:
    """What the handler learns about a batch besides the changes.

    :ivar str lease_token: The id of the lease the changes came through (one per feed range).
    :ivar dict feed_range: The feed range of the lease.
    :ivar headers: The response headers of the page of changes (request charge, session token...).
    """

    lease_token: str
    feed_range: Dict[str, Any]
    headers: Mapping[str, str]


@dataclass(frozen=True)
class LeaseLag:
    """The estimated backlog of one lease (:meth:`ChangeFeedEstimator.get_estimated_lag`).

    :ivar str lease_token: The lease id.
    :ivar dict feed_range: The feed range of the lease.
    :ivar owner: The instance that owns the lease, or ``None``.
    :ivar int estimated_lag: Changes after the lease's checkpoint (0: caught up), from the service's
        sequence numbers: several updates of one item count each, so it is an upper bound.
    """

    lease_token: str
    feed_range: Dict[str, Any]
    owner: Optional[str]
    estimated_lag: int


def default_instance_name() -> str:
    """A name unique to this process: host, process id and a random suffix."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
