"""The pytest side of the conformance suite: the reference-client worker and the servers it drives.

The reference client (azure-cosmos 4.17.1) lives in its own virtualenv, ``.venv-ref`` at the repository
root (``bash tools/dev.sh ref-venv`` creates it), and never in the dev virtualenv, where ``azure.cosmos``
is this project's own package. :class:`ReferenceWorker` starts ``reference/worker.py`` with that
interpreter once per session and sends it one scenario at a time over JSON lines (see the worker's
docstring for the protocol); a scenario may ask this side to act on the server mid-run (move the
clock, split a partition), which :class:`Target` answers.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
REFERENCE_PYTHON = os.path.join(REPOSITORY, ".venv-ref", "bin", "python")
WORKER = os.path.join(HERE, "reference", "worker.py")
REFERENCE_SDK_VERSION = "4.17.1"

# The project's server launcher and the SDK suite's vocabulary of server capabilities (with the
# reasons @vercel/cosmosdb-server lacks each) are reused, not repeated.
for _path in (REPOSITORY, os.path.join(REPOSITORY, "tools")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
import local_servers  # noqa: E402
from tests.conftest import CAPABILITIES as SDK_CAPABILITIES  # noqa: E402
from tests.conftest import MISSING_CAPABILITIES as SDK_MISSING_CAPABILITIES  # noqa: E402

# Capabilities only this suite asks for, with what @vercel/cosmosdb-server 1.0.1 does instead (measured by
# running these scenarios against it; the general picture is in /work/shared/docs/other-emulators.md).
CONFORMANCE_CAPABILITIES: Dict[str, str] = {
    "conflicts": "the conflicts feed of a container",
    "partition_key_delete": "delete_all_items_by_partition_key",
    "partition_split": "splitting a partition at run time",
    "clock_control": "moving the server's clock from the test (time to live, change feed from a point in time)",
    "item_size_limit": "the 2 MB item limit (413)",
    "item_id_rules": "the service's item id length limit (1023 bytes)",
    "patch_validation": "the service's PATCH path validation (400 for an add under a missing parent)",
    "document_attachments_property": "documents carry the _attachments system property",
    "udf_replace": "replacing a user-defined function (queries then run the new body)",
    "replace_changes_id": "a replace addressed to an item's id whose body carries a new id renames the item",
    "composite_unique_keys": "unique keys over several paths (the combination is unique)",
    "unique_keys_on_replace_and_upsert": "unique keys enforced (409) on replace and upsert too",
    "strict_json_bodies": "a request body holding NaN or Infinity (not JSON) answered 400",
    "indexing_policy_defaults": ("the indexing policy stored as the service stores it (default paths filled in, "
                                 "legacy index kinds dropped)"),
    "computed_properties": "computed properties of a container, evaluated in queries",
    "search_policies": ("vector embedding, vector index and full-text policies validated as the service does, and "
                        "VectorDistance using the container's distance function"),
    "resource_id_rules": "the service's id length limit for databases and containers (255 characters)",
    "quota_info": ("container quota and usage headers (populate_quota_info), partition statistics and index "
                   "metrics (x-ms-cosmos-index-utilization)"),
}
VERCEL_LACKS: Dict[str, str] = {
    "conflicts": "@vercel/cosmosdb-server has no conflicts route (400 'no route')",
    "partition_key_delete": "@vercel/cosmosdb-server has no delete-by-partition-key operation",
    "partition_split": "@vercel/cosmosdb-server has one fixed partition-key range and no split",
    "clock_control": "@vercel/cosmosdb-server runs in another process with the real clock",
    "item_size_limit": "@vercel/cosmosdb-server accepts items over 2 MB",
    "patch_validation": "@vercel/cosmosdb-server answers 200 to a PATCH add under a missing parent",
    "replace_changes_id": "@vercel/cosmosdb-server looks a replaced item up by the body's id (404 when it changes)",
    "udf_replace": ("@vercel/cosmosdb-server loses a replaced user-defined function (queries then fail with "
                    "'udf.double is not a function')"),
    "item_id_rules": "@vercel/cosmosdb-server accepts item ids of any length",
    "document_attachments_property": "@vercel/cosmosdb-server's documents have no _attachments property",
    "composite_unique_keys": "@vercel/cosmosdb-server checks each path of a composite unique key on its own",
    "unique_keys_on_replace_and_upsert": ("@vercel/cosmosdb-server answers 404 to a replace and 500 to an upsert "
                                          "that break a unique key"),
    "strict_json_bodies": "@vercel/cosmosdb-server answers 500 to a body holding NaN or Infinity",
    "indexing_policy_defaults": ("@vercel/cosmosdb-server stores the indexing policy as sent (no default included or "
                                 "excluded paths, legacy indexes kept)"),
    "search_policies": ("@vercel/cosmosdb-server creates containers with invalid vector and full-text definitions "
                        "(measured) and refuses ORDER BY VectorDistance (400 'could not be mapped to a document "
                        "path')"),
    "computed_properties": ("@vercel/cosmosdb-server keeps the definitions but has no computed properties in its query "
                            "engine (no mention in its package), and answers this scenario's partition-scoped queries "
                            "400 'missing partition keys'"),
    "resource_id_rules": "@vercel/cosmosdb-server accepts database and container ids over 255 characters",
    "quota_info": ("@vercel/cosmosdb-server sends no x-ms-resource-quota/usage headers, no partition statistics and "
                   "no index metrics, and reports index transformation progress -1 (read from its source: "
                   "src/handler/read-collection.ts, src/index.ts)"),
}
CAPABILITIES: Dict[str, str] = {**SDK_CAPABILITIES, **CONFORMANCE_CAPABILITIES}


class ScenarioError(AssertionError):
    """A scenario raised in the worker (not a mismatch of observations: a crash or an unexpected error)."""


@dataclass
class Target:
    """One server as a scenario sees it.

    :ivar name: the pytest id, e.g. ``emulator-https-nodiscovery``.
    :ivar kind: ``emulator`` or ``vercel``.
    :ivar endpoint: its URL.
    :ivar key: the master key.
    :ivar discovery: whether the client runs with endpoint discovery on.
    :ivar missing: capabilities it lacks, with the reason a skip names.
    :ivar control: answers a scenario's control requests (None: the server cannot be controlled).
    """

    name: str
    kind: str
    endpoint: str
    key: str
    discovery: bool
    missing: Dict[str, str] = field(default_factory=dict)
    control: Optional[Callable[[str, Dict[str, Any]], Any]] = None

    def skip_unless(self, capabilities: Iterable[str]) -> None:
        """Skip the calling test, naming the first missing capability.

        :raises ValueError: for an unknown capability name (a typo must not become a silent skip).
        """
        for capability in capabilities:
            if capability not in CAPABILITIES:
                raise ValueError(f"unknown capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}")
            if capability in self.missing:
                pytest.skip(f"server {self.name} lacks capability {capability!r}: {self.missing[capability]}")


def vercel_missing() -> Dict[str, str]:
    return {**SDK_MISSING_CAPABILITIES["vercel"], **VERCEL_LACKS}


class ClockOffset:
    """A clock for an in-process emulator that tests move forward (never back) without sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class ReferenceWorker:
    """``reference/worker.py`` under ``.venv-ref/bin/python``, started on first use, restarted if it dies.

    :param timeout: seconds a scenario may take before the worker is killed and the scenario fails.
    """

    def __init__(self, timeout: float = 240.0) -> None:
        self.timeout = timeout
        self._process: Optional[subprocess.Popen] = None
        self._messages: "queue.Queue[Optional[dict]]" = queue.Queue()
        self._stderr = None

    @staticmethod
    def unavailable_reason() -> Optional[str]:
        if not os.path.exists(REFERENCE_PYTHON):
            return ("the reference client's virtualenv .venv-ref (azure-cosmos 4.17.1) is missing; "
                    "create it with `bash tools/dev.sh ref-venv`")
        return None

    def _start(self) -> None:
        # The worker must import 4.17.1 from its own virtualenv, never this repository's azure.cosmos.
        environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
        environment["PYTHONUNBUFFERED"] = "1"
        self._stderr = tempfile.TemporaryFile(mode="w+b")
        self._messages = queue.Queue()
        self._process = subprocess.Popen([REFERENCE_PYTHON, WORKER], cwd=os.path.dirname(WORKER), env=environment,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                         text=True, bufsize=1)
        threading.Thread(target=self._read, args=(self._process, self._messages), daemon=True,
                         name="reference-worker-stdout").start()
        ready = self._next_message(60.0)
        if ready.get("event") != "ready":
            raise RuntimeError(f"reference worker did not start: {ready!r}\n{self.stderr_tail()}")
        if ready.get("sdk") != REFERENCE_SDK_VERSION:
            raise RuntimeError(f".venv-ref has azure-cosmos {ready.get('sdk')}, not {REFERENCE_SDK_VERSION}")

    @staticmethod
    def _read(process: subprocess.Popen, messages: "queue.Queue[Optional[dict]]") -> None:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.strip()
            if line:
                try:
                    messages.put(json.loads(line))
                except ValueError:
                    messages.put({"event": "garbage", "line": line})
        messages.put(None)

    def _next_message(self, timeout: float) -> dict:
        try:
            message = self._messages.get(timeout=max(timeout, 0.1))
        except queue.Empty:
            tail = self.stderr_tail()
            self.stop()
            raise ScenarioError(f"the reference worker gave no answer in {timeout:.0f}s\n{tail}") from None
        if message is None:
            tail = self.stderr_tail()
            self.stop()
            raise ScenarioError(f"the reference worker exited\n{tail}")
        return message

    def _send(self, message: dict) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps(message) + "\n")
        self._process.stdin.flush()

    def stderr_tail(self, size: int = 6000) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0, os.SEEK_END)
        length = self._stderr.tell()
        self._stderr.seek(max(0, length - size))
        return "worker stderr (end):\n" + self._stderr.read().decode("utf-8", "replace")

    def run(self, scenario: str, target: Target, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Run one scenario against one target and return its observations.

        :raises ScenarioError: when the scenario raised, with its traceback and the observations so far.
        """
        if self._process is None or self._process.poll() is not None:
            self._start()
        self._send({"op": "run", "scenario": scenario, "endpoint": target.endpoint, "key": target.key,
                    "discovery": target.discovery, "server": target.kind, "params": params or {}})
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._next_message(deadline - time.monotonic())
            event = message.get("event")
            if event == "control":
                self._send(self._answer_control(target, message["action"], message.get("arguments") or {}))
            elif event == "result":
                return message["observations"]
            elif event == "error":
                raise ScenarioError(
                    f"scenario {scenario} on {target.name} raised {message['error']}\n"
                    f"observations so far: {json.dumps(message['observations'], indent=1)}\n{message['traceback']}")
            else:
                raise ScenarioError(f"unexpected message from the reference worker: {message!r}")

    @staticmethod
    def _answer_control(target: Target, action: str, arguments: Dict[str, Any]) -> dict:
        if target.control is None:
            return {"op": "answer", "error": f"server {target.name} cannot be controlled (asked to {action})"}
        try:
            return {"op": "answer", "value": target.control(action, arguments)}
        except Exception as error:  # the scenario reports it with its own context
            return {"op": "answer", "error": f"{type(error).__name__}: {error}"}

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


def emulator_control(server: Any, clock: ClockOffset) -> Callable[[str, Dict[str, Any]], Any]:
    """Control actions for an in-process :class:`cosmos_emulator.EmulatorServer`."""

    def control(action: str, arguments: Dict[str, Any]) -> Any:
        if action == "advance_clock":
            clock.offset += float(arguments["seconds"])
            return clock()
        if action == "clock":
            return clock()
        if action == "split":
            return server.split_partition(arguments["database"], arguments["container"], arguments["range"])
        raise ValueError(f"unknown control action {action!r}")
    return control


def start_vercel() -> "local_servers.LocalServer":
    """@vercel/cosmosdb-server over HTTPS, through the project's launcher (skips when it cannot run)."""
    reason = local_servers.unavailable_reason("vercel")
    if reason:
        pytest.skip(reason)
    return local_servers.LocalServer("vercel").start()


def start_emulator_process(data_dir: str) -> "local_servers.LocalServer":
    """``python -m cosmos_emulator --data-dir DIR`` as its own process, through the project's launcher."""
    reason = local_servers.unavailable_reason("emulator")
    if reason:
        pytest.skip(reason)
    return local_servers.LocalServer("emulator", extra_args=["--data-dir", data_dir]).start()

