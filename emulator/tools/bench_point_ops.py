"""Point reads and writes per second against the emulator: what the server itself can serve.

Not a test: it prints figures, so benchmarks of an SDK can tell whether the server is their bottleneck.
The default client speaks the gateway protocol directly (``http.client`` with keep-alive, master-key
signatures computed here), so the figures measure the server and not an SDK; ``--client sdk`` runs the
same phases through azure-cosmos 4.x for comparison (run that with ``.venv-ref/bin/python`` and an
``--endpoint``). Every phase is bounded: it stops after ``--ops`` operations or ``--seconds`` seconds,
whichever comes first.

    .venv/bin/python emulator/tools/bench_point_ops.py                 # starts its own emulator (http)
    .venv/bin/python emulator/tools/bench_point_ops.py --tls --connections 2
    .venv/bin/python emulator/tools/bench_point_ops.py --data-dir /tmp/bench-data      # durable writes
    .venv/bin/python emulator/tools/bench_point_ops.py --endpoint http://127.0.0.1:8081/ [--server-pid PID]
    .venv-ref/bin/python emulator/tools/bench_point_ops.py --client sdk --endpoint http://127.0.0.1:8081/

With a server it started (or ``--server-pid``), it also reports the server's CPU time per operation from
/proc: the cost the server pays per request, independent of how fast the client is.
"""
from __future__ import annotations

import argparse
import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import ssl
import sys
import time
import uuid
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import quote, urlsplit

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
PHASES = ("create", "read", "upsert")
PAYLOAD = "x" * 150  # a ~200-byte item, the size the SDK benchmarks use


