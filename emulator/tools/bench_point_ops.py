"""Point reads and writes per second against a running emulator, with azure-cosmos 4.x as the client.

Not a test: it prints figures so SDK benchmarks can tell whether the server is the bottleneck.

    .venv-ref/bin/python emulator/tools/bench_point_ops.py http://127.0.0.1:8081/ [--ops 1000]
"""
from __future__ import annotations

import argparse
import os
import time
import uuid

from azure.cosmos import CosmosClient, PartitionKey

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


def measure(label: str, count: int, operation) -> None:
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    latencies = []
    for index in range(count):
        started = time.perf_counter()
        operation(index)
        latencies.append(time.perf_counter() - started)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    latencies.sort()
    print(f"{label:8s} {count / wall:8.0f} ops/s  p50 {latencies[len(latencies) // 2] * 1000:6.2f} ms  "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:6.2f} ms  client CPU {cpu / count * 1000:5.2f} ms/op")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--ops", type=int, default=1000)
    arguments = parser.parse_args()
    client = CosmosClient(arguments.endpoint, WELL_KNOWN_KEY, connection_verify=False)
    database = client.create_database("bench-" + uuid.uuid4().hex[:6])
    container = database.create_container("c", PartitionKey("/pk"))
    payload = "x" * 150
    try:
        measure("create", arguments.ops, lambda i: container.create_item({"id": str(i), "pk": str(i % 50), "p": payload}))
        measure("read", arguments.ops, lambda i: container.read_item(str(i), partition_key=str(i % 50)))
        measure("upsert", arguments.ops, lambda i: container.upsert_item({"id": str(i), "pk": str(i % 50), "v": i}))
    finally:
        client.delete_database(database)
    print(f"(pid {os.getpid()}, {arguments.ops} sequential ops each, one client)")


if __name__ == "__main__":
    main()
