"""Record the canned server's fixture: the emulator's answers to every request the benchmark's workloads send.

    python benchmarks/record_canned.py [--out PATH] [--ref-python PY] [--v5-python PY]

It starts our emulator (``tools/local_servers.py``), fills a database the way ``perf_workloads.py setup``
does, and puts a recording proxy in front of it. Then azure-cosmos 4.17.1 and azure-cosmos 5 each run the
``touch`` phase through the proxy (every distinct request of every workload, sync and async, once), so the
fixture holds what both clients ask, in the exact shape each sends it. Every exchange is written with its
status, headers and body; the emulator's address is replaced by a placeholder that the canned server fills
with its own address, so the account document keeps clients on the canned server.

Matching rules (keep in step with ``canned_server/src/fixture.rs``): method, path, the values of
``MATCH_HEADERS`` and, for queries only, the exact request body. Document writes (POST to a ``/docs`` feed
that is not a query or a batch) become echo templates: recorded status and headers, and the recorded system
properties that the server appends to whatever document it is sent. Bulk requests (non-atomic batches)
need no recording of their own: the server answers each operation from the same echo template.
"""
from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
WORKLOADS_SCRIPT = os.path.join(BENCH_DIR, "perf_workloads.py")
DEFAULT_FIXTURE = os.path.join(BENCH_DIR, "canned_server", "recorded", "fixture.json")
FIXTURE_FORMAT = 2
HOST_PLACEHOLDER = "{{CANNED_SERVER}}"
DATABASE = "bench"
CONTAINER = "items"
MATCH_HEADERS = (
    "x-ms-documentdb-isquery",
    "x-ms-cosmos-is-query-plan-request",
    "x-ms-documentdb-query-enablecrosspartition",
    "x-ms-continuation",
    "x-ms-max-item-count",
    "x-ms-documentdb-partitionkey",
    "x-ms-documentdb-partitionkeyrangeid",
    "a-im",
    "if-none-match",
    "x-ms-cosmos-is-batch-request",
)
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}


def is_query(headers: Dict[str, str]) -> bool:
    # 4.x sends its query-plan requests as application/json without the isquery flag.
    return (headers.get("x-ms-documentdb-isquery", "").lower() == "true"
            or headers.get("x-ms-cosmos-is-query-plan-request", "").lower() == "true"
            or headers.get("content-type", "").startswith("application/query+json"))


def is_document_write(method: str, path: str, headers: Dict[str, str]) -> bool:
    return (method == "POST" and path.rstrip("/").endswith("/docs") and not is_query(headers)
            and headers.get("x-ms-cosmos-is-batch-request", "").lower() != "true")


