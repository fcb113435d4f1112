# The MIT License (MIT)
"""A PySpark Python data source: ``spark.read.format("cosmos")`` and ``df.write.format("cosmos")``.

Register it once per session with :func:`register`, then::

    df = (spark.read.format("cosmos").option("endpoint", url).option("key", key)
          .option("database", "db").option("container", "items").load())

Options (names as Spark passes them, case-insensitive):

- ``endpoint``, ``key``, ``database``, ``container`` (required); ``clientOptions``: a JSON object of
  further ``CosmosClient`` keywords (e.g. ``{"connection_verify": false}``).
- ``query``: your own SQL instead of the one built from the schema and filters (nothing pushed down then).
- ``sampleSize`` (default 1000): documents sampled to infer the schema when none is given;
  ``includeSystemProperties`` (default false): keep ``_rid``, ``_ts``, ... in an inferred schema.
- ``splitsPerRange`` (default 1): Spark partitions per feed range (sub-split by effective partition key).
- ``continuations``: a JSON object ``{range key: continuation}`` to resume ranges of an earlier read
  (see :attr:`~azure.cosmos.distributed.FeedRangeSlice.key`); ``ranges``: a JSON list of range keys to
  read only those; ``pageSize`` (default 1000).
- writes: ``writeOperation`` ``upsert`` (default) or ``create``.

Push-down: the columns of the schema (inferred or given with ``.schema(...)``) are the query's
projection. Spark 4.3's Python data source API has no column-pruning hook, so a later
``.select()`` does not reach the query: give the schema to read fewer properties. Filters reach the
query when ``spark.sql.python.filterPushdown.enabled`` is true when :func:`register` runs (Spark refuses
a reader with filter push-down while it is false; the option ``filterPushdown`` overrides):
comparisons, IN, IS [NOT] NULL, LIKE prefix/suffix/contains, NOT of those, on values of JSON types;
the rest Spark evaluates itself.

The Python workers must have azure-cosmos installed (``PYSPARK_PYTHON`` names their interpreter).
"""
from __future__ import annotations

import json
from typing import Any, Iterator, List, Optional

import pyarrow as pa
from pyspark.sql.datasource import (
    DataSource, DataSourceArrowWriter, DataSourceReader, EqualTo, Filter as SparkFilter, GreaterThan,
    GreaterThanOrEqual, In, InputPartition, IsNotNull, IsNull, LessThan, LessThanOrEqual, Not, StringContains,
    StringEndsWith, StringStartsWith, WriterCommitMessage,
)
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType

from ._feed_range_reader import (
    CosmosConnection, FeedRangeSlice, build_query, infer_schema, is_pushable, plan_slices, read_slice,
)
from ._feed_range_writer import write_batches

__all__ = ("CosmosDataSource", "register")

_OPERATORS = {
    EqualTo: "=", GreaterThan: ">", GreaterThanOrEqual: ">=", LessThan: "<", LessThanOrEqual: "<=",
    In: "in", StringStartsWith: "startswith", StringEndsWith: "endswith", StringContains: "contains",
}


def register(spark: Any) -> None:
    """Make ``format("cosmos")`` known to a Spark session.

    Filters are pushed into the query if the session allows Python data sources to take them
    (``spark.sql.python.filterPushdown.enabled``) now.

    :param spark: The session.
    :type spark: pyspark.sql.SparkSession
    """
    enabled = str(spark.conf.get("spark.sql.python.filterPushdown.enabled", "false")).lower() == "true"
    spark.dataSource.register(CosmosDataSource if enabled else _CosmosDataSourceWithoutFilterPushdown)


def _flag(options: Any, name: str, default: bool) -> bool:
    value = options.get(name)
    return default if value is None else str(value).strip().lower() == "true"


