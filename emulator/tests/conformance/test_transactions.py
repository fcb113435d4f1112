"""Conformance: PATCH (every operation, conditions, validation) and transactional batches (results, 424s,
atomicity, limits), driven by azure-cosmos 4.17.1 (scenarios in ``reference/scenarios_transactions.py``)."""
from __future__ import annotations


def test_patch_operations(conformance):
    assert conformance.run("transactions.patch", needs=["patch"]) == {
        "every operation applied": {"id": "a", "pk": "p", "n": 15, "tags": ["first", "x", "last"],
                                    "nested": {"k": "v2"}, "added": {"deep": [1]}, "moved": "o"},
        "read back": {"id": "a", "pk": "p", "n": 15, "tags": ["first", "x", "last"], "nested": {"k": "v2"},
                      "added": {"deep": [1]}, "moved": "o"},
        "incr by a float": 15.5,
        "filter predicate true": 200,
        "filter predicate false": 412,
        "flag after the refused patch": 1,
        "ten operations": 200,
    }


def test_patch_validation(conformance):
    conformance.check(conformance.run("transactions.patch_errors", needs=["patch"]), {
        "eleven operations": 400,
        "set /id": 400,
        "set the partition key path": 400,
        "replace a missing path": 400,
        "remove a missing path": 400,
        "incr a string": 400,
        "add under a missing parent": 400,
        "add beyond the end of an array": 400,
        "a failing operation leaves the others unapplied": [400, False],
    }, unless={"patch_validation": ["add under a missing parent"]})


def test_batch(conformance):
    assert conformance.run("transactions.batch", needs=["batch"]) == {
        "statuses": [201, 201, 200, 200, 200, 204],
        "read inside the batch sees the earlier writes": 7,
        "items after": ["c", "r", "u"],
    }


def test_batch_is_atomic(conformance):
    assert conformance.run("transactions.batch_atomicity", needs=["batch", "atomic_batch"]) == {
        # The failing operation has its own status; every other one is 424 Failed Dependency.
        "create, conflicting create, upsert": {"status": 409, "index": 1, "statuses": [424, 409, 424]},
        "replace with a stale etag": {"status": 412, "index": 1, "statuses": [424, 412]},
        "patch with a false filter predicate": {"status": 412, "index": 0, "statuses": [412]},
        "read of a missing item": {"status": 404, "index": 1, "statuses": [424, 404]},
        "nothing of the failed batches was written": [["r", 1]],
        "empty batch": 400,
        "101 operations": 400,
        "100 operations": 100,
    }
