"""Build, record for and run the canned server (``benchmarks/canned_server``) for ``compare_performance.py``.

The binary is built with ``cargo build --release --locked`` into ``$CARGO_TARGET_DIR`` or, when that is
unset, ``~/.cache/azure-cosmos5/bench-target`` (kept apart from the root crate's build), and rebuilt when a
source changed (when cargo is at hand). The fixture is recorded by ``record_canned.py`` when it is missing.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from typing import Any, Dict, List, Optional

import record_canned

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
CRATE_DIR = os.path.join(BENCH_DIR, "canned_server")
BINARY_NAME = "canned_server"
LOAD_BINARY_NAME = "canned_load"
_READY = re.compile(r"ready endpoint=(http://[\w.\[\]:]+/)")
_START_TIMEOUT_SECONDS = 20.0


def target_dir() -> str:
    return os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/azure-cosmos5/bench-target")


def ensure_binary() -> str:
    """The release binary's path, built first when missing; with cargo at hand, brought up to date
    (``cargo build`` is a no-op when nothing changed)."""
    binary = os.path.join(target_dir(), "release", BINARY_NAME)
    have_cargo = shutil.which("cargo") is not None
    if os.path.exists(binary) and not have_cargo:
        return binary
    if not have_cargo:
        raise SystemExit("the canned server is not built and cargo is not installed (https://rustup.rs)")
    if not os.path.exists(binary):
        print(f"building the canned server into {target_dir()} ...", flush=True)
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir())
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=CRATE_DIR, env=env, check=True)
    return binary


def measure_ceiling(server: "CannedServer", seconds: float = 3.0, connections: int = 16) -> Dict[str, Any]:
    """The server's own rate on a point read under ``canned_load`` (the load generator beside it), and its
    CPU per request: what the client measurements must be far from."""
    load = os.path.join(os.path.dirname(server.command[0]), LOAD_BINARY_NAME)
    port = server.endpoint.rstrip("/").rsplit(":", 1)[1]
    cpu_before = server.cpu_seconds()
    result = subprocess.run([load, "--port", port, "--path", f"/dbs/{record_canned.DATABASE}/colls/"
                             f"{record_canned.CONTAINER}/docs/r1", "--header", 'x-ms-documentdb-partitionkey: ["p1"]',
                             "--connections", str(connections), "--seconds", str(seconds)],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    cpu = server.cpu_seconds() - cpu_before
    figures.update({"connections": connections,
                    "server_cpu_us_per_request": 1e6 * cpu / figures["requests"] if figures["requests"] else None})
    return figures


def ensure_fixture(path: str, ref_python: str, v5_python: str, rerecord: bool = False) -> str:
    """``path``, recorded from the emulator first when it is missing, of another format, or ``rerecord``."""
    if rerecord or not os.path.exists(path) or _fixture_format(path) != record_canned.FIXTURE_FORMAT:
        print(f"recording the canned server's fixture from the emulator into {path} ...", flush=True)
        counts = record_canned.record(path, ref_python, v5_python)
        print(f"  {counts['exchanges']} exchanges, {counts['echo templates']} echo templates", flush=True)
    return path


def _fixture_format(path: str) -> object:
    try:
        with open(path) as fixture:
            return json.load(fixture).get("format")
    except (OSError, ValueError):
        return None


def fixture_names(path: str) -> Dict[str, str]:
    with open(path) as fixture:
        header = json.load(fixture)
    return {"database": header["database"], "container": header["container"], "xp": bool(header.get("xp"))}


class CannedServer:
    """The canned server as a child process on a free loopback port.

    :param binary: the built server.
    :param fixture: the recorded fixture it answers from.
    :keyword threads: its runtime threads (1: a current-thread runtime, the cheapest).
    """

    def __init__(self, binary: str, fixture: str, *, threads: int = 1) -> None:
        self.command = [binary, "--fixture", fixture, "--port", "0", "--threads", str(threads)]
        self.endpoint: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None
        self._stderr_tail: List[str] = []

    def start(self) -> "CannedServer":
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = threading.Event()

        def read_stdout() -> None:
            for line in self.process.stdout:
                match = _READY.search(line)
                if match and not ready.is_set():
                    self.endpoint = match.group(1)
                    ready.set()

        def read_stderr() -> None:
            # Drained all along, so a server logging misses can never block on a full pipe.
            for line in self.process.stderr:
                self._stderr_tail = (self._stderr_tail + [line.rstrip()])[-20:]

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        if not ready.wait(_START_TIMEOUT_SECONDS):
            self.stop()
            raise RuntimeError(f"the canned server printed no ready line: {' | '.join(self._stderr_tail)}")
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def stats(self) -> Dict[str, Any]:
        with urllib.request.urlopen(f"{self.endpoint}_canned/stats", timeout=5) as response:
            return json.loads(response.read())

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
