"""Helpers of the engine-runtime tests: a loopback server that observes what the client does on the wire,
and a child process that reports how its engine runtime was sized."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading


class SilentServer:
    """Accepts TCP connections and never answers; counts connections open right now.

    A client blocked on it is stuck until it gives up, is interrupted or is cancelled;
    when the client drops its request the server sees the connection close.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}/"
        self._lock = threading.Lock()
        self._open = 0
        self.accepted = 0
        self._closing = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return self._open

    def _accept_loop(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._open += 1
                self.accepted += 1
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    if not conn.recv(65536):
                        break
                except OSError:
                    break
        with self._lock:
            self._open -= 1

    def close(self) -> None:
        self._closing = True
        self._listener.close()


_WORKER_COUNT_PROGRAM = """
import asyncio, json, os, sys
endpoint, key, kwargs, cores, mode = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
# The runtime starts on the first call, after this: it sizes itself by the cores the process may use.
os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cores])
from azure.cosmos import _rust
if mode == "sync":
    from azure.cosmos import CosmosClient
    with CosmosClient(endpoint, key, **kwargs) as client:
        list(client.list_databases())
else:
    from azure.cosmos.aio import CosmosClient
    async def main():
        async with CosmosClient(endpoint, key, **kwargs) as client:
            [database async for database in client.list_databases()]
    asyncio.run(main())
print(_rust.engine_worker_threads())
"""


def engine_workers_of_a_child(server, cores: int, mode: str, tokio_worker_threads: str = "") -> int:
    """How many workers the engine runtime of a new process has after one call (``mode``: ``"sync"`` or
    ``"async"``) on ``server``, the process limited to ``cores`` cores (``TOKIO_WORKER_THREADS`` as given)."""
    env = {name: value for name, value in os.environ.items() if name != "TOKIO_WORKER_THREADS"}
    if tokio_worker_threads:
        env["TOKIO_WORKER_THREADS"] = tokio_worker_threads
    done = subprocess.run(
        [sys.executable, "-c", _WORKER_COUNT_PROGRAM, server.endpoint, server.key,
         json.dumps(server.connection_kwargs), str(cores), mode],
        env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())
