"""How ``benchmarks/perf_report.py`` folds the rounds of ``compare_performance.py --rounds N`` into one column."""
from __future__ import annotations

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "benchmarks"))

import perf_report  # noqa: E402 - the benchmark's modules are scripts on their own path


def _round(cpu: float, peak: float, rss: float, *, xp: object = None) -> dict:
    workloads = {"read": {"ops": 10, "ops_per_s": 1.0 / cpu, "cpu_ms_per_op": cpu, "p99_ms": cpu * 2,
                          "peak_rss_mb": rss}}
    workloads["xp COUNT"] = xp if xp is not None else {"ops": 3, "cpu_ms_per_op": 5.0, "peak_rss_mb": rss}
    return {"version": "5.0.0b1", "workloads": workloads, "peak_rss_mb": peak}


def test_each_figure_is_the_median_of_the_rounds_and_peaks_the_highest():
    combined = perf_report.median_of_rounds([_round(0.3, 60.0, 50.0), _round(0.1, 70.0, 55.0),
                                             _round(0.2, 65.0, 52.0)])
    read = combined["workloads"]["read"]
    assert read["cpu_ms_per_op"] == 0.2 and read["p99_ms"] == 0.4 and read["ops_per_s"] == 5.0
    assert read["peak_rss_mb"] == 55.0
    assert combined["peak_rss_mb"] == 70.0
    assert combined["rounds"] == 3 and combined["version"] == "5.0.0b1"


def test_a_workload_unsupported_in_any_round_is_reported_unsupported():
    combined = perf_report.median_of_rounds([_round(0.3, 60.0, 50.0),
                                             _round(0.1, 70.0, 55.0, xp={"unsupported": "BadRequest"})])
    assert combined["workloads"]["xp COUNT"] == {"unsupported": "BadRequest"}
    assert combined["workloads"]["read"]["cpu_ms_per_op"] == 0.2  # two rounds: their mean


def test_one_round_is_reported_as_it_is():
    only = _round(0.3, 60.0, 50.0)
    assert perf_report.median_of_rounds([only]) is only
