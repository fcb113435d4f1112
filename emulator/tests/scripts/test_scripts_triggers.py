"""Pre- and post-triggers: reading and replacing the request body, reading and replacing the response,
aborting, the operation type and the quota getters.

Storage is the in-memory test double of :mod:`script_memory_collection`. Trigger bodies are those of
the Python SDK's ``test_trigger_functionality`` and the .NET SDK's emulator ``TriggersTests`` where
noted.
"""
from __future__ import annotations

import pytest

from cosmos_emulator.errors import CosmosError
from script_memory_collection import MemoryScriptCollection

UPPERCASE_ID = ("function() { var item = getContext().getRequest().getBody();"
                " item.id = item.id.toUpperCase() + 't1'; getContext().getRequest().setBody(item); }")
CHECK_BOTH_BODIES = ("function() { var prebody = getContext().getRequest().getBody();"
                     " if (prebody.id != 'TESTING POST TRIGGERt1') throw 'id mismatch';"
                     " var postbody = getContext().getResponse().getBody();"
                     " if (postbody.id != 'TESTING POST TRIGGERt1') throw 'id mismatch'; }")


def pre(engine, body, doc, operation="create", collection=None, headers=None):
    return engine.run_trigger(body, "pre", operation, doc, None, collection or MemoryScriptCollection(),
                              request_headers=headers)


def post(engine, body, request_doc, response_doc, operation="create", collection=None, response_headers=None):
    return engine.run_trigger(body, "post", operation, request_doc, response_doc,
                              collection or MemoryScriptCollection(), response_headers=response_headers)


# ------------------------------------------------------------------------------------ pre-triggers
def test_pre_trigger_replaces_the_request_body(engine):
    # Python SDK: create_item(pre_trigger_include='t1') answers id 'DOC1t1'.
    assert pre(engine, UPPERCASE_ID, {"id": "doc1", "key": "value"}) == {"id": "DOC1t1", "key": "value"}


def test_pre_trigger_that_does_nothing_keeps_the_body(engine):
    assert pre(engine, "function() { }", {"id": "doc2", "key": "value2"}) == {"id": "doc2", "key": "value2"}


def test_pre_trigger_body_mutated_after_set_body_in_a_query_callback(engine):
    # .NET SDK ValidatePreTriggerTest: setBody runs before the query callback sets jobNumber, and the
    # created item still has it, so the request body is the live object until the trigger finishes.
    body = """function setJobNumber() {
        var context = getContext();
        var request = context.getRequest();
        var containerManager = context.getCollection();
        var documentToCreate = request.getBody();
        var jobNumberQuery = "SELECT VALUE MAX(r.jobNumber) from root r WHERE r.investigationKey = '" +
            documentToCreate['investigationKey'] + "'";
        containerManager.queryDocuments(containerManager.getSelfLink(), jobNumberQuery, function (err, countValue) {
            if (err) throw new Error(err.message);
            documentToCreate['jobNumber'] = (countValue.length > 0 ? countValue[0] : 0) + 1;
        });
        request.setBody(documentToCreate);
    }"""
    collection = MemoryScriptCollection()
    first = pre(engine, body, {"id": "j1", "pk": "p1", "investigationKey": "inv~1"}, collection=collection)
    assert first["jobNumber"] == 1
    collection.create(first, {})
    second = pre(engine, body, {"id": "j2", "pk": "p1", "investigationKey": "inv~1"}, collection=collection)
    assert second["jobNumber"] == 2


def test_pre_trigger_adds_computed_fields(engine):
    # .NET SDK TriggersTests.GetTriggerFunction(".20").
    body = """function AddTax() {
        var item = getContext().getRequest().getBody();
        item.tax = calculateTax(item.cost);
        item.createdTime = new Date(0);
        getContext().getRequest().setBody(item);
        function calculateTax(amt) { return amt * .20; }
    }"""
    result = pre(engine, body, {"id": "t", "cost": 9001})
    assert result["tax"] == pytest.approx(9001 * 0.20)
    assert result["createdTime"] == "1970-01-01T00:00:00.000Z"


@pytest.mark.parametrize("operation, expected", [
    ("create", "Create"), ("Replace", "Replace"), ("UPSERT", "Upsert"), ("delete", "Delete")])
def test_pre_trigger_sees_the_operation_type(engine, operation, expected):
    body = ("function() { var r = getContext().getRequest();"
            " r.setBody({id: 'x', op: r.getOperationType()}); }")
    assert pre(engine, body, {"id": "x"}, operation=operation) == {"id": "x", "op": expected}


def test_pre_trigger_has_no_response(engine):
    body = "function() { var item = getContext().getRequest().getBody(); item.hasResponse = typeof getContext().getResponse;" \
           " getContext().getRequest().setBody(item); }"
    assert pre(engine, body, {"id": "x"})["hasResponse"] == "undefined"


def test_pre_trigger_of_a_delete_has_no_body(engine):
    body = "function() { if (getContext().getRequest().getBody() !== undefined) throw new Error('has body'); }"
    assert pre(engine, body, None, operation="delete") is None


def test_pre_trigger_reads_request_headers(engine):
    body = ("function() { var r = getContext().getRequest(); var item = r.getBody();"
            " item.seen = r.getValue('x-ms-indexing-directive'); r.setBody(item); }")
    assert pre(engine, body, {"id": "x"}, headers={"x-ms-indexing-directive": "Include"})["seen"] == "Include"


