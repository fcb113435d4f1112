"""The Dask reader and writer against the emulator: a real ``LocalCluster`` (2 worker processes) writes
10,000 documents over 4 physical partitions, reads them back (``from_map``, one partition per feed range),
pushes filters and column selections into the query, and resumes a range from its continuation.

No aio twin: Dask runs the reads and writes in its own worker processes, synchronously; there is no
asyncio API to test."""
from __future__ import annotations

import pytest

dask = pytest.importorskip("dask", reason="the dask extra is not installed (pip install azure-cosmos[dask])")
pytest.importorskip("distributed", reason="the dask extra is not installed (pip install azure-cosmos[dask])")

import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from dask.dataframe.dask_expr.io import FromMapProjectable  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from azure.cosmos.distributed import CosmosWriteError  # noqa: E402
from azure.cosmos.distributed.dask import read_cosmos, to_cosmos  # noqa: E402

from ..conftest import make_unique_id  # noqa: E402
from ._documents import (  # noqa: E402
    DOCUMENT_COUNT, SCHEMA, documents, documents_table, emulator_container, first_page_of_a_range, normalized,
    stored_documents, Stopwatch,
)

# Starting the cluster and writing 10,000 documents happen in the first test's fixtures: more than the
# default 120 s on a busy 2-core machine.
pytestmark = [pytest.mark.distributed, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def connection(emulator_server, client):
    with emulator_container(emulator_server, make_unique_id("db-dask")) as connection:
        yield connection


def _rows(frame: pd.DataFrame) -> dict:
    return normalized(pa.Table.from_pandas(frame, preserve_index=False).to_pylist())


@pytest.fixture(scope="module")
def written(connection):
    frame = dd.from_pandas(documents_table().to_pandas(types_mapper=pd.ArrowDtype), npartitions=4)
    with Stopwatch("dask write", DOCUMENT_COUNT):
        assert to_cosmos(frame, connection) == DOCUMENT_COUNT
    return connection


def test_write_stores_every_document(written):
    assert stored_documents(written) == normalized(documents())


def test_read_with_an_inferred_schema(written):
    frame = read_cosmos(written)
    assert frame.npartitions == 4  # one per feed range
    assert pa.Schema.from_pandas(frame._meta, preserve_index=False).remove_metadata() == SCHEMA
    with Stopwatch("dask read", DOCUMENT_COUNT):
        rows = _rows(frame.compute())
    assert rows == normalized(documents())
    assert len(frame) == DOCUMENT_COUNT


def test_filters_and_a_column_selection_reach_the_query(written):
    frame = read_cosmos(written, filters=[("n", ">=", 9000), ("tag", "==", "odd"), ("pk", "in", ["pk-001", "pk-003"])])
    selected = frame[["id", "n"]]
    reads = [e for e in selected.optimize(fuse=False).expr.walk() if isinstance(e, FromMapProjectable)]
    assert [e.operand("columns") for e in reads] == [["id", "n"]]  # the projection reaches the reader
    expected = {d["id"]: {"id": d["id"], "n": d["n"]} for d in documents()
                if d["n"] >= 9000 and d["tag"] == "odd" and d["pk"] in ("pk-001", "pk-003")}
    assert _rows(selected.compute()) == expected and len(expected) == 4
    # A value is a query parameter, never SQL text.
    assert len(read_cosmos(written, schema=SCHEMA, filters=[("pk", "==", "pk-001\" OR true OR \"")]).compute()) == 0


def test_sub_split_ranges_read_everything_once(written):
    frame = read_cosmos(written, schema=SCHEMA, splits_per_range=3)
    assert frame.npartitions == 12
    assert sorted(frame["id"].compute()) == sorted(d["id"] for d in documents())


def test_a_range_resumed_from_its_continuation_reads_only_its_remaining_rows(written):
    slice_, continuation, remaining = first_page_of_a_range(written, 1, page_size=300)
    frame = read_cosmos(written, schema=SCHEMA, ranges=[slice_.key], continuations={slice_.key: continuation})
    rows = _rows(frame.compute())
    assert set(rows) == remaining
    assert rows == {i: d for i, d in normalized(documents()).items() if i in remaining}


def test_a_failed_task_is_retried_on_its_own_range(written, emulator_server, client):
    frame = read_cosmos(written, schema=SCHEMA)
    # The first query request fails (a 500 the SDK does not retry): that one partition's task fails, Dask
    # runs it again, and the result holds every document exactly once.
    with emulator_server.fault(operation="query", path=written.database, status=500, count=1) as hits:
        ids = client.compute(frame["id"], retries=1).result()
        assert hits() == 1
    assert sorted(ids) == sorted(d["id"] for d in documents())


def test_writes_that_fail_are_reported_with_their_status(written):
    existing = dd.from_pandas(documents_table().slice(0, 10).to_pandas(types_mapper=pd.ArrowDtype), npartitions=1)
    with pytest.raises(CosmosWriteError) as raised:
        to_cosmos(existing, written, operation="create")
    assert (raised.value.written, raised.value.failed) == (0, 10)
    assert sorted(failure[:2] for failure in raised.value.failures) == [(f"doc-{n:05d}", 409) for n in range(10)]
