"""The collection API of scripts: each document method, queries, callbacks, links and ``accepted``.

Storage is the in-memory test double of :mod:`script_memory_collection` (the real query engine runs the
SQL); these tests pin what the runtime hands to storage and what the script's callbacks receive.
"""
from __future__ import annotations

import json

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.scripts import ScriptEngine
from script_memory_collection import ALT_LINK, SELF_LINK, MemoryScriptCollection


def run(engine, body, params=None, collection=None):
    return engine.run_stored_procedure(body, params, collection or MemoryScriptCollection(), enable_logging=False)


def seeded(count=3):
    return MemoryScriptCollection([{"id": f"d{index}", "pk": "p1", "n": index} for index in range(1, count + 1)])


# ------------------------------------------------------------------------------------ createDocument
def test_create_document_passes_the_stored_document_to_the_callback(engine):
    body = """function () {
        var c = getContext().getCollection();
        c.createDocument(c.getSelfLink(), {id: 'a', pk: 'p1', n: 1}, function (err, doc, options) {
            if (err) throw err;
            getContext().getResponse().setBody({doc: doc, err: typeof err, options: typeof options});
        });
    }"""
    collection = MemoryScriptCollection()
    answer = run(engine, body, collection=collection).response_body
    assert answer["err"] == "undefined" and answer["options"] == "object"
    assert answer["doc"]["id"] == "a" and answer["doc"]["n"] == 1
    assert answer["doc"]["_self"] == f"{SELF_LINK}docs/r000001/"
    assert collection.documents["a"]["n"] == 1


def test_create_document_generates_an_id_when_missing(engine):
    body = """function () {
        var original = {pk: 'p1'};
        __.createDocument(__.getSelfLink(), original, function (err, doc) {
            if (err) throw err;
            getContext().getResponse().setBody({id: doc.id, originalHasId: 'id' in original});
        });
    }"""
    answer = run(engine, body).response_body
    assert answer["originalHasId"] is False
    assert len(answer["id"]) == 36 and answer["id"].count("-") == 4


def test_create_document_accepts_a_json_string_body(engine):
    collection = MemoryScriptCollection()
    run(engine, "function () { __.createDocument(__.getSelfLink(), '{\"id\":\"s\",\"pk\":\"p1\"}'); }",
        collection=collection)
    assert "s" in collection.documents


def test_disable_automatic_id_generation_leaves_the_id_missing(engine):
    body = """function () {
        __.createDocument(__.getSelfLink(), {pk: 'p1'}, {disableAutomaticIdGeneration: true}, function (err) {
            getContext().getResponse().setBody(err.number);
        });
    }"""
    assert run(engine, body).response_body == 400


def test_document_body_must_be_an_object_or_string(engine):
    body = """function () {
        try { __.createDocument(__.getSelfLink(), 5); }
        catch (e) { getContext().getResponse().setBody([e.number, e.message]); }
    }"""
    assert run(engine, body).response_body == [
        400, "The document body must be an object or a string representing a JSON-serialized object."]


def test_body_is_captured_when_create_is_called(engine):
    body = """function () {
        var doc = {id: 'x', pk: 'p1', v: 1};
        __.createDocument(__.getSelfLink(), doc);
        doc.v = 2;
    }"""
    collection = MemoryScriptCollection()
    run(engine, body, collection=collection)
    assert collection.documents["x"]["v"] == 1


def test_conflict_reaches_the_callback_with_number_and_body(engine):
    body = """function () {
        __.createDocument(__.getSelfLink(), {id: 'd1', pk: 'p1'}, function (err, doc) {
            getContext().getResponse().setBody({number: err.number, body: err.body, message: err.message,
                                                isError: err instanceof Error, doc: typeof doc});
        });
    }"""
    answer = run(engine, body, collection=seeded()).response_body
    expected_body = '{"Errors":["Resource with specified id or name already exists."]}'
    assert answer == {"number": 409, "body": expected_body, "message": expected_body, "isError": True,
                      "doc": "undefined"}


