"""Compare azure-cosmos 5 with azure-cosmos 4.17.1 on the same workloads against the same local server.

    python benchmarks/compare_performance.py [--server emulator|vercel|...] [--endpoint URL --key KEY]
                                             [--ops 2000] [--seconds 15] [--allow-debug-build]

v5 must be a release build of the native module (``bash tools/dev.sh release``); a debug build is
refused unless ``--allow-debug-build``. Each package runs in its own process (v5 from ``.venv``, 4.17.1 from ``.venv-ref``, created by
``tools/dev.sh ref-venv`` when missing), one after the other, against one server that this
script starts (our emulator by default) unless ``--endpoint`` is given. Workloads:

- ``read``: sequential ``read_item`` over 100 small documents;
- ``upsert``: sequential ``upsert_item`` over 100 ids;
- ``query 1k``: a 1,000-item single-partition query drained page by page (100 per page);
- ``async read x64`` / ``async upsert x64``: the aio client with 64 requests in flight;
- ``xp COUNT`` / ``xp ORDER BY`` / ``xp GROUP BY``: cross-partition queries over 10,000 documents in
  every physical partition (``SELECT VALUE COUNT(1)``, ``ORDER BY c.n`` drained in pages of 1,000,
  ``GROUP BY c.g`` with a COUNT); one op is one whole query. 4.17.1 cannot run the GROUP BY across
  partitions (shown as n/a). ``xp GROUP BY seq`` is v5 with ``max_concurrency=1``: the partitions one
  after another, against which the default fan-out's speedup is read.

Every workload stops after ``--ops`` operations or ``--seconds`` seconds, whichever comes first,
after a short warm-up. It reports operations per second (wall clock) and client CPU
milliseconds per operation: ``time.process_time()`` of the client process only, which counts
every thread of it (the Rust engine's runtime threads too) and none of the server's.

This is a measurement, not a test: on a shared 2-core machine the server competes with the
client for CPU, so numbers vary by tens of percent between runs.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlparse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_VERSION = "4.17.1"
REFERENCE_PYTHON = os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
POINT_DOCS = 100
QUERY_DOCS = 1000
QUERY_PAGE_SIZE = 100
IN_FLIGHT = 64
WARMUP_OPS = 20
XP_DOCS = 10_000
XP_PARTITION_KEYS = 100
XP_GROUPS = 10
WORKLOADS = ("read", "upsert", "query 1k", "async read x64", "async upsert x64",
             "xp COUNT", "xp ORDER BY", "xp GROUP BY", "xp GROUP BY seq")


# ----------------------------------------------------------------------------- worker side
# Runs inside the measured interpreter; imports only azure.cosmos (whichever version it has).

def _client_kwargs(config: Dict[str, Any]) -> Dict[str, Any]:
    return dict(config["connection_kwargs"])


def _point_doc(i: int) -> Dict[str, Any]:
    return {"id": f"r{i}", "pk": f"p{i % 10}", "n": i, "name": f"item {i}", "tags": ["a", "b"], "price": i * 1.25}


def _worker_setup(config: Dict[str, Any]) -> None:
    from azure.cosmos import CosmosClient, PartitionKey

    with CosmosClient(config["endpoint"], config["key"], **_client_kwargs(config)) as client:
        database = client.create_database(config["database"])
        container = database.create_container(config["container"], partition_key=PartitionKey(path="/pk"))
        for i in range(POINT_DOCS):
            container.create_item(_point_doc(i))
        for i in range(QUERY_DOCS):
            container.create_item({"id": f"q{i}", "pk": "query", "n": i, "body": "x" * 64})
        spread = database.create_container("xp", partition_key=PartitionKey(path="/pk"))
        per_key = XP_DOCS // XP_PARTITION_KEYS
        for k in range(XP_PARTITION_KEYS):
            items = [{"id": f"x{k}-{j}", "pk": f"k{k}", "n": k * per_key + j, "g": f"g{(k * per_key + j) % XP_GROUPS}"}
                     for j in range(per_key)]
            for start in range(0, per_key, 100):
                spread.execute_item_batch([("upsert", (item,)) for item in items[start:start + 100]],
                                          partition_key=f"k{k}")


def _worker_teardown(config: Dict[str, Any]) -> None:
    from azure.cosmos import CosmosClient

    with CosmosClient(config["endpoint"], config["key"], **_client_kwargs(config)) as client:
        client.delete_database(config["database"])


def _measure_sync(operation: Callable[[int], None], max_ops: int, seconds: float) -> Dict[str, float]:
    for i in range(WARMUP_OPS):
        operation(i)
    done = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    deadline = wall_start + seconds
    while done < max_ops and time.perf_counter() < deadline:
        operation(done)
        done += 1
    return _rates(done, time.perf_counter() - wall_start, time.process_time() - cpu_start)


async def _measure_async(operation: Callable[[int], Any], max_ops: int, seconds: float) -> Dict[str, float]:
    await asyncio.gather(*(operation(i) for i in range(WARMUP_OPS)))
    started = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    deadline = wall_start + seconds

    async def lane() -> int:
        nonlocal started
        mine = 0
        while started < max_ops and time.perf_counter() < deadline:
            index = started
            started += 1
            await operation(index)
            mine += 1
        return mine

    done = sum(await asyncio.gather(*(lane() for _ in range(IN_FLIGHT))))
    return _rates(done, time.perf_counter() - wall_start, time.process_time() - cpu_start)


def _rates(done: int, wall: float, cpu: float) -> Dict[str, float]:
    return {
        "ops": done,
        "seconds": wall,
        "ops_per_s": done / wall if wall > 0 else 0.0,
        "cpu_ms_per_op": 1000.0 * cpu / done if done else float("nan"),
    }


def _worker_run(config: Dict[str, Any]) -> Dict[str, Any]:
    import azure.cosmos
    from azure.cosmos import CosmosClient
    from azure.cosmos.aio import CosmosClient as AsyncCosmosClient

    max_ops, seconds = config["ops"], config["seconds"]
    results: Dict[str, Any] = {"version": azure.cosmos.__version__, "workloads": {}}

    with CosmosClient(config["endpoint"], config["key"], **_client_kwargs(config)) as client:
        container = client.get_database_client(config["database"]).get_container_client(config["container"])

        def read(i: int) -> None:
            doc = _point_doc(i % POINT_DOCS)
            container.read_item(doc["id"], partition_key=doc["pk"])

        def upsert(i: int) -> None:
            container.upsert_item({"id": f"u{i % POINT_DOCS}", "pk": "upsert", "n": i, "body": "y" * 64})

        def query(_: int) -> None:
            pages = container.query_items(
                "SELECT * FROM c WHERE c.pk = @pk", parameters=[{"name": "@pk", "value": "query"}],
                partition_key="query", max_item_count=QUERY_PAGE_SIZE)
            count = sum(len(list(page)) for page in pages.by_page())
            if count != QUERY_DOCS:
                raise RuntimeError(f"the query returned {count} items, expected {QUERY_DOCS}")

        spread = client.get_database_client(config["database"]).get_container_client("xp")

        def xp_count(_: int) -> None:
            counted = list(spread.query_items("SELECT VALUE COUNT(1) FROM c", enable_cross_partition_query=True))
            if counted != [XP_DOCS]:
                raise RuntimeError(f"COUNT answered {counted}")

        def xp_order_by(_: int) -> None:
            rows = spread.query_items("SELECT c.id, c.n FROM c ORDER BY c.n", enable_cross_partition_query=True,
                                      max_item_count=1000)
            count = sum(len(list(page)) for page in rows.by_page())
            if count != XP_DOCS:
                raise RuntimeError(f"ORDER BY returned {count} rows")

        def xp_group_by(extra: Dict[str, Any]) -> Callable[[int], None]:
            def run(_: int) -> None:
                rows = list(spread.query_items("SELECT c.g, COUNT(1) AS n FROM c GROUP BY c.g",
                                               enable_cross_partition_query=True, **extra))
                if sorted(row["n"] for row in rows) != [XP_DOCS // XP_GROUPS] * XP_GROUPS:
                    raise RuntimeError(f"GROUP BY answered {rows}")
            return run

        def cross_partition(operation: Callable[[int], None]) -> Dict[str, Any]:
            try:
                operation(0)
            except Exception as error:  # noqa: BLE001 - a shape the package cannot run is reported, not fatal
                return {"unsupported": f"{type(error).__name__}: {str(error)[:120]}"}
            return _measure_sync(operation, max(3, max_ops // 400), seconds)

        results["workloads"]["xp COUNT"] = cross_partition(xp_count)
        results["workloads"]["xp ORDER BY"] = cross_partition(xp_order_by)
        results["workloads"]["xp GROUP BY"] = cross_partition(xp_group_by({}))
        if azure.cosmos.__version__.startswith("5."):
            results["workloads"]["xp GROUP BY seq"] = cross_partition(xp_group_by({"max_concurrency": 1}))
        else:
            results["workloads"]["xp GROUP BY seq"] = {"unsupported": "no max_concurrency keyword in 4.x"}

        results["workloads"]["read"] = _measure_sync(read, max_ops, seconds)
        results["workloads"]["upsert"] = _measure_sync(upsert, max_ops, seconds)
        results["workloads"]["query 1k"] = _measure_sync(query, max(1, max_ops // 100), seconds)

    async def run_async() -> None:
        async with AsyncCosmosClient(config["endpoint"], config["key"], **_client_kwargs(config)) as client:
            container = client.get_database_client(config["database"]).get_container_client(config["container"])

            async def read_async(i: int) -> None:
                doc = _point_doc(i % POINT_DOCS)
                await container.read_item(doc["id"], partition_key=doc["pk"])

            async def upsert_async(i: int) -> None:
                await container.upsert_item({"id": f"a{i % POINT_DOCS}", "pk": "upsert-async", "n": i, "body": "z" * 64})

            results["workloads"]["async read x64"] = await _measure_async(read_async, max_ops, seconds)
            results["workloads"]["async upsert x64"] = await _measure_async(upsert_async, max_ops, seconds)

    asyncio.run(run_async())
    return results


def _worker_main(phase: str, config_json: str) -> int:
    config = json.loads(config_json)
    if phase == "setup":
        _worker_setup(config)
    elif phase == "teardown":
        _worker_teardown(config)
    else:
        print(json.dumps(_worker_run(config)))
    return 0


# ----------------------------------------------------------------------------- driver side

def _environment_for(python: str) -> Dict[str, str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")  # 4.x warns on every unverified https request
    if python == REFERENCE_PYTHON:
        # A PYTHONPATH pointing at this repo's python/ would shadow the reference package.
        env.pop("PYTHONPATH", None)
    return env


def _package_version(python: str) -> Optional[str]:
    probe = subprocess.run([python, "-c", "import azure.cosmos; print(azure.cosmos.__version__)"],
                           capture_output=True, text=True, env=_environment_for(python))
    return probe.stdout.strip() if probe.returncode == 0 else None


def _build_profile(python: str) -> str:
    probe = subprocess.run([python, "-c", "from azure.cosmos import _rust; print(_rust.BUILD_PROFILE)"],
                           capture_output=True, text=True, env=_environment_for(python))
    return probe.stdout.strip() if probe.returncode == 0 else "unknown"


def _reference_python() -> str:
    python = REFERENCE_PYTHON
    if not os.path.exists(python) or _package_version(python) != REFERENCE_VERSION:
        print(f"setting up .venv-ref with azure-cosmos {REFERENCE_VERSION} ...", file=sys.stderr)
        subprocess.run(["bash", os.path.join(REPO_ROOT, "tools", "dev.sh"), "ref-venv"], check=True)
    return python


def _loopback_kwargs(endpoint: str) -> Dict[str, Any]:
    # Same rule as examples/quickstart.py: a local server has http or self-signed TLS, one region.
    if (urlparse(endpoint).hostname or "") not in ("localhost", "127.0.0.1", "::1"):
        return {}
    return {"connection_verify": False, "enable_endpoint_discovery": False}


def _run_worker(python: str, phase: str, config: Dict[str, Any]) -> str:
    result = subprocess.run([python, os.path.abspath(__file__), "--worker", phase, json.dumps(config)],
                            capture_output=True, text=True, env=_environment_for(python))
    if result.returncode != 0:
        raise SystemExit(f"{phase} with {python} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _print_table(labels: List[str], results: List[Dict[str, Any]]) -> None:
    ref, v5 = results
    header = (f"{'workload':<18}" + "".join(f"{label + ' ops/s':>16}" for label in labels) + f"{'ratio':>8}"
              + "".join(f"{label + ' CPU ms/op':>20}" for label in labels) + f"{'ratio':>8}")
    print(header)
    print("-" * len(header))
    for name in WORKLOADS:
        a, b = ref["workloads"][name], v5["workloads"][name]
        if "unsupported" in a or "unsupported" in b:
            cell = lambda r, fmt: "n/a" if "unsupported" in r else format(r[fmt[0]], fmt[1])  # noqa: E731
            print(f"{name:<18}{cell(a, ('ops_per_s', '.1f')):>16}{cell(b, ('ops_per_s', '.1f')):>16}{'':>8}"
                  f"{cell(a, ('cpu_ms_per_op', '.3f')):>20}{cell(b, ('cpu_ms_per_op', '.3f')):>20}{'':>8}")
            continue
        ops_ratio = b["ops_per_s"] / a["ops_per_s"] if a["ops_per_s"] else float("nan")
        cpu_ratio = b["cpu_ms_per_op"] / a["cpu_ms_per_op"] if a["cpu_ms_per_op"] else float("nan")
        print(f"{name:<18}{a['ops_per_s']:>16.1f}{b['ops_per_s']:>16.1f}{ops_ratio:>8.2f}"
              f"{a['cpu_ms_per_op']:>20.3f}{b['cpu_ms_per_op']:>20.3f}{cpu_ratio:>8.2f}")
    sequential, parallel = v5["workloads"]["xp GROUP BY seq"], v5["workloads"]["xp GROUP BY"]
    if "unsupported" not in sequential and "unsupported" not in parallel and sequential["ops_per_s"]:
        print(f"v5 GROUP BY fan-out speedup over partitions one after another: "
              f"{parallel['ops_per_s'] / sequential['ops_per_s']:.2f}x")
    for label, result in zip(labels, results):
        for name, workload in result["workloads"].items():
            if "unsupported" in workload:
                print(f"{label} {name}: {workload['unsupported']}")
    print("ratio = v5 / 4.x (ops/s: higher is better for v5; CPU ms/op: lower is better for v5).")
    print("query 1k: one op = one 1,000-item query drained in pages of 100; xp: one op = one query over "
          f"{XP_DOCS:,} documents in every partition.")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="emulator", help="local server to start (see tools/local_servers.py)")
    parser.add_argument("--endpoint", help="use this running server instead of starting one")
    parser.add_argument("--key", help="its key (default: the emulator key)")
    parser.add_argument("--ops", type=int, default=2000, help="operations per point workload (query: ops/100)")
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit per workload and package")
    parser.add_argument("--allow-debug-build", action="store_true",
                        help="measure a debug build of the native module anyway (labelled in the output)")
    parser.add_argument("--v5-python", default=os.path.join(REPO_ROOT, ".venv", "bin", "python"))
    parser.add_argument("--worker", nargs=2, metavar=("PHASE", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(*args.worker)

    sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))
    import local_servers

    ref_python = _reference_python()
    v5_version = _package_version(args.v5_python)
    if not v5_version or not v5_version.startswith("5."):
        raise SystemExit(f"{args.v5_python} has no azure-cosmos 5 (found {v5_version}); run `bash tools/dev.sh setup`")
    profile = _build_profile(args.v5_python)
    if profile != "release" and not args.allow_debug_build:
        raise SystemExit(f"the native module in {args.v5_python} is a {profile} build, which would understate v5; "
                         "build it with `bash tools/dev.sh release` (or pass --allow-debug-build for a rough look)")
    v5_version = f"{v5_version} ({profile})" if profile != "release" else v5_version

    server = None
    if args.endpoint:
        endpoint, key, kwargs = args.endpoint, args.key or local_servers.EMULATOR_KEY, _loopback_kwargs(args.endpoint)
    else:
        reason = local_servers.unavailable_reason(args.server)
        if reason:
            raise SystemExit(f"cannot start {args.server}: {reason}")
        server = local_servers.LocalServer(args.server).start()
        endpoint, key, kwargs = server.endpoint, server.key, server.connection_kwargs
    try:
        config = {"endpoint": endpoint, "key": key, "connection_kwargs": kwargs,
                  "database": f"bench-{uuid.uuid4().hex[:8]}", "container": "items",
                  "ops": args.ops, "seconds": args.seconds}
        print(f"server: {args.endpoint or args.server} at {endpoint}; "
              f"clients: azure-cosmos {REFERENCE_VERSION} ({ref_python}) and {v5_version} ({args.v5_python})")
        # The reference client prepares the data, so both packages measure the same documents.
        _run_worker(ref_python, "setup", config)
        try:
            results = []
            for python in (ref_python, args.v5_python):
                results.append(json.loads(_run_worker(python, "run", config).strip().splitlines()[-1]))
        finally:
            _run_worker(ref_python, "teardown", config)
    finally:
        if server is not None:
            server.stop()
    _print_table([results[0]["version"], results[1]["version"]], results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