# ---------------------------------------------------------------------------------------------------
# The raw-HTTP client: one kept-alive connection, signed requests.
class GatewayConnection:
    """Signed requests to one endpoint over one kept-alive connection.

    :param endpoint: the server's URL.
    :param key: the account master key (base64).
    """

    def __init__(self, endpoint: str, key: str):
        parts = urlsplit(endpoint)
        self._key = base64.b64decode(key)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the emulator's certificate is self-signed
            self._connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=30, context=context)
        else:
            self._connection = http.client.HTTPConnection(parts.hostname, port, timeout=30)
        self._date = ""
        self._date_second = -1

    def _now(self) -> str:
        # x-ms-date has one-second resolution; formatting it once a second keeps the client cheap.
        second = int(time.time())
        if second != self._date_second:
            self._date_second, self._date = second, email.utils.formatdate(second, usegmt=True)
        return self._date

    def request(self, verb: str, path: str, resource_type: str, resource_link: str,
                body: Optional[dict] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes]:
        """Send one request; ``resource_type``/``resource_link`` are what the signature covers."""
        date = self._now()
        text = f"{verb.lower()}\n{resource_type}\n{resource_link}\n{date.lower()}\n\n"
        signature = base64.b64encode(hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()).decode()
        out = {"authorization": quote(f"type=master&ver=1.0&sig={signature}", safe=""), "x-ms-date": date,
               "x-ms-version": "2020-07-15", "accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            out["content-type"] = "application/json"
        out.update(headers or {})
        self._connection.request(verb, path, body=payload, headers=out)
        response = self._connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self._connection.close()


def item_path(database: str, container: str) -> Tuple[str, str]:
    link = f"dbs/{database}/colls/{container}"
    return "/" + link + "/docs", link


def raw_operation(connection: GatewayConnection, phase: str, database: str, container: str
                  ) -> Callable[[int], None]:
    feed_path, collection_link = item_path(database, container)

    def expect(status: int, raw: bytes, wanted: Tuple[int, ...]) -> None:
        if status not in wanted:
            raise RuntimeError(f"{phase} answered {status}: {raw[:300]!r}")

    def create(index: int) -> None:
        key = f"p{index % 50}"
        status, raw = connection.request("POST", feed_path, "docs", collection_link,
                                         {"id": str(index), "pk": key, "p": PAYLOAD},
                                         {"x-ms-documentdb-partitionkey": json.dumps([key])})
        expect(status, raw, (201,))

    def read(index: int) -> None:
        key = f"p{index % 50}"
        status, raw = connection.request("GET", f"{feed_path}/{index}", "docs", f"{collection_link}/docs/{index}",
                                         headers={"x-ms-documentdb-partitionkey": json.dumps([key])})
        expect(status, raw, (200,))

    def upsert(index: int) -> None:
        key = f"p{index % 50}"
        status, raw = connection.request("POST", feed_path, "docs", collection_link,
                                         {"id": str(index), "pk": key, "v": index},
                                         {"x-ms-documentdb-partitionkey": json.dumps([key]),
                                          "x-ms-documentdb-is-upsert": "True"})
        expect(status, raw, (200, 201))

    return {"create": create, "read": read, "upsert": upsert}[phase]


def sdk_operation(container_client, phase: str) -> Callable[[int], None]:
    if phase == "create":
        return lambda i: container_client.create_item({"id": str(i), "pk": f"p{i % 50}", "p": PAYLOAD})
    if phase == "read":
        return lambda i: container_client.read_item(str(i), partition_key=f"p{i % 50}")
    return lambda i: container_client.upsert_item({"id": str(i), "pk": f"p{i % 50}", "v": i})


# ---------------------------------------------------------------------------------------------------
# Running phases: one process per connection, each doing every C-th operation.
def run_share(arguments: argparse.Namespace, phase: str, database: str, container: str, worker: int,
              start_at: float, results: "multiprocessing.Queue") -> None:
    if arguments.client == "sdk":
        from azure.cosmos import CosmosClient  # only with --client sdk (azure-cosmos 4.x)
        client = CosmosClient(arguments.endpoint, arguments.key, connection_verify=False)
        container_client = client.get_database_client(database).get_container_client(container)
        container_client.read()  # fills the SDK's account and container caches before the clock starts
        operation = sdk_operation(container_client, phase)
        close = client.close
    else:
        connection = GatewayConnection(arguments.endpoint, arguments.key)
        operation = raw_operation(connection, phase, database, container)
        close = connection.close
    latencies: List[float] = []
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = time.perf_counter() + arguments.seconds
    cpu_start = time.process_time()
    for index in range(worker, arguments.ops, arguments.connections):
        started = time.perf_counter()
        operation(index)
        finished = time.perf_counter()
        latencies.append(finished - started)
        if finished > deadline:
            break
    cpu = time.process_time() - cpu_start
    close()
    results.put((latencies, cpu))


def server_cpu_seconds(pid: Optional[int]) -> Optional[float]:
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_phase(arguments: argparse.Namespace, phase: str, database: str, container: str,
              server_pid: Optional[int]) -> Dict[str, float]:
    results: "multiprocessing.Queue" = multiprocessing.Queue()
    start_at = time.time() + 0.3  # every process starts together, after they have all connected
    processes = [multiprocessing.Process(target=run_share, args=(arguments, phase, database, container, worker,
                                                                start_at, results))
                 for worker in range(arguments.connections)]
    for process in processes:
        process.start()
    while time.time() < start_at:
        time.sleep(0.001)
    server_before = server_cpu_seconds(server_pid)
    wall_start = time.perf_counter()
    shares = [results.get(timeout=arguments.seconds + 120) for _ in processes]
    wall = time.perf_counter() - wall_start
    server_after = server_cpu_seconds(server_pid)
    for process in processes:
        process.join()
    latencies = sorted(latency for share, _ in shares for latency in share)
    count = len(latencies)
    figures = {"ops": count, "seconds": wall, "ops_per_second": count / wall,
               "p50_ms": latencies[count // 2] * 1000, "p99_ms": latencies[min(count - 1, int(count * 0.99))] * 1000,
               "client_cpu_ms_per_op": sum(cpu for _, cpu in shares) / count * 1000}
    if server_before is not None and server_after is not None:
        figures["server_cpu_ms_per_op"] = (server_after - server_before) / count * 1000
    return figures


# ---------------------------------------------------------------------------------------------------
def start_own_server(tls: bool, data_dir: Optional[str]):
    """An emulator process through the project's launcher (tools/local_servers.py)."""
    repository = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    sys.path.insert(0, os.path.join(repository, "tools"))
    import local_servers
    extra = ["--data-dir", data_dir] if data_dir else []
    return local_servers.LocalServer("emulator-https" if tls else "emulator", extra_args=extra).start()


def set_up(arguments: argparse.Namespace) -> Tuple[str, str]:
    database, container = "bench-" + uuid.uuid4().hex[:8], "points"
    connection = GatewayConnection(arguments.endpoint, arguments.key)
    status, raw = connection.request("POST", "/dbs", "dbs", "", {"id": database})
    if status != 201:
        raise RuntimeError(f"create database answered {status}: {raw[:300]!r}")
    status, raw = connection.request("POST", f"/dbs/{database}/colls", "colls", f"dbs/{database}",
                                     {"id": container, "partitionKey": {"paths": ["/pk"], "kind": "Hash",
                                                                        "version": 2}})
    if status != 201:
        raise RuntimeError(f"create container answered {status}: {raw[:300]!r}")
    connection.close()
    return database, container


def tear_down(arguments: argparse.Namespace, database: str) -> None:
    connection = GatewayConnection(arguments.endpoint, arguments.key)
    connection.request("DELETE", f"/dbs/{database}", "dbs", f"dbs/{database}")
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Point operations per second against the emulator.")
    parser.add_argument("--endpoint", help="a running server (default: start an emulator for the run)")
    parser.add_argument("--key", default=WELL_KNOWN_KEY)
    parser.add_argument("--tls", action="store_true", help="start the emulator with HTTPS (own server only)")
    parser.add_argument("--data-dir", help="start the emulator with --data-dir DIR (durable writes; own server only)")
    parser.add_argument("--server-pid", type=int, help="pid of the --endpoint server, for its CPU time per op")
    parser.add_argument("--client", choices=("raw", "sdk"), default="raw",
                        help="raw HTTP (measures the server; default) or azure-cosmos 4.x (client-bound)")
    parser.add_argument("--connections", type=int, default=1, help="client processes, one connection each")
    parser.add_argument("--ops", type=int, default=3000, help="operations per phase at most")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per phase at most")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    arguments = parser.parse_args()
    if arguments.connections < 1 or arguments.ops < 1 or arguments.seconds <= 0:
        parser.error("--connections, --ops and --seconds must be positive")
    own_server = None
    server_pid = arguments.server_pid
    if arguments.endpoint is None:
        if arguments.client == "sdk":
            parser.error("--client sdk needs --endpoint (run it with .venv-ref/bin/python against a running server)")
        own_server = start_own_server(arguments.tls, arguments.data_dir)
        arguments.endpoint, server_pid = own_server.endpoint, own_server.pid
    report: Dict[str, object] = {"endpoint": arguments.endpoint, "client": arguments.client,
                                 "connections": arguments.connections, "cpus": os.cpu_count()}
    try:
        database, container = set_up(arguments)
        try:
            for phase in PHASES:
                report[phase] = figures = run_phase(arguments, phase, database, container, server_pid)
                if not arguments.json:
                    server_cost = (f"  server CPU {figures['server_cpu_ms_per_op']:5.2f} ms/op"
                                   if "server_cpu_ms_per_op" in figures else "")
                    print(f"{phase:7s} {figures['ops_per_second']:8.0f} ops/s  ({figures['ops']:.0f} ops in "
                          f"{figures['seconds']:.1f} s)  p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:6.2f} ms"
                          f"  client CPU {figures['client_cpu_ms_per_op']:5.2f} ms/op{server_cost}", flush=True)
        finally:
            tear_down(arguments, database)
    finally:
        if own_server is not None:
            own_server.stop()
    if arguments.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"({arguments.client} client, {arguments.connections} connection(s), {arguments.endpoint}, "
              f"{os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
