"""Stored procedures: parameters, the response body, the request, logging, ``__`` and isolation.

Storage is the in-memory test double of :mod:`script_memory_collection`; expected answers come from
the service's own SDK and emulator tests where they exist (noted per test).
"""
from __future__ import annotations

import urllib.parse

import pytest

from cosmos_emulator.errors import CosmosError
from script_memory_collection import MemoryScriptCollection

ECHO_FIRST = "function (param1) { getContext().getResponse().setBody(param1); }"


def run(engine, body, params=None, collection=None, *, logging=False, headers=None):
    return engine.run_stored_procedure(body, params, collection or MemoryScriptCollection(),
                                       enable_logging=logging, request_headers=headers)


# ---------------------------------------------------------------------------------- response body
@pytest.mark.parametrize("value, wire", [
    ("one", '"one"'), (3.5, "3.5"), (7, "7"), (True, "true"), ({"a": [1, {"b": None}]}, '{"a":[1,{"b":null}]}'),
])
def test_set_body_sends_the_json_text_of_the_value(engine, value, wire):
    result = run(engine, ECHO_FIRST, [value])
    assert result.response_text == wire
    assert result.response_body == value


def test_null_parameter_answers_json_null(engine):
    # .NET emulator test ExecuteTestWithParameter: [null] answers the text "null".
    result = run(engine, ECHO_FIRST, [None])
    assert result.response_text == "null"
    assert result.response_body is None


def test_body_is_an_empty_string_when_never_set(engine):
    result = run(engine, "function () { var x = 42; }")
    assert result.response_text == '""'
    assert result.response_body == ""


def test_body_set_to_undefined_has_no_text(engine):
    result = run(engine, "function () { getContext().getResponse().setBody(undefined); }")
    assert result.response_text is None
    assert result.response_body is None


def test_get_body_returns_what_set_body_stored(engine):
    # Python SDK test_stored_procedure_functionality (sproc1): answers 999.
    body = ("function () { for (var i = 0; i < 1000; i++) { var item = getContext().getResponse().getBody();"
            " if (i > 0 && item != i - 1) throw 'body mismatch'; getContext().getResponse().setBody(i); } }")
    assert run(engine, body).response_body == 999


def test_append_value_body_concatenates_onto_the_initial_empty_string(engine):
    # Python SDK test_stored_procedure_functionality (sproc2): int(result) == 123456789.
    body = "function () { for (var i = 0; i < 10; i++) { getContext().getResponse().appendValue('Body', i); } }"
    assert run(engine, body).response_body == "0123456789"


def test_append_body_after_set_body(engine):
    body = "function () { var r = getContext().getResponse(); r.setBody('a'); r.appendBody('b'); r.appendBody(1); }"
    assert run(engine, body).response_body == "ab1"


def test_body_object_is_serialized_when_the_execution_ends(engine):
    body = """function () {
        var out = {items: []};
        getContext().getResponse().setBody(out);
        __.queryDocuments(__.getSelfLink(), 'SELECT VALUE r.id FROM root r', function (err, ids) {
            if (err) throw err;
            out.items = ids;
        });
    }"""
    collection = MemoryScriptCollection([{"id": "a", "pk": "p1"}, {"id": "b", "pk": "p1"}])
    assert run(engine, body, collection=collection).response_body == {"items": ["a", "b"]}


def test_dates_serialize_as_iso_strings(engine):
    result = run(engine, "function () { getContext().getResponse().setBody({at: new Date(0)}); }")
    assert result.response_body == {"at": "1970-01-01T00:00:00.000Z"}


# ------------------------------------------------------------------------------------- parameters
def test_params_are_applied_as_arguments(engine):
    # Python SDK test_stored_procedure_functionality (sproc3): params {'temp': 'so'} → 'aso'.
    body = "function (input) { getContext().getResponse().setBody('a' + input.temp); }"
    assert run(engine, body, [{"temp": "so"}]).response_body == "aso"


def test_multiple_params(engine):
    body = "function (a, b, c) { getContext().getResponse().setBody(a + b + c); }"
    assert run(engine, body, ["one", "two", "three"]).response_body == "onetwothree"


def test_no_params_calls_without_arguments(engine):
    body = "function () { getContext().getResponse().setBody(arguments.length); }"
    assert run(engine, body, None).response_body == 0
    assert run(engine, body, []).response_body == 0


