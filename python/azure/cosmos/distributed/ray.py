# The MIT License (MIT)
"""A Ray Data datasource and datasink for a container.

::

    connection = CosmosConnection(url, key, "db", "items")
    ds = ray.data.read_datasource(CosmosDatasource(connection))
    ds.write_datasink(CosmosDatasink(connection))

One read task per feed range (or ``splits_per_range`` per range), each yielding Arrow tables page
by page. Ray's optimizer pushes ``select_columns`` into the query's projection and ``filter(expr=...)``
into its WHERE clause when every conjunct translates exactly (comparisons with literals, ``is_in``,
``is_null``, ``is_not_null``, ``~``); otherwise Ray keeps the filter and applies it itself.
"""
from __future__ import annotations

import copy
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Sequence

import pyarrow as pa
from ray.data.block import BlockAccessor, BlockMetadata
from ray.data.datasource import Datasink, Datasource, ReadTask
from ray.data.expressions import BinaryExpr, ColumnExpr, Expr, LiteralExpr, Operation, UnaryExpr

from ._feed_range_reader import (
    CosmosConnection, FeedRangeSlice, build_query, infer_schema, is_pushable, plan_slices, read_slice,
)
from ._feed_range_writer import write_batches

__all__ = ("CosmosDatasink", "CosmosDatasource")

_COMPARISONS = {Operation.EQ: "=", Operation.NE: "!=", Operation.GT: ">", Operation.GE: ">=",
                Operation.LT: "<", Operation.LE: "<="}
_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "!=": "!="}


class CosmosDatasource(Datasource):
    """Read a container with Ray Data, one task per feed range.

    :param connection: The container.
    :type connection: ~azure.cosmos.distributed.CosmosConnection
    :keyword schema: The columns (default: inferred from a sample of ``sample_size`` documents).
    :paramtype schema: pyarrow.Schema
    :keyword str query: Your own SQL instead of the one built from projection and filters (nothing pushed down).
    :keyword list parameters: The parameters of ``query``.
    :keyword int splits_per_range: Read tasks per feed range (sub-split by effective partition key).
    :keyword continuations: ``{slice key: continuation}`` to resume ranges of an earlier read.
    :paramtype continuations: Mapping[str, str]
    :keyword ranges: Only these slices (by key), e.g. the ones a failed job did not finish.
    :paramtype ranges: Sequence[str]
    :keyword int page_size: Documents per request.
    :keyword int sample_size: Documents sampled to infer the schema.
    :keyword bool include_system_properties: Keep ``_rid``, ``_ts``, ... in an inferred schema.
    """

    def __init__(self, connection: CosmosConnection, *, schema: Optional[pa.Schema] = None,
                 query: Optional[str] = None, parameters: Sequence[Any] = (), splits_per_range: int = 1,
                 continuations: Optional[Mapping[str, str]] = None,
                 ranges: Optional[Sequence[str]] = None, page_size: int = 1000,
                 sample_size: int = 1000, include_system_properties: bool = False) -> None:
        super().__init__()
        self._connection = connection
        self._custom_query = query
        self._parameters = list(parameters)
        self._schema = schema if schema is not None else infer_schema(
            connection, query or "SELECT * FROM c", self._parameters, sample_size=sample_size,
            include_system_properties=include_system_properties)
        self._splits_per_range = splits_per_range
        self._continuations = dict(continuations or {})
        self._ranges = None if ranges is None else list(ranges)
        self._page_size = page_size
        self._projection_map = None
        self._filters: tuple = ()

    def get_name(self) -> str:
        return "Cosmos"

    def estimate_inmemory_data_size(self) -> Optional[int]:
        return None

    def supports_projection_pushdown(self) -> bool:
        return self._custom_query is None

    def supports_predicate_pushdown(self) -> bool:
        return self._custom_query is None

    def apply_predicate(self, predicate_expr: Expr) -> "CosmosDatasource":
        conjuncts = _conjuncts(predicate_expr)
        translated = [_translate(expr) for expr in conjuncts]
        if any(f is None or not is_pushable(f) for f in translated):
            return self  # Ray keeps the Filter above the read and evaluates it itself
        clone = copy.copy(self)
        clone._filters = self._filters + tuple(translated)
        return clone

    def _read_schema(self) -> pa.Schema:
        columns = self._get_data_columns()
        if columns is None:
            return self._schema
        if not columns and self._schema.names:
            # Ray projects no column to count rows, and loses the rows of a table without columns when it
            # splits blocks (measured: count() gave 0): read one column for it to count.
            columns = ["id"] if "id" in self._schema.names else self._schema.names[:1]
        return pa.schema([self._schema.field(name) for name in self._schema.names if name in columns])

    def get_read_tasks(self, parallelism: int, per_task_row_limit: Optional[int] = None,
                       data_context: Any = None) -> List[ReadTask]:
        schema = self._read_schema()
        if self._custom_query is not None:
            query, parameters = self._custom_query, self._parameters
        else:
            query, parameters = build_query(schema.names, self._filters)
        slices = plan_slices(self._connection, splits_per_range=self._splits_per_range,
                             continuations=self._continuations, ranges=self._ranges)
        connection, page_size = self._connection, self._page_size

        def read_fn(slice_: FeedRangeSlice) -> Iterator[pa.Table]:
            for batch, _continuation in read_slice(connection, slice_, query, parameters, schema,
                                                   page_size=page_size):
                if batch.num_rows:
                    yield pa.Table.from_batches([batch])

        metadata = BlockMetadata(num_rows=None, size_bytes=None, input_files=None, exec_stats=None)
        return [ReadTask(lambda s=slice_: read_fn(s), metadata, schema=schema, per_task_row_limit=per_task_row_limit)
                for slice_ in slices]


