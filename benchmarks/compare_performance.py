"""Compare azure-cosmos 5 with azure-cosmos 4.17.1 on the same workloads against the same local server.

    python benchmarks/compare_performance.py [--server canned|emulator|vercel|...] [--endpoint URL --key KEY]
        [--ops N] [--seconds 10] [--big-ops 100] [--in-flight 1,16,64,256] [--long-seconds 60]
        [--first-call-runs 5] [--rounds 1] [--json out.json] [--plot dir/] [--driver-floor PATH|build]
        [--allow-debug-build]

v5 must be a release build of the native module (``bash tools/dev.sh release``); a debug build is refused
unless ``--allow-debug-build`` (and is then labelled in the output). Each package runs in its own
processes (v5 from ``.venv``, 4.17.1 from ``.venv-ref``, created by ``tools/dev.sh ref-venv`` when
missing), one after the other, against one server.

Servers:

- ``canned`` (default): ``benchmarks/canned_server``, a native server answering recorded responses at a
  negligible cost per request, so the ceiling measured is the client's. The script builds it
  (``cargo build --release --locked``, see ``canned.py``), records its fixture from the emulator when
  missing (``record_canned.py``; ``--rerecord`` to redo it after a client changed what it sends) and starts
  it on a free port. Misses (a request with no recording) fail the run and are named.
- ``emulator`` and the others of ``tools/local_servers.py``: a real server, filled by a ``setup`` phase and
  emptied afterwards; or ``--endpoint`` for one already running.

Workloads (``perf_workloads.py``), each stopped after ``--ops`` operations or ``--seconds`` seconds after
a short warm-up: sequential ``read`` / ``upsert`` of small documents; ``query 1k`` (a 1,000-item
single-partition query drained in pages of 100; one op is the whole drain); ``read-many 100``
(``read_items`` of 100 ids); ``async read|upsert xN`` with N requests in flight; ``create|read 1MB|2MB``
(p50/p99 latency too, at most ``--big-ops``); ``xp COUNT|ORDER BY|GROUP BY`` over 10,000 documents in every
partition (``xp GROUP BY seq`` is v5 with ``max_concurrency=1``; 4.x cannot run GROUP BY across
partitions). Apart from these: the first call of a new client in a new process (``--first-call-runs``
processes, median) and a long run of async point reads (``--long-seconds``; 0 skips it) for peak RSS and
RSS growth.

``--rounds N`` runs the workloads of every client N times, interleaved (4.17.1, ours, the driver, then
again), and reports each figure's median over the rounds: a machine whose speed drifts during the run then
weighs on every column alike (ratios of sequential point operations move by tens of percent between
single runs here). Peak RSS is the highest of the rounds.

A quick look (about a minute): ``--ops 200 --seconds 1 --big-ops 3 --long-seconds 3 --first-call-runs 2``.

Client CPU is ``time.process_time()`` of the client process: every thread of it, none of the server's.
With the canned server the server's own CPU per request is measured and printed as well.

``--driver-floor PATH`` adds a third column, the bare Rust driver: PATH is run as
``PATH --endpoint URL --key KEY --database DB --container C --ops N --seconds S --big-ops N
--in-flight 1,16,64,256`` and must print, as its last stdout line, JSON of the same shape as the
``run`` phase: ``{"version": "...", "workloads": {"read": {"ops_per_s": .., "cpu_ms_per_op": ..,
"p50_ms": .., "p99_ms": ..}, ...}}`` with the workload names above (missing ones are shown as n/a).
``--driver-floor build`` builds ``benchmarks/driver_floor`` (the bare ``azure_data_cosmos_driver`` at the
root crate's pinned version, driving the same workloads from Rust; ``nice cargo build --release --locked``
into the canned server's target directory) and uses that binary.

This is a measurement, not a test: on a shared 2-core machine numbers vary by tens of percent between runs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
from typing import Any, Dict, List, Optional
from urllib.parse import urlparse

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)

import canned  # noqa: E402 - after the path above: the benchmark's modules are scripts, not a package
import perf_report  # noqa: E402
import record_canned  # noqa: E402

REFERENCE_VERSION = "4.17.1"
REFERENCE_PYTHON = os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
WORKLOADS_SCRIPT = os.path.join(BENCH_DIR, "perf_workloads.py")
DRIVER_FLOOR_DIR = os.path.join(BENCH_DIR, "driver_floor")
DEFAULT_OPS = {"canned": 50_000}
FALLBACK_OPS = 2000


def _measured_environment() -> Dict[str, str]:
    # With RUST_BACKTRACE (or RUST_LIB_BACKTRACE) set, every Rust error value captures a stack trace, and the
    # driver builds (and drops) errors on its hot path: the bare driver would be measured slower than it is.
    return {name: value for name, value in os.environ.items()
            if name not in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")}


def _environment_for(python: str) -> Dict[str, str]:
    env = dict(_measured_environment(), PYTHONWARNINGS="ignore")  # 4.x warns on every unverified https request
    if python == REFERENCE_PYTHON:
        # A PYTHONPATH pointing at this repo's python/ would shadow the reference package.
        env.pop("PYTHONPATH", None)
    return env


def _probe(python: str, code: str) -> Optional[str]:
    probe = subprocess.run([python, "-c", code], capture_output=True, text=True, env=_environment_for(python))
    return probe.stdout.strip() if probe.returncode == 0 else None


def _package_version(python: str) -> Optional[str]:
    return _probe(python, "import azure.cosmos; print(azure.cosmos.__version__)")


def _build_profile(python: str) -> str:
    return _probe(python, "from azure.cosmos import _rust; print(_rust.BUILD_PROFILE)") or "unknown"


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


def _run_phase(python: str, phase: str, config: Dict[str, Any]) -> Dict[str, Any]:
    result = subprocess.run([python, WORKLOADS_SCRIPT, phase, json.dumps(config)],
                            capture_output=True, text=True, env=_environment_for(python))
    if result.returncode != 0:
        raise SystemExit(f"{phase} with {python} failed:\n{result.stderr[-3000:]}")
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _build_driver_floor() -> str:
    """``benchmarks/driver_floor`` built (niced: it is a long release build on a small machine) into the
    benchmark's target directory; the binary's path."""
    if shutil.which("cargo") is None:
        raise SystemExit("--driver-floor build needs cargo (https://rustup.rs)")
    print(f"building the driver floor into {canned.target_dir()} ...", file=sys.stderr, flush=True)
    subprocess.run(["nice", "cargo", "build", "--release", "--locked", "--quiet"], cwd=DRIVER_FLOOR_DIR,
                   env=dict(os.environ, CARGO_TARGET_DIR=canned.target_dir()), check=True)
    return os.path.join(canned.target_dir(), "release", "driver_floor")


def _run_driver_floor(path: str, config: Dict[str, Any]) -> Dict[str, Any]:
    command = [path, "--endpoint", config["endpoint"], "--key", config["key"], "--database", config["database"],
               "--container", config["container"], "--ops", str(config["ops"]), "--seconds", str(config["seconds"]),
               "--big-ops", str(config["big_ops"]), "--in-flight", ",".join(map(str, config["in_flight"]))]
    result = subprocess.run(command, capture_output=True, text=True, env=_measured_environment())
    if result.returncode != 0:
        raise SystemExit(f"the driver floor {path} failed:\n{result.stderr[-3000:]}")
    output = json.loads(result.stdout.strip().splitlines()[-1])
    output.setdefault("workloads", {})
    return output


def _compile_bytecode(python: str) -> None:
    """Byte-compile the package the interpreter imports, as pip does when it installs a wheel.

    An editable checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile every module from source in
    each new process, and the first-call figure would time the compiler rather than the client."""
    package = _probe(python, "import os, azure.cosmos; print(os.path.dirname(azure.cosmos.__file__))")
    if package:
        subprocess.run([python, "-m", "compileall", "-q", package], capture_output=True,
                       env=_environment_for(python), check=False)


def _first_call(python: str, config: Dict[str, Any], runs: int) -> Dict[str, Any]:
    _compile_bytecode(python)
    samples = [_run_phase(python, "first-call", config) for _ in range(runs)]
    return {"runs": runs, "import_ms": statistics.median(s["import_ms"] for s in samples),
            "first_call_ms": statistics.median(s["first_call_ms"] for s in samples), "samples": samples}


def _parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="canned",
                        help="canned (default) or a server of tools/local_servers.py (emulator, vercel, ...)")
    parser.add_argument("--endpoint", help="use this running server instead of starting one")
    parser.add_argument("--key", help="its key (default: the emulator key)")
    parser.add_argument("--ops", type=int, help="operations per point workload (query and read-many: ops/100); "
                                                f"default {DEFAULT_OPS['canned']} canned, {FALLBACK_OPS} otherwise")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per workload and package")
    parser.add_argument("--big-ops", type=int, default=100, help="operations per 1 MB / 2 MB workload")
    parser.add_argument("--in-flight", default="1,16,64,256", help="async concurrency levels, comma-separated")
    parser.add_argument("--long-seconds", type=float, default=60.0, help="length of the RSS run (0: skip it)")
    parser.add_argument("--first-call-runs", type=int, default=5, help="new processes timed for the first call")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run phases of every client, interleaved; each figure is their median (default 1)")
    parser.add_argument("--json", metavar="PATH", help="write the full report as JSON")
    parser.add_argument("--plot", metavar="DIR", help="write PNG figures (needs matplotlib)")
    parser.add_argument("--driver-floor", metavar="PATH",
                        help="bare-driver benchmark binary (third column); 'build' builds benchmarks/driver_floor")
    parser.add_argument("--fixture", default=record_canned.DEFAULT_FIXTURE, help="canned server fixture file")
    parser.add_argument("--rerecord", action="store_true", help="record the canned fixture again first")
    parser.add_argument("--canned-threads", type=int, default=1, help="runtime threads of the canned server")
    parser.add_argument("--allow-debug-build", action="store_true",
                        help="measure a debug build of the native module anyway (labelled in the output)")
    parser.add_argument("--v5-python", default=os.path.join(REPO_ROOT, ".venv", "bin", "python"))
    return parser.parse_args(argv)


def _measure(args: argparse.Namespace, config: Dict[str, Any], pythons: List[str], labels: List[str],
             server: Optional[canned.CannedServer]) -> Dict[str, Any]:
    report: Dict[str, Any] = {"clients": list(labels), "results": {}, "first_call": {}, "long_run": {},
                              "in_flight": config["in_flight"], "notes": [], "server_cost": {}}
    if server:
        report["server_ceiling"] = canned.measure_ceiling(server)
    # The run phase of every client, round after round (4.17.1, ours, the driver, then again), so that a drift
    # of the machine's speed during the run weighs on every column alike; each figure is the rounds' median.
    rounds: Dict[str, List[Dict[str, Any]]] = {}
    driver_label = None
    for round_number in range(1, args.rounds + 1):
        for python, label in zip(pythons, labels):
            print(f"measuring {label} (round {round_number} of {args.rounds}) ...", file=sys.stderr, flush=True)
            rounds.setdefault(label, []).append(_run_counting_server_cost(
                report, label, server, lambda python=python: _run_phase(python, "run", config)))
        if args.driver_floor:
            print(f"measuring the bare driver (round {round_number} of {args.rounds}) ...", file=sys.stderr,
                  flush=True)
            driver = _run_driver_floor(args.driver_floor, config)
            driver_label = f"driver {driver.get('version', '')}".strip()
            rounds.setdefault(driver_label, []).append(driver)
    for label, outcomes in rounds.items():
        report["results"][label] = perf_report.median_of_rounds(outcomes)
    if driver_label:
        report["clients"].append(driver_label)
    for python, label in zip(pythons, labels):
        if args.first_call_runs > 0:
            report["first_call"][label] = _first_call(python, config, args.first_call_runs)
        if args.long_seconds > 0:
            report["long_run"][label] = _run_phase(python, "long", config)
    return report


def _run_counting_server_cost(report: Dict[str, Any], label: str, server: Optional[canned.CannedServer],
                              run: Any) -> Dict[str, Any]:
    """``run()``'s result; with the canned server, its CPU and requests meanwhile added to ``label``'s cost."""
    cpu_before = server.cpu_seconds() if server else 0.0
    requests_before = server.stats()["requests"] if server else 0
    try:
        outcome = run()
    finally:
        if server and server.stats()["misses"]:
            # A client failing on the canned server's 400 is most likely a request shape not recorded.
            print(f"the canned server had no recorded answer for: {server.stats()['recent_misses'][:3]}; "
                  "re-record its fixture with --rerecord", file=sys.stderr)
    if server:
        stats = server.stats()
        cost = report["server_cost"].setdefault(label, {"requests": 0, "server_cpu_s": 0.0})
        cost["requests"] += stats["requests"] - requests_before
        cost["server_cpu_s"] += server.cpu_seconds() - cpu_before
        cost["server_cpu_us_per_request"] = (1e6 * cost["server_cpu_s"] / cost["requests"] if cost["requests"]
                                             else None)
        if stats["misses"]:
            raise SystemExit(f"the canned server had no answer for {stats['misses']} requests (re-record with "
                             f"--rerecord): {stats['recent_misses'][:3]}")
    return outcome


def main(argv: Optional[List[str]] = None) -> int:
    args = _parse_args(argv)
    sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))
    import local_servers

    if args.rounds < 1:
        raise SystemExit(f"--rounds must be at least 1, got {args.rounds}")
    ref_python = _reference_python()
    v5_version = _package_version(args.v5_python)
    if not v5_version or not v5_version.startswith("5."):
        raise SystemExit(f"{args.v5_python} has no azure-cosmos 5 (found {v5_version}); run `bash tools/dev.sh setup`")
    profile = _build_profile(args.v5_python)
    if profile != "release" and not args.allow_debug_build:
        raise SystemExit(f"the native module in {args.v5_python} is a {profile} build, which would understate v5; "
                         "build it with `bash tools/dev.sh release` (or pass --allow-debug-build for a rough look)")
    v5_label = f"{v5_version} ({profile})" if profile != "release" else v5_version
    if args.driver_floor == "build":
        args.driver_floor = _build_driver_floor()  # before the measurements: a build error fails fast
    in_flight = [int(n) for n in args.in_flight.split(",") if n.strip()]
    is_canned = args.server == "canned" and not args.endpoint
    ops = args.ops or DEFAULT_OPS.get(args.server if not args.endpoint else "", FALLBACK_OPS)
    if args.plot:
        try:
            import matplotlib  # noqa: F401 - fail before a long run, not after it
        except ImportError:
            raise SystemExit("--plot needs matplotlib (not a project dependency): pip install matplotlib")

    server: Any = None
    canned_server: Optional[canned.CannedServer] = None
    names = {"database": f"bench-{uuid.uuid4().hex[:8]}", "container": "items"}
    if args.endpoint:
        endpoint, key, kwargs = args.endpoint, args.key or local_servers.EMULATOR_KEY, _loopback_kwargs(args.endpoint)
    elif is_canned:
        binary = canned.ensure_binary()
        fixture = canned.ensure_fixture(args.fixture, ref_python, args.v5_python, rerecord=args.rerecord)
        names = canned.fixture_names(fixture)
        canned_server = server = canned.CannedServer(binary, fixture, threads=args.canned_threads).start()
        endpoint, key = canned_server.endpoint, local_servers.EMULATOR_KEY
        kwargs = local_servers.connection_kwargs_for("emulator")
    else:
        reason = local_servers.unavailable_reason(args.server)
        if reason:
            raise SystemExit(f"cannot start {args.server}: {reason}")
        server = local_servers.LocalServer(args.server).start()
        endpoint, key, kwargs = server.endpoint, server.key, server.connection_kwargs
    config = {"endpoint": endpoint, "key": key, "connection_kwargs": kwargs, **names, "ops": ops,
              "seconds": args.seconds, "big_ops": args.big_ops, "in_flight": in_flight,
              "long_seconds": args.long_seconds}
    config.setdefault("xp", True)
    try:
        print(f"server: {args.endpoint or args.server} at {endpoint}; "
              f"clients: azure-cosmos {REFERENCE_VERSION} ({ref_python}) and {v5_label} ({args.v5_python})",
              flush=True)
        if not is_canned:
            # The reference client prepares the data, so both packages measure the same documents.
            _run_phase(ref_python, "setup", config)
        try:
            report = _measure(args, config, [ref_python, args.v5_python], [REFERENCE_VERSION, v5_label],
                              canned_server)
        finally:
            if not is_canned:
                _run_phase(ref_python, "teardown", config)
    finally:
        if server is not None:
            server.stop()
    report.update({"server": "canned" if is_canned else (args.endpoint or args.server), "endpoint": endpoint,
                   "v5_build_profile": profile, "config": {k: v for k, v in config.items() if k != "key"},
                   "workloads": perf_report.workload_order(in_flight)})
    report["ratios"] = perf_report.compute_ratios(report)
    ceiling = report.get("server_ceiling")
    if ceiling:
        report["notes"].append(
            f"canned server alone (canned_load, {ceiling['connections']} connections, point read): "
            f"{ceiling['requests_per_s']:,.0f} requests/s, {ceiling['server_cpu_us_per_request']:.1f} us CPU/request "
            "(load generator on the same cores)")
    for label, cost in report["server_cost"].items():
        if cost["server_cpu_us_per_request"] is not None:
            report["notes"].append(f"canned server CPU while {label} ran: {cost['server_cpu_us_per_request']:.1f} "
                                   f"us/request over {cost['requests']:,} requests (1-2 MB bodies included)")
    if profile != "release":
        report["notes"].append(f"NOTE: {v5_label} is a {profile} build of the native module: its figures "
                               "understate a release build.")
    perf_report.print_table(report)
    if args.json:
        perf_report.write_json(report, args.json)
        print(f"wrote {args.json}")
    if args.plot:
        for path in perf_report.plot(report, args.plot):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
