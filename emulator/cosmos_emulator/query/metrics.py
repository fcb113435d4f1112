"""Query metrics and index metrics, the two diagnostics a query answer carries when the client asks.

* ``x-ms-documentdb-populatequerymetrics: true`` → ``x-ms-documentdb-query-metrics``: ``name=value`` pairs
  joined by ``;`` with the service's names, times in milliseconds with two decimals, counts and sizes as
  integers (``totalExecutionTimeInMs=0.38;queryCompileTimeInMs=0.07;...;indexUtilizationRatio=1.00``).
* ``x-ms-cosmos-populateindexmetrics: true`` → ``x-ms-cosmos-index-utilization``: base64 of a JSON object with
  ``UtilizedSingleIndexes``, ``PotentialSingleIndexes``, ``UtilizedCompositeIndexes`` and
  ``PotentialCompositeIndexes``. A single-index entry is ``{"FilterExpression", "IndexSpec": "/pk/?",
  "FilterPreciseSet", "IndexPreciseSet", "IndexImpactScore"}``, a composite one ``{"IndexSpecs": ["/a ASC",
  "/b DESC"], "IndexPreciseSet", "IndexImpactScore"}``.

Index metrics are derived from the query and the container's indexing policy: the partition key paths when the
request names a logical partition (the service filters it through the index on those paths), every property
compared with a constant in the filter and a single ORDER BY key are single indexes, utilized when the policy
indexes the path and potential otherwise; an ORDER BY over several keys is a composite index, utilized when the
policy has that composite index (in that order or fully reversed) and potential otherwise.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Dict, List, Optional, Sequence

from . import nodes as n
from .analysis import conjuncts, property_path, root_alias

QUERY_METRICS_HEADER = "x-ms-documentdb-query-metrics"
INDEX_UTILIZATION_HEADER = "x-ms-cosmos-index-utilization"

# Comparisons an index serves when one side is a document path and the other a constant.
_INDEXED_OPERATORS = {"=", "!=", "<>", "<", "<=", ">", ">="}
# Built-ins whose first argument is a document path served by a range index.
_INDEXED_FUNCTIONS = {"STARTSWITH", "ENDSWITH", "CONTAINS", "IS_DEFINED", "IS_NULL", "IS_STRING", "IS_NUMBER",
                      "IS_BOOL", "IS_ARRAY", "IS_OBJECT", "IS_PRIMITIVE", "ARRAY_CONTAINS", "STRINGEQUALS",
                      "REGEXMATCH"}


def query_metrics(retrieved_count: int, retrieved_bytes: int, items: Sequence[Any], output_bytes: int,
                  compile_seconds: float, execution_seconds: float) -> str:
    """The ``x-ms-documentdb-query-metrics`` value of one page."""
    compile_ms = compile_seconds * 1000
    execution_ms = execution_seconds * 1000
    metrics = [
        ("totalExecutionTimeInMs", compile_ms + execution_ms),
        ("queryCompileTimeInMs", compile_ms),
        ("queryLogicalPlanBuildTimeInMs", compile_ms / 4),
        ("queryPhysicalPlanBuildTimeInMs", compile_ms / 4),
        ("queryOptimizationTimeInMs", 0.0),
        ("VMExecutionTimeInMs", execution_ms),
        ("indexLookupTimeInMs", 0.0),
        ("documentLoadTimeInMs", execution_ms / 2),
        ("systemFunctionExecuteTimeInMs", 0.0),
        ("userFunctionExecuteTimeInMs", 0.0),
        ("retrievedDocumentCount", retrieved_count),
        ("retrievedDocumentSize", retrieved_bytes),
        ("outputDocumentCount", len(items)),
        ("outputDocumentSize", output_bytes),
        ("writeOutputTimeInMs", 0.0),
        ("indexUtilizationRatio", (len(items) / retrieved_count) if retrieved_count else 1.0),
    ]
    return ";".join(f"{name}={value:.2f}" if isinstance(value, float) else f"{name}={value}"
                    for name, value in metrics)


def index_utilization(query: n.Query, parameters: Dict[str, Any], indexing_policy: Optional[Dict[str, Any]],
                      partition_key_paths: Sequence[str], scoped_to_partition_key: bool) -> Dict[str, Any]:
    """The index metrics document of a query (see the module text for the model)."""
    utilized: List[str] = []
    potential: List[str] = []

    def add(spec: str) -> None:
        if spec in utilized or spec in potential:
            return
        (utilized if is_indexed(indexing_policy, spec) else potential).append(spec)

    if scoped_to_partition_key:
        for path in partition_key_paths:
            add(path.rstrip("/") + "/?")
    alias = root_alias(query)
    if alias is not None:
        for condition in conjuncts(query.where):
            for path in _filtered_paths(condition, alias, parameters):
                add(_spec(path))
        if len(query.order_by) == 1:
            path = property_path(query.order_by[0].expression, alias)
            if path:
                add(_spec(path))
    result: Dict[str, Any] = {
        "UtilizedSingleIndexes": [_single(spec) for spec in utilized],
        "PotentialSingleIndexes": [_single(spec) for spec in potential],
        "UtilizedCompositeIndexes": [],
        "PotentialCompositeIndexes": [],
    }
    if alias is not None and len(query.order_by) > 1:
        keys = [(property_path(item.expression, alias), item.descending) for item in query.order_by]
        if all(path for path, _ in keys):
            specs = [f"{_spec(path)[:-2]} {'DESC' if descending else 'ASC'}" for path, descending in keys]
            entry = {"IndexSpecs": specs, "IndexPreciseSet": False, "IndexImpactScore": "High"}
            has = _has_composite(indexing_policy, [("/" + "/".join(path), descending) for path, descending in keys])
            result["UtilizedCompositeIndexes" if has else "PotentialCompositeIndexes"].append(entry)
    return result


def encode_index_utilization(document: Dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode("utf-8")).decode("ascii")


def _single(spec: str) -> Dict[str, Any]:
    return {"FilterExpression": "", "IndexSpec": spec, "FilterPreciseSet": True, "IndexPreciseSet": True,
            "IndexImpactScore": "High"}


def _spec(path: Sequence[str]) -> str:
    return "/" + "/".join(path) + "/?"


def _filtered_paths(condition: n.Node, alias: str, parameters: Dict[str, Any]) -> List[List[str]]:
    found: List[List[str]] = []
    if isinstance(condition, n.Binary) and condition.operator in _INDEXED_OPERATORS:
        for side, other in ((condition.left, condition.right), (condition.right, condition.left)):
            path = property_path(side, alias)
            if path and _is_constant(other):
                found.append(path)
                break
    elif isinstance(condition, n.Binary) and condition.operator in ("AND", "OR"):
        found.extend(_filtered_paths(condition.left, alias, parameters))
        found.extend(_filtered_paths(condition.right, alias, parameters))
    elif isinstance(condition, (n.Between, n.In, n.Like)):
        path = property_path(condition.value, alias)
        if path:
            found.append(path)
    elif isinstance(condition, n.FunctionCall) and not condition.is_udf \
            and condition.name.upper() in _INDEXED_FUNCTIONS and condition.arguments:
        path = property_path(condition.arguments[0], alias)
        if path:
            found.append(path)
    elif isinstance(condition, n.Unary) and condition.operator.upper() == "NOT":
        found.extend(_filtered_paths(condition.operand, alias, parameters))
    return found


def _is_constant(node: n.Node) -> bool:
    return isinstance(node, (n.Literal, n.Parameter))


def is_indexed(policy: Optional[Dict[str, Any]], spec: str) -> bool:
    """Whether the indexing policy indexes the scalar path ``spec`` (``/a/b/?``): the most specific matching
    included or excluded path decides (an excluded one on a tie); ``indexingMode: none`` indexes nothing."""
    if not isinstance(policy, dict):
        return True
    if str(policy.get("indexingMode", "consistent")).lower() == "none":
        return False
    best_length, best_included = -1, False
    for key, included in (("includedPaths", True), ("excludedPaths", False)):
        for entry in policy.get(key) or []:
            pattern = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(pattern, str):
                continue
            length = _match_length(pattern, spec)
            if length > best_length or (length == best_length and not included):
                best_length, best_included = length, included
    return best_included


def _match_length(pattern: str, spec: str) -> int:
    """How specific a match of ``pattern`` on ``spec`` is (-1: no match)."""
    if pattern == spec:
        return len(pattern) + 1
    if pattern.endswith("/*"):
        prefix = pattern[:-1]
        if spec.startswith(prefix):
            return len(prefix)
    return -1


def _has_composite(policy: Optional[Dict[str, Any]], keys: List[tuple]) -> bool:
    if not isinstance(policy, dict):
        return False
    for composite in policy.get("compositeIndexes") or []:
        if not isinstance(composite, list) or len(composite) != len(keys):
            continue
        entries = [(entry.get("path"), str(entry.get("order", "ascending")).lower() == "descending")
                   for entry in composite if isinstance(entry, dict)]
        if entries == keys or entries == [(path, not descending) for path, descending in keys]:
            return True
    return False