class Recorder:
    """Collects exchanges, first one per matching key, and writes the fixture."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._exchanges: Dict[Tuple, Dict[str, Any]] = {}
        self._echoes: Dict[Tuple, Dict[str, Any]] = {}
        self.authorities: List[str] = []
        self.clients: List[str] = []
        self.xp = False

    def _neutral(self, text: str) -> str:
        for authority in self.authorities:
            text = text.replace(authority, HOST_PLACEHOLDER)
        return text

    def add(self, method: str, path: str, request_headers: Dict[str, str], request_body: bytes,
            status: int, response_headers: List[Tuple[str, str]], response_body: bytes) -> None:
        headers = [(name, self._neutral(value)) for name, value in response_headers
                   if name.lower() not in _HOP_BY_HOP]
        if is_document_write(method, path, request_headers):
            if status not in (200, 201):
                return
            document = json.loads(response_body)
            system = {name: value for name, value in document.items() if name.startswith("_")}
            key = (method, path, request_headers.get("x-ms-documentdb-is-upsert", ""))
            record = {"method": method, "path": path, "upsert": key[2], "status": status, "headers": headers,
                      "system_properties": json.dumps(system, separators=(",", ":"))[1:-1]}
            with self._lock:
                self._echoes.setdefault(key, record)
            return
        matched = {name: request_headers[name] for name in MATCH_HEADERS if name in request_headers}
        query_body = request_body.decode("utf-8") if is_query(request_headers) else None
        key = (method, path, tuple(sorted(matched.items())), query_body)
        record = {"method": method, "path": path, "match": matched, "query_body": query_body,
                  "status": status, "headers": headers, "body": self._neutral(response_body.decode("utf-8"))}
        with self._lock:
            self._exchanges.setdefault(key, record)

    def write(self, path: str) -> Dict[str, int]:
        fixture = {"format": FIXTURE_FORMAT, "host_placeholder": HOST_PLACEHOLDER,
                   "match_headers": list(MATCH_HEADERS), "database": DATABASE, "container": CONTAINER,
                   "clients": self.clients, "xp": self.xp,
                   "exchanges": list(self._exchanges.values()), "echo": list(self._echoes.values())}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = path + ".tmp"
        with open(temporary, "w") as out:
            json.dump(fixture, out)
        os.replace(temporary, path)
        return {"exchanges": len(self._exchanges), "echo templates": len(self._echoes)}


def _proxy_handler(upstream_host: str, upstream_port: int, recorder: Recorder) -> type:
    local = threading.local()

    class RecordingProxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # the exchanges are the record; no access log
            pass

        def _upstream(self) -> http.client.HTTPConnection:
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection(upstream_host, upstream_port, timeout=120)
            return local.connection

        def _forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request_headers = {name.lower(): value for name, value in self.headers.items()}
            forwarded = {name: value for name, value in self.headers.items()
                         if name.lower() not in _HOP_BY_HOP and name.lower() != "accept-encoding"}
            try:
                connection = self._upstream()
                connection.request(self.command, self.path, body=body or None, headers=forwarded)
                response = connection.getresponse()
            except (http.client.HTTPException, OSError):
                local.connection = None  # the emulator closed a kept-alive connection: one retry on a new one
                connection = self._upstream()
                connection.request(self.command, self.path, body=body or None, headers=forwarded)
                response = connection.getresponse()
            # The emulator names the port it was reached on in the account document: name the proxy's
            # instead, so the clients keep talking through the proxy.
            proxy_authority = f"127.0.0.1:{self.server.server_address[1]}".encode()
            response_body = response.read()
            for upstream in (f"127.0.0.1:{upstream_port}".encode(), f"localhost:{upstream_port}".encode()):
                response_body = response_body.replace(upstream, proxy_authority)
            response_headers = [(name, value.replace(f"127.0.0.1:{upstream_port}", proxy_authority.decode()))
                                for name, value in response.getheaders()]
            recorder.add(self.command, self.path, request_headers, body, response.status, response_headers,
                         response_body)
            self.send_response_only(response.status, response.reason)
            for name, value in response_headers:
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response_body)))
            self.end_headers()
            self.wfile.write(response_body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward

    return RecordingProxy


def _run_phase(python: str, phase: str, config: Dict[str, Any]) -> str:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if os.path.realpath(python) != os.path.realpath(sys.executable) and ".venv-ref" in python:
        env.pop("PYTHONPATH", None)  # a PYTHONPATH at this repo's python/ would shadow the reference package
    result = subprocess.run([python, WORKLOADS_SCRIPT, phase, json.dumps(config)], capture_output=True,
                            text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{phase} with {python} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _version(python: str) -> str:
    return subprocess.run([python, "-c", "import azure.cosmos; print(azure.cosmos.__version__)"],
                          capture_output=True, text=True).stdout.strip()


def record(out: str, ref_python: str, v5_python: str, xp: bool = True) -> Dict[str, int]:
    """Start the emulator, fill it, record both clients' touch phase through the proxy, write ``out``.

    :param xp: record the cross-partition workloads too (10,000 more documents: a slower recording).
    """
    sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))
    import local_servers

    emulator = local_servers.LocalServer("emulator").start()
    proxy: Optional[http.server.ThreadingHTTPServer] = None
    try:
        direct = {"endpoint": emulator.endpoint, "key": emulator.key, "xp": xp,
                  "connection_kwargs": emulator.connection_kwargs, "database": DATABASE, "container": CONTAINER}
        _run_phase(ref_python, "setup", direct)
        recorder = Recorder()
        proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                _proxy_handler("127.0.0.1", emulator.port, recorder))
        proxy.daemon_threads = True
        proxy_port = proxy.server_address[1]
        recorder.authorities = [f"127.0.0.1:{proxy_port}", f"localhost:{proxy_port}",
                                f"127.0.0.1:{emulator.port}", f"localhost:{emulator.port}"]
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        through_proxy = dict(direct, endpoint=f"http://127.0.0.1:{proxy_port}/")
        for python in (ref_python, v5_python):
            _run_phase(python, "touch", through_proxy)
            recorder.clients.append(_version(python))
        recorder.xp = xp
        return recorder.write(out)
    finally:
        if proxy is not None:
            proxy.shutdown()
        emulator.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_FIXTURE, help="fixture file to write")
    parser.add_argument("--ref-python", default=os.path.join(REPO_ROOT, ".venv-ref", "bin", "python"))
    parser.add_argument("--v5-python", default=os.path.join(REPO_ROOT, ".venv", "bin", "python"))
    parser.add_argument("--no-xp", action="store_true", help="leave the cross-partition workloads out")
    args = parser.parse_args(argv)
    counts = record(args.out, args.ref_python, args.v5_python, xp=not args.no_xp)
    print(f"wrote {args.out}: {counts['exchanges']} exchanges, {counts['echo templates']} echo templates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