def test_pre_trigger_that_throws_fails_the_operation(engine):
    body = ("function() { var item = getContext().getRequest().getBody();"
            " if (!item.name) throw new Error(ErrorCodes.BadRequest, 'name is required'); }")
    with pytest.raises(CosmosError) as failure:
        pre(engine, body, {"id": "x"})
    assert (failure.value.status, failure.value.substatus) == (400, 400)
    assert "Exception = Error: 400: name is required" in failure.value.message


def test_query_function_without_callback_in_a_pre_trigger_is_refused(engine):
    with pytest.raises(CosmosError) as failure:
        pre(engine, "function() { __.filter(function () { return true; }); }", {"id": "x"},
            collection=MemoryScriptCollection([{"id": "a", "pk": "p1"}]))
    assert "The callback function must be provided for scenarios, such as pre-trigger" in failure.value.message


# ----------------------------------------------------------------------------------- post-triggers
def test_post_trigger_reads_request_and_response_bodies(engine):
    doc = {"id": "TESTING POST TRIGGERt1", "key": "value"}
    stored = dict(doc, _rid="abc", _etag='"e"')
    assert post(engine, CHECK_BOTH_BODIES, doc, stored) == stored


def test_post_trigger_throwing_a_string_aborts_with_that_text(engine):
    doc = {"id": "other", "key": "value"}
    with pytest.raises(CosmosError) as failure:
        post(engine, CHECK_BOTH_BODIES, doc, doc)
    assert failure.value.status == 400
    assert failure.value.substatus is None
    assert failure.value.message == ('Message: {"Errors":["Encountered exception while executing function. '
                                     'Exception = id mismatch"]}')


def test_post_trigger_can_replace_the_response_body(engine):
    body = ("function() { var response = getContext().getResponse(); var doc = response.getBody();"
            " doc.decorated = true; response.setBody(doc); }")
    assert post(engine, body, {"id": "a"}, {"id": "a", "_rid": "r"}) == {"id": "a", "_rid": "r", "decorated": True}


@pytest.mark.parametrize("kind", ["pre", "post"])
def test_a_body_the_trigger_left_alone_comes_back_as_the_very_object_given(engine, kind):
    # JavaScript rounds integers beyond 2**53: only a body the script changed is taken from its copy.
    given = {"id": "a", "big": 2 ** 53 + 1}
    reader = "getContext().getRequest()" if kind == "pre" else "getContext().getResponse()"
    untouched = "function() { var r = %s; r.setBody(r.getBody()); }" % reader
    changed = "function() { var r = %s; var d = r.getBody(); d.seen = true; r.setBody(d); }" % reader
    run = (lambda body: pre(engine, body, given)) if kind == "pre" else (lambda body: post(engine, body, {}, given))
    assert run(untouched) is given
    assert run(changed) == {"id": "a", "big": 2 ** 53, "seen": True}


def test_post_trigger_cannot_replace_the_request_body(engine):
    body = "function() { getContext().getResponse().setBody(typeof getContext().getRequest().setBody); }"
    assert post(engine, body, {"id": "a"}, {"id": "a"}) == "undefined"


def test_post_trigger_set_value_of_a_new_header_is_refused(engine):
    # Python SDK trigger 'response2': "can't be used because setValue is currently disabled".
    body = ("function() { var predoc = getContext().getRequest().getBody();"
            " getContext().getResponse().setValue('predocname', predoc.id + 'response2'); }")
    with pytest.raises(CosmosError) as failure:
        post(engine, body, {"id": "a"}, {"id": "a"})
    assert "Cannot set new values: predocname" in failure.value.message


def test_post_trigger_reads_quota_headers(engine):
    body = ("function() { var r = getContext().getResponse();"
            " r.setBody([r.getMaxResourceQuota(), r.getResourceQuotaCurrentUsage(), r.getValue('x-ms-resource-usage')]); }")
    headers = {"x-ms-resource-quota": "documentsSize=10240;", "x-ms-resource-usage": "documentsSize=1;"}
    assert post(engine, body, {"id": "a"}, {"id": "a"}, response_headers=headers) == [
        "documentsSize=10240;", "documentsSize=1;", "documentsSize=1;"]


def test_post_trigger_writes_are_rolled_back_when_it_fails(engine):
    # A post-trigger that records metadata and then throws: the caller's transaction undoes the write.
    body = """function() {
        var created = getContext().getResponse().getBody();
        __.upsertDocument(__.getSelfLink(), {id: 'metadata', pk: 'p1', last: created.id}, function (err) {
            if (err) throw err;
            throw new Error('refused after writing');
        });
    }"""
    collection = MemoryScriptCollection([{"id": "metadata", "pk": "p1", "last": "none"}])
    with pytest.raises(CosmosError) as failure:
        collection.run_in_transaction(lambda: post(engine, body, {"id": "new"}, {"id": "new"}, collection=collection))
    assert "refused after writing" in failure.value.message
    assert collection.calls == ["upsert"]
    assert collection.documents["metadata"]["last"] == "none"


def test_trigger_writes_in_its_partition_are_kept_on_success(engine):
    body = """function() {
        var created = getContext().getResponse().getBody();
        __.upsertDocument(__.getSelfLink(), {id: 'metadata', pk: 'p1', last: created.id});
    }"""
    collection = MemoryScriptCollection()
    collection.run_in_transaction(lambda: post(engine, body, {"id": "new"}, {"id": "new"}, collection=collection))
    assert collection.documents["metadata"]["last"] == "new"


def test_trigger_kind_and_operation_are_checked(engine):
    with pytest.raises(ValueError):
        engine.run_trigger("function() {}", "middle", "create", {}, None, MemoryScriptCollection())
    with pytest.raises(ValueError):
        engine.run_trigger("function() {}", "pre", "patch", {}, None, MemoryScriptCollection())
