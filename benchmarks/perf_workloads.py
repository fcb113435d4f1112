"""The measured side of ``compare_performance.py``: runs inside the interpreter under test.

    python benchmarks/perf_workloads.py PHASE CONFIG_JSON

It imports only the standard library and ``azure.cosmos`` (whichever version that interpreter has), so the
same code measures 4.17.1 and 5. Phases:

- ``setup`` / ``teardown``: create / delete the benchmark database on a real server (emulator mode);
- ``run``: every workload, one after another, printing one JSON line of results (each workload's own peak
  RSS too, from its warm-up on: VmHWM is reset before each);
- ``touch``: every distinct request of every workload once (``record_canned.py`` records them);
- ``first-call``: a new client's first point read in this fresh process (import and call timed apart);
- ``long``: async point reads for ``long_seconds`` with RSS sampled every second: peak, and growth as the
  median of the last 5 s minus the median of the 5 s after a settling time (5 s or a tenth of the run).

CPU is ``time.process_time()`` of this process only: every thread of it (the Rust engine's runtime threads
too) and none of the server's.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from typing import Any, Callable, Dict, List, Optional

POINT_DOCS = 100
QUERY_DOCS = 1000
QUERY_PAGE_SIZE = 100
READ_MANY_ITEMS = 100
WARMUP_OPS = 20
XP_DOCS = 10_000
XP_PARTITION_KEYS = 100
XP_GROUPS = 10
BIG_DOCS = {"1MB": 1_000_000, "2MB": 2_000_000}  # the service's limit is 2 MiB with system properties
LONG_IN_FLIGHT = 64
RSS_SAMPLE_SECONDS = 1.0
LONG_SETTLE_SECONDS = 5.0
LONG_WINDOW_SECONDS = 5.0
XP_WORKLOADS = ("xp COUNT", "xp ORDER BY", "xp GROUP BY", "xp GROUP BY seq")


def async_workload_names(in_flight: List[int]) -> List[str]:
    return [f"async {kind} x{n}" for kind in ("read", "upsert") for n in in_flight]


def workload_names(in_flight: List[int]) -> List[str]:
    """Every workload ``run`` reports, in the order of the table."""
    big = [f"{verb} {size}" for size in BIG_DOCS for verb in ("create", "read")]
    return (["read", "upsert", "query 1k", "read-many 100"] + async_workload_names(in_flight) + big
            + list(XP_WORKLOADS))


def point_doc(i: int) -> Dict[str, Any]:
    return {"id": f"r{i}", "pk": f"p{i % 10}", "n": i, "name": f"item {i}", "tags": ["a", "b"], "price": i * 1.25}


def big_doc(size: str, doc_id: str) -> Dict[str, Any]:
    return {"id": doc_id, "pk": "big", "blob": "x" * BIG_DOCS[size]}


def big_read_id(size: str) -> str:
    return f"big{size.lower()}"


READ_MANY = [(point_doc(i)["id"], point_doc(i)["pk"]) for i in range(READ_MANY_ITEMS)]


def _client(config: Dict[str, Any]):
    from azure.cosmos import CosmosClient

    return CosmosClient(config["endpoint"], config["key"], **config["connection_kwargs"])


def _async_client(config: Dict[str, Any]):
    from azure.cosmos.aio import CosmosClient

    return CosmosClient(config["endpoint"], config["key"], **config["connection_kwargs"])


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


_highest_seen_mb = 0.0


def _high_water_mb() -> float:
    # VmHWM is this process image's own high-water mark; getrusage's ru_maxrss would also carry the peak of
    # the parent that forked it (Linux keeps it across fork and exec), i.e. the benchmark driver's.
    # The kernel answers max(its recorded mark, the RSS now) but records the mark only on some events (unmaps,
    # exit), so a later reading can be lower than an earlier one: the highest reading is kept as well.
    global _highest_seen_mb
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                reading = int(line.split()[1]) * 1024 / 1e6
                _highest_seen_mb = max(_highest_seen_mb, reading)
                return reading
    return float("nan")


def _restart_high_water() -> None:
    """Lets the next workload's peak be read on its own: ``5`` in ``clear_refs`` resets VmHWM to the
    current RSS (Linux); the process's peak so far is kept for ``_peak_rss_mb``."""
    _high_water_mb()
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass  # no such file (not Linux) or not allowed: the phase's peak is then the process's so far


