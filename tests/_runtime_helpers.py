"""Loopback servers for the engine-runtime tests: they observe what the client does on the wire."""
from __future__ import annotations

import socket
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
