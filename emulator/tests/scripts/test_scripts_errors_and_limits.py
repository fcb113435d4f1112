"""Failures: how thrown values surface (status, sub-status, message), compile errors, ``abort``, rollback
by the caller, the time and memory budgets, and ``accepted == false`` near the deadline.

Storage is the in-memory test double of :mod:`script_memory_collection`. Message shapes follow the
service's answers quoted in public SDK issues (see :mod:`cosmos_emulator.scripts.script_errors`).
"""
from __future__ import annotations

import time

import pytest

from cosmos_emulator.errors import CosmosError
from script_memory_collection import MemoryScriptCollection


def fail(engine, body, params=None, collection=None, logging=False):
    with pytest.raises(CosmosError) as failure:
        engine.run_stored_procedure(body, params, collection or MemoryScriptCollection(), enable_logging=logging)
    return failure.value


def detail(error):
    """The text inside ``Message: {"Errors":["..."]}``."""
    import json
    assert error.message.startswith("Message: ")
    return json.loads(error.message[len("Message: "):])["Errors"][0]


# ------------------------------------------------------------------------------------ thrown values
def test_thrown_error_is_a_400_with_the_exception_and_its_script_frames(engine):
    error = fail(engine, "function () {\n  throw new Error('boom');\n}")
    assert (error.status, error.code, error.substatus) == (400, "BadRequest", None)
    text = detail(error)
    assert text.startswith("Encountered exception while executing function. Exception = Error: boom\r\n"
                           "Stack trace: Error: boom\n    at ")
    assert "(script.js:2:" in text or "script.js:2:" in text
    assert "cosmos-runtime" not in text


def test_numbered_error_sets_the_substatus_and_prefixes_the_message(engine):
    error = fail(engine, "function () { throw new Error(ErrorCodes.NotFound, 'Document not found.'); }")
    assert (error.status, error.substatus) == (400, 404)
    assert "Exception = Error: 404: Document not found." in detail(error)


def test_user_error_codes_pass_through_as_substatus(engine):
    assert fail(engine, "function () { throw new Error(1234, 'custom'); }").substatus == 1234


@pytest.mark.parametrize("thrown, text", [
    ("'id mismatch'", "id mismatch"),
    ("42", "42"),
    ("null", "null"),
    ("{code: 700}", '{"code":700}'),
])
def test_thrown_non_errors_report_their_text(engine, thrown, text):
    error = fail(engine, "function () { throw %s; }" % thrown)
    assert detail(error) == "Encountered exception while executing function. Exception = " + text
    assert error.substatus is None


def test_runtime_errors_report_their_type(engine):
    text = detail(fail(engine, "function () { var o = null; return o.x; }"))
    assert text.startswith("Encountered exception while executing function. Exception = TypeError: Cannot read "
                           "properties of null")


def test_error_subclasses_keep_their_name(engine):
    body = ("function () { class Invalid extends Error { constructor(m) { super(m); this.name = 'Invalid'; } }"
            " throw new Invalid('bad input'); }")
    assert "Exception = Invalid: bad input" in detail(fail(engine, body))


def test_error_constructor_behaves_like_the_services(engine):
    body = """function () {
        var numbered = new Error(409, 'x');
        var plain = Error('y');
        getContext().getResponse().setBody([numbered instanceof Error, numbered.number, numbered.message,
            String(numbered), plain instanceof Error, plain.number, new TypeError('t') instanceof Error,
            Error.name, numbered.constructor === Error]);
    }"""
    result = engine.run_stored_procedure(body, None, MemoryScriptCollection(), enable_logging=False)
    assert result.response_body == [True, 409, "x", "Error: x", True, None, True, "Error", True]


def test_error_caught_by_the_script_does_not_fail_it(engine):
    body = ("function () { try { throw new Error(500, 'inner'); }"
            " catch (e) { getContext().getResponse().setBody('inline err: [' + e.number + '] ' + e); } }")
    result = engine.run_stored_procedure(body, None, MemoryScriptCollection(), enable_logging=False)
    assert result.response_body == "inline err: [500] Error: inner"


# ----------------------------------------------------------------------------------- compile errors
@pytest.mark.parametrize("body", ["function () { syntax error }", "var x = 1;", "not javascript at all"])
def test_bodies_that_do_not_compile_to_a_function_answer_400(engine, body):
    error = fail(engine, body)
    assert error.status == 400
    assert detail(error).startswith("Encountered exception while compiling Javascript. Exception = SyntaxError: ")


def test_validate_accepts_functions_and_refuses_the_rest(engine):
    engine.validate("function (a) { return a; }")
    engine.validate("function named() {};")
    with pytest.raises(CosmosError) as failure:
        engine.validate("function (a) { return a; ")
    assert failure.value.status == 400
    assert "Encountered exception while compiling Javascript" in failure.value.message
    with pytest.raises(CosmosError):
        engine.validate(42)


# ------------------------------------------------------------------------------------- abort, log
def test_abort_stops_the_script_with_its_error(engine):
    body = "function () { console.log('before'); getContext().abort(new Error(412, 'stop')); console.log('after'); }"
    error = fail(engine, body, logging=True)
    assert (error.status, error.substatus) == (400, 412)
    assert "Exception = Error: 412: stop" in detail(error)
    assert error.headers == {"x-ms-documentdb-script-log-results": "before"}