def test_failed_operation_without_callback_fails_the_script_with_its_number(engine):
    with pytest.raises(CosmosError) as failure:
        run(engine, "function () { __.createDocument(__.getSelfLink(), {id: 'd1', pk: 'p1'}); }",
            collection=seeded())
    error = failure.value
    assert (error.status, error.code, error.substatus) == (400, "BadRequest", 409)
    assert error.message.startswith('Message: {"Errors":["Encountered exception while executing function. '
                                    'Exception = Error: {\\"Errors\\":[\\"Resource with specified id or name '
                                    'already exists.\\"]}')


def test_write_to_another_partition_key_is_refused(engine):
    body = """function () {
        __.createDocument(__.getSelfLink(), {id: 'other', pk: 'p2'}, function (err) {
            getContext().getResponse().setBody([err.number, JSON.parse(err.body).Errors[0]]);
        });
    }"""
    assert run(engine, body).response_body == [400, "Requests originating from scripts cannot reference partition "
                                                    "keys other than the one for which client request was submitted."]


# ------------------------------------------------------------------------------------ upsertDocument
def test_upsert_creates_then_replaces(engine):
    body = """function () {
        __.upsertDocument(__.getSelfLink(), {id: 'u', pk: 'p1', v: 1}, function (err, first) {
            if (err) throw err;
            __.upsertDocument(__.getSelfLink(), {id: 'u', pk: 'p1', v: 2}, function (err, second) {
                if (err) throw err;
                getContext().getResponse().setBody([first.v, second.v, first._rid === second._rid]);
            });
        });
    }"""
    collection = MemoryScriptCollection()
    assert run(engine, body, collection=collection).response_body == [1, 2, True]
    assert collection.documents["u"]["v"] == 2


def test_upsert_with_a_stale_etag_gets_412(engine):
    body = """function () {
        __.upsertDocument(__.getSelfLink(), {id: 'd1', pk: 'p1'}, {etag: '"old"'}, function (err) {
            getContext().getResponse().setBody(err.number);
        });
    }"""
    assert run(engine, body, collection=seeded()).response_body == 412


# -------------------------------------------------------------------------------------- readDocument
def test_read_document_by_self_link_and_by_name(engine):
    body = """function () {
        __.readDocument(__.getSelfLink() + 'docs/r000002/', function (err, byRid) {
            if (err) throw err;
            __.readDocument(__.getAltLink() + '/docs/d3', {}, function (err, byName) {
                if (err) throw err;
                getContext().getResponse().setBody([byRid.id, byName.id]);
            });
        });
    }"""
    assert run(engine, body, collection=seeded()).response_body == ["d2", "d3"]


def test_read_document_with_matching_if_none_match_is_not_modified(engine):
    body = """function () {
        __.readDocument(__.getSelfLink() + 'docs/r000001/', function (err, doc) {
            if (err) throw err;
            __.readDocument(doc._self, {ifNoneMatch: doc._etag}, function (err, again, options) {
                if (err) throw err;
                __.readDocument(doc._self, {ifNoneMatch: '"other"'}, function (err, third, thirdOptions) {
                    getContext().getResponse().setBody([typeof again, options.notModified, third.id,
                                                        thirdOptions.notModified === undefined]);
                });
            });
        });
    }"""
    assert run(engine, body, collection=seeded()).response_body == ["undefined", True, "d1", True]


def test_read_missing_document_gives_404_with_the_backend_reason(engine):
    body = """function () {
        __.readDocument(__.getSelfLink() + 'docs/nothing/', function (err) {
            getContext().getResponse().setBody([err.number, err.body]);
        });
    }"""
    assert run(engine, body).response_body == [404, '{"Errors":["Resource Not Found"]}']


def test_read_missing_document_without_callback_is_a_400_with_substatus_404(engine):
    with pytest.raises(CosmosError) as failure:
        run(engine, "function () { __.readDocument(__.getSelfLink() + 'docs/nothing/'); }")
    assert (failure.value.status, failure.value.substatus) == (400, 404)
    assert 'Exception = Error: {\\"Errors\\":[\\"Resource Not Found\\"]}' in failure.value.message


