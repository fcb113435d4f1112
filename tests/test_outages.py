"""A server killed (SIGKILL) and started again on the same port and data a moment later: calls made during
the outage wait it out (requests that never reached the server are retried with backoff, writes included,
since nothing was sent), nothing acknowledged is lost or duplicated, and the client keeps working."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from azure.cosmos import CosmosClient, PartitionKey

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import local_servers  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")

# Long enough for the first attempts to find nothing listening, short of the retries' ~7.7 s budget.
OUTAGE_SECONDS = 1.5


class RestartableEmulator:
    """Our emulator with durable storage, which a test can kill and start again on the same port."""

    def __init__(self, data_dir: str) -> None:
        self._data_dir = data_dir
        self.server = local_servers.LocalServer("emulator", extra_args=["--data-dir", data_dir]).start()
        self.endpoint, self.port = self.server.endpoint, self.server.port
        self._restarted = threading.Event()

    def kill_and_restart_later(self) -> None:
        os.kill(self.server.pid, signal.SIGKILL)
        self.server.stop()

        def restart() -> None:
            time.sleep(OUTAGE_SECONDS)
            self.server = local_servers.LocalServer(
                "emulator", extra_args=["--data-dir", self._data_dir, "--port", str(self.port)]).start()
            self._restarted.set()

        threading.Thread(target=restart, daemon=True).start()

    def wait_restarted(self) -> None:
        assert self._restarted.wait(60), "the emulator did not start again"

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def emulator(tmp_path):
    server = RestartableEmulator(str(tmp_path / "data"))
    yield server
    server.stop()


def test_writes_and_reads_ride_out_a_restart(emulator, key):
    with CosmosClient(emulator.endpoint, key) as client:
        container = client.create_database("outage").create_container("c", PartitionKey("/pk"))
        container.upsert_item({"id": "before", "pk": "p"})
        emulator.kill_and_restart_later()
        # Made while nothing listens: each waits for the server instead of failing at once.
        container.create_item({"id": "during", "pk": "p"})
        assert container.read_item("before", "p")["id"] == "before"
        emulator.wait_restarted()
        for n in range(5):
            container.upsert_item({"id": f"after-{n}", "pk": "p"})
        ids = sorted(item["id"] for item in container.query_items("SELECT * FROM c", partition_key="p"))
        assert ids == ["after-0", "after-1", "after-2", "after-3", "after-4", "before", "during"]
