"""The public API type-checks cleanly: pyright (strict) and mypy (strict) over ``examples/``,
``tests/typing/`` (every public method with its documented types, and calls the annotations must
reject) and the native module's stub ``_rust.pyi`` report zero errors.

Settings: ``tests/typing/pyrightconfig.json`` (``typeCheckingMode: strict``, Python 3.9, unneeded
``# type: ignore`` comments reported) and
``tests/typing/mypy.ini`` (``strict`` plus ``warn_unreachable``, ``extra_checks``, ``strict_bytes``).
Both checkers come with the ``dev`` extra (pyright's PyPI wheel bundles the checker and, with
``[nodejs]``, a Node.js runtime), so nothing is downloaded here. Nothing here talks to a server,
so there is no async twin.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import List

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
TYPING_DIR = REPO_ROOT / "tests" / "typing"
CHECK_TIMEOUT_SECONDS = 300


def run_checker(arguments: List[str]) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    # The checkers must see this interpreter's packages only, and pyright must not look for updates.
    environment.pop("MYPYPATH", None)
    environment["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"
    return subprocess.run([sys.executable, "-m", *arguments], cwd=REPO_ROOT, env=environment,
                          capture_output=True, text=True, timeout=CHECK_TIMEOUT_SECONDS)


@pytest.mark.timeout(CHECK_TIMEOUT_SECONDS)
def test_pyright_strict_finds_no_errors():
    finished = run_checker(["pyright", "-p", str(TYPING_DIR / "pyrightconfig.json"),
                            "--pythonpath", sys.executable, "--outputjson"])
    try:
        report = json.loads(finished.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright did not run (exit {finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    problems = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['severity']}: {d['message']} ({d.get('rule', '')})"
        for d in report["generalDiagnostics"] if d["severity"] in ("error", "warning")
    ]
    assert report["summary"]["filesAnalyzed"] >= 18, report["summary"]
    assert not problems, "pyright (strict):\n" + "\n".join(problems)


@pytest.mark.parametrize("target", [
    ["examples", "tests/typing"],
    # A stub named as a file would be checked as a top-level module; as a module it is azure.cosmos._rust.
    ["-m", "azure.cosmos._rust"],
], ids=["examples-and-api", "native-stub"])
@pytest.mark.timeout(CHECK_TIMEOUT_SECONDS)
def test_mypy_strict_finds_no_errors(target):
    finished = run_checker(["mypy", "--config-file", str(TYPING_DIR / "mypy.ini"),
                            "--python-executable", sys.executable, "--no-incremental", *target])
    assert finished.returncode == 0, f"mypy (strict):\n{finished.stdout}\n{finished.stderr}"
    assert "Success: no issues found" in finished.stdout, finished.stdout
