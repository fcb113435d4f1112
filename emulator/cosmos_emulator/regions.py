"""Multi-region simulation: one account served in several named regions, each at its own local port.

The first region is the write region; every region is readable (a single-write account). The account document
lists the regions with their endpoints (``writableLocations``: the first, ``readableLocations``: all), so clients
with endpoint discovery route reads by their preferred and excluded locations. All regions share one copy of the
data (replication is instant). A write sent to a read region answers 403 with sub-status 3 (write forbidden), as
the service answers it, which makes clients refresh the account and send it to the write region. Fault rules can
name a region (``FaultRule.region``) to fail one region only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

from .errors import CosmosError

DEFAULT_REGION = "South Central US"
SUBSTATUS_WRITE_FORBIDDEN = 3
WRITE_OPERATIONS = frozenset({"create", "upsert", "replace", "delete", "patch", "batch", "execute",
                              "delete_by_partition_key"})
WRITE_FORBIDDEN_MESSAGE = "The requested operation cannot be performed at this region (it is not a write region)."


@dataclass
class Region:
    name: str
    port: int = 0


def parse_regions(text: Optional[str]) -> Optional[List[str]]:
    """``"West US,East US"`` → the region names (None for none)."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ValueError("--regions names no region")
    if len(set(name.lower() for name in names)) != len(names):
        raise ValueError("--regions names a region twice")
    return names


def region_of(regions: Sequence[Region], port: Optional[int]) -> Optional[Region]:
    """The region whose listener accepted a connection on ``port`` (None on a single-region server)."""
    for region in regions:
        if region.port == port:
            return region
    return None


def check_write_region(regions: Sequence[Region], region: Optional[Region], operation: str) -> None:
    """403/3 for a write that reached a read region.

    :raises CosmosError: when ``region`` is not the write region and ``operation`` writes.
    """
    if region is None or not regions or region is regions[0] or operation not in WRITE_OPERATIONS:
        return
    raise CosmosError(403, "Forbidden", WRITE_FORBIDDEN_MESSAGE, SUBSTATUS_WRITE_FORBIDDEN)
