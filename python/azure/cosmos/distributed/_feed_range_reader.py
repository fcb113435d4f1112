# The MIT License (MIT)
"""The engine-agnostic core of the distributed readers: one task per feed range.

Spark, Ray and Dask each run :func:`read_slice` in their own workers; what they hand it is
picklable (a :class:`CosmosConnection`, a :class:`FeedRangeSlice`, the query text and parameters,
a ``pyarrow.Schema``), never a client: each worker process opens its own client, once.

A slice is a feed range and the continuation to start it from. Every batch :func:`read_slice`
yields comes with the continuation *after* it, so a task that fails is restarted with its own
range only, from the continuation it was given (or the last one its caller recorded), not from
the start of the container.
"""
from __future__ import annotations

import itertools
import json
import pickle
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional, Sequence

import pyarrow as pa

from .. import CosmosClient
from .._request_feeds import from_bounds, to_bounds

__all__ = (
    "CosmosConnection", "FeedRangeSlice", "Filter", "SYSTEM_PROPERTIES", "build_query", "infer_schema",
    "is_pushable", "plan_slices", "read_slice", "rows_to_batch", "split_feed_range",
)

# A predicate in the engines' common form: (property path, operator, value); the list of a read is their AND.
Filter = tuple  # (tuple[str, ...], str, Any)

# The service's own properties of every item; left out of an inferred schema unless asked for.
SYSTEM_PROPERTIES = ("_rid", "_self", "_etag", "_attachments", "_ts")

# Effective partition keys of hash partitioning version 2 (and the first component of MultiHash) are
# 128-bit MurmurHash values whose top two bits the service clears: every key is below 0x40 followed by
# zeros. Splitting the last range ("...", "FF") at its arithmetic midpoint would leave an empty half.
_EPK_DIGITS = 32
_EPK_END = 0x40 << (8 * 15)