def test_abort_cannot_be_swallowed_by_a_catch(engine):
    body = "function () { try { getContext().abort('no'); } catch (e) { } getContext().getResponse().setBody(1); }"
    assert detail(fail(engine, body)) == "Encountered exception while executing function. Exception = no"


def test_failure_without_logging_has_no_log_header(engine):
    assert fail(engine, "function () { console.log('x'); throw 'y'; }").headers == {}


# ------------------------------------------------------------------------------- rollback by caller
def test_writes_before_a_throw_are_undone_by_the_callers_transaction(engine):
    body = """function () {
        __.createDocument(__.getSelfLink(), {id: 'a', pk: 'p1'}, function (err) {
            if (err) throw err;
            __.createDocument(__.getSelfLink(), {id: 'b', pk: 'p1'}, function (err) {
                if (err) throw err;
                throw new Error('changed my mind');
            });
        });
    }"""
    collection = MemoryScriptCollection([{"id": "keep", "pk": "p1"}])
    with pytest.raises(CosmosError):
        collection.run_in_transaction(
            lambda: engine.run_stored_procedure(body, None, collection, enable_logging=False))
    assert collection.calls == ["create", "create"]
    assert list(collection.documents) == ["keep"]


def test_operations_queued_after_the_failing_callback_never_run(engine):
    body = """function () {
        __.createDocument(__.getSelfLink(), {id: 'a', pk: 'p1'}, function () { throw new Error('stop here'); });
        __.createDocument(__.getSelfLink(), {id: 'b', pk: 'p1'});
    }"""
    collection = MemoryScriptCollection()
    fail(engine, body, collection=collection)
    assert collection.calls == ["create"]


# ---------------------------------------------------------------------------------- budgets
def test_runaway_script_is_terminated_with_408_and_the_engine_stays_usable(short_engine):
    error = fail(short_engine, "function () { while (true) {} }")
    assert (error.status, error.code) == (408, "RequestTimeout")
    assert detail(error) == "The requested operation exceeded maximum alloted time."
    result = short_engine.run_stored_procedure("function () { getContext().getResponse().setBody('alive'); }",
                                               None, MemoryScriptCollection(), enable_logging=False)
    assert result.response_body == "alive"


def test_timeout_keeps_the_log_written_so_far(short_engine):
    error = fail(short_engine, "function () { console.log('started'); while (true) {} }", logging=True)
    assert error.status == 408
    assert error.headers == {"x-ms-documentdb-script-log-results": "started"}


def test_script_exhausting_memory_fails_and_the_engine_recovers(short_engine):
    error = fail(short_engine, "function () { var keep = []; while (true) keep.push(new Array(100000).fill(1)); }")
    assert error.status == 400
    assert detail(error) == "Encountered exception while executing function. Exception = Error: Out of memory"
    result = short_engine.run_stored_procedure("function () { getContext().getResponse().setBody(2); }",
                                               None, MemoryScriptCollection(), enable_logging=False)
    assert result.response_body == 2
    assert short_engine.call_udf("function (x) { return x * 3; }", [3]) == 9


@pytest.mark.parametrize("clock_offset_seconds, accepted", [(-3600, False), (3600, True)])
def test_operations_are_refused_once_the_soft_deadline_has_passed(engine, monkeypatch, clock_offset_seconds,
                                                                  accepted):
    # The soft deadline is computed from the engine's clock and checked against JavaScript's Date.now():
    # a clock an hour behind puts it in the past before the script starts (the first operation is "not
    # accepted"), an hour ahead keeps it far off, whatever the speed of the machine.
    monkeypatch.setattr(engine, "wall_clock", lambda: time.time() + clock_offset_seconds)
    body = "function () { getContext().getResponse().setBody(__.createDocument(__.getSelfLink(), {id: 'x', pk: 'p1'})); }"
    collection = MemoryScriptCollection()
    result = engine.run_stored_procedure(body, None, collection, enable_logging=False)
    assert result.response_body is accepted
    assert collection.calls == (["create"] if accepted else [])


def test_response_body_beyond_the_limit_answers_400_with_substatus_413(engine):
    error = fail(engine, "function () { getContext().getResponse().setBody('x'.repeat(3 * 1024 * 1024)); }")
    assert (error.status, error.substatus) == (400, 413)
    assert 'Resulting message would be too large because of \\"Body\\"' in error.message


def test_storage_bugs_propagate_and_leave_the_engine_clean(engine):
    class Broken(MemoryScriptCollection):
        def create(self, doc, options):
            raise RuntimeError("storage bug")

    with pytest.raises(RuntimeError):
        engine.run_stored_procedure("function () { __.createDocument(__.getSelfLink(), {id: 'a', pk: 'p1'}); }",
                                    None, Broken(), enable_logging=False)
    result = engine.run_stored_procedure("function () { getContext().getResponse().setBody(typeof __); }",
                                         None, MemoryScriptCollection(), enable_logging=False)
    assert result.response_body == "object"


def test_closed_engine_refuses_work():
    from cosmos_emulator.scripts import ScriptEngine
    closed = ScriptEngine()
    closed.close()
    with pytest.raises(RuntimeError):
        closed.call_udf("function () { return 1; }", [])