# ----------------------------------------------------------------------------------- replaceDocument
def test_replace_document_with_current_etag(engine):
    body = """function () {
        __.readDocument(__.getSelfLink() + 'docs/r000001/', function (err, doc) {
            if (err) throw err;
            doc.n = 100;
            __.replaceDocument(doc._self, doc, {etag: doc._etag}, function (err, replaced) {
                if (err) throw err;
                getContext().getResponse().setBody([replaced.n, replaced._etag !== doc._etag]);
            });
        });
    }"""
    collection = seeded()
    assert run(engine, body, collection=collection).response_body == [100, True]
    assert collection.documents["d1"]["n"] == 100


def test_replace_with_stale_etag_gets_412(engine):
    body = """function () {
        __.replaceDocument(__.getSelfLink() + 'docs/r000001/', {id: 'd1', pk: 'p1'}, {etag: '"stale"'},
            function (err) { getContext().getResponse().setBody([err.number, err.body]); });
    }"""
    assert run(engine, body, collection=seeded()).response_body == [
        412, '{"Errors":["One of the specified pre-condition is not met."]}']


# ------------------------------------------------------------------------------------ deleteDocument
def test_delete_document_callback_gets_error_and_options(engine):
    body = """function () {
        __.deleteDocument(__.getSelfLink() + 'docs/r000002/', function (err, options, extra) {
            getContext().getResponse().setBody([typeof err, typeof options, typeof extra]);
        });
    }"""
    collection = seeded()
    assert run(engine, body, collection=collection).response_body == ["undefined", "object", "undefined"]
    assert sorted(collection.documents) == ["d1", "d3"]


def test_delete_with_stale_etag_keeps_the_document(engine):
    body = """function () {
        __.deleteDocument(__.getSelfLink() + 'docs/r000002/', {etag: '"stale"'}, function (err) {
            getContext().getResponse().setBody(err.number);
        });
    }"""
    collection = seeded()
    assert run(engine, body, collection=collection).response_body == 412
    assert "d2" in collection.documents


# ------------------------------------------------------------------------------------------ queries
def test_query_documents_with_sql_text(engine):
    body = """function () {
        __.queryDocuments(__.getSelfLink(), 'SELECT VALUE r.n FROM root r WHERE r.n > 1', function (err, feed, options) {
            if (err) throw err;
            getContext().getResponse().setBody({feed: feed, continuation: options.continuation});
        });
    }"""
    assert run(engine, body, collection=seeded()).response_body == {"feed": [2, 3]}


def test_query_documents_with_parameters(engine):
    body = """function (minimum) {
        var spec = {query: 'SELECT VALUE r.id FROM root r WHERE r.n >= @min', parameters: [{name: '@min', value: minimum}]};
        __.queryDocuments(__.getSelfLink(), spec, {}, function (err, feed) {
            if (err) throw err;
            getContext().getResponse().setBody(feed);
        });
    }"""
    assert run(engine, body, [2], seeded()).response_body == ["d2", "d3"]


def test_query_pages_follow_the_continuation(engine):
    body = """function () {
        var pages = [];
        function next(token) {
            __.queryDocuments(__.getSelfLink(), 'SELECT VALUE r.n FROM root r', {pageSize: 2, continuation: token},
                function (err, feed, options) {
                    if (err) throw err;
                    pages.push(feed);
                    if (options.continuation) next(options.continuation);
                    else getContext().getResponse().setBody(pages);
                });
        }
        next();
    }"""
    assert run(engine, body, collection=seeded(5)).response_body == [[1, 2], [3, 4], [5]]


def test_query_syntax_error_reaches_the_callback_as_400(engine):
    body = """function () {
        __.queryDocuments(__.getSelfLink(), 'SELECT FROM', function (err) {
            getContext().getResponse().setBody([err.number, typeof err.body]);
        });
    }"""
    assert run(engine, body).response_body == [400, "string"]


def test_query_must_be_text_or_a_spec(engine):
    body = """function () {
        try { __.queryDocuments(__.getSelfLink(), 42); }
        catch (e) { getContext().getResponse().setBody(e.message); }
    }"""
    assert run(engine, body).response_body == ('The "filterQuery" parameter must be of type "string" or "object". '
                                               'Actual type is: "number".')


