"""Bulk upserts: azure-cosmos 5's ``execute_item_bulk`` against 4.17.1's fastest pattern for the same job
(async ``upsert_item`` with a bounded number in flight; 4.x has no bulk API), on one server, in one run.

    python benchmarks/bulk_upserts.py [--server emulator|canned] [--items 100000]
        [--ref-in-flight 16,64,256] [--max-concurrency default,4,32]
        [--endpoint URL --key KEY] [--fixture PATH] [--json out.json]

Each run is its own process (v5 from ``.venv``, 4.17.1 from ``.venv-ref``), one after the other; a comma
list of in-flight counts or concurrencies runs each. The figures are wall-clock operations per second and
the client process's CPU per operation (``time.process_time()``, all its threads).

- ``--server emulator`` (default): our emulator (started, or ``--endpoint``), each run into its own new
  container, every item counted back afterwards. The emulator is a Python server sharing the machine with
  the client: the ceiling is mostly the server's.
- ``--server canned``: the native canned server (``benchmarks/canned_server``, built and its fixture recorded
  when missing, as ``compare_performance.py`` does), whose cost per request is small, so the figures are the
  clients'. It echoes every upsert (and every operation of a bulk request) with recorded system
  properties and stores nothing: the runs use the fixture's container, the COUNT check is skipped and the
  successful results are counted instead; the server's CPU per request and per upsert are printed too.

This is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import uuid
from typing import Any, Callable, Dict, List, Optional

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))

import local_servers  # noqa: E402 - tools/ is not a package

import canned  # noqa: E402 - benchmarks/ is on the path as the script's directory
import record_canned  # noqa: E402

V5_PYTHON = os.path.join(REPO_ROOT, ".venv", "bin", "python")
REFERENCE_PYTHON = os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")

# One program for both packages; ``mode`` picks the pattern.
PROGRAM = textwrap.dedent("""
    import asyncio, json, sys, time
    import azure.cosmos
    from azure.cosmos import PartitionKey
    from azure.cosmos.aio import CosmosClient

    config = json.loads(sys.argv[1])
    N = config["items"]

    def item(n):
        return {"id": "i%d" % n, "pk": "pk-%d" % (n % 97), "n": n, "payload": "x" * 200}

    async def main():
        async with CosmosClient(config["endpoint"], config["key"], **config["kwargs"]) as client:
            if config["create"]:
                database = await client.create_database_if_not_exists(config["database"])
                container = await database.create_container(config["container"], PartitionKey("/pk"))
            else:
                database = client.get_database_client(config["database"])
                container = database.get_container_client(config["container"])
            failed = 0
            wall, cpu = time.perf_counter(), time.process_time()
            if config["mode"] == "bulk":
                async for result in container.execute_item_bulk(
                        (("upsert", (item(n),)) for n in range(N)), max_concurrency=config["max_concurrency"]):
                    failed += not result.ok
            else:
                gate = asyncio.Semaphore(config["in_flight"])
                async def one(n):
                    async with gate:
                        await container.upsert_item(item(n))
                pending = set()
                for n in range(N):
                    # Bounded: at most a few batches of tasks exist at once, as a careful user writes it.
                    if len(pending) >= config["in_flight"] * 4:
                        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                        failed += sum(1 for task in done if task.exception() is not None)
                    pending.add(asyncio.ensure_future(one(n)))
                if pending:
                    done, _ = await asyncio.wait(pending)
                    failed += sum(1 for task in done if task.exception() is not None)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            count = None
            if config["create"]:
                count = [c async for c in container.query_items("SELECT VALUE COUNT(1) FROM c")][0]
                await database.delete_container(config["container"])
        print(json.dumps({"version": azure.cosmos.__version__, "ops_per_s": N / wall, "wall_s": wall,
                          "cpu_ms_per_op": cpu * 1000 / N, "failed": failed, "succeeded": N - failed,
                          "counted": count}))

    asyncio.run(main())
