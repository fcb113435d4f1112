"""Bulk upserts: azure-cosmos 5's ``execute_item_bulk`` against 4.17.1's fastest pattern for the same job
(async ``upsert_item`` with a bounded number in flight; 4.x has no bulk API), on one emulator, in one run.

    python benchmarks/bulk_upserts.py [--items 100000] [--ref-in-flight 64] [--max-concurrency N]
        [--endpoint URL --key KEY] [--json out.json]

Each side runs in its own process (v5 from ``.venv``, 4.17.1 from ``.venv-ref``) into its own new
container, one after the other; the figures are wall-clock operations per second and the client
process's CPU per operation (``time.process_time()``), and every item is counted back afterwards. The
emulator is a Python server that both sides share the machine with: with it, the ceiling is mostly the
server's. This is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import uuid
from typing import Any, Dict, List, Optional

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))

import local_servers  # noqa: E402 - tools/ is not a package

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
            database = await client.create_database_if_not_exists(config["database"])
            container = await database.create_container(config["container"], PartitionKey("/pk"))
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
            count = [c async for c in container.query_items("SELECT VALUE COUNT(1) FROM c")][0]
            await database.delete_container(config["container"])
        print(json.dumps({"version": azure.cosmos.__version__, "ops_per_s": N / wall, "wall_s": wall,
                          "cpu_ms_per_op": cpu * 1000 / N, "failed": failed, "counted": count}))

    asyncio.run(main())
""")


def _run(python: str, config: Dict[str, Any]) -> Dict[str, Any]:
    result = subprocess.run([python, "-c", PROGRAM, json.dumps(config)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{config['mode']} with {python} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--ref-in-flight", type=int, default=64, help="4.17.1's upserts in flight")
    parser.add_argument("--max-concurrency", type=int, default=None, help="v5's bulk requests in flight")
    parser.add_argument("--endpoint")
    parser.add_argument("--key", default=local_servers.EMULATOR_KEY)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    for python in (V5_PYTHON, REFERENCE_PYTHON):
        if not os.path.exists(python):
            raise SystemExit(f"{python} is missing: run bash tools/dev.sh setup (and ref-venv)")
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        server = local_servers.LocalServer("emulator").start()
        endpoint = server.endpoint
    try:
        base = {"endpoint": endpoint, "key": args.key, "items": args.items, "database": "bench-bulk",
                "kwargs": {"connection_verify": False, "enable_endpoint_discovery": False}}
        ours = _run(V5_PYTHON, dict(base, mode="bulk", container="v5-" + uuid.uuid4().hex[:8],
                                     max_concurrency=args.max_concurrency))
        reference = _run(REFERENCE_PYTHON, dict(base, mode="upsert", container="v4-" + uuid.uuid4().hex[:8],
                                                in_flight=args.ref_in_flight))
    finally:
        if server is not None:
            server.stop()
    profile = subprocess.run([V5_PYTHON, "-c", "from azure.cosmos import _rust; print(_rust.BUILD_PROFILE)"],
                             capture_output=True, text=True).stdout.strip()
    rows = [("azure-cosmos " + reference["version"], f"async upsert_item x{args.ref_in_flight}", reference),
            ("azure-cosmos " + ours["version"] + f" ({profile} build)", "execute_item_bulk", ours)]
    print(f"{args.items:,} upserts of ~300-byte items, 97 logical partitions over the server's physical ones")
    print(f"{'client':34} {'pattern':24} {'ops/s':>9} {'CPU ms/op':>10} {'failed':>7} {'counted':>8}")
    for label, pattern, row in rows:
        print(f"{label:34} {pattern:24} {row['ops_per_s']:9.0f} {row['cpu_ms_per_op']:10.3f} "
              f"{row['failed']:7d} {row['counted']:8d}")
    print(f"ratio v5/4.x: throughput {ours['ops_per_s'] / reference['ops_per_s']:.2f}x, "
          f"CPU per op {ours['cpu_ms_per_op'] / reference['cpu_ms_per_op']:.2f}x")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as out:
            json.dump({"items": args.items, "reference": reference, "v5": ours, "build_profile": profile}, out,
                      indent=2)
    return 0 if ours["counted"] == reference["counted"] == args.items else 1


if __name__ == "__main__":
    sys.exit(main())
