"""Short programs that end while the engine is busy, run many times by the shutdown tests; and the runner.

Each program prints "done" last; the process must then exit with status 0 (no abort, no segfault, no hang).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import List, Tuple

ASYNC_CLIENT = textwrap.dedent("""
    import asyncio, sys
    from azure.cosmos.aio import CosmosClient
    async def main():
        async with CosmosClient(sys.argv[1], sys.argv[2]) as client:
            container = client.get_database_client("shutdown").get_container_client("c")
            for n in range(3):
                await container.upsert_item({"id": str(n), "pk": "p"})
                await container.read_item(str(n), "p")
            print("done", flush=True)
    asyncio.run(main())
""")

# Ends with requests still in flight: tasks started and never awaited, the client never closed.
ASYNC_TASKS_IN_FLIGHT = textwrap.dedent("""
    import asyncio, sys
    from azure.cosmos.aio import CosmosClient
    async def main():
        client = CosmosClient(sys.argv[1], sys.argv[2])
        container = client.get_database_client("shutdown").get_container_client("c")
        await container.read_item("0", "p")
        for n in range(20):
            asyncio.ensure_future(container.upsert_item({"id": f"t{n}", "pk": "p"}))
        print("done", flush=True)
    asyncio.run(main())
""")

# Ends while a daemon thread is inside a blocking call, and after a worker thread's sys.exit().
SYNC_DAEMON_MID_CALL = textwrap.dedent("""
    import sys, threading
    from azure.cosmos import CosmosClient
    client = CosmosClient(sys.argv[1], sys.argv[2])
    container = client.get_database_client("shutdown").get_container_client("c")
    def busy():
        while True:
            container.upsert_item({"id": "busy", "pk": "p"})
    def leaves():
        container.read_item("0", "p")
        sys.exit(3)  # ends only this thread
    threading.Thread(target=busy, daemon=True).start()
    worker = threading.Thread(target=leaves)
    worker.start(); worker.join()
    print("done", flush=True)
""")


def _prepare(endpoint: str, key: str) -> None:
    """The database, container and item every program uses, made once before the programs run (runs at
    once must not race to create them)."""
    from azure.cosmos import CosmosClient, PartitionKey

    with CosmosClient(endpoint, key) as client:
        container = client.create_database_if_not_exists("shutdown").create_container_if_not_exists(
            "c", PartitionKey("/pk"))
        container.upsert_item({"id": "0", "pk": "p"})


def run_many(program: str, endpoint: str, key: str, runs: int, batch: int = 4) -> List[Tuple[int, str]]:
    """Run ``program`` ``runs`` times (``batch`` at once); the runs that did not end well.

    :returns: ``(exit status, end of output)`` of each run that did not print "done" and exit 0.
    """
    _prepare(endpoint, key)
    bad = []
    for start in range(0, runs, batch):
        procs = [subprocess.Popen([sys.executable, "-c", program, endpoint, key], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
                 for _ in range(min(batch, runs - start))]
        for proc in procs:
            try:
                out, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
                bad.append((-1, "hung: " + out[-300:]))
                continue
            if proc.returncode != 0 or not out.rstrip().endswith("done"):
                bad.append((proc.returncode, out[-300:]))
    return bad