@pytest.mark.parametrize("params", [None, {}, {"param1": 4}, {"0": 4}])
def test_objects_without_length_give_no_arguments(engine, params):
    # .NET emulator test ExecuteTestWithNonObjectStreamParameters: all answer "undefined".
    body = "function (param1) { getContext().getResponse().setBody(typeof param1); }"
    assert run(engine, body, params).response_text == '"undefined"'


@pytest.mark.parametrize("params", [
    {"0": "onetwothree", "length": 1},
    {"0": "onetwothree", "length": "1"},
    {"0": "onetwothree", "length": 10000},
    {"0": "onetwothree", "1": "test", "length": 1.5},
    {"0": "one", "1": "twothree", "length": 2},
    {"0": "one", "2": "twothree", "length": 3},
    {"0": "one", "2": "three", "1": "two", "length": 3},
])
def test_array_like_params_are_applied(engine, params):
    # .NET emulator test ExecuteTestWithArraylikeParameters.
    body = "function (a, b, c) { getContext().getResponse().setBody(a + (b || '') + (c || '')); }"
    assert run(engine, body, params).response_body == "onetwothree"


@pytest.mark.parametrize("params", ["", "hello", 0, -1.25, False, {"0": "x", "length": 1e9}])
def test_params_that_cannot_be_applied_answer_400(engine, params):
    # .NET emulator tests ExecuteTestWithNonArrayParameters / ...NonAppliableArraylikeParameters.
    with pytest.raises(CosmosError) as failure:
        run(engine, ECHO_FIRST, params)
    assert failure.value.status == 400
    assert "Encountered exception while executing function." in failure.value.message


# ---------------------------------------------------------------------------------------- request
def test_request_body_is_the_parameters(engine):
    body = "function () { getContext().getResponse().setBody(getContext().getRequest().getBody()); }"
    assert run(engine, body, [1, "two"]).response_body == [1, "two"]


def test_request_headers_are_readable_and_not_writable(engine):
    body = """function () {
        var request = getContext().getRequest();
        var answer = {value: request.getValue('x-ms-custom'), missing: request.getValue('nope'),
                      hasSetter: typeof request.setValue, hasSetBody: typeof request.setBody};
        getContext().getResponse().setBody(answer);
    }"""
    result = run(engine, body, headers={"x-ms-custom": "abc"})
    assert result.response_body == {"value": "abc", "hasSetter": "undefined", "hasSetBody": "undefined"}


def test_response_set_value_of_unknown_name_is_refused(engine):
    body = "function () { getContext().getResponse().setValue('made-up', 1); }"
    with pytest.raises(CosmosError) as failure:
        run(engine, body)
    assert failure.value.status == 400
    assert failure.value.substatus == 400
    assert "Cannot set new values: made-up" in failure.value.message


# ---------------------------------------------------------------------------------------- logging
LOGGING_SPROC = ("function () { var mytext = 'x'; var myval = 1; try {"
                 " console.log('The value of %s is %s.', mytext, myval);"
                 " getContext().getResponse().setBody('Success!'); }"
                 " catch (err) { getContext().getResponse().setBody('inline err: [' + err.number + '] ' + err); } }")


def test_logging_enabled_returns_the_log_url_encoded(engine):
    # Python SDK test_script_logging_execute_stored_procedure.
    result = run(engine, LOGGING_SPROC, logging=True)
    assert result.response_body == "Success!"
    assert result.log == "The value of x is 1."
    assert result.log_header == urllib.parse.quote("The value of x is 1.")
    assert result.headers() == {"x-ms-documentdb-script-log-results": "The%20value%20of%20x%20is%201."}


def test_logging_disabled_returns_no_log(engine):
    result = run(engine, LOGGING_SPROC, logging=False)
    assert result.response_body == "Success!"
    assert result.log is None
    assert result.headers() == {}


def test_log_calls_concatenate_without_separator(engine):
    body = "function () { console.log('a'); console.log(1); console.log({}); console.log('%s-%s', 'b'); }"
    assert run(engine, body, logging=True).log == "a1[object Object]b-undefined"


def test_log_header_encodes_like_encode_uri_component(engine):
    body = "function () { console.log(\"é/?&=+ !*'()~\"); }"
    result = run(engine, body, logging=True)
    assert result.log_header == "%C3%A9%2F%3F%26%3D%2B%20!*'()~"


