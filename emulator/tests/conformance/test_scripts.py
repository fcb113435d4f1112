"""Conformance: stored procedures, triggers and user-defined functions run by the server, driven by
azure-cosmos 4.17.1 (scenarios in ``reference/scenarios_scripts.py``)."""
from __future__ import annotations


def test_stored_procedures(conformance):
    assert conformance.run("scripts.stored_procedures", needs=["sprocs"]) == {
        "create": 201,
        "create the same id again": 409,
        "read: body kept": True,
        "list": ["greet"],
        "query": ["greet"],
        "execute with a parameter": "hello world",
        "replace": 200,
        "execute after replace": "hi there",
        "writes through the collection API": ["s1", "s2"],
        "documents it wrote": ["s1", "s2"],
        # An exception thrown by a script is a 400, and the execution is one transaction.
        "a script that throws after two writes": 400,
        "nothing of the failed execution was kept": ["s1", "s2"],
        "a write conflicting inside the script fails": True,
        "nothing of the conflicting execution was kept": ["s1", "s2"],
        "read, replace and query through __": {"touched": ["s2"]},
        "script log header": "touched 1",
        "execute a missing procedure": 404,
        "delete": 204,
        "read after delete": 404,
    }


def test_triggers(conformance):
    assert conformance.run("scripts.triggers", needs=["sprocs"]) == {
        "create pre-trigger": 201,
        "create the same trigger again": 409,
        "list": ["audit", "refuse", "stamp"],
        "read: type and operation": ["Post", "Create"],
        "pre-trigger changed the created item": True,
        "without the trigger": None,
        "pre-trigger on replace (operation All)": True,
        "a pre-trigger that throws": 400,
        "item refused by the trigger": 404,
        "post-trigger wrote through the collection": "d",
        "naming a missing trigger fails the write": True,
        "the write naming a missing trigger did not happen": 404,
        "replace trigger": 200,
        "replaced trigger runs the new body": True,
        "delete": 204,
        "read after delete": 404,
    }


def test_user_defined_functions(conformance):
    conformance.check(conformance.run("scripts.user_defined_functions", needs=["udfs"]), {
        "create": 201,
        "list": ["double"],
        "query": ["double"],
        "used in a query": [0, 2, 4, 6],
        "used in a filter": ["2", "3"],
        "replace": 200,
        "query after replace": [0, 3, 6, 9],
        "delete": 204,
        "query with the deleted function": 400,
    }, unless={"udf_replace": ["query after replace"]})


def test_trigger_values_read_back_as_written(conformance):
    assert conformance.run("scripts.trigger_values_as_written", needs=["sprocs"]) == {
        "read back: type and operation": ["pre", "all"],
        "listed: type and operation": [["pre", "all"]],
        "the lower-case pre-trigger runs on create": True,
    }


def test_line_separators_in_stored_procedure_bodies(conformance):
    assert conformance.run("scripts.line_separators_in_bodies", needs=["sprocs"]) == {
        "create": 201,
        "body read back as written": True,
        "execute": ["in\u2028put", "a\u2028b", "c\u2029d", "e\u0085f"],
    }