def test_read_documents_pages_the_whole_partition(engine):
    body = """function () {
        __.readDocuments(__.getSelfLink(), {pageSize: 2}, function (err, feed, options) {
            if (err) throw err;
            getContext().getResponse().setBody({ids: feed.map(function (d) { return d.id; }),
                                                more: typeof options.continuation});
        });
    }"""
    assert run(engine, body, collection=seeded()).response_body == {"ids": ["d1", "d2"], "more": "string"}


# ------------------------------------------------------------------------------ links and arguments
@pytest.mark.parametrize("call, message", [
    ("__.createDocument('dbs/x/colls/y/', {id: 'a'})",
     'Function is not allowed to operate on resources outside current collection. Make sure that the link '
     'provided, "dbs/x/colls/y/", belongs to current collection.'),
    ("__.readDocument('dbs/x/colls/y/docs/z')",
     'Function is not allowed to operate on resources outside current collection. Make sure that the link '
     'provided, "dbs/x/colls/y/docs/z", belongs to current collection.'),
    ("__.readDocument('nonsense')", 'Invalid document link: "nonsense".'),
    ("__.queryDocuments('dbs/a', 'SELECT * FROM r')", 'Invalid collection link: "dbs/a".'),
    ("__.readDocument()",
     'The function "readDocument" requires at least 1 argument(s) but was called with 0 argument(s).'),
    ("__.deleteDocument(__.getSelfLink() + 'docs/a/', 'oops')",
     'The "options" parameter must be of type "object". Actual type is: "string".'),
    ("__.deleteDocument(__.getSelfLink() + 'docs/a/', {}, 7)",
     'The "callback" parameter must be of type "function". Actual type is: "number".'),
])
def test_bad_arguments_throw_before_anything_is_queued(engine, call, message):
    body = ("function () { try { %s; getContext().getResponse().setBody('queued'); }"
            " catch (e) { getContext().getResponse().setBody([e.number, e.message]); } }" % call)
    collection = MemoryScriptCollection()
    assert run(engine, body, collection=collection).response_body == [400, message]
    assert collection.calls == []


def test_name_based_collection_link_is_accepted(engine):
    collection = MemoryScriptCollection()
    run(engine, "function () { __.createDocument('%s', {id: 'n', pk: 'p1'}); }" % ALT_LINK, collection=collection)
    assert "n" in collection.documents


def test_self_link_without_trailing_slash_is_accepted(engine):
    collection = MemoryScriptCollection()
    run(engine, "function () { __.createDocument('%s', {id: 'n', pk: 'p1'}); }" % SELF_LINK.rstrip("/"),
        collection=collection)
    assert "n" in collection.documents


def test_alt_link_is_undefined_when_storage_has_none(engine):
    body = "function () { getContext().getResponse().setBody(typeof __.getAltLink()); }"
    assert run(engine, body, collection=MemoryScriptCollection(with_alt_link=False)).response_body == "undefined"


# --------------------------------------------------------------------------- callbacks and ordering
def test_each_callback_runs_after_its_own_operation_in_queue_order(engine):
    body = """function () {
        var trace = [];
        __.createDocument(__.getSelfLink(), {id: 'a', pk: 'p1'}, function () {
            trace.push('a');
            __.createDocument(__.getSelfLink(), {id: 'c', pk: 'p1'}, function () { trace.push('c'); });
        });
        __.createDocument(__.getSelfLink(), {id: 'b', pk: 'p1'}, function () { trace.push('b'); });
        trace.push('returned');
        getContext().getResponse().setBody(trace);
    }"""
    collection = MemoryScriptCollection()
    assert run(engine, body, collection=collection).response_body == ["returned", "a", "b", "c"]
    assert list(collection.documents) == ["a", "b", "c"]


def test_operations_return_true_when_accepted(engine):
    body = "function () { getContext().getResponse().setBody(__.readDocuments(__.getSelfLink(), function () {})); }"
    assert run(engine, body).response_body is True


BULK_IMPORT = """function (docs) {
    var count = 0;
    getContext().getResponse().setBody(0);
    function next() {
        if (count >= docs.length) { getContext().getResponse().setBody(count); return; }
        var accepted = __.createDocument(__.getSelfLink(), docs[count], function (err) {
            if (err) throw err;
            count++;
            next();
        });
        if (!accepted) getContext().getResponse().setBody(count);
    }
    next();
}"""