def test_log_with_substitutions_needs_a_string_first(engine):
    with pytest.raises(CosmosError) as failure:
        run(engine, "function () { console.log(1, 2); }", logging=True)
    assert failure.value.status == 400
    assert "First argument to console.log should be a string" in failure.value.message


def test_logging_flag_is_visible_as_a_request_header(engine):
    body = ("function () { getContext().getResponse().setBody("
            "getContext().getRequest().getValue('x-ms-documentdb-script-enable-logging')); }")
    assert run(engine, body, logging=True).response_body == "true"


# ---------------------------------------------------------------------------------- __ shorthand
def test_underscore_is_the_collection_with_request_and_response(engine):
    body = """function (name) {
        var accepted = __.createDocument(__.getSelfLink(), {id: name, pk: 'p1'}, function (err, doc) {
            if (err) throw err;
            __.response.setBody({id: doc.id, params: __.request.getBody(), same: __.getSelfLink() ===
                                 getContext().getCollection().getSelfLink()});
        });
        if (!accepted) throw new Error('not accepted');
    }"""
    collection = MemoryScriptCollection()
    result = run(engine, body, ["n1"], collection)
    assert result.response_body == {"id": "n1", "params": ["n1"], "same": True}
    assert "n1" in collection.documents


def test_error_codes_are_available(engine):
    body = "function () { getContext().getResponse().setBody([ErrorCodes.Conflict, ErrorCodes.NotFound]); }"
    assert run(engine, body).response_body == [409, 404]


# ------------------------------------------------------------------------------------- isolation
def test_globals_left_by_one_execution_are_gone_in_the_next(engine):
    run(engine, "function () { leaked = 5; Error = null; JSON.mine = 1; }")
    body = "function () { getContext().getResponse().setBody([typeof leaked, typeof Error]); }"
    assert run(engine, body).response_body == ["undefined", "function"]


def test_timers_are_not_available(engine):
    body = "function () { getContext().getResponse().setBody(typeof setTimeout); }"
    assert run(engine, body).response_body == "undefined"


def test_body_may_be_a_named_function_with_a_trailing_semicolon(engine):
    body = "// comment\nfunction sample(a) { getContext().getResponse().setBody(a * 2); };\n"
    assert run(engine, body, [21]).response_body == 42


def test_body_may_be_an_arrow_function(engine):
    assert run(engine, "(a) => { getContext().getResponse().setBody(a + 1); }", [1]).response_body == 2


# --------------------------------------------------------------------------------- async scripts
ASYNC_SPROC = """function main(id) {
    function read(link) {
        return new Promise(function (resolve, reject) {
            var accepted = __.readDocument(link, {}, function (err, doc) { if (err) reject(err); else resolve(doc); });
            if (!accepted) reject(new Error(429, 'not accepted'));
        });
    }
    function create(doc) {
        return new Promise(function (resolve, reject) {
            __.createDocument(__.getSelfLink(), doc, function (err, created) { if (err) reject(err); else resolve(created); });
        });
    }
    async function work() {
        var first = await read(__.getSelfLink() + 'docs/r000001/');
        var copy = await create({id: id, pk: 'p1', copiedFrom: first.id});
        var again = await read('dbs/shop/colls/orders/docs/' + copy.id);
        getContext().getResponse().setBody([first.id, copy.copiedFrom, again.id]);
    }
    work().catch(function (err) { getContext().abort(err); });
}"""


def test_promise_based_scripts_complete(engine):
    collection = MemoryScriptCollection([{"id": "seed", "pk": "p1"}])
    assert run(engine, ASYNC_SPROC, ["copy"], collection).response_body == ["seed", "seed", "copy"]


def test_abort_from_a_promise_fails_the_execution_with_the_error(engine):
    collection = MemoryScriptCollection([{"id": "seed", "pk": "p1"}, {"id": "copy", "pk": "p1"}])
    with pytest.raises(CosmosError) as failure:
        run(engine, ASYNC_SPROC, ["copy"], collection)
    assert failure.value.status == 400
    assert failure.value.substatus == 409
    assert "Resource with specified id or name already exists." in failure.value.message


def test_rejections_nobody_handles_are_ignored_like_the_service(engine):
    # The service swallows errors thrown from async functions (azure-cosmosdb-js-server issue 46).
    body = "function () { (async function () { throw new Error('foo'); })(); }"
    assert run(engine, body).response_body == ""
