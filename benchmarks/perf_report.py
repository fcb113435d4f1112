"""The table, the JSON file and the figures of ``compare_performance.py``.

A report is a dict: ``clients`` (labels in column order: 4.17.1, ours, then the bare driver if measured),
``results`` (label -> the ``run`` phase's output), ``first_call`` (label -> medians of the ``first-call``
phase), ``long_run`` (label -> the ``long`` phase's output), ``ratios`` and ``notes``. Ratios are always
ours / 4.17.1, and ours / driver when the driver was measured.
"""
from __future__ import annotations

import json
import math
import os
import statistics
from typing import Any, Dict, List, Optional

import perf_workloads

NA = "n/a"


def _value(result: Optional[Dict[str, Any]], field: str) -> Optional[float]:
    if not result or "unsupported" in result or field not in result:
        return None
    value = result[field]
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _cell(value: Optional[float], width: int, digits: int) -> str:
    return f"{NA:>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def _median_figures(figures: List[Dict[str, Any]]) -> Dict[str, Any]:
    combined: Dict[str, Any] = {}
    for field in figures[0]:
        values = [f.get(field) for f in figures]
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
                   and not (isinstance(v, float) and math.isnan(v))]
        if field == "peak_rss_mb":
            combined[field] = max(numbers) if numbers else None
        elif numbers and len(numbers) == len(values):
            combined[field] = statistics.median(numbers)
        else:
            combined[field] = values[0]
    return combined


