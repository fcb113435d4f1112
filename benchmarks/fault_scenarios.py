"""The fault scenarios of issue 14, for azure-cosmos 5 and azure-cosmos 4.17.1 side by side, in one run.

    python benchmarks/fault_scenarios.py [--outage-seconds 2.5]

Each scenario runs in a fresh process per SDK (v5 from ``.venv``, 4.17.1 from ``.venv-ref``), one SDK after
the other, against our emulator started here (with ``--data-dir`` so it can be killed and restarted). It
prints one table row per scenario and SDK: outcome, attempts the server saw (fault rules count them) and
seconds. A measurement, not a test: timings vary on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))
import local_servers  # noqa: E402

PYTHONS = {"v5": os.path.join(REPO_ROOT, ".venv", "bin", "python"),
           "4.17.1": os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")}

PRELUDE = textwrap.dedent("""
    import json, os, sys, time, uuid, warnings
    warnings.simplefilter("ignore")
    import logging; logging.disable(logging.CRITICAL)
    from azure.cosmos import CosmosClient, PartitionKey, exceptions
    ENDPOINT, KEY = sys.argv[1], sys.argv[2]
    def report(**values):
        print("RESULT " + json.dumps(values), flush=True)
    def container(client):
        database = client.create_database_if_not_exists("faults")
        return database.create_container_if_not_exists("c", PartitionKey("/pk"))
""")

SCENARIOS = {
    "permanent 429 (retry-after 1 s)": """
        c = container(CosmosClient(ENDPOINT, KEY)); c.upsert_item({"id": "a", "pk": "p"})
        RULE("read", status=429, retryAfterMs=1000)
        start = time.monotonic()
        try:
            c.read_item("a", "p"); outcome = "ok"
        except Exception as e:
            outcome = f"{type(e).__name__} {getattr(e, 'status_code', '')}"
        report(outcome=outcome, seconds=time.monotonic() - start)
    """,
    "create, response dropped": """
        c = container(CosmosClient(ENDPOINT, KEY)); item = str(uuid.uuid4())
        RULE("create", dropConnection=True, count=1)
        start = time.monotonic()
        try:
            c.create_item({"id": item, "pk": "p"}); outcome = "ok"
        except Exception as e:
            outcome = f"{type(e).__name__} {getattr(e, 'status_code', '') or ''}".strip()
        stored = len(list(c.query_items("SELECT * FROM c WHERE c.id = @i",
                                        parameters=[{"name": "@i", "value": item}], partition_key="p")))
        report(outcome=f"{outcome}; stored {stored}x", seconds=time.monotonic() - start)
    """,
    "read timeout (read_timeout=1, server 4 s)": """
        c = container(CosmosClient(ENDPOINT, KEY, read_timeout=1)); c.upsert_item({"id": "a", "pk": "p"})
        RULE("read", delayMs=4000)
        start = time.monotonic()
        try:
            c.read_item("a", "p"); outcome = "ok"
        except Exception as e:
            outcome = type(e).__name__
        report(outcome=outcome, seconds=time.monotonic() - start)
    """,
    "read session not available (404/1002)": """
        c = container(CosmosClient(ENDPOINT, KEY)); c.upsert_item({"id": "a", "pk": "p"})
        RULE("read", status=404, subStatus=1002)
        start = time.monotonic()
        try:
            c.read_item("a", "p"); outcome = "ok"
        except Exception as e:
            outcome = f"{type(e).__name__} {e.status_code}/{e.sub_status}"
        report(outcome=outcome, seconds=time.monotonic() - start)
    """,
    "client used after os.fork()": """
        client = CosmosClient(ENDPOINT, KEY); c = container(client); c.upsert_item({"id": "a", "pk": "p"})
        start = time.monotonic()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                c.read_item("a", "p"); message = "ok"
            except BaseException as e:
                message = type(e).__name__
            os.write(write, message.encode()); os._exit(0)
        os.waitpid(pid, 0)
        report(outcome="child: " + os.read(read, 200).decode(), seconds=time.monotonic() - start)
    """,
    "parameters='@v' (a string)": """
        c = container(CosmosClient(ENDPOINT, KEY))
        start = time.monotonic()
        try:
            list(c.query_items("SELECT * FROM c WHERE c.v = @v", parameters="@v", partition_key="p")); outcome = "ok"
        except Exception as e:
            outcome = f"{type(e).__name__}: {str(e)[:50]}"
        report(outcome=outcome, seconds=time.monotonic() - start)
    """,
}

OUTAGE = """
    c = container(CosmosClient(ENDPOINT, KEY))
    ok = failed = 0; deadline = time.monotonic() + float(sys.argv[3]); n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            c.upsert_item({"id": f"i{n}", "pk": "p"}); ok += 1
        except Exception:
            failed += 1
    report(outcome=f"{failed} of {ok + failed} calls failed", seconds=float(sys.argv[3]))
