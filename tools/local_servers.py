"""Start and stop the local Cosmos DB servers that the tests, the demo and the benchmark talk to.

Every server runs as a child process on 127.0.0.1 with a free port and announces itself with a
ready line on stdout that contains its endpoint URL (the only contract with the server: we take
the first loopback ``http(s)://host:port/`` URL printed). Servers:

- ``emulator`` / ``emulator-https``: this repository's ``cosmos_emulator`` package
  (``python -m cosmos_emulator --port 0 --partitions 4 [--tls]``), run with the current interpreter.
  ``--partitions 4`` is explicit: the emulator otherwise derives a container's physical partitions from its
  throughput as the service does (one for 400 RU/s), and the tests and benchmarks rely on four.
- ``vercel`` / ``vercel-http``: ``@vercel/cosmosdb-server`` from npm through
  ``tools/vercel-server/launch.js`` (keep-alive; https with its self-signed, expired certificate).

Used as a library by ``tests/conftest.py`` and ``benchmarks/compare_performance.py``, and as a
command by ``tools/dev.sh``::

    python tools/local_servers.py --server emulator -- python examples/quickstart.py
    python tools/local_servers.py --server vercel          # serve until Ctrl-C

With a command, the endpoint and key reach it as ``COSMOS_ENDPOINT`` / ``COSMOS_KEY``, the
server is stopped when it ends, and its exit status is passed on.
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Deque, Dict, List, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERCEL_DIR = os.path.join(REPO_ROOT, "tools", "vercel-server")

# The well-known key of the official Cosmos DB emulator; every local server here accepts it.
EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="

SERVER_NAMES = ("emulator", "emulator-https", "vercel", "vercel-http")

_READY_URL = re.compile(r"\b(https?)://(127\.0\.0\.1|localhost|\[::1\]):(\d+)/?")
_START_TIMEOUT_SECONDS = 90.0
_STOP_TIMEOUT_SECONDS = 10.0


def connection_kwargs_for(name: str) -> Dict[str, object]:
    """CosmosClient keyword arguments a server needs (the same for 4.x and 5).

    :param name: one of :data:`SERVER_NAMES`.
    :returns: extra keyword arguments for ``CosmosClient``.
    """
    # All are loopback servers with plain http or a self-signed certificate (vercel's also
    # expired in 2021). The v5 engine accepts either only with connection_verify=False, and
    # then only for loopback hosts; for 4.x the flag matters for https only.
    kwargs: Dict[str, object] = {"connection_verify": False}
    return kwargs


def unavailable_reason(name: str) -> Optional[str]:
    """Why a server cannot be started on this machine, or None when it can.

    :param name: one of :data:`SERVER_NAMES`.
    :returns: a reason naming what is missing, or None.
    """
    if name.startswith("emulator"):
        if importlib.util.find_spec("cosmos_emulator") is None:
            return "cosmos_emulator not installed"
        if importlib.util.find_spec("cosmos_emulator.__main__") is None:
            return "cosmos_emulator not installed (it has no __main__ to start a server yet)"
        return None
    if name.startswith("vercel"):
        if shutil.which("node") is None:
            return "node is not installed: @vercel/cosmosdb-server cannot run"
        if not os.path.isdir(os.path.join(VERCEL_DIR, "node_modules", "@vercel", "cosmosdb-server")):
            return "@vercel/cosmosdb-server not installed: run `npm ci` in tools/vercel-server"
        return None
    raise ValueError(f"unknown server {name!r}; known: {', '.join(SERVER_NAMES)}")


# Physical partitions of every container the tests create on the emulator: the SDK tests (feed ranges, paging,
# partition-key spreading in tests/_data_plane.py) and the benchmarks depend on four.
EMULATOR_PARTITIONS = 4


def _command_for(name: str) -> List[str]:
    emulator = [sys.executable, "-m", "cosmos_emulator", "--host", "127.0.0.1", "--port", "0",
                "--partitions", str(EMULATOR_PARTITIONS)]
    if name == "emulator":
        return emulator
    if name == "emulator-https":
        return emulator + ["--tls"]
    launcher = os.path.join(VERCEL_DIR, "launch.js")
    if name == "vercel":
        return ["node", launcher, "--host", "127.0.0.1", "--port", "0"]
    if name == "vercel-http":
        return ["node", launcher, "--host", "127.0.0.1", "--port", "0", "--http"]
    raise ValueError(f"unknown server {name!r}; known: {', '.join(SERVER_NAMES)}")


class ServerStartError(RuntimeError):
    """A server process exited or stayed silent instead of printing its ready line."""


class LocalServer:
    """One local server process; ``start()`` returns once it accepts requests.

    :param name: one of :data:`SERVER_NAMES`.
    :keyword extra_args: more command-line arguments for the server.
    """

    def __init__(self, name: str, *, extra_args: Optional[List[str]] = None) -> None:
        self.name = name
        self.key = EMULATOR_KEY
        self.connection_kwargs = connection_kwargs_for(name)
        self.endpoint: Optional[str] = None
        self.port: Optional[int] = None
        self._command = _command_for(name) + list(extra_args or [])
        self._process: Optional[subprocess.Popen] = None
        # stderr goes to a file, not a pipe, so a chatty server can never block on a full pipe.
        self._stderr = tempfile.TemporaryFile(mode="w+b")
        self._stdout_tail: Deque[str] = collections.deque(maxlen=50)
        self._ready = threading.Event()

    @property
    def pid(self) -> Optional[int]:
        return self._process.pid if self._process else None

    def start(self, timeout: float = _START_TIMEOUT_SECONDS) -> "LocalServer":
        """Start the process and wait for its ready line.

        :param timeout: seconds to wait for the ready line.
        :raises ServerStartError: if it exits or prints no endpoint in time.
        """
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self._process = subprocess.Popen(
            self._command,
            cwd=REPO_ROOT,
            env=env,
            # An open stdin pipe lets launch.js notice when we die without calling stop().
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read_stdout, name=f"{self.name}-stdout", daemon=True).start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self._process.poll() is not None:
                self._ready.wait(0.2)  # the reader may still be parsing the last line
                if self._ready.is_set():
                    break
                details = f"{self.name} exited with status {self._process.returncode} before it was ready\n"
                details += self.diagnostics()
                self.stop()
                raise ServerStartError(details)
            if time.monotonic() > deadline:
                details = self.diagnostics()
                self.stop()
                raise ServerStartError(f"{self.name} printed no ready line in {timeout:.0f}s\n" + details)
        return self

    def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        # Keep reading after the ready line: a server blocked on a full stdout pipe would hang.
        for line in self._process.stdout:
            self._stdout_tail.append(line.rstrip("\n"))
            if not self._ready.is_set():
                match = _READY_URL.search(line)
                if match:
                    scheme, host, port = match.groups()
                    self.port = int(port)
                    self.endpoint = f"{scheme}://{host}:{port}/"
                    self._ready.set()

    def diagnostics(self) -> str:
        """The command, the last stdout lines and the end of stderr, for error messages."""
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - 4000))
        err = self._stderr.read().decode("utf-8", "replace")
        return (f"command: {' '.join(self._command)}\nstdout:\n" + "\n".join(self._stdout_tail)
                + f"\nstderr (end):\n{err}")

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after a grace period). Safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(_STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        self._stderr.close()

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run a local Cosmos DB server (optionally around a command).")
    parser.add_argument("--server", default="emulator", choices=SERVER_NAMES)
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="command to run against it (after --); without one, serve until Ctrl-C")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    # SIGTERM unwinds like Ctrl-C, so the server child is always stopped on the way out.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    reason = unavailable_reason(args.server)
    if reason:
        print(f"cannot start {args.server}: {reason}", file=sys.stderr)
        return 2
    with LocalServer(args.server) as server:
        print(f"{server.name} ready at {server.endpoint} (pid {server.pid})", file=sys.stderr, flush=True)
        if not command:
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        env = dict(os.environ, COSMOS_ENDPOINT=server.endpoint or "", COSMOS_KEY=server.key)
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(_main())
