"""Shared pieces of tests/test_regions.py and its async twin: a two-region emulator (write region first) and
fault rules that count the requests each region receives."""
from __future__ import annotations

import contextlib
from typing import Dict, Iterator, Tuple

from cosmos_emulator import EmulatorServer
from cosmos_emulator.faults import FaultRule

WRITE_REGION, READ_REGION = "West US", "East US"
REGIONS = [WRITE_REGION, READ_REGION]


@contextlib.contextmanager
def regional_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, partitions=1, regions=REGIONS) as server:
        yield server


@contextlib.contextmanager
def counting(server: EmulatorServer, *operations: str) -> Iterator[Dict[Tuple[str, str], FaultRule]]:
    """Rules that only wait 1 ms, one per (region, operation): their hits count where requests went."""
    rules = {(region, operation): server.faults.add(FaultRule(region=region, operation=operation, delay_ms=1))
             for region in REGIONS for operation in operations}
    try:
        yield rules
    finally:
        for rule in rules.values():
            server.faults.remove(rule.id)


def hits(rules: Dict[Tuple[str, str], FaultRule]) -> Dict[Tuple[str, str], int]:
    return {key: rule.hits for key, rule in rules.items()}
