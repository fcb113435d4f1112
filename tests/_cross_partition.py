"""Shared data and independently computed answers for the cross-partition query tests (aggregates,
GROUP BY, DISTINCT): thousands of documents over every physical partition, so that each partition's
answer spans several pages, and the expected results computed here in Python from the same documents."""
from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Dict, List

DOCUMENT_COUNT = 4800
LOGICAL_PARTITIONS = 60


def document(i: int) -> dict:
    item = {"id": f"d{i}", "pk": f"p{i % LOGICAL_PARTITIONS}", "g": f"g{i % 7}", "h": f"h{i % 3}",
            "v": i % 11, "w": (i % 5) / 2, "s": ("alpha", "beta", "gamma", "delta")[i % 4]}
    if i % 13 == 0:
        del item["v"]  # undefined for some documents: aggregates skip them
    return item


DOCUMENTS: List[dict] = [document(i) for i in range(DOCUMENT_COUNT)]


def load(container) -> None:
    """Write the documents, one transactional batch per logical partition slice (fast to load)."""
    by_pk: Dict[str, List[dict]] = defaultdict(list)
    for item in DOCUMENTS:
        by_pk[item["pk"]].append(item)
    for pk, items in by_pk.items():
        for start in range(0, len(items), 100):
            container.execute_item_batch([("upsert", (item,)) for item in items[start:start + 100]], partition_key=pk)


def values(field: str) -> list:
    return [item[field] for item in DOCUMENTS if field in item]


def groups(*fields: str) -> Dict[tuple, List[dict]]:
    found: Dict[tuple, List[dict]] = defaultdict(list)
    for item in DOCUMENTS:
        found[tuple(item[f] for f in fields)].append(item)
    return found


def number(value: float):
    return int(value) if float(value).is_integer() else value


VALUE_AGGREGATES = {
    "SELECT VALUE COUNT(1) FROM c": [len(DOCUMENTS)],
    "SELECT VALUE COUNT(c.v) FROM c": [len(values("v"))],
    "SELECT VALUE SUM(c.v) FROM c": [sum(values("v"))],
    "SELECT VALUE SUM(c.w) FROM c": [number(sum(values("w")))],
    "SELECT VALUE AVG(c.v) FROM c": [statistics.fmean(values("v"))],
    "SELECT VALUE MIN(c.v) FROM c": [min(values("v"))],
    "SELECT VALUE MAX(c.s) FROM c": [max(values("s"))],
    "SELECT VALUE MAX(c.missing) FROM c": [],  # undefined over every document: no row
    "SELECT VALUE COUNTIF(c.v > 5) FROM c": [sum(1 for v in values("v") if v > 5)],
    "SELECT VALUE COUNT(1) FROM c WHERE c.g = 'g3' AND c.v >= 4": [
        sum(1 for item in DOCUMENTS if item["g"] == "g3" and item.get("v", -1) >= 4)],
}


def grouped_expected() -> Dict[str, list]:
    by_g = groups("g")
    by_gh = groups("g", "h")

    def stats(items):
        defined = [item["v"] for item in items if "v" in item]
        return {"n": len(items), "t": sum(defined), "a": statistics.fmean(defined), "m": max(defined)}

    return {
        "SELECT c.g, COUNT(1) AS n, SUM(c.v) AS t, AVG(c.v) AS a, MAX(c.v) AS m FROM c GROUP BY c.g": [
            {"g": g, **stats(items)} for (g,), items in by_g.items()],
        "SELECT c.g, c.h, COUNT(1) AS n FROM c GROUP BY c.g, c.h": [
            {"g": g, "h": h, "n": len(items)} for (g, h), items in by_gh.items()],
        "SELECT VALUE COUNT(1) FROM c GROUP BY c.s": [len(items) for items in groups("s").values()],
        "SELECT VALUE c.g FROM c GROUP BY c.g": [g for (g,) in by_g],
        "SELECT COUNT(1) AS n, MIN(c.v) AS lo, MAX(c.w) AS hi FROM c": [
            {"n": len(DOCUMENTS), "lo": min(values("v")), "hi": number(max(values("w")))}],
    }


DISTINCT = {
    "SELECT DISTINCT c.s FROM c": [{"s": s} for s in dict.fromkeys(values("s"))],
    "SELECT DISTINCT VALUE c.g FROM c": list(dict.fromkeys(values("g"))),
    "SELECT DISTINCT c.g, c.h FROM c": [{"g": g, "h": h} for (g, h) in groups("g", "h")],
}
ORDERED_DISTINCT = {
    "SELECT DISTINCT VALUE c.v FROM c ORDER BY c.v": sorted(set(values("v"))),
    "SELECT DISTINCT VALUE c.v FROM c ORDER BY c.v DESC": sorted(set(values("v")), reverse=True),
}


def _numbers_as_floats(value):
    # 2 and 2.0 are the same JSON number to the service (the SDK hands out what the service wrote).
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [_numbers_as_floats(item) for item in value]
    return {key: _numbers_as_floats(item) for key, item in value.items()}


def as_multiset(rows: list) -> list:
    """Rows as a sorted list of canonical texts: equal multisets of rows compare equal in any order."""
    import json

    return sorted(json.dumps(_numbers_as_floats(row), sort_keys=True) for row in rows)