"""


def admin(endpoint, key, method, path, body=None):
    request = urllib.request.Request(endpoint + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"x-ms-emulator-key": key, "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else {}


def run(python, source, endpoint, key, *extra, rules=None):
    """Run one scenario program; RULE(...) inside it installs a fault rule through a file handshake."""
    rule_calls = []

    def install(operation, **rule):
        created = admin(endpoint, key, "POST", "_emulator/faults",
                        {"operation": operation, "resourceType": "docs", **rule})
        rule_calls.append(created["id"])

    program = PRELUDE + textwrap.dedent("""
        def RULE(operation, **rule):
            print("RULE " + json.dumps({"operation": operation, **rule}), flush=True)
            sys.stdin.readline()
    """) + textwrap.dedent(source)
    proc = subprocess.Popen([python, "-c", program, endpoint, key, *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    result = {"outcome": "no result", "seconds": float("nan")}
    for line in proc.stdout:
        if line.startswith("RULE "):
            rule = json.loads(line[5:])
            install(rule.pop("operation"), **rule)
            proc.stdin.write("\n"); proc.stdin.flush()
        elif line.startswith("RESULT "):
            result = json.loads(line[7:])
    proc.wait(timeout=300)
    hits = None
    for rule_id in rule_calls:
        rules_now = admin(endpoint, key, "GET", "_emulator/faults")["rules"]
        hits = next((r["hits"] for r in rules_now if r["id"] == rule_id), hits)
        admin(endpoint, key, "DELETE", f"_emulator/faults/{rule_id}")
    result["attempts"] = hits
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage-seconds", type=float, default=2.5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as data:
        server = local_servers.LocalServer("emulator", extra_args=["--data-dir", data]).start()
        endpoint, key, port = server.endpoint, server.key, server.port
        try:
            for name, source in SCENARIOS.items():
                for sdk, python in PYTHONS.items():
                    rows.append((name, sdk, run(python, source, endpoint, key)))
            for sdk, python in PYTHONS.items():
                holder = {"server": server}

                def outage():
                    time.sleep(2.0)
                    os.kill(holder["server"].pid, signal.SIGKILL)
                    holder["server"].stop()
                    time.sleep(args.outage_seconds)
                    holder["server"] = local_servers.LocalServer(
                        "emulator", extra_args=["--data-dir", data, "--port", str(port)]).start()

                killer = threading.Thread(target=outage)
                killer.start()
                result = run(python, OUTAGE, endpoint, key, "8")
                killer.join()
                server = holder["server"]
                rows.append((f"server killed and restarted ({args.outage_seconds:.1f} s down), 8 s of upserts",
                             sdk, result))
        finally:
            server.stop()
    print(f"| scenario | SDK | outcome | attempts | seconds |\n|---|---|---|---|---|")
    for name, sdk, result in rows:
        attempts = "" if result.get("attempts") is None else result["attempts"]
        print(f"| {name} | {sdk} | {result['outcome']} | {attempts} | {result['seconds']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
