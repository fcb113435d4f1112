"""Differential test: the emulator's engine against @zeit/cosmosdb-query 0.7.2 (the engine inside
@vercel/cosmosdb-server), an independent implementation of the same language, on the same documents.

Queries in ``AGREEING`` must give the same answer (in order when the query has ORDER BY; as multisets
otherwise; numbers equal to 12 significant digits, since the two math libraries differ in the last bit).
Queries in ``DISAGREEING`` document every difference found: the test checks that the npm engine still
answers differently *and* that the emulator gives the service's answer, with the reason next to it.
The npm package is installed from ``differential/package-lock.json`` (``npm ci``) when missing.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "differential")
sys.path.insert(0, HERE)
from differential_cases import AGREEING, DISAGREEING, DOCUMENTS, PARAMETERS  # noqa: E402

RUNNER = os.path.join(HERE, "run_cosmosdb_query.js")


def _install() -> str:
    """Empty string when the npm engine is ready, else the reason it is not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm are not installed, so @zeit/cosmosdb-query cannot run"
    if not os.path.isdir(os.path.join(HERE, "node_modules", "@zeit", "cosmosdb-query")):
        installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True,
                                   text=True, timeout=600)
        if installed.returncode != 0:
            return f"npm ci of @zeit/cosmosdb-query failed: {installed.stderr[-500:]}"
    return ""


@pytest.fixture(scope="module")
def npm_answers():
    reason = _install()
    if reason:
        pytest.skip(reason)
    queries = AGREEING + list(DISAGREEING)
    payload = json.dumps({"documents": DOCUMENTS, "cases": [{"sql": q, "parameters": PARAMETERS} for q in queries]})
    completed = subprocess.run(["node", RUNNER], input=payload, capture_output=True, text=True, timeout=300,
                               check=True)
    return dict(zip(queries, json.loads(completed.stdout)))


def emulator_answer(sql):
    try:
        return {"result": json.loads(json.dumps(prepare(sql, PARAMETERS).run(DOCUMENTS)))}
    except CosmosError as error:
        return {"error": error.message}


def same_value(left, right) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        return isinstance(left, (int, float)) and isinstance(right, (int, float)) and \
            math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-15)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same_value(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_value(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def same_answer(sql, ours, theirs) -> bool:
    if "error" in ours or "error" in theirs:
        return "error" in ours and "error" in theirs
    left, right = ours["result"], theirs["result"]
    if "ORDER BY" not in sql.upper():
        left = sorted(left, key=lambda v: json.dumps(v, sort_keys=True))
        right = sorted(right, key=lambda v: json.dumps(v, sort_keys=True))
    return same_value(left, right)


@pytest.mark.parametrize("sql", AGREEING)
def test_engines_agree(npm_answers, sql):
    ours, theirs = emulator_answer(sql), npm_answers[sql]
    assert same_answer(sql, ours, theirs), f"\nemulator: {ours}\nnpm:      {theirs}"


@pytest.mark.parametrize("sql", list(DISAGREEING))
def test_documented_disagreements(npm_answers, sql):
    reason, expected = DISAGREEING[sql]
    ours, theirs = emulator_answer(sql), npm_answers[sql]
    assert not same_answer(sql, ours, theirs), f"the engines now agree; drop this entry ({reason})"
    if expected == "error":
        assert "error" in ours, reason
        return
    values = ours["result"]
    if values and isinstance(values[0], dict) and set(values[0]) == {"id"}:
        values = [value["id"] for value in values]
    assert same_value(values, expected) or all(
        isinstance(v, float) and math.isclose(v, e, rel_tol=1e-9) for v, e in zip(values, expected)), reason
