"""How filtered queries scale with the number of documents (a measurement, not a test).

Run from ``emulator/``::

    ../.venv/bin/python tests/query/benchmark_filtered_query.py 1000 100000

For each size it starts an in-process emulator with 4 partitions, loads the documents through the
emulator's item store (in-process, to keep loading fast), then times queries over HTTP as a client sends
them: a point query by id and partition key, a partition-key filter, an id filter across partitions, and a
filter on an unindexed property. It prints the median latency of several runs and the documents scanned
(from the query metrics header).
"""
from __future__ import annotations

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))          # emulator/tests, for cosmos_http
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # emulator/, for cosmos_emulator

from cosmos_emulator import EmulatorServer  # noqa: E402
from cosmos_emulator.resources.items import ItemStore  # noqa: E402
from cosmos_http import CosmosHttp  # noqa: E402

QUERIES = [
    ("id + partition key header", "SELECT * FROM c WHERE c.id = @id", {"x-ms-documentdb-partitionkey": None}),
    ("partition key filter", "SELECT * FROM c WHERE c.pk = @pk AND c.n > 0",
     {"x-ms-documentdb-query-enablecrosspartition": "true"}),
    ("id filter, all partitions", "SELECT * FROM c WHERE c.id = @id",
     {"x-ms-documentdb-query-enablecrosspartition": "true"}),
    ("unindexed filter, all partitions", "SELECT * FROM c WHERE c.n = 77",
     {"x-ms-documentdb-query-enablecrosspartition": "true"}),
]


def measure(count: int, repeats: int = 7) -> None:
    with EmulatorServer(port=0, partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        assert http.create_database("bench").status == 201
        assert http.create_container("bench", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        database = server.account.find_database("bench")
        store = ItemStore(server.account, server.account.find_collection(database, "c"))
        started = time.perf_counter()
        for i in range(count):
            store.create(None, {"id": f"doc{i}", "pk": f"pk{i % 500}", "n": i % 1000, "text": "x" * 40})
        print(f"\n{count} documents loaded in {time.perf_counter() - started:.1f} s")
        target = count // 2
        parameters = [{"name": "@id", "value": f"doc{target}"}, {"name": "@pk", "value": f"pk{target % 500}"}]
        for label, sql, headers in QUERIES:
            headers = {name: (f'["pk{target % 500}"]' if value is None else value) for name, value in headers.items()}
            headers["x-ms-documentdb-populatequerymetrics"] = "true"
            timings, reply = [], None
            for _ in range(repeats):
                started = time.perf_counter()
                reply = http.query("/dbs/bench/colls/c/docs", sql, parameters, headers=headers)
                timings.append(time.perf_counter() - started)
                assert reply.status == 200, reply
            metrics = dict(part.split("=") for part in reply.headers.get("x-ms-documentdb-query-metrics", "").split(";")
                           if "=" in part)
            print(f"  {label:34s} median {statistics.median(timings) * 1000:8.2f} ms   "
                  f"items {len(reply.json['Documents']):4d}   scanned {metrics.get('retrievedDocumentCount', '?')}")
        http.close()


if __name__ == "__main__":
    for size in [int(argument) for argument in sys.argv[1:]] or [1000, 100000]:
        measure(size)
