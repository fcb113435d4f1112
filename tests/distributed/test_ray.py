"""The Ray Data datasource and datasink against the emulator: a real local Ray (2 CPUs) writes 10,000
documents over 4 physical partitions, reads them back (one read task per feed range), lets Ray's optimizer
push ``filter(expr=...)`` and ``select_columns`` into the query, and resumes a range from its continuation.

No aio twin: Ray runs the reads and writes in its own worker processes, synchronously; there is no
asyncio API to test."""
from __future__ import annotations

import contextlib
import io

import pytest

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install azure-cosmos[ray])")

import pyarrow as pa  # noqa: E402
import ray.data  # noqa: E402
from ray.data.expressions import col  # noqa: E402

from azure.cosmos.distributed.ray import CosmosDatasink, CosmosDatasource  # noqa: E402

from ..conftest import make_unique_id  # noqa: E402
from ._documents import (  # noqa: E402
    DOCUMENT_COUNT, SCHEMA, documents, documents_table, emulator_container, first_page_of_a_range, normalized,
    stored_documents, Stopwatch,
)

# Starting Ray and writing 10,000 documents happen in the first test's fixtures: more than the default
# 120 s on a busy 2-core machine.
pytestmark = [pytest.mark.distributed, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def connection(emulator_server, local_ray):
    with emulator_container(emulator_server, make_unique_id("db-ray")) as connection:
        yield connection


def _rows(dataset) -> dict:
    return normalized(pa.concat_tables(ray.get(dataset.to_arrow_refs())).to_pylist())


def _optimized_plan(dataset) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        dataset.explain()
    return printed.getvalue().split("Logical Plan (Optimized)")[1].split("Physical Plan")[0]


@pytest.fixture(scope="module")
def written(connection):
    dataset = ray.data.from_arrow(documents_table()).repartition(4)
    sink = CosmosDatasink(connection)
    with Stopwatch("ray write", DOCUMENT_COUNT):
        dataset.write_datasink(sink)
    assert sink.written == DOCUMENT_COUNT
    return connection


def test_write_stores_every_document(written):
    assert stored_documents(written) == normalized(documents())


def test_read_with_an_inferred_schema(written):
    source = CosmosDatasource(written)
    assert source._schema == SCHEMA
    dataset = ray.data.read_datasource(source)
    with Stopwatch("ray read", DOCUMENT_COUNT):
        rows = _rows(dataset)
    assert rows == normalized(documents())
    assert len(source.get_read_tasks(2)) == 4  # one per feed range, whatever parallelism Ray asks for
    # A fresh dataset (the one above has its blocks already): Ray projects no column at all to count.
    assert ray.data.read_datasource(source).count() == DOCUMENT_COUNT


def test_filters_and_a_column_selection_reach_the_query(written):
    dataset = (ray.data.read_datasource(CosmosDatasource(written, schema=SCHEMA))
               .filter(expr=(col("n") >= 9000) & (col("tag") == "odd") & col("pk").is_in(["pk-001", "pk-003"]))
               .select_columns(["id", "n"]))
    plan = _optimized_plan(dataset)
    assert "Filter" not in plan and "Project" not in plan, plan  # both pushed into the read
    expected = {d["id"]: {"id": d["id"], "n": d["n"]} for d in documents()
                if d["n"] >= 9000 and d["tag"] == "odd" and d["pk"] in ("pk-001", "pk-003")}
    assert _rows(dataset) == expected and len(expected) == 4


def test_a_filter_ray_keeps_and_a_quoted_value(written):
    source = CosmosDatasource(written, schema=SCHEMA)
    modulo = ray.data.read_datasource(source).filter(expr=(col("n") % 1000) == 7)
    assert "Filter" in _optimized_plan(modulo)  # not expressible in the query: Ray evaluates it
    assert sorted(_rows(modulo)) == [f"doc-{n:05d}" for n in range(7, DOCUMENT_COUNT, 1000)]
    # A value is a query parameter, never SQL text.
    assert ray.data.read_datasource(source).filter(expr=col("pk") == "pk-001\" OR true OR \"").count() == 0
    assert ray.data.read_datasource(source).filter(expr=col("pk") == "pk-001").count() == DOCUMENT_COUNT // 500


def test_sub_split_ranges_read_everything_once(written):
    source = CosmosDatasource(written, schema=SCHEMA, splits_per_range=3)
    assert len(source.get_read_tasks(2)) == 12
    assert sorted(_rows(ray.data.read_datasource(source).select_columns(["id"]))) == sorted(
        d["id"] for d in documents())


def test_a_range_resumed_from_its_continuation_reads_only_its_remaining_rows(written):
    slice_, continuation, remaining = first_page_of_a_range(written, 3, page_size=300)
    source = CosmosDatasource(written, schema=SCHEMA, ranges=[slice_.key], continuations={slice_.key: continuation})
    rows = _rows(ray.data.read_datasource(source))
    assert set(rows) == remaining
    assert rows == {i: d for i, d in normalized(documents()).items() if i in remaining}


def test_a_failed_task_is_retried_on_its_own_range(written, emulator_server):
    dataset = ray.data.read_datasource(CosmosDatasource(written, schema=SCHEMA),
                                       ray_remote_args={"max_retries": 1, "retry_exceptions": True})
    # The first query request fails (a 500 the SDK does not retry): that one read task fails, Ray runs it
    # again, and the result holds every document exactly once.
    with emulator_server.fault(operation="query", path=written.database, status=500, count=1) as hits:
        ids = list(_rows(dataset.select_columns(["id"])))
        assert hits() == 1
    assert sorted(ids) == sorted(d["id"] for d in documents())