def median_of_rounds(rounds: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One client's ``run`` outputs of several rounds as one: each workload's figures are the rounds'
    medians, peak RSS the highest; a workload unsupported in any round is reported unsupported."""
    if len(rounds) == 1:
        return rounds[0]
    combined = {key: value for key, value in rounds[0].items() if key not in ("workloads", "peak_rss_mb")}
    combined["rounds"] = len(rounds)
    peaks = [r["peak_rss_mb"] for r in rounds if isinstance(r.get("peak_rss_mb"), (int, float))]
    if peaks:
        combined["peak_rss_mb"] = max(peaks)
    workloads: Dict[str, Any] = {}
    for name in rounds[0].get("workloads", {}):
        outcomes = [r.get("workloads", {}).get(name) for r in rounds]
        if any(not outcome or "unsupported" in outcome for outcome in outcomes):
            workloads[name] = next((o for o in outcomes if o and "unsupported" in o),
                                   {"unsupported": "missing in a round"})
        else:
            workloads[name] = _median_figures(outcomes)
    combined["workloads"] = workloads
    return combined


def compute_ratios(report: Dict[str, Any]) -> Dict[str, Dict[str, Optional[float]]]:
    clients = report["clients"]
    ref, ours = clients[0], clients[1]
    driver = clients[2] if len(clients) > 2 else None
    ratios: Dict[str, Dict[str, Optional[float]]] = {}
    for name in report["workloads"]:
        row = {}
        for field in ("ops_per_s", "cpu_ms_per_op", "p50_ms", "p99_ms"):
            a = _value(report["results"][ref]["workloads"].get(name), field)
            b = _value(report["results"][ours]["workloads"].get(name), field)
            row[f"{field} ours/ref"] = _ratio(b, a)
            if driver:
                c = _value(report["results"][driver]["workloads"].get(name), field)
                row[f"{field} ours/driver"] = _ratio(b, c)
        ratios[name] = row
    return ratios


def print_table(report: Dict[str, Any]) -> None:
    clients: List[str] = report["clients"]
    results = report["results"]
    has_driver = len(clients) > 2
    width = max(14, *(len(label) + 2 for label in clients))
    name_width = 20
    header = (f"{'workload':<{name_width}}" + "".join(f"{label:>{width}}" for label in clients) + f"{'ratio':>8}"
              + ("" + f"{'/drv':>7}" if has_driver else "") + "  |"
              + "".join(f"{label:>{width}}" for label in clients) + f"{'ratio':>8}"
              + (f"{'/drv':>7}" if has_driver else ""))
    print(f"{'':<{name_width}}{'ops/s (higher is better)':^{width * len(clients) + 8 + 7 * has_driver}}  |"
          f"{'client CPU ms/op (lower is better)':^{width * len(clients) + 8 + 7 * has_driver}}")
    print(header)
    print("-" * len(header))
    for name in report["workloads"]:
        rows = [results[label]["workloads"].get(name) for label in clients]
        ratio = report["ratios"][name]
        line = f"{name:<{name_width}}" + "".join(_cell(_value(r, "ops_per_s"), width, 1) for r in rows)
        line += _cell(ratio["ops_per_s ours/ref"], 8, 2)
        if has_driver:
            line += _cell(ratio["ops_per_s ours/driver"], 7, 2)
        line += "  |" + "".join(_cell(_value(r, "cpu_ms_per_op"), width, 3) for r in rows)
        line += _cell(ratio["cpu_ms_per_op ours/ref"], 8, 3)
        if has_driver:
            line += _cell(ratio["cpu_ms_per_op ours/driver"], 7, 2)
        print(line)

    big = [name for name in report["workloads"] if name.endswith("MB")]
    if big:
        print()
        latency_width = max(width, *(len(label) + 6 for label in clients[:2]))
        print(f"{'latency ms':<{name_width}}" + "".join(f"{label + ' p50':>{latency_width}}"
                                                         f"{label + ' p99':>{latency_width}}"
                                                         for label in clients[:2]) + f"{'p99 ratio':>11}")
        for name in big:
            rows = [results[label]["workloads"].get(name) for label in clients[:2]]
            print(f"{name:<{name_width}}" + "".join(_cell(_value(r, "p50_ms"), latency_width, 1)
                                                   + _cell(_value(r, "p99_ms"), latency_width, 1) for r in rows)
                  + _cell(report["ratios"][name]["p99_ms ours/ref"], 11, 2))

    _print_peak_by_workload(report, name_width, width)

    first_call = report.get("first_call") or {}
    if first_call:
        print()
        runs = next(iter(first_call.values()))["runs"]
        print(f"new client in a new process (median of {runs} processes):")
        for label, figures in first_call.items():
            print(f"  {label:<{width}} import {figures['import_ms']:8.1f} ms   first read (client created, "
                  f"account + container + read) {figures['first_call_ms']:8.1f} ms")
    long_run = report.get("long_run") or {}
    if long_run:
        print()
        some = next(iter(long_run.values()))
        print(f"long run: async point reads, {some['in_flight']} in flight, {some['seconds']:.0f} s:")
        for label, figures in long_run.items():
            print(f"  {label:<{width}} {figures['ops_per_s']:9.1f} ops/s {figures['cpu_ms_per_op']:7.3f} CPU ms/op  "
                  f"RSS {figures['rss_start_mb']:6.1f} -> {figures['rss_end_mb']:6.1f} MB "
                  f"(growth {figures['rss_growth_mb']:+6.1f} MB), peak {figures['peak_rss_mb']:6.1f} MB")
    print()
    for label in clients:
        peak = results[label].get("peak_rss_mb")
        if peak is not None:
            print(f"peak RSS of the workload process, {label}: {peak:.1f} MB")
    for label in clients:
        for name, workload in results[label]["workloads"].items():
            if "unsupported" in workload:
                print(f"{label} {name}: {workload['unsupported']}")
    for note in report.get("notes", []):
        print(note)
    print("ratio = ours / 4.17.1" + (" and /drv = ours / bare driver" if has_driver else "")
          + " (ops/s: higher is better for ours; CPU ms/op and latency: lower is better).")


def _print_peak_by_workload(report: Dict[str, Any], name_width: int, width: int) -> None:
    """Which workload sets a client's peak RSS (each measured from its warm-up on, VmHWM reset before it)."""
    clients: List[str] = report["clients"]
    results = report["results"]
    if not any(_value(results[label]["workloads"].get(name), "peak_rss_mb") is not None
               for label in clients for name in report["workloads"]):
        return  # a report of a version that did not measure it
    print()
    print(f"{'peak RSS MB':<{name_width}}" + "".join(f"{label:>{width}}" for label in clients)
          + "   (of the process while the workload ran, warm-up included)")
    for name in report["workloads"]:
        rows = [results[label]["workloads"].get(name) for label in clients]
        print(f"{name:<{name_width}}" + "".join(_cell(_value(r, "peak_rss_mb"), width, 1) for r in rows))


def write_json(report: Dict[str, Any], path: str) -> None:
    with open(path, "w") as out:
        json.dump(report, out, indent=1, default=lambda value: None)


def plot(report: Dict[str, Any], directory: str) -> List[str]:
    """PNG figures for the README; needs matplotlib (not a dependency of the project)."""
    try:
        import matplotlib
    except ImportError as error:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(directory, exist_ok=True)
    clients, results = report["clients"], report["results"]
    written: List[str] = []

    def bars(field: str, title: str, filename: str, names: List[str]) -> None:
        figure, axes = plt.subplots(figsize=(max(8, len(names) * 0.7), 4.5))
        step = 0.8 / len(clients)
        for index, label in enumerate(clients):
            values = [_value(results[label]["workloads"].get(name), field) or 0.0 for name in names]
            axes.bar([i + index * step for i in range(len(names))], values, step, label=label)
        axes.set_xticks([i + 0.4 - step / 2 for i in range(len(names))])
        axes.set_xticklabels(names, rotation=45, ha="right")
        axes.set_yscale("log")
        axes.set_title(title)
        axes.legend()
        figure.tight_layout()
        path = os.path.join(directory, filename)
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)

    measured = [name for name in report["workloads"]
                if any(_value(results[label]["workloads"].get(name), "ops_per_s") for label in clients)]
    bars("ops_per_s", "throughput, ops/s (log scale; higher is better)", "throughput.png", measured)
    bars("cpu_ms_per_op", "client CPU ms per operation (log scale; lower is better)", "cpu_per_op.png", measured)

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for label in clients:
        for kind, style in (("read", "-o"), ("upsert", "--s")):
            points = [(n, _value(results[label]["workloads"].get(f"async {kind} x{n}"), "ops_per_s"))
                      for n in report["in_flight"]]
            points = [(n, v) for n, v in points if v]
            if points:
                axes.plot([n for n, _ in points], [v for _, v in points], style, label=f"{label} {kind}")
    axes.set_xscale("log", base=2)
    axes.set_xlabel("requests in flight")
    axes.set_ylabel("ops/s")
    axes.set_title("async throughput by concurrency")
    axes.legend()
    figure.tight_layout()
    path = os.path.join(directory, "async_scaling.png")
    figure.savefig(path, dpi=110)
    plt.close(figure)
    written.append(path)

    big = [name for name in report["workloads"] if name.endswith("MB")]
    if big:
        bars("p99_ms", "large documents, p99 latency ms (lower is better)", "large_documents_p99.png", big)

    long_run = report.get("long_run") or {}
    if long_run:
        figure, axes = plt.subplots(figsize=(7, 4.5))
        for label, figures in long_run.items():
            samples = figures.get("rss_samples") or []
            axes.plot([t for t, _ in samples], [rss for _, rss in samples], label=label)
        axes.set_xlabel("seconds")
        axes.set_ylabel("RSS MB")
        axes.set_title("RSS over the long run")
        axes.legend()
        figure.tight_layout()
        path = os.path.join(directory, "rss_long_run.png")
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written


def workload_order(in_flight: List[int]) -> List[str]:
    return perf_workloads.workload_names(in_flight)
