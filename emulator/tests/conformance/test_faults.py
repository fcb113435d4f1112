"""Conformance: injected faults and azure-cosmos 4.17.1's retry policies (scenarios in
``reference/scenarios_faults.py``).

``attempts`` lists the status of every attempt the client made. What 4.17.1 does with each answer, from its
retry policies: 429 waits ``x-ms-retry-after-ms`` and retries (9 times by default, ``retry_total`` here);
503 and 408 are retried once (single region) only with endpoint discovery on, and 408 only for reads;
404/1002 (read session not available) is retried once with discovery on; 410/1002 on a point read refreshes
the routing map and surfaces, while a query re-plans its ranges and completes; 449 is not retried.
"""
from __future__ import annotations


def test_throttling_is_retried_after_the_advertised_delay(conformance):
    assert conformance.run("faults.throttling", needs=["faults"]) == {
        "429 twice with x-ms-retry-after-ms, then success": {"status": 200, "attempts": [429, 429, 200]},
        "the rule counted its hits": [2],
        "429 once on a create": {"status": 201, "attempts": [429, 201]},
        "429 beyond retry_total=3": {"status": 429, "attempts": [429, 429, 429, 429]},
    }


def test_unavailable_and_timeouts(conformance):
    retried = conformance.target.discovery
    assert conformance.run("faults.unavailable_and_timeouts", needs=["faults"]) == {
        "503 once on a read": {"status": 200, "attempts": [503, 200]} if retried else
        {"status": 503, "attempts": [503]},
        "503 on every read": {"status": 503, "attempts": [503, 503] if retried else [503]},
        "503 once on a create": {"status": 201, "attempts": [503, 201]} if retried else
        {"status": 503, "attempts": [503]},
        "408 once on a read": {"status": 200, "attempts": [408, 200]} if retried else
        {"status": 408, "attempts": [408]},
        "408 once on a create": {"status": 408, "attempts": [408]},
    }


def test_gone_session_and_retry_with(conformance):
    retried = conformance.target.discovery
    assert conformance.run("faults.gone_and_session", needs=["faults", "multiple_partition_key_ranges"]) == {
        "410/1002 once during a cross-partition query: complete answer": True,
        "the query saw the 410": True,
        "410/1002 once on a point read": {"status": 410, "attempts": [410]},
        "404/1002 once on a point read": {"status": 200, "attempts": [404, 200]} if retried else
        {"status": 404, "attempts": [404]},
        "449 once on a point read": {"status": 449, "attempts": [449]},
    }


def test_latency_and_dropped_connections(conformance):
    assert conformance.run("faults.connection", needs=["faults"]) == {
        "added latency": {"status": 200, "attempts": [200]},
        "connection dropped once on a read": {"status": 200, "attempts": [200]},
        "after clearing": {"status": 200, "attempts": [200]},
    }