class CosmosDataSource(DataSource):
    """The ``cosmos`` data source (see the module's docstring for its options)."""

    filter_pushdown = True

    @classmethod
    def name(cls) -> str:
        return "cosmos"

    def _connection(self) -> CosmosConnection:
        missing = [name for name in ("endpoint", "key", "database", "container") if not self.options.get(name)]
        if missing:
            raise ValueError(f"the cosmos data source needs the options {missing}")
        return CosmosConnection(self.options["endpoint"], self.options["key"], self.options["database"],
                                self.options["container"], json.loads(self.options.get("clientOptions") or "{}"))

    def schema(self) -> StructType:
        query = self.options.get("query") or "SELECT * FROM c"
        arrow = infer_schema(self._connection(), query, sample_size=int(self.options.get("sampleSize") or 1000),
                             include_system_properties=_flag(self.options, "includeSystemProperties", False))
        return from_arrow_schema(arrow)

    def reader(self, schema: StructType) -> DataSourceReader:
        if _flag(self.options, "filterPushdown", self.filter_pushdown):
            return CosmosFilteringReader(self._connection(), schema, self.options)
        return CosmosReader(self._connection(), schema, self.options)

    def writer(self, schema: StructType, overwrite: bool) -> DataSourceArrowWriter:
        # Items are replaced by id and partition key; overwrite does not empty the container first.
        return CosmosWriter(self._connection(), self.options.get("writeOperation") or "upsert")


class _SlicePartition(InputPartition):
    def __init__(self, slice_: FeedRangeSlice) -> None:
        super().__init__(slice_.key)
        self.slice = slice_


class CosmosReader(DataSourceReader):
    """One Spark partition per feed range (or sub-range); record batches straight from the pages."""

    def __init__(self, connection: CosmosConnection, schema: StructType, options: Any) -> None:
        self.connection = connection
        self.arrow_schema = to_arrow_schema(schema)
        self.custom_query = options.get("query")
        self.splits_per_range = int(options.get("splitsPerRange") or 1)
        self.continuations = json.loads(options.get("continuations") or "{}")
        self.ranges = json.loads(options.get("ranges") or "null")
        self.page_size = int(options.get("pageSize") or 1000)
        self.filters: list = []

    def partitions(self) -> List[InputPartition]:
        slices = plan_slices(self.connection, splits_per_range=self.splits_per_range,
                             continuations=self.continuations, ranges=self.ranges)
        return [_SlicePartition(s) for s in slices]

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        if self.custom_query:
            query, parameters = self.custom_query, []
        else:
            query, parameters = build_query(self.arrow_schema.names, self.filters)
        for batch, _continuation in read_slice(self.connection, partition.slice, query, parameters,
                                               self.arrow_schema, page_size=self.page_size):
            if batch.num_rows:
                yield batch


class CosmosFilteringReader(CosmosReader):
    """:class:`CosmosReader` that also takes Spark's filters into the query where they translate exactly."""

    def pushFilters(self, filters: List[SparkFilter]) -> Iterator[SparkFilter]:
        for spark_filter in filters:
            translated = None if self.custom_query else _translate(spark_filter)
            if translated is not None and is_pushable(translated):
                self.filters.append(translated)
            else:
                yield spark_filter


class _CosmosDataSourceWithoutFilterPushdown(CosmosDataSource):
    filter_pushdown = False


def _translate(spark_filter: SparkFilter) -> Optional[tuple]:
    if isinstance(spark_filter, Not):
        inner = _translate(spark_filter.child)
        return None if inner is None else ((), "not", inner)
    if isinstance(spark_filter, IsNull):
        return (spark_filter.attribute, "is_null", None)
    if isinstance(spark_filter, IsNotNull):
        return (spark_filter.attribute, "is_not_null", None)
    operator = _OPERATORS.get(type(spark_filter))
    if operator is None:
        return None
    value = spark_filter.value
    return (spark_filter.attribute, operator, list(value) if operator == "in" else value)


class _Written(WriterCommitMessage):
    def __init__(self, count: int) -> None:
        self.count = count


class CosmosWriter(DataSourceArrowWriter):
    """Each Spark task writes its record batches with the SDK's bulk API (upserts by default)."""

    def __init__(self, connection: CosmosConnection, operation: str) -> None:
        self.connection = connection
        self.operation = operation

    def write(self, iterator: Iterator[pa.RecordBatch]) -> WriterCommitMessage:
        return _Written(write_batches(self.connection, iterator, operation=self.operation))

    def commit(self, messages: List[Optional[WriterCommitMessage]]) -> None:
        """Nothing to commit: every task's items are written when its ``write`` returns."""
