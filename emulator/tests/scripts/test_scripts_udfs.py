"""User-defined functions: ``call_udf`` for the query engine, values and ``undefined``, failures, compiling
once, the resolver the query engine takes, and UDFs inside a stored procedure's query.

Queries run in the real query engine; storage (for the stored procedure case) is the in-memory test
double of :mod:`script_memory_collection`.
"""
from __future__ import annotations

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare
from cosmos_emulator.query.values import UNDEFINED
from script_memory_collection import MemoryScriptCollection

TAX = "function(amt) { return amt * 0.05; }"


@pytest.mark.parametrize("body, args, expected", [
    (TAX, [9001], 9001 * 0.05),
    ("function(a, b) { return a + b; }", ["x", "y"], "xy"),
    ("function(o) { return {keys: Object.keys(o).sort(), n: o.n * 2}; }", [{"n": 2, "a": None}],
     {"keys": ["a", "n"], "n": 4}),
    ("function(list) { return list.length; }", [[1, [2], {"3": 3}]], 3),
    ("function(x) { return x === null; }", [None], True),
    ("function() { return null; }", [], None),
    ("function(n) { return n; }", [2 ** 53], 2 ** 53),
])
def test_values_round_trip(engine, body, args, expected):
    assert engine.call_udf(body, args) == expected


def test_undefined_arguments_and_results(engine):
    kind = "function(x) { return typeof x; }"
    assert engine.call_udf(kind, [UNDEFINED]) == "undefined"
    assert engine.call_udf(kind, [None, UNDEFINED]) == "object"
    assert engine.call_udf("function(x) { return x; }", [UNDEFINED]) is UNDEFINED
    assert engine.call_udf("function() { }", []) is UNDEFINED


def test_each_body_is_compiled_once(engine):
    # A body that evaluates to a closure keeps its state between calls only if it is compiled once.
    counter = "(function () { var calls = 0; return function () { return ++calls; }; })()"
    assert [engine.call_udf(counter, []) for _ in range(3)] == [1, 2, 3]


def test_throwing_udf_answers_400(engine):
    with pytest.raises(CosmosError) as failure:
        engine.call_udf("function(x) { if (x < 0) throw new Error('negative input'); return x; }", [-1])
    assert failure.value.status == 400
    assert failure.value.message.startswith(
        'Message: {"Errors":["Encountered exception while executing Javascript. Exception = Error: negative input')


def test_udf_that_does_not_compile_answers_the_same_400_every_time(engine):
    messages = []
    for _ in range(2):
        with pytest.raises(CosmosError) as failure:
            engine.call_udf("function(x) { return x + ", [1])
        assert failure.value.status == 400
        messages.append(failure.value.message)
    assert messages[0] == messages[1]
    assert "Encountered exception while compiling Javascript. Exception = SyntaxError: Unexpected token" in messages[0]


def test_resolver_serves_the_query_engine(engine):
    # .NET SDK UserDefinedFunctionsTests.ValidateUserDefinedFunctionsTest.
    resolver = engine.udf_resolver({"calculateTax": TAX})
    documents = [{"id": "1", "cost": 9001, "status": "Done"}, {"id": "2", "cost": 10, "status": "Done"}]
    sql = ("SELECT t.id, t.cost, udf.calculateTax(t.cost) AS total FROM toDoActivity t "
           "WHERE t.cost > @expensive AND t.status = @status")
    rows = prepare(sql, [{"name": "@expensive", "value": 9000}, {"name": "@status", "value": "Done"}],
                   udfs=resolver).run(documents)
    assert rows == [{"id": "1", "cost": 9001, "total": pytest.approx(9001 * 0.05)}]


def test_resolver_knows_only_the_given_udfs(engine):
    resolver = engine.udf_resolver({"a": TAX})
    assert resolver("b") is None
    with pytest.raises(CosmosError) as failure:
        prepare("SELECT VALUE udf.b(c.x) FROM c", udfs=resolver)
    assert failure.value.status == 400


def test_undefined_udf_results_drop_out_of_value_queries(engine):
    resolver = engine.udf_resolver({"even": "function(n) { if (n % 2 === 0) return n; }"})
    rows = prepare("SELECT VALUE udf.even(c.n) FROM c", udfs=resolver).run([{"n": n} for n in range(5)])
    assert rows == [0, 2, 4]


def test_udf_in_a_query_issued_by_a_stored_procedure(engine):
    collection = MemoryScriptCollection([{"id": f"d{n}", "pk": "p1", "n": n} for n in range(3)],
                                        udfs=engine.udf_resolver({"double": "function(n) { return n * 2; }"}))
    body = """function () {
        __.queryDocuments(__.getSelfLink(), 'SELECT VALUE udf.double(r.n) FROM root r', function (err, feed) {
            if (err) throw err;
            getContext().getResponse().setBody(feed);
        });
    }"""
    result = engine.run_stored_procedure(body, None, collection, enable_logging=False)
    assert result.response_body == [0, 2, 4]


def test_failing_udf_in_a_stored_procedure_query_reaches_the_callback(engine):
    collection = MemoryScriptCollection([{"id": "d", "pk": "p1", "n": 1}],
                                        udfs=engine.udf_resolver({"bad": "function() { throw new Error('nope'); }"}))
    body = """function () {
        __.queryDocuments(__.getSelfLink(), 'SELECT VALUE udf.bad(r.n) FROM root r', function (err) {
            getContext().getResponse().setBody([err.number, JSON.parse(err.body).Errors[0].indexOf('nope') > 0]);
        });
    }"""
    assert engine.run_stored_procedure(body, None, collection, enable_logging=False).response_body == [400, True]


def test_runaway_udf_is_stopped_with_408(short_engine):
    with pytest.raises(CosmosError) as failure:
        short_engine.call_udf("function() { while (true) {} }", [])
    assert failure.value.status == 408
    assert short_engine.call_udf(TAX, [100]) == 5


def test_udf_cache_starts_over_when_full(engine, monkeypatch):
    from cosmos_emulator.scripts import engine as engine_module
    monkeypatch.setattr(engine_module, "MAX_CACHED_UDFS", 2)
    bodies = [f"function(x) {{ return x + {n}; }}" for n in range(5)]
    assert [engine.call_udf(body, [10]) for body in bodies] == [10, 11, 12, 13, 14]
    assert [engine.call_udf(body, [0]) for body in bodies] == [0, 1, 2, 3, 4]
