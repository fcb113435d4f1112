"""Print one closing line for a whole test run: cargo test plus the pytest suites.

    python tools/test_summary.py --cargo-log cargo.log sdk.xml emulator.xml

Reads cargo's ``test result:`` lines and pytest JUnit XML files (missing files count as
nothing run), prints a line per part and then ``tests: N passed, N failed, N skipped``.
Exits 1 when anything failed or errored, or when no test ran at all.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ElementTree
from typing import Dict, List, Optional

_CARGO_RESULT = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")


def cargo_counts(log_path: Optional[str]) -> Optional[Dict[str, int]]:
    """Sum cargo's per-binary ``test result:`` lines.

    :param log_path: the captured output of ``cargo test``.
    :returns: passed/failed/skipped counts, or None if there is no log.
    """
    if not log_path or not os.path.exists(log_path):
        return None
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for match in _CARGO_RESULT.finditer(log.read()):
            counts["passed"] += int(match.group(1))
            counts["failed"] += int(match.group(2))
            counts["skipped"] += int(match.group(3))
    return counts


def junit_counts(xml_path: str) -> Optional[Dict[str, int]]:
    """Count a pytest JUnit XML report.

    :param xml_path: the file written by ``pytest --junitxml``.
    :returns: passed/failed/skipped counts (errors count as failed), or None if absent.
    """
    if not os.path.exists(xml_path):
        return None
    root = ElementTree.parse(xml_path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    failed = failures + errors
    return {"passed": max(0, tests - failures - errors - skipped), "failed": failed, "skipped": skipped}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cargo-log")
    parser.add_argument("junit", nargs="*")
    args = parser.parse_args(argv)

    parts = [("cargo test", cargo_counts(args.cargo_log))]
    parts += [(os.path.basename(path), junit_counts(path)) for path in args.junit]
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for name, counts in parts:
        if counts is None:
            print(f"  {name}: did not run")
            continue
        print(f"  {name}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
        for key in total:
            total[key] += counts[key]
    print(f"tests: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if total["failed"] or not total["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
