"""Shared pieces of tests/test_bulk.py and its async twin: inputs and what the container must hold after."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

from ._data_plane import PARTITION_KEYS

# Enough operations that every physical partition gets several full batches (100 operations each).
MANY = 1500


def upserts(count: int, tag: str = "v") -> List[Tuple[str, Tuple[Dict[str, Any]]]]:
    return [("upsert", ({"id": f"i{n}", "pk": PARTITION_KEYS[n % len(PARTITION_KEYS)], tag: n},))
            for n in range(count)]


def expected_items(count: int, tag: str = "v") -> List[Tuple[str, str, int]]:
    return sorted((f"i{n}", PARTITION_KEYS[n % len(PARTITION_KEYS)], n) for n in range(count))


def stored(items: List[Dict[str, Any]], tag: str = "v") -> List[Tuple[str, str, int]]:
    return sorted((item["id"], item["pk"], item[tag]) for item in items)


class CountingInput:
    """An input iterator that records how far it was read, to check how far bulk reads ahead."""

    def __init__(self, operations: List[Any]) -> None:
        self._operations = operations
        self.pulled = 0

    def __iter__(self) -> Iterator[Any]:
        for operation in self._operations:
            self.pulled += 1
            yield operation


def mixed_operations(etag_of_r: str) -> List[Any]:
    """One operation of every kind, a failing one of each common cause in between (``r``, ``d`` exist)."""
    return [
        ("create", ({"id": "c", "pk": "p"},)),                                # 201
        ("create", ({"id": "r", "pk": "p"},)),                                # 409: exists
        ("replace", ("r", {"id": "r", "pk": "p", "v": 2}), {"if_match_etag": etag_of_r}),  # 200
        ("replace", ("r", {"id": "r", "pk": "p", "v": 3}), {"if_match_etag": etag_of_r}),  # 412: etag moved on
        ("read", ("r",), {"partition_key": "p"}),                             # 200, v = 2
        ("read", ("missing",), {"partition_key": "p"}),                       # 404
        ("delete", ("d",), {"partition_key": "p"}),                           # 204
        ("upsert", ({"id": "u", "pk": "q", "v": 1},)),                        # 201, another partition
    ]


MIXED_STATUSES = [201, 409, 200, 412, 200, 404, 204, 201]