_COMPARISONS = {"=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
_STRING_FUNCTIONS = {"startswith": "STARTSWITH", "endswith": "ENDSWITH", "contains": "CONTAINS"}
_JSON_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class CosmosConnection:
    """Where a distributed task reads or writes: picklable, so that it can travel to the workers.

    :ivar str endpoint: The account endpoint, e.g. ``https://myaccount.documents.azure.com:443/``.
    :ivar credential: The account key (a string) or any picklable credential ``CosmosClient`` accepts.
    :ivar str database: The database id.
    :ivar str container: The container id.
    :ivar dict client_kwargs: Further ``CosmosClient`` keyword arguments (e.g. ``connection_verify``).
    """

    endpoint: str
    credential: Any = field(repr=False)
    database: str
    container: str
    client_kwargs: Mapping[str, Any] = field(default_factory=dict)

    def container_client(self) -> Any:
        """This process's client of the container (opened on first use, then shared by the tasks here).

        :returns: The container.
        :rtype: ~azure.cosmos.ContainerProxy
        """
        identity = pickle.dumps((self.endpoint, self.credential, sorted(self.client_kwargs.items())))
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(identity)
            if client is None:
                client = _CLIENTS[identity] = CosmosClient(self.endpoint, self.credential, **dict(self.client_kwargs))
        return client.get_database_client(self.database).get_container_client(self.container)


# One client per account and credential per worker process: the engines run many tasks in one worker.
_CLIENTS: dict = {}
_CLIENTS_LOCK = threading.Lock()


@dataclass(frozen=True)
class FeedRangeSlice:
    """One task's share of a container: a feed range and where in it to start.

    :ivar dict feed_range: A feed range dict (as ``ContainerProxy.read_feed_ranges`` gives).
    :ivar str continuation: The continuation to resume from; ``None`` starts at the beginning.
    """

    feed_range: Mapping[str, Any]
    continuation: Optional[str] = None

    @property
    def key(self) -> str:
        """The range's name in a continuations map: ``"min-max"`` of its effective partition keys.

        :rtype: str
        """
        low, high = to_bounds(self.feed_range)
        return f"{low}-{high}"


def split_feed_range(feed_range: Mapping[str, Any], parts: int) -> list:
    """Split a feed range into ``parts`` adjacent sub-ranges of the effective-partition-key space.

    For containers partitioned by hash version 2 (the default since 2020, and MultiHash): the split
    points are 32-digit effective partition keys, evenly spaced within the range, so documents spread
    over the parts as their hashes do.

    :param feed_range: A feed range dict.
    :param int parts: How many sub-ranges (1 gives the range itself).
    :returns: The sub-ranges, in key order, together exactly the given range.
    :rtype: list[dict[str, Any]]
    :raises ValueError: ``parts`` below 1, or a range too narrow to split that often.
    """
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    low, high = to_bounds(feed_range)
    if parts == 1:
        return [from_bounds((low, high))]
    start = int(low[:_EPK_DIGITS].ljust(_EPK_DIGITS, "0") or "0", 16)
    end = min(int(high[:_EPK_DIGITS].ljust(_EPK_DIGITS, "0"), 16), _EPK_END)
    if end - start < parts:
        raise ValueError(f"the feed range [{low!r}, {high!r}) is too narrow to split into {parts} parts")
    points = [low] + [format(start + (end - start) * n // parts, f"0{_EPK_DIGITS}X") for n in range(1, parts)] + [high]
    return [from_bounds((points[n], points[n + 1])) for n in range(parts)]


def plan_slices(connection: CosmosConnection, *, splits_per_range: int = 1,
                continuations: Optional[Mapping[str, Optional[str]]] = None,
                ranges: Optional[Sequence[str]] = None) -> list:
    """The slices of a read: one per feed range of the container, or ``splits_per_range`` per feed range.

    :param connection: The container.
    :type connection: CosmosConnection
    :keyword int splits_per_range: Sub-split every physical range into this many (by effective partition key).
    :keyword continuations: ``{slice key: continuation}`` of an earlier read to resume (see
        :attr:`FeedRangeSlice.key`); a slice absent from the map starts at the beginning.
    :paramtype continuations: Mapping[str, Optional[str]]
    :keyword ranges: Only these slices (by key), e.g. the ones a failed job did not finish; default all.
    :paramtype ranges: Sequence[str]
    :returns: The slices, in key order.
    :rtype: list[FeedRangeSlice]
    :raises ValueError: A continuation or range key that names no slice of the container.
    """
    container = connection.container_client()
    if splits_per_range != 1:
        _check_splittable(container.read())
    continuations = dict(continuations or {})
    slices = [FeedRangeSlice(part) for physical in container.read_feed_ranges()
              for part in split_feed_range(physical, splits_per_range)]
    wanted = set(ranges) if ranges is not None else None
    unknown = (set(continuations) | (wanted or set())) - {s.key for s in slices}
    if unknown:
        raise ValueError(f"continuations or ranges name feed ranges the container does not have (a split since, "
                         f"or another splits_per_range?): {sorted(unknown)}")
    return [FeedRangeSlice(s.feed_range, continuations.get(s.key)) for s in slices
            if wanted is None or s.key in wanted]


def _check_splittable(properties: Mapping[str, Any]) -> None:
    definition = properties.get("partitionKey") or {}
    if definition.get("version", 1) != 2 and definition.get("kind") != "MultiHash":
        raise ValueError("splits_per_range needs a container partitioned by hash version 2 (its effective "
                         f"partition keys are spread evenly); this one has {definition!r}")


def _property(path: Sequence[str]) -> str:
    # Bracket notation with JSON-quoted names: any property name is safe, none is spliced in as SQL.
    return "c" + "".join(f"[{json.dumps(str(name))}]" for name in path)


def build_query(columns: Optional[Sequence[str]] = None,
                filters: Sequence[Filter] = ()) -> tuple:
    """The SQL of a read with its projection and predicates pushed down, values as parameters.

    :param columns: Top-level properties to return (``None``: whole documents).
    :type columns: Sequence[str]
    :param filters: Predicates, ANDed: ``(path, op, value)`` with ``op`` one of ``= != > >= < <=``,
        ``in`` (value: a sequence), ``is_null``, ``is_not_null`` (value unused; a missing property is null
        as the engines see it), ``startswith``, ``endswith``, ``contains`` (value: a string), or
        ``not`` with a filter as value.
    :type filters: Sequence[tuple]
    :returns: ``(query text, parameters)`` for ``query_items``.
    :rtype: tuple[str, list[dict[str, Any]]]
    :raises ValueError: A filter this function cannot express.
    """
    parameters: list = []

    def parameter(value: Any) -> str:
        name = f"@p{len(parameters)}"
        parameters.append({"name": name, "value": value})
        return name

    def condition(filter_: Filter) -> str:
        path, op, value = filter_
        if op == "not":
            return f"NOT ({condition(value)})"
        target = _property(path)
        if op in _COMPARISONS:
            return f"{target} {_COMPARISONS[op]} {parameter(value)}"
        if op == "in":
            return f"{target} IN ({', '.join(parameter(v) for v in value)})" if len(value) else "false"
        if op == "is_null":
            return f"(NOT IS_DEFINED({target}) OR IS_NULL({target}))"
        if op == "is_not_null":
            return f"(IS_DEFINED({target}) AND NOT IS_NULL({target}))"
        if op in _STRING_FUNCTIONS:
            return f"{_STRING_FUNCTIONS[op]}({target}, {parameter(value)})"
        raise ValueError(f"unknown filter operator {op!r}")

    if columns is None:
        select = "SELECT * FROM c"
    else:
        # SELECT VALUE {...} leaves a missing property out, as SELECT * does, and keeps any property name.
        members = ", ".join(f"{json.dumps(name)}: {_property((name,))}" for name in columns)
        select = "SELECT VALUE {" + members + "} FROM c"
    where = " AND ".join(condition(f) for f in filters)
    return (f"{select} WHERE {where}" if where else select), parameters


def is_pushable(filter_: Filter) -> bool:
    """Whether :func:`build_query` expresses a filter exactly (JSON-typed values only).

    :param filter_: ``(path, op, value)``.
    :returns: ``True`` if the service evaluates it as the engines would.
    :rtype: bool
    """
    _path, op, value = filter_
    if op == "not":
        return is_pushable(value)
    if op in ("is_null", "is_not_null"):
        return True
    if op == "in":
        return isinstance(value, (list, tuple)) and all(isinstance(v, _JSON_SCALARS) for v in value)
    if op in _STRING_FUNCTIONS:
        return isinstance(value, str)
    return op in _COMPARISONS and isinstance(value, _JSON_SCALARS)


def infer_schema(connection: CosmosConnection, query: str = "SELECT * FROM c", parameters: Sequence[Any] = (),
                 *, sample_size: int = 1000, include_system_properties: bool = False) -> pa.Schema:
    """An Arrow schema from a sample of the query's rows, taken evenly from every feed range.

    A property whose sampled values do not share one Arrow type (or are all null) becomes a string
    column; :func:`rows_to_batch` puts the JSON text of non-string values there.

    :param connection: The container.
    :type connection: CosmosConnection
    :param str query: The read's query (its sample decides the columns).
    :param parameters: Its parameters.
    :type parameters: Sequence[dict[str, Any]]
    :keyword int sample_size: About how many rows to look at.
    :keyword bool include_system_properties: Keep ``_rid``, ``_self``, ``_etag``, ``_attachments``, ``_ts``.
    :returns: The schema, columns in order of first appearance.
    :rtype: pyarrow.Schema
    """
    container = connection.container_client()
    ranges = list(container.read_feed_ranges())
    per_range = max(1, sample_size // max(1, len(ranges)))
    sample: list = []
    for feed_range in ranges:
        rows = container.query_items(query, parameters=list(parameters) or None, feed_range=feed_range,
                                     max_item_count=per_range)
        sample.extend(itertools.islice(rows, per_range))
    columns: dict = {}
    for row in sample:
        for name, value in row.items():
            if include_system_properties or name not in SYSTEM_PROPERTIES:
                columns.setdefault(name, []).append(value)
    return pa.schema([pa.field(name, _column_type(values)) for name, values in columns.items()])


def _column_type(values: list) -> pa.DataType:
    try:
        inferred = pa.array(values).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.string()
    return pa.string() if pa.types.is_null(inferred) else inferred


def rows_to_batch(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """A page of documents as an Arrow record batch of ``schema`` (properties outside it are dropped).

    :param rows: The documents.
    :type rows: Sequence[Mapping[str, Any]]
    :param schema: The columns.
    :type schema: pyarrow.Schema
    :returns: The batch.
    :rtype: pyarrow.RecordBatch
    """
    if not schema.names:
        # No columns (an engine counting rows): from_pylist would give a batch of no rows.
        return pa.RecordBatch.from_struct_array(pa.array([{}] * len(rows), type=pa.struct([])))
    text_columns = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    if text_columns:
        rows = [_with_text(row, text_columns) for row in rows]
    return pa.RecordBatch.from_pylist(list(rows), schema=schema)


def _with_text(row: Mapping[str, Any], text_columns: Sequence[str]) -> Mapping[str, Any]:
    if all(isinstance(row.get(name), (str, type(None))) for name in text_columns):
        return row
    converted = dict(row)
    for name in text_columns:
        value = converted.get(name)
        if value is not None and not isinstance(value, str):
            converted[name] = json.dumps(value, separators=(",", ":"))
    return converted


def read_slice(connection: CosmosConnection, slice_: FeedRangeSlice, query: str, parameters: Sequence[Any],
               schema: pa.Schema, *, page_size: int = 1000) -> Iterator[tuple]:
    """Read one slice page by page: each page as a record batch, with the continuation after it.

    :param connection: The container.
    :type connection: CosmosConnection
    :param slice_: The feed range and where to start in it.
    :type slice_: FeedRangeSlice
    :param str query: The query (see :func:`build_query`).
    :param parameters: Its parameters.
    :type parameters: Sequence[dict[str, Any]]
    :param schema: The batches' columns.
    :type schema: pyarrow.Schema
    :keyword int page_size: Documents per request (``max_item_count``).
    :returns: ``(batch, continuation)`` pairs; the last continuation is ``None`` (the range is drained); an
        empty result gives no pair at all.
    :rtype: Iterator[tuple[pyarrow.RecordBatch, Optional[str]]]
    """
    container = connection.container_client()
    pager = container.query_items(query, parameters=list(parameters) or None, feed_range=dict(slice_.feed_range),
                                  max_item_count=page_size).by_page(slice_.continuation)
    for page in pager:
        rows = list(page)
        yield rows_to_batch(rows, schema), pager.continuation_token