def test_operations_past_the_budget_are_not_accepted_and_the_script_can_continue_later():
    # The service's bulk import sample: stop when not accepted and report how far it got.
    limited = ScriptEngine(operation_budget=3)
    try:
        collection = MemoryScriptCollection()
        docs = [{"id": f"i{index}", "pk": "p1"} for index in range(5)]
        first = limited.run_stored_procedure(BULK_IMPORT, [docs], collection, enable_logging=False)
        assert first.response_body == 3
        second = limited.run_stored_procedure(BULK_IMPORT, [docs[3:]], collection, enable_logging=False)
        assert second.response_body == 2
        assert sorted(collection.documents) == [f"i{index}" for index in range(5)]
    finally:
        limited.close()


# ------------------------------------------------------------------------------ JavaScript query API
PEOPLE = [
    {"id": "1", "pk": "p1", "name": "Ann", "age": 31, "tags": ["a", ["b"]], "kids": [{"name": "Kim"}]},
    {"id": "2", "pk": "p1", "name": "Bob", "age": 25, "tags": ["c"], "kids": []},
    {"id": "3", "pk": "p1", "name": "Cid", "age": 19, "tags": [], "kids": [{"name": "Lu"}, {"name": "Mo"}]},
]


@pytest.mark.parametrize("expression, expected", [
    ("__.filter(function (d) { return d.age < 30; })", [PEOPLE[1]["id"], PEOPLE[2]["id"]]),
    ("__.map(function (d) { return d.name; })", ["Ann", "Bob", "Cid"]),
    ("__.pluck('age')", [31, 25, 19]),
    ("__.sortBy(function (d) { return d.age; })", ["3", "2", "1"]),
    ("__.sortByDescending(function (d) { return d.name; })", ["3", "2", "1"]),
    ("__.chain().filter(function (d) { return d.age > 20; }).pluck('name').value()", ["Ann", "Bob"]),
    ("__.chain().map(function (d) { return d.tags; }).flatten().value()", ["a", "b", "c"]),
    ("__.chain().map(function (d) { return d.tags; }).flatten(true).value()", ["a", ["b"], "c"]),
    ("__.chain().unwind(function (d) { return d.kids; }, function (d, k) { return d.name + '>' + k.name; }).value()",
     ["Ann>Kim", "Cid>Lu", "Cid>Mo"]),
])
def test_query_functions_append_their_result_to_the_body_by_default(engine, expression, expected):
    body = "function () { var r = %s; if (!r.isAccepted) throw new Error('not accepted'); }" % expression
    result = run(engine, body, collection=MemoryScriptCollection(PEOPLE)).response_body
    answer = json.loads(result)
    if answer and isinstance(answer[0], dict):
        answer = [item["id"] for item in answer]
    assert answer == expected


def test_query_function_with_callback_and_paging(engine):
    body = """function () {
        __.filter(function (d) { return d.age > 0; }, {pageSize: 2}, function (err, feed, options) {
            if (err) throw err;
            __.filter(function (d) { return d.age > 0; }, {pageSize: 2, continuation: options.continuation},
                function (err, rest, restOptions) {
                    getContext().getResponse().setBody([feed.length, rest.length, restOptions.continuation === undefined]);
                });
        });
    }"""
    assert run(engine, body, collection=MemoryScriptCollection(PEOPLE)).response_body == [2, 1, True]


def test_query_function_errors_in_the_predicate_reach_the_callback(engine):
    body = """function () {
        __.filter(function (d) { throw new Error('bad predicate'); }, function (err) {
            getContext().getResponse().setBody(err.message);
        });
    }"""
    assert run(engine, body, collection=MemoryScriptCollection(PEOPLE)).response_body == "bad predicate"


def test_chain_refuses_callbacks_before_value(engine):
    body = """function () {
        try { __.chain().filter(function () { return true; }, function () {}); }
        catch (e) { getContext().getResponse().setBody(e.message); }
    }"""
    assert run(engine, body).response_body == ('When using "chain", the callback parameter can only be provided on '
                                               'the "value" function.')
