"""Change-feed processor instances in processes of their own, for the tests that share a lease container between
instances and kill one (tests/test_change_feed_processor.py and its async twin); and what those tests read.

An instance program runs one processor until its stdin closes (then stops it gracefully and prints "stopped") or
it is killed. Its handler appends every change it is given to its output file, one JSON line each
(``{"id", "v", "lease"}``), flushed before the handler returns, so what the file holds was handed to the handler
before any checkpoint that covers it.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any, Callable, Dict, Iterable, List, Optional

# Short intervals so that the tests take seconds: an instance renews every second, a lease is free 4 s after its
# owner's last renewal, and instances balance twice a second.
TEST_INTERVALS: Dict[str, float] = {
    "lease_expiration_interval": 4.0,
    "lease_renew_interval": 1.0,
    "lease_acquire_interval": 0.5,
    "feed_poll_delay": 0.2,
}

_ARGUMENTS = """
    import json, sys
    endpoint, key, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    output = open(settings["output"], "a", encoding="utf-8")
    def record(changes, context):
        output.write("".join(json.dumps({"id": c["id"], "v": c.get("v"), "lease": context.lease_token}) + "\\n"
                             for c in changes))
        output.flush()
"""

SYNC_INSTANCE = textwrap.dedent(_ARGUMENTS) + textwrap.dedent("""
    from azure.cosmos import ChangeFeedProcessor, CosmosClient
    with CosmosClient(endpoint, key, **settings["connection"]) as client:
        database = client.get_database_client(settings["database"])
        processor = ChangeFeedProcessor(
            database.get_container_client(settings["monitored"]), database.get_container_client(settings["leases"]),
            record, processor_name=settings["processor"], instance_name=settings["instance"],
            start_time="Beginning", **settings["intervals"])
        processor.start()
        print("started", flush=True)
        sys.stdin.read()
        processor.stop()
        print("stopped", flush=True)
""")

ASYNC_INSTANCE = textwrap.dedent(_ARGUMENTS) + textwrap.dedent("""
    import asyncio
    from azure.cosmos.aio import ChangeFeedProcessor, CosmosClient
    async def main():
        async with CosmosClient(endpoint, key, **settings["connection"]) as client:
            database = client.get_database_client(settings["database"])
            async def handle(changes, context):
                record(changes, context)
            processor = ChangeFeedProcessor(
                database.get_container_client(settings["monitored"]),
                database.get_container_client(settings["leases"]), handle, processor_name=settings["processor"],
                instance_name=settings["instance"], start_time="Beginning", **settings["intervals"])
            await processor.start()
            print("started", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # the test closing stdin
            await processor.stop()
            print("stopped", flush=True)
    asyncio.run(main())
""")


class InstanceProcess:
    """One processor instance in a child process.

    :param program: :data:`SYNC_INSTANCE` or :data:`ASYNC_INSTANCE`.
    :param server: The test server (``endpoint``, ``key``, ``connection_kwargs``).
    :param output: The file its handler appends the changes to.
    """

    def __init__(self, program: str, server: Any, *, database: str, monitored: str, leases: str, processor: str,
                 instance: str, output: str) -> None:
        self.instance = instance
        self.output = output
        settings = {"database": database, "monitored": monitored, "leases": leases, "processor": processor,
                    "instance": instance, "output": output, "intervals": TEST_INTERVALS,
                    "connection": dict(server.connection_kwargs)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", program, server.endpoint, server.key, json.dumps(settings)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait_started(self) -> "InstanceProcess":
        """Waits for the program's "started" line (its processor is running)."""
        line = self._process.stdout.readline()
        if line.strip() != "started":
            raise AssertionError(f"instance {self.instance} did not start: {line}{self._process.stdout.read()}")
        return self

    def stop(self) -> str:
        """Closes its stdin (a graceful stop) and waits for the exit; its last output."""
        self._process.stdin.close()
        out = self._process.stdout.read()
        assert self._process.wait(timeout=60) == 0, out
        return out

    def kill(self) -> None:
        """Ends it at once (SIGKILL): no stop, no release of its leases."""
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=30)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=30)
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None and not stream.closed:
                stream.close()


def delivered(outputs: Iterable[str]) -> List[Dict[str, Any]]:
    """Every change the instances' handlers were given, from their output files (a line cut off by a kill is
    left out: its batch was not checkpointed)."""
    changes = []
    for path in outputs:
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                if line.endswith("\n"):
                    changes.append(json.loads(line))
    return changes


def owners(lease_documents: Iterable[Dict[str, Any]]) -> Dict[str, Optional[str]]:
    """Lease id -> owner, of lease documents."""
    return {document["id"]: document["owner"] for document in lease_documents}


def leases_per_owner(lease_owners: Dict[str, Optional[str]]) -> List[int]:
    """How many leases each owner has, smallest first (unowned leases left out)."""
    counts: Dict[str, int] = {}
    for owner in lease_owners.values():
        if owner is not None:
            counts[owner] = counts.get(owner, 0) + 1
    return sorted(counts.values())


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Polls ``condition`` until it returns something true; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


async def wait_until_async(condition: Callable[[], Any], what: str, timeout: float = 30.0,
                           interval: float = 0.1) -> Any:
    """:func:`wait_until` for asyncio tests: ``condition`` is a coroutine function, polled without blocking the
    loop (an in-process processor runs on it)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(interval)
