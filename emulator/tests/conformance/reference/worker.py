"""Runs conformance scenarios with the reference client, azure-cosmos 4.17.1, on request.

Started by the pytest side (``emulator/tests/conformance/harness.py``) as
``.venv-ref/bin/python worker.py`` and kept for the whole session, so the SDK is imported once.
It speaks JSON lines:

* in (stdin): ``{"op": "run", "scenario": NAME, "endpoint": ..., "key": ..., "discovery": bool,
  "server": "emulator"|"vercel", "params": {...}}``, and ``{"op": "answer", "value": ...}`` in reply
  to a control request;
* out (stdout): ``{"event": "ready", "sdk": "4.17.1", "scenarios": [...]}`` once; per run, any number of
  ``{"event": "control", "action": ..., "arguments": {...}}`` and then ``{"event": "result",
  "observations": {...}}`` or ``{"event": "error", "observations": {...}, "error": ..., "traceback": ...}``.

One scenario can also be run by hand, printing its observations::

    .venv-ref/bin/python worker.py --run items.crud --endpoint http://127.0.0.1:8081/ [--no-discovery]
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from typing import Any, Dict, TextIO

# The protocol owns the real stdout; anything else printed (by a scenario or a library) goes to stderr.
PROTOCOL_OUT: TextIO = sys.stdout
sys.stdout = sys.stderr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import azure.cosmos  # noqa: E402

import runtime  # noqa: E402

# Each module registers its scenarios with runtime.scenario when imported.
SCENARIO_MODULES = ("scenarios_resources", "scenarios_items", "scenarios_security", "scenarios_scripts",
                    "scenarios_transactions", "scenarios_change_feed", "scenarios_faults", "scenarios_persistence",
                    "scenarios_queries", "scenarios_regions")
for _module in SCENARIO_MODULES:
    importlib.import_module(_module)

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


def send(message: Dict[str, Any]) -> None:
    PROTOCOL_OUT.write(json.dumps(message) + "\n")
    PROTOCOL_OUT.flush()


def execute(request: Dict[str, Any], control) -> Dict[str, Any]:
    """Run one scenario; the answer is the message to send back."""
    function = runtime.SCENARIOS.get(request["scenario"])
    if function is None:
        return {"event": "error", "observations": {}, "error": f"unknown scenario {request['scenario']!r}",
                "traceback": ""}
    run = None
    try:
        run = runtime.Run(request, control)
        function(run)
        return {"event": "result", "observations": run.observations}
    except Exception as error:  # reported to pytest, which shows it with the observations so far
        return {"event": "error", "observations": run.observations if run else {},
                "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
    finally:
        if run is not None:
            run.cleanup()


def serve() -> int:
    def control(action: str, arguments: Dict[str, Any]) -> Any:
        send({"event": "control", "action": action, "arguments": arguments})
        line = sys.stdin.readline()
        if not line:
            raise SystemExit("the pytest side went away during a control request")
        answer = json.loads(line)
        if answer.get("op") != "answer":
            raise RuntimeError(f"expected a control answer, got {answer!r}")
        if answer.get("error"):
            raise RuntimeError(f"control {action} failed: {answer['error']}")
        return answer.get("value")

    send({"event": "ready", "sdk": azure.cosmos.__version__, "scenarios": sorted(runtime.SCENARIOS)})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("op") != "run":
            send({"event": "error", "observations": {}, "error": f"unexpected message {request!r}",
                  "traceback": ""})
            continue
        send(execute(request, control))
    return 0


def run_by_hand(arguments: argparse.Namespace) -> int:
    def control(action: str, values: Dict[str, Any]) -> Any:
        raise RuntimeError(f"scenario needs the pytest side to {action} {values}; run it through pytest")

    request = {"scenario": arguments.run, "endpoint": arguments.endpoint, "key": arguments.key,
               "discovery": not arguments.no_discovery, "server": arguments.server,
               "params": json.loads(arguments.params)}
    answer = execute(request, control)
    send(answer)
    return 0 if answer["event"] == "result" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", help="run this one scenario and exit (default: serve the JSON-lines protocol)")
    parser.add_argument("--endpoint", default="http://127.0.0.1:8081/")
    parser.add_argument("--key", default=WELL_KNOWN_KEY)
    parser.add_argument("--no-discovery", action="store_true")
    parser.add_argument("--server", default="emulator", choices=("emulator", "vercel"))
    parser.add_argument("--params", default="{}", help="scenario parameters as a JSON object")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    arguments = parser.parse_args()
    if arguments.list:
        print("\n".join(sorted(runtime.SCENARIOS)), file=PROTOCOL_OUT)
        return 0
    if arguments.run:
        return run_by_hand(arguments)
    return serve()


if __name__ == "__main__":
    sys.exit(main())
