# The MIT License (MIT)
"""Feed-range readers and writers for distributed engines: Spark, Ray and Dask.

One task per feed range (optionally sub-split by effective partition key), Arrow record batches
handed to the engine, a continuation per batch so that a failed range is re-read from where it
stood. The engines' adapters are :mod:`azure.cosmos.distributed.spark`, :mod:`.ray` and
:mod:`.dask`, each behind its extra (``pip install azure-cosmos[spark]``, ``[ray]``, ``[dask]``).
"""
from __future__ import annotations

try:
    import pyarrow  # noqa: F401  (the one dependency every engine adapter shares)
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError("azure.cosmos.distributed needs pyarrow: pip install 'azure-cosmos[spark]' "
                      "(or [ray], [dask])") from error

from ._feed_range_reader import (
    SYSTEM_PROPERTIES, CosmosConnection, FeedRangeSlice, build_query, infer_schema, plan_slices, read_slice,
    split_feed_range,
)
from ._feed_range_writer import CosmosWriteError, write_batches

__all__ = (
    "CosmosConnection", "CosmosWriteError", "FeedRangeSlice", "SYSTEM_PROPERTIES", "build_query", "infer_schema",
    "plan_slices", "read_slice", "split_feed_range", "write_batches",
)
