# The MIT License (MIT)
"""A Dask DataFrame reader (``dd.from_map``, one partition per feed range) and writer for a container.

::

    connection = CosmosConnection(url, key, "db", "items")
    df = read_cosmos(connection, filters=[("n", ">=", 100)])
    written = to_cosmos(df, connection)

Partitions are pandas DataFrames over the Arrow arrays of the pages (``pd.ArrowDtype`` columns, no
per-row Python objects). Column selections (``df[["id", "n"]]``) reach the query's projection through
``from_map``'s column projection; predicates are given as ``filters``, in read_parquet's form
(``[(column, op, value), ...]``, ANDed; ops ``== != > >= < <= in not in``, ``is_null``/``is_not_null``).
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from ._feed_range_reader import (
    CosmosConnection, FeedRangeSlice, build_query, infer_schema, is_pushable, plan_slices, read_slice,
)
from ._feed_range_writer import write_batches

__all__ = ("read_cosmos", "to_cosmos")

_OPERATORS = {"==": "=", "=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=", "in": "in",
              "is_null": "is_null", "is_not_null": "is_not_null"}


def _filter(column: str, op: str, value: Any) -> tuple:
    path = tuple(column.split(".")) if isinstance(column, str) else tuple(column)
    if op == "not in":
        return ((), "not", (path, "in", list(value)))
    if op not in _OPERATORS:
        raise ValueError(f"unknown filter operator {op!r}; known: {sorted(_OPERATORS) + ['not in']}")
    translated = (path, _OPERATORS[op], list(value) if op == "in" else value)
    if not is_pushable(translated):
        raise ValueError(f"the filter {(column, op, value)!r} has a value that is not a JSON scalar")
    return translated


class _SliceReader:
    """What ``from_map`` calls per partition; its ``columns`` keyword lets Dask push a projection in."""

    def __init__(self, connection: CosmosConnection, schema: pa.Schema, custom_query: Optional[str],
                 parameters: Sequence[Any], filters: Sequence[tuple], page_size: int) -> None:
        self.connection, self.schema, self.custom_query = connection, schema, custom_query
        self.parameters, self.filters, self.page_size = list(parameters), list(filters), page_size

    def __call__(self, slice_: FeedRangeSlice, columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
        schema = self.schema if columns is None else pa.schema([self.schema.field(name) for name in columns])
        if self.custom_query is not None:
            query, parameters = self.custom_query, self.parameters
        else:
            query, parameters = build_query(schema.names, self.filters)
        batches = [batch for batch, _continuation in read_slice(self.connection, slice_, query, parameters, schema,
                                                                page_size=self.page_size)]
        return pa.Table.from_batches(batches, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)


def read_cosmos(connection: CosmosConnection, *, schema: Optional[pa.Schema] = None,
                filters: Sequence[tuple] = (), query: Optional[str] = None, parameters: Sequence[Any] = (),
                splits_per_range: int = 1, continuations: Optional[Mapping[str, str]] = None,
                ranges: Optional[Sequence[str]] = None, page_size: int = 1000, sample_size: int = 1000,
                include_system_properties: bool = False) -> dd.DataFrame:
    """A Dask DataFrame of a container, one partition per feed range.

    :param connection: The container.
    :type connection: ~azure.cosmos.distributed.CosmosConnection
    :keyword schema: The columns (default: inferred from a sample of ``sample_size`` documents).
    :paramtype schema: pyarrow.Schema
    :keyword filters: ``[(column, op, value), ...]`` pushed into the query's WHERE clause (ANDed).
    :paramtype filters: Sequence[tuple]
    :keyword str query: Your own SQL instead of the one built from projection and filters.
    :keyword list parameters: The parameters of ``query``.
    :keyword int splits_per_range: Partitions per feed range (sub-split by effective partition key).
    :keyword continuations: ``{slice key: continuation}`` to resume ranges of an earlier read.
    :paramtype continuations: Mapping[str, str]
    :keyword ranges: Only these slices (by key), e.g. the ones a failed job did not finish.
    :paramtype ranges: Sequence[str]
    :keyword int page_size: Documents per request.
    :keyword int sample_size: Documents sampled to infer the schema.
    :keyword bool include_system_properties: Keep ``_rid``, ``_ts``, ... in an inferred schema.
    :returns: The DataFrame (lazy).
    :rtype: dask.dataframe.DataFrame
    :raises ValueError: ``filters`` together with ``query``, or a filter that cannot be pushed down.
    """
    if query is not None and filters:
        raise ValueError("filters are pushed into the query built by the reader: put them into your query instead")
    translated = [_filter(*f) for f in filters]
    if schema is None:
        schema = infer_schema(connection, query or "SELECT * FROM c", parameters, sample_size=sample_size,
                              include_system_properties=include_system_properties)
    slices = plan_slices(connection, splits_per_range=splits_per_range, continuations=continuations, ranges=ranges)
    reader = _SliceReader(connection, schema, query, parameters, translated, page_size)
    meta = schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return dd.from_map(reader, slices, meta=meta, enforce_metadata=False, label="read-cosmos")


def _write_partition(frame: pd.DataFrame, connection: CosmosConnection, operation: str) -> pd.Series:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return pd.Series([write_batches(connection, table.to_batches(), operation=operation)], dtype="int64")


def to_cosmos(frame: dd.DataFrame, connection: CosmosConnection, *, operation: str = "upsert") -> int:
    """Write a Dask DataFrame into a container, each partition with the SDK's bulk API (upserts by default).

    :param frame: Rows with ``id`` and the partition-key column.
    :type frame: dask.dataframe.DataFrame
    :param connection: The container.
    :type connection: ~azure.cosmos.distributed.CosmosConnection
    :keyword str operation: ``"upsert"`` or ``"create"``.
    :returns: How many rows were written.
    :rtype: int
    """
    counts = frame.map_partitions(_write_partition, connection, operation, meta=pd.Series([], dtype="int64"))
    return int(counts.sum().compute())