""")


def _run(python: str, config: Dict[str, Any]) -> Dict[str, Any]:
    result = subprocess.run([python, "-c", PROGRAM, json.dumps(config)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{config['mode']} with {python} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _in_flight_list(text: str) -> List[int]:
    return [int(part) for part in text.split(",")]


def _concurrency_list(text: str) -> List[Optional[int]]:
    return [None if part == "default" else int(part) for part in text.split(",")]


def _measured(run: Callable[[], Dict[str, Any]], canned_server: Optional["canned.CannedServer"]) -> Dict[str, Any]:
    """``run()``'s figures, with the canned server's requests, misses and CPU per request while it ran."""
    if canned_server is None:
        return run()
    before, cpu_before = canned_server.stats(), canned_server.cpu_seconds()
    row = run()
    after, cpu = canned_server.stats(), canned_server.cpu_seconds() - cpu_before
    requests = after["requests"] - before["requests"] - 1  # the stats request itself is counted
    row.update({"server_requests": requests, "server_misses": after["misses"] - before["misses"],
                "server_cpu_us_per_request": 1e6 * cpu / requests if requests > 0 else None,
                "server_cpu_us_per_op": 1e6 * cpu / row["succeeded"] if row["succeeded"] else None})
    if row["server_misses"]:
        print(f"the canned server had no answer for: {after['recent_misses'][:3]}", file=sys.stderr)
    return row


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("emulator", "canned"), default="emulator",
                        help="emulator (default): our emulator, items counted back; canned: the native canned "
                             "server (benchmarks/canned_server), which stores nothing")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--ref-in-flight", type=_in_flight_list, default=[64],
                        help="4.17.1's upserts in flight; a comma list runs each (16,64,256)")
    parser.add_argument("--max-concurrency", type=_concurrency_list, default=[None],
                        help="v5's bulk requests in flight; a comma list runs each (default,4,32)")
    parser.add_argument("--endpoint", help="a running emulator instead of starting one")
    parser.add_argument("--key", default=local_servers.EMULATOR_KEY)
    parser.add_argument("--fixture", default=record_canned.DEFAULT_FIXTURE, help="canned server fixture file")
    parser.add_argument("--canned-threads", type=int, default=1, help="runtime threads of the canned server")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    for python in (V5_PYTHON, REFERENCE_PYTHON):
        if not os.path.exists(python):
            raise SystemExit(f"{python} is missing: run bash tools/dev.sh setup (and ref-venv)")
    is_canned = args.server == "canned"
    server: Any = None
    canned_server: Optional[canned.CannedServer] = None
    endpoint = args.endpoint
    base: Dict[str, Any] = {"key": args.key, "items": args.items, "create": not is_canned,
                            "database": "bench-bulk",
                            "kwargs": {"connection_verify": False, "enable_endpoint_discovery": False}}
    if is_canned:
        fixture = canned.ensure_fixture(args.fixture, REFERENCE_PYTHON, V5_PYTHON)
        names = canned.fixture_names(fixture)
        canned_server = server = canned.CannedServer(canned.ensure_binary(), fixture,
                                                     threads=args.canned_threads).start()
        endpoint = canned_server.endpoint
        base.update(key=local_servers.EMULATOR_KEY, database=names["database"])
    elif endpoint is None:
        server = local_servers.LocalServer("emulator").start()
        endpoint = server.endpoint
    base["endpoint"] = endpoint
    rows = []
    try:
        profile = subprocess.run([V5_PYTHON, "-c", "from azure.cosmos import _rust; print(_rust.BUILD_PROFILE)"],
                                 capture_output=True, text=True).stdout.strip()
        for concurrency in args.max_concurrency:
            container = names["container"] if is_canned else "v5-" + uuid.uuid4().hex[:8]
            config = dict(base, mode="bulk", container=container, max_concurrency=concurrency)
            row = _measured(lambda: _run(V5_PYTHON, config), canned_server)
            label = "azure-cosmos " + row["version"] + f" ({profile} build)"
            rows.append((label, "execute_item_bulk" + (f" mc={concurrency}" if concurrency else ""), row))
        for in_flight in args.ref_in_flight:
            container = names["container"] if is_canned else "v4-" + uuid.uuid4().hex[:8]
            config = dict(base, mode="upsert", container=container, in_flight=in_flight)
            row = _measured(lambda: _run(REFERENCE_PYTHON, config), canned_server)
            rows.append(("azure-cosmos " + row["version"], f"async upsert_item x{in_flight}", row))
    finally:
        if server is not None:
            server.stop()
    where = ("the canned server (stores nothing: results counted, not items)" if is_canned
             else "the emulator (items counted back with COUNT)")
    print(f"{args.items:,} upserts of ~300-byte items, 97 logical partitions, against {where}")
    checked = "ok" if is_canned else "counted"
    print(f"{'client':34} {'pattern':27} {'ops/s':>9} {'CPU ms/op':>10} {'failed':>7} {checked:>8}"
          + (f" {'srv us/req':>10} {'srv us/op':>9} {'requests':>8}" if is_canned else ""))
    for label, pattern, row in rows:
        line = (f"{label:34} {pattern:27} {row['ops_per_s']:9.0f} {row['cpu_ms_per_op']:10.3f} "
                f"{row['failed']:7d} {row['succeeded' if is_canned else 'counted']:8d}")
        if is_canned:
            line += (f" {row['server_cpu_us_per_request'] or 0:10.1f} {row['server_cpu_us_per_op'] or 0:9.2f}"
                     f" {row['server_requests']:8d}")
        print(line)
    ours = [row for _, pattern, row in rows if pattern.startswith("execute_item_bulk")]
    reference = [row for _, pattern, row in rows if pattern.startswith("async upsert_item")]
    best_ours = max(ours, key=lambda row: row["ops_per_s"])
    best_reference = max(reference, key=lambda row: row["ops_per_s"])
    print(f"ratio v5/4.x (fastest of each): throughput {best_ours['ops_per_s'] / best_reference['ops_per_s']:.2f}x, "
          f"CPU per op {best_ours['cpu_ms_per_op'] / best_reference['cpu_ms_per_op']:.2f}x")
    if is_canned:
        print("the canned server stores nothing: the COUNT check is skipped; 'ok' counts the successful results")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as out:
            json.dump({"items": args.items, "server": args.server, "build_profile": profile,
                       "runs": [{"client": label, "pattern": pattern, **row} for label, pattern, row in rows]},
                      out, indent=2)
    if is_canned:
        complete = all(row["succeeded"] == args.items and row["server_misses"] == 0 for _, _, row in rows)
    else:
        complete = all(row["counted"] == args.items for _, _, row in rows)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
