"""The PySpark data source against the emulator: a real Spark (``local[2,2]``: 2 cores, a failed task is tried
once more) writes 10,000 documents over 4 physical partitions, reads them back, pushes filters and the schema's
projection into the query, and resumes a range from its continuation.

No aio twin: Spark drives the reads and writes from its own Python workers, synchronously; there is
no asyncio API to test."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys

import pytest

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install azure-cosmos[spark])")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs a Java runtime (17 or newer): no java on PATH and no JAVA_HOME", allow_module_level=True)

from azure.cosmos.distributed import CosmosConnection  # noqa: E402

from ..conftest import make_unique_id  # noqa: E402
from ._documents import (  # noqa: E402
    DOCUMENT_COUNT, documents, documents_table, emulator_container, first_page_of_a_range, normalized,
    stored_documents, Stopwatch,
)

# Starting the engine and writing 10,000 documents happen in the first test's fixtures: more than the default 120 s
# on a busy 2-core machine.
pytestmark = [pytest.mark.distributed, pytest.mark.timeout(600)]

USER_SCHEMA = "id STRING, pk STRING, n LONG, score DOUBLE, tag STRING, nested STRUCT<a: LONG, b: STRING>"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter, with azure-cosmos installed; Spark would take python3 from PATH.
    previous = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2,2]").appName("azure-cosmos-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.python.filterPushdown.enabled", "true").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    from azure.cosmos.distributed.spark import register
    register(session)
    yield session
    session.stop()
    if previous is None:
        del os.environ["PYSPARK_PYTHON"]
    else:
        os.environ["PYSPARK_PYTHON"] = previous


@pytest.fixture(scope="module")
def connection(emulator_server, spark):
    with emulator_container(emulator_server, make_unique_id("db-spark")) as connection:
        yield connection


def _options(reader, connection: CosmosConnection):
    return (reader.format("cosmos").option("endpoint", connection.endpoint).option("key", connection.credential)
            .option("database", connection.database).option("container", connection.container))


def _rows(frame) -> dict:
    return normalized(row.asDict(recursive=True) for row in frame.collect())


@pytest.fixture(scope="module")
def written(spark, connection):
    frame = spark.createDataFrame(documents_table()).repartition(4)
    with Stopwatch("spark write", DOCUMENT_COUNT):
        _options(frame.write, connection).mode("append").save()
    return connection


def test_write_stores_every_document(written):
    assert stored_documents(written) == normalized(documents())


def test_read_with_an_inferred_schema(spark, written):
    frame = _options(spark.read, written).load()
    assert frame.schema.simpleString() == (
        "struct<id:string,pk:string,n:bigint,score:double,tag:string,nested:struct<a:bigint,b:string>>")
    assert frame.rdd.getNumPartitions() == 4  # one per feed range
    with Stopwatch("spark read", DOCUMENT_COUNT):
        rows = _rows(frame)
    assert rows == normalized(documents())


def test_filters_and_the_schema_projection_reach_the_query(spark, written):
    frame = (_options(spark.read, written).schema("id STRING, n LONG, tag STRING").load()
             .filter("n >= 9000 AND tag = 'odd' AND id LIKE 'doc-09%'"))
    plan = frame._jdf.queryExecution().executedPlan().toString()
    assert not re.search(r"\bFilter\b", plan), plan  # every predicate was pushed: Spark evaluates none itself
    expected = {d["id"]: {"id": d["id"], "n": d["n"], "tag": d["tag"]} for d in documents()
                if d["n"] >= 9000 and d["tag"] == "odd" and d["id"].startswith("doc-09")}
    assert _rows(frame) == expected and len(expected) == 500


def test_a_filter_spark_keeps_and_a_quoted_value(spark, written):
    frame = _options(spark.read, written).schema(USER_SCHEMA).load()
    modulo = frame.filter("n % 1000 = 7")  # not expressible as a pushed filter: Spark evaluates it
    assert re.search(r"\bFilter\b", modulo._jdf.queryExecution().executedPlan().toString())
    assert sorted(_rows(modulo)) == [f"doc-{n:05d}" for n in range(7, DOCUMENT_COUNT, 1000)]
    # A value is a query parameter, never SQL text.
    assert frame.filter(frame.pk == "pk-001\" OR true OR \"").count() == 0
    assert frame.filter(frame.pk.isin("pk-001", "pk-002")).count() == 2 * DOCUMENT_COUNT // 500


def test_sub_split_ranges_read_everything_once(spark, written):
    frame = _options(spark.read, written).schema(USER_SCHEMA).option("splitsPerRange", "3").load()
    assert frame.rdd.getNumPartitions() == 12
    ids = [row.id for row in frame.select("id").collect()]
    assert sorted(ids) == sorted(d["id"] for d in documents())


def test_a_range_resumed_from_its_continuation_reads_only_its_remaining_rows(spark, written):
    slice_, continuation, remaining = first_page_of_a_range(written, 2, page_size=300)
    frame = (_options(spark.read, written).schema(USER_SCHEMA).option("ranges", json.dumps([slice_.key]))
             .option("continuations", json.dumps({slice_.key: continuation})).load())
    rows = _rows(frame)
    assert set(rows) == remaining and frame.count() == len(remaining)
    assert rows == {i: d for i, d in normalized(documents()).items() if i in remaining}


def test_a_failed_task_is_retried_on_its_own_range(spark, written, emulator_server):
    frame = _options(spark.read, written).schema(USER_SCHEMA).load()
    # The first query request of the job fails (a 500 the SDK does not retry): that one task fails, Spark
    # runs it again, and the result holds every document exactly once.
    with emulator_server.fault(operation="query", path=written.database, status=500, count=1) as hits:
        ids = [row.id for row in frame.select("id").collect()]
        assert hits() == 1
    assert sorted(ids) == sorted(d["id"] for d in documents())


def test_without_filter_push_down_spark_filters_itself(spark, written):
    from azure.cosmos.distributed.spark import register

    spark.conf.set("spark.sql.python.filterPushdown.enabled", "false")
    try:
        register(spark)  # a reader without pushFilters, which Spark refuses to plan while push-down is off
        frame = _options(spark.read, written).schema("id STRING, n LONG").load().filter("n >= 9990")
        assert re.search(r"\bFilter\b", frame._jdf.queryExecution().executedPlan().toString())
        assert sorted(_rows(frame)) == [f"doc-{n:05d}" for n in range(9990, DOCUMENT_COUNT)]
    finally:
        spark.conf.set("spark.sql.python.filterPushdown.enabled", "true")
        register(spark)