def _peak_rss_mb() -> float:
    """The process's peak RSS, across the resets of ``_restart_high_water``."""
    return max(_highest_seen_mb, _high_water_mb())


# ----------------------------------------------------------------------------- data

def setup(config: Dict[str, Any]) -> None:
    from azure.cosmos import PartitionKey

    with _client(config) as client:
        database = client.create_database(config["database"])
        container = database.create_container(config["container"], partition_key=PartitionKey(path="/pk"))
        for i in range(POINT_DOCS):
            container.create_item(point_doc(i))
        for i in range(QUERY_DOCS):
            container.create_item({"id": f"q{i}", "pk": "query", "n": i, "body": "x" * 64})
        for size in BIG_DOCS:
            container.create_item(big_doc(size, big_read_id(size)))
        if not config.get("xp"):
            return
        spread = database.create_container("xp", partition_key=PartitionKey(path="/pk"))
        per_key = XP_DOCS // XP_PARTITION_KEYS
        for k in range(XP_PARTITION_KEYS):
            items = [{"id": f"x{k}-{j}", "pk": f"k{k}", "n": k * per_key + j, "g": f"g{(k * per_key + j) % XP_GROUPS}"}
                     for j in range(per_key)]
            for start in range(0, per_key, 100):
                spread.execute_item_batch([("upsert", (item,)) for item in items[start:start + 100]],
                                          partition_key=f"k{k}")


def teardown(config: Dict[str, Any]) -> None:
    with _client(config) as client:
        client.delete_database(config["database"])


# ----------------------------------------------------------------------------- measurement