def _conjuncts(expr: Expr) -> list:
    if isinstance(expr, BinaryExpr) and expr.op == Operation.AND:
        return _conjuncts(expr.left) + _conjuncts(expr.right)
    return [expr]


def _translate(expr: Expr) -> Optional[tuple]:
    if isinstance(expr, UnaryExpr):
        if expr.op == Operation.NOT:
            inner = _translate(expr.operand)
            return None if inner is None else ((), "not", inner)
        if isinstance(expr.operand, ColumnExpr) and expr.op in (Operation.IS_NULL, Operation.IS_NOT_NULL):
            return ((expr.operand.name,), "is_null" if expr.op == Operation.IS_NULL else "is_not_null", None)
        return None
    if not isinstance(expr, BinaryExpr):
        return None
    if expr.op in (Operation.IN, Operation.NOT_IN) and isinstance(expr.left, ColumnExpr) \
            and isinstance(expr.right, LiteralExpr):
        member = ((expr.left.name,), "in", list(expr.right.value))
        return member if expr.op == Operation.IN else ((), "not", member)
    operator = _COMPARISONS.get(expr.op)
    if operator is None:
        return None
    if isinstance(expr.left, ColumnExpr) and isinstance(expr.right, LiteralExpr):
        return ((expr.left.name,), operator, _plain(expr.right.value))
    if isinstance(expr.right, ColumnExpr) and isinstance(expr.left, LiteralExpr):
        return ((expr.right.name,), _MIRRORED[operator], _plain(expr.left.value))
    return None


def _plain(value: Any) -> Any:
    # numpy scalars from Ray's expressions become the Python values the SDK serialises.
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


class CosmosDatasink(Datasink):
    """Write a Ray dataset into a container; each write task uses the SDK's bulk API (upserts by default).

    :param connection: The container.
    :type connection: ~azure.cosmos.distributed.CosmosConnection
    :keyword str operation: ``"upsert"`` or ``"create"``.
    """

    def __init__(self, connection: CosmosConnection, *, operation: str = "upsert") -> None:
        self._connection = connection
        self._operation = operation
        self.written: Optional[int] = None

    def get_name(self) -> str:
        return "Cosmos"

    def write(self, blocks: Iterable[Any], ctx: Any) -> int:
        batches = (batch for block in blocks for batch in BlockAccessor.for_block(block).to_arrow().to_batches())
        return write_batches(self._connection, batches, operation=self._operation)

    def on_write_complete(self, write_result: Any) -> None:
        self.written = sum(write_result.write_returns)
