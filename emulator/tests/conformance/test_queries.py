"""Conformance: queries the gateway plans (scenarios in ``reference/scenarios_queries.py``), driven by azure-cosmos
4.17.1 across four partition-key ranges.

The aggregate expectations are the ones 4.17.1's own aggregate suite (``test/test_aggregate.py``) holds against the
service: the same value with and without ORDER BY, ``None`` for SUM/AVG over mixed types, and an error for an
aggregate outside ``SELECT VALUE`` even when the filter pins one partition."""
from __future__ import annotations

NUMBERED = 40  # keys 1..40 (reference/scenarios_queries.py)
ALL_ITEMS = 19 + 30 + NUMBERED


def _aggregate_expectations():
    values = {("AVG", "IS_NUMBER(r.key)"): [20.5], ("AVG", "true"): [None], ("COUNT", "true"): [ALL_ITEMS],
              ("MAX", "true"): ["xyz"], ("MIN", "true"): [None], ("SUM", "IS_NUMBER(r.key)"): [820],
              ("SUM", "true"): [None]}
    expected = {}
    for (operator, condition), value in values.items():
        for order in ("", " ORDER BY r.key", " ORDER BY r.key DESC"):
            expected[f"SELECT VALUE {operator}(r.key) FROM r WHERE {condition}{order}"] = value
    return expected


def test_aggregates_with_order_by_across_partitions(conformance):
    assert conformance.run("queries.aggregates_with_order_by", needs=["query_plan"]) == {
        **_aggregate_expectations(),
        "pages of an aggregate with ORDER BY": [[ALL_ITEMS]],
    }


def test_aggregates_pinned_by_their_filter(conformance):
    expected = {}
    for operator, value in [("AVG", 15.5), ("COUNT", 30), ("MAX", 30), ("MIN", 1), ("SUM", 465)]:
        expected[f"SELECT VALUE {operator}(r.field) FROM r WHERE r.key = 'one'"] = [value]
        expected[f"SELECT {operator}(r.field) FROM r WHERE r.key = 'one'"] = 400
    expected["non-VALUE aggregate with the partition key"] = [{"n": 30}]
    assert conformance.run("queries.pinned_aggregates", needs=["query_plan"]) == expected


def test_group_by_with_order_by_is_refused(conformance):
    # "You can't use GROUP BY with an ORDER BY clause." (the service's GROUP BY reference)
    assert conformance.run("queries.group_by_with_order_by", needs=["query_plan"]) == {
        "GROUP BY with ORDER BY in one partition": 400,
        "GROUP BY without ORDER BY in one partition": [{"team": "red", "n": 1}],
    }


def test_distinct_order_by_offset_limit_across_partitions(conformance):
    assert conformance.run("queries.distinct_order_by_offset_limit", needs=["query_plan"]) == {
        "SELECT DISTINCT VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team": ["blue", "green", "red"],
        "SELECT DISTINCT VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team DESC OFFSET 1 LIMIT 5":
            ["green", "blue"],
        "SELECT DISTINCT r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team OFFSET 1 LIMIT 1": [{"team": "green"}],
        "SELECT VALUE r.key FROM r WHERE IS_NUMBER(r.key) ORDER BY r.key DESC OFFSET 3 LIMIT 4": [37, 36, 35, 34],
        "SELECT DISTINCT TOP 2 VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team": ["blue", "green"],
        # 4.17.1 fills each page to max_item_count from the merged ranges (its own paging, not the server's).
        "OFFSET/LIMIT across partitions paged by 5": [[6, 7, 8, 9, 10], [11, 12, 13, 14, 15], [16, 17]],
    }


def test_hybrid_search_across_partitions_and_in_one(conformance):
    # Reciprocal rank fusion (1/(60 + rank) per component, weights scaling, a negative one reversing a ranking),
    # worked out by hand from reference/scenarios_queries.py's texts and vectors; no ties at the cut-offs.
    assert conformance.run("queries.hybrid_search", needs=["query_plan", "search_policies"]) == {
        "full-text rank": ["d6", "d8", "d0"],
        "RRF of two full-text scores": ["d8", "d6", "d4"],
        "RRF of text and vector, weighted": [{"id": "d8"}, {"id": "d4"}, {"id": "d7"}, {"id": "d9"}],
        "RRF with a negative weight, OFFSET LIMIT": ["d1", "d2", "d3"],
        "RRF in one partition": ["d0", "d1", "d4", "d3"],
    }