def _percentile(sorted_values: List[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def _rates(done: int, wall: float, cpu: float, latencies: List[float] = ()) -> Dict[str, Any]:
    result: Dict[str, Any] = {
        "ops": done,
        "seconds": wall,
        "ops_per_s": done / wall if wall > 0 else 0.0,
        "cpu_ms_per_op": 1000.0 * cpu / done if done else float("nan"),
    }
    result["peak_rss_mb"] = _high_water_mb()  # since the workload's warm-up began
    if latencies:
        ordered = sorted(latencies)
        result["p50_ms"] = 1000.0 * _percentile(ordered, 0.50)
        result["p99_ms"] = 1000.0 * _percentile(ordered, 0.99)
    return result


def measure_sync(operation: Callable[[int], None], max_ops: int, seconds: float,
                 warmup: int = WARMUP_OPS) -> Dict[str, Any]:
    _restart_high_water()
    for i in range(warmup):
        operation(i)
    done = 0
    latencies: List[float] = []
    clock = time.perf_counter
    wall_start, cpu_start = clock(), time.process_time()
    deadline = wall_start + seconds
    while done < max_ops:
        started = clock()
        if started >= deadline:
            break
        operation(warmup + done)  # after the warm-up's indices: a create never repeats an id
        latencies.append(clock() - started)
        done += 1
    return _rates(done, clock() - wall_start, time.process_time() - cpu_start, latencies)


async def measure_async(operation: Callable[[int], Any], max_ops: int, seconds: float,
                        in_flight: int) -> Dict[str, Any]:
    _restart_high_water()
    # The warm-up opens as many connections as the measurement will use.
    await asyncio.gather(*(operation(i) for i in range(max(WARMUP_OPS, in_flight))))
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

    done = sum(await asyncio.gather(*(lane() for _ in range(in_flight))))
    return _rates(done, time.perf_counter() - wall_start, time.process_time() - cpu_start)


# ----------------------------------------------------------------------------- workloads

def _sync_operations(container: Any, tag: str) -> Dict[str, Callable[[int], None]]:
    def read(i: int) -> None:
        doc = point_doc(i % POINT_DOCS)
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

    def read_many(_: int) -> None:
        found = container.read_items(READ_MANY)
        if len(found) != READ_MANY_ITEMS:
            raise RuntimeError(f"read_items returned {len(found)} items, expected {READ_MANY_ITEMS}")

    operations = {"read": read, "upsert": upsert, "query 1k": query, "read-many 100": read_many}
    for size in BIG_DOCS:
        body = big_doc(size, "")

        def create(i: int, body: Dict[str, Any] = body, size: str = size) -> None:
            container.create_item(dict(body, id=f"big{size.lower()}-{tag}-{i}"))

        def read_big(_: int, size: str = size) -> None:
            container.read_item(big_read_id(size), partition_key="big")

        operations[f"create {size}"] = create
        operations[f"read {size}"] = read_big
    return operations


def _async_operations(container: Any) -> Dict[str, Callable[[int], Any]]:
    async def read(i: int) -> None:
        doc = point_doc(i % POINT_DOCS)
        await container.read_item(doc["id"], partition_key=doc["pk"])

    async def upsert(i: int) -> None:
        await container.upsert_item({"id": f"a{i % POINT_DOCS}", "pk": "upsert-async", "n": i, "body": "z" * 64})

    return {"read": read, "upsert": upsert}


def _xp_operations(client: Any, config: Dict[str, Any]) -> Dict[str, Any]:
    """name -> operation, or name -> reason it does not run."""
    import azure.cosmos

    if not config.get("xp"):
        reason = "not in the canned server's fixture (record it with the xp workloads, or --server emulator)"
        return {name: reason for name in XP_WORKLOADS}
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

    operations: Dict[str, Any] = {"xp COUNT": xp_count, "xp ORDER BY": xp_order_by,
                                  "xp GROUP BY": xp_group_by({})}
    if azure.cosmos.__version__.startswith("5."):
        operations["xp GROUP BY seq"] = xp_group_by({"max_concurrency": 1})
    else:
        operations["xp GROUP BY seq"] = "no max_concurrency keyword in 4.x"
    return operations


def _try_once(operation: Callable[[int], None]) -> Optional[str]:
    """None when the operation ran, else why not (a query shape the package cannot run is reported)."""
    try:
        operation(0)
    except Exception as error:  # noqa: BLE001 - reported in the table, not fatal
        return f"{type(error).__name__}: {str(error)[:120]}"
    return None


def _xp_workloads(client: Any, config: Dict[str, Any], max_ops: int, seconds: float) -> Dict[str, Any]:
    results: Dict[str, Any] = {}
    for name, operation in _xp_operations(client, config).items():
        failure = operation if isinstance(operation, str) else _try_once(operation)
        results[name] = ({"unsupported": failure} if failure
                         else measure_sync(operation, max(3, max_ops // 400), seconds, warmup=1))
    return results


def run(config: Dict[str, Any]) -> Dict[str, Any]:
    import azure.cosmos

    max_ops, seconds, big_ops = config["ops"], config["seconds"], config["big_ops"]
    tag = uuid.uuid4().hex[:8]
    results: Dict[str, Any] = {"version": azure.cosmos.__version__, "workloads": {}}
    workloads = results["workloads"]
    limits = {"query 1k": max(1, max_ops // 100), "read-many 100": max(1, max_ops // 100)}
    with _client(config) as client:
        container = client.get_database_client(config["database"]).get_container_client(config["container"])
        workloads.update(_xp_workloads(client, config, max_ops, seconds))
        for name, operation in _sync_operations(container, tag).items():
            if name.startswith(("create ", "read ")) and name.endswith("MB"):
                workloads[name] = measure_sync(operation, big_ops, seconds, warmup=2)
            else:
                workloads[name] = measure_sync(operation, limits.get(name, max_ops), seconds,
                                               warmup=2 if name in limits else WARMUP_OPS)

    async def run_async() -> None:
        async with _async_client(config) as client:
            container = client.get_database_client(config["database"]).get_container_client(config["container"])
            for kind, operation in _async_operations(container).items():
                for in_flight in config["in_flight"]:
                    workloads[f"async {kind} x{in_flight}"] = await measure_async(
                        operation, max_ops, seconds, in_flight)

    asyncio.run(run_async())
    results["peak_rss_mb"] = _peak_rss_mb()
    return results


def touch(config: Dict[str, Any]) -> Dict[str, Any]:
    """Every distinct request the workloads send, once, by this package (sync and async)."""
    with _client(config) as client:
        container = client.get_database_client(config["database"]).get_container_client(config["container"])
        operations = _sync_operations(container, "touch-" + uuid.uuid4().hex[:8])
        for i in range(POINT_DOCS):
            operations["read"](i)
        for name, operation in operations.items():
            if name != "read":
                operation(0)
        for operation in _xp_operations(client, config).values():
            if not isinstance(operation, str):
                _try_once(operation)  # a failure's answer is recorded too, and replayed as such

    async def touch_async() -> None:
        async with _async_client(config) as client:
            container = client.get_database_client(config["database"]).get_container_client(config["container"])
            operations = _async_operations(container)
            for i in range(POINT_DOCS):
                await operations["read"](i)
            await operations["upsert"](0)

    asyncio.run(touch_async())
    return {"touched": True}


def first_call(config: Dict[str, Any]) -> Dict[str, Any]:
    started = time.perf_counter()
    import azure.cosmos  # noqa: F401 - the import is part of what a new process pays

    imported = time.perf_counter()
    with _client(config) as client:
        container = client.get_database_client(config["database"]).get_container_client(config["container"])
        doc = point_doc(0)
        container.read_item(doc["id"], partition_key=doc["pk"])
        called = time.perf_counter()
    return {"import_ms": 1000.0 * (imported - started), "first_call_ms": 1000.0 * (called - imported)}


def long_run(config: Dict[str, Any]) -> Dict[str, Any]:
    import azure.cosmos

    seconds = config["long_seconds"]
    samples: List[List[float]] = []

    async def drive() -> Dict[str, Any]:
        async with _async_client(config) as client:
            container = client.get_database_client(config["database"]).get_container_client(config["container"])
            read = _async_operations(container)["read"]
            await asyncio.gather(*(read(i) for i in range(LONG_IN_FLIGHT * 4)))
            start = time.perf_counter()
            cpu_start = time.process_time()
            deadline = start + seconds
            samples.append([0.0, _rss_mb()])
            done = 0

            async def lane(offset: int) -> None:
                nonlocal done
                i = offset
                while time.perf_counter() < deadline:
                    await read(i)
                    i += LONG_IN_FLIGHT
                    done += 1

            async def sampler() -> None:
                while time.perf_counter() < deadline:
                    await asyncio.sleep(RSS_SAMPLE_SECONDS)
                    samples.append([time.perf_counter() - start, _rss_mb()])

            await asyncio.gather(sampler(), *(lane(k) for k in range(LONG_IN_FLIGHT)))
            wall = time.perf_counter() - start
            samples.append([wall, _rss_mb()])
            return _rates(done, wall, time.process_time() - cpu_start)

    result = asyncio.run(drive())
    # Growth is the median RSS of the last window minus that of the window after a settling time, so
    # one-time caches and pools (and a single sample's noise) do not count as growth.
    settle = min(LONG_SETTLE_SECONDS, seconds / 10)
    window = max(RSS_SAMPLE_SECONDS, min(LONG_WINDOW_SECONDS, seconds / 5))
    first = [rss for at, rss in samples if settle <= at <= settle + window] or [samples[0][1]]
    last = [rss for at, rss in samples if at >= samples[-1][0] - window] or [samples[-1][1]]
    result.update({
        "version": azure.cosmos.__version__,
        "in_flight": LONG_IN_FLIGHT,
        "rss_start_mb": statistics.median(first),
        "rss_end_mb": statistics.median(last),
        "rss_growth_mb": statistics.median(last) - statistics.median(first),
        "peak_rss_mb": _peak_rss_mb(),
        "rss_samples": samples,
    })
    return result


PHASES = {"setup": setup, "teardown": teardown, "run": run, "touch": touch, "first-call": first_call,
          "long": long_run}


def main(argv: List[str]) -> int:
    phase, config_json = argv
    result = PHASES[phase](json.loads(config_json))
    if result is not None:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
