"""Stored procedures and user-defined functions of a container (ContainerProxy.scripts): create, read,
replace, delete, list and query of each script kind, stored procedure execution (arguments, partition
key, results, a procedure that throws, script logging) and a UDF called from a query."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from azure.cosmos import CosmosDict, PartitionKey, ScriptsProxy, exceptions
from azure.cosmos.partition_key import NonePartitionKeyValue
from azure.cosmos.scripts import ScriptType

from ._data_plane import RUNNING_REFERENCE_SDK, ids, module_database, sync_client

# One definition per kind; the CRUD tests run over all three.
KINDS = {
    ScriptType.StoredProcedure: ("stored_procedure", "stored_procedures", "sproc",
                                 {"body": "function () { getContext().getResponse().setBody(1); }"}),
    ScriptType.Trigger: ("trigger", "triggers", "trigger",
                         {"body": "function () { }", "triggerType": "Pre", "triggerOperation": "All"}),
    ScriptType.UserDefinedFunction: ("user_defined_function", "user_defined_functions", "udf",
                                     {"body": "function (x) { return x; }"}),
}
# What each kind needs of a server.
KIND_CAPABILITY = {ScriptType.StoredProcedure: "sprocs", ScriptType.Trigger: "sprocs",
                   ScriptType.UserDefinedFunction: "udfs"}

ECHO = "function (a, b) { getContext().getResponse().setBody({a: a, b: b}); }"
LOGGING = "function (who) { console.log('hello ' + who); getContext().getResponse().setBody('done'); }"
# Writes an item into the partition the procedure runs in, and returns it.
CREATE_IN_PARTITION = """function (id, pk) {
    var collection = getContext().getCollection();
    var accepted = collection.createDocument(collection.getSelfLink(), {id: id, pk: pk}, function (error, created) {
        if (error) throw error;
        getContext().getResponse().setBody(created.id);
    });
    if (!accepted) throw new Error('not accepted');
}"""


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(client, cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-scripts")) as database_id:
        yield client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))


@pytest.fixture(params=sorted(KINDS))
def kind(request, cosmos_server):
    cosmos_server.skip_unless(KIND_CAPABILITY[request.param])
    return request.param


def _op(scripts, verb, kind):
    single, plural, _, _ = KINDS[kind]
    return getattr(scripts, "{}_{}".format(verb, plural if verb in ("list", "query") else single))


def _definition(kind, script_id, **changes):
    return dict(KINDS[kind][3], id=script_id, **changes)


def test_scripts_proxy_of_a_container(container):
    scripts = container.scripts
    assert isinstance(scripts, ScriptsProxy)
    assert scripts is container.scripts
    assert scripts.container_link == container.container_link
    assert scripts.is_system_key is False


def test_create_get_replace_delete(container, kind, unique_id):
    scripts = container.scripts
    script_id = unique_id("s")
    created = _op(scripts, "create", kind)(_definition(kind, script_id))
    assert isinstance(created, CosmosDict)
    assert created["id"] == script_id and created["body"] == KINDS[kind][3]["body"]
    assert {"_rid", "_self", "_etag", "_ts"} <= set(created)
    assert "x-ms-request-charge" in created.get_response_headers()

    read = _op(scripts, "get", kind)(script_id)
    assert isinstance(read, CosmosDict) and read["_rid"] == created["_rid"]
    assert _op(scripts, "get", kind)(created)["id"] == script_id  # the properties dict addresses it too

    new_body = "function () { /* replaced */ }" if kind != ScriptType.UserDefinedFunction else \
        "function (x) { return x + 1; }"
    replaced = _op(scripts, "replace", kind)(script_id, _definition(kind, script_id, body=new_body))
    assert isinstance(replaced, CosmosDict) and replaced["body"] == new_body
    assert _op(scripts, "get", kind)(script_id)["body"] == new_body

    assert _op(scripts, "delete", kind)(script_id) is None
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        _op(scripts, "get", kind)(script_id)
    assert raised.value.status_code == 404


def test_create_existing_is_409(container, kind, unique_id):
    script_id = unique_id("s")
    _op(container.scripts, "create", kind)(_definition(kind, script_id))
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        _op(container.scripts, "create", kind)(_definition(kind, script_id))
    assert raised.value.status_code == 409


def test_missing_is_404(container, kind):
    scripts = container.scripts
    for call in (lambda: _op(scripts, "get", kind)("missing"),
                 lambda: _op(scripts, "replace", kind)("missing", _definition(kind, "missing")),
                 lambda: _op(scripts, "delete", kind)("missing")):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            call()
        assert raised.value.status_code == 404


def test_server_script_is_sent_as_body(container, kind, unique_id):
    script_id = unique_id("s")
    definition = _definition(kind, script_id)
    definition["serverScript"] = definition.pop("body")
    created = _op(container.scripts, "create", kind)(definition)
    assert created["body"] == KINDS[kind][3]["body"] and "serverScript" not in created


def test_list_and_query_with_parameters(client, cosmos_server, kind, unique_id):
    with module_database(cosmos_server, unique_id("db-scripts-list")) as database_id:
        container = client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
        scripts = container.scripts
        assert list(_op(scripts, "list", kind)()) == []
        for script_id in ("s1", "s2", "s3"):
            _op(scripts, "create", kind)(_definition(kind, script_id))

        assert sorted(ids(_op(scripts, "list", kind)())) == ["s1", "s2", "s3"]
        pages = [ids(page) for page in _op(scripts, "list", kind)(max_item_count=2).by_page()]
        assert sorted(sum(pages, [])) == ["s1", "s2", "s3"] and max(len(page) for page in pages) <= 2

        query = "SELECT * FROM s WHERE s.id = @id"
        assert ids(_op(scripts, "query", kind)(query, parameters=[{"name": "@id", "value": "s2"}])) == ["s2"]
        assert ids(_op(scripts, "query", kind)("SELECT * FROM s WHERE s.id = 's3'")) == ["s3"]
        assert ids(_op(scripts, "query", kind)({"query": query, "parameters": [{"name": "@id", "value": "s1"}]})) \
            == ["s1"]

        seen = []
        found = list(_op(scripts, "query", kind)(query, [{"name": "@id", "value": "s1"}], 1,
                                                 response_hook=lambda headers, page: seen.append((headers, page))))
        feed_key = {"sprocs": "StoredProcedures", "triggers": "Triggers", "udfs": "UserDefinedFunctions"}[kind]
        assert ids(found) == ["s1"]
        assert [ids(page[feed_key]) for _, page in seen] == [["s1"]]
        assert "x-ms-activity-id" in seen[0][0]


def test_query_parameters_must_be_a_list(container, kind):
    if RUNNING_REFERENCE_SDK:
        pytest.skip("azure-cosmos 4.x sends a string as parameters and lets the service refuse it")
    with pytest.raises(TypeError):
        list(_op(container.scripts, "query", kind)("SELECT * FROM s", parameters="@id"))


# ---- stored procedure execution ------------------------------------------------------


@pytest.fixture(scope="module")
def procedures(container, cosmos_server):
    if not cosmos_server.supports("sprocs"):
        return None
    scripts = container.scripts
    for sproc_id, body in (("echo", ECHO), ("logging", LOGGING), ("create", CREATE_IN_PARTITION),
                           ("text", "function () { getContext().getResponse().setBody('hi'); }"),
                           ("silent", "function () { }"),
                           ("throws", "function () { throw new Error('boom'); }")):
        scripts.create_stored_procedure({"id": sproc_id, "body": body})
    return scripts


@pytest.mark.requires("sprocs")
def test_execute_with_params_and_partition_key(container, procedures):
    result = procedures.execute_stored_procedure("echo", partition_key="p", params=["x", 2])
    assert result == {"a": "x", "b": 2}
    assert procedures.execute_stored_procedure("echo", "p", [{"k": [1, None]}, True]) == {"a": {"k": [1, None]},
                                                                                            "b": True}
    assert procedures.execute_stored_procedure("echo", partition_key=["p"], params=["y"]) == {"a": "y"}
    assert procedures.execute_stored_procedure("echo", partition_key="p") == {}  # no arguments

    assert procedures.execute_stored_procedure("create", partition_key="p1", params=["made", "p1"]) == "made"
    assert container.read_item("made", "p1")["pk"] == "p1"


@pytest.mark.requires("sprocs")
def test_execute_single_value_param_is_the_only_argument(procedures):
    # 4.x wraps a params value that is not a list into a one-element list.
    assert procedures.execute_stored_procedure("echo", partition_key="p", params="x") == {"a": "x"}
    assert procedures.execute_stored_procedure("echo", partition_key="p", params={"k": 1}) == {"a": {"k": 1}}


@pytest.mark.requires("sprocs")
def test_execute_in_the_undefined_partition(container, procedures):
    assert procedures.execute_stored_procedure("create", partition_key=NonePartitionKeyValue,
                                               params=["undefined-pk"]) == "undefined-pk"
    assert container.read_item("undefined-pk", NonePartitionKeyValue)["id"] == "undefined-pk"


@pytest.mark.requires("sprocs")
def test_execute_results_as_4x_returns_them(procedures):
    assert procedures.execute_stored_procedure("text", partition_key="p") == "hi"
    assert procedures.execute_stored_procedure("silent", partition_key="p") == ""
    assert procedures.execute_stored_procedure({"id": "text", "body": ""}, partition_key="p") == "hi"


@pytest.mark.requires("sprocs")
def test_execute_without_partition_key_on_a_partitioned_container_is_400(procedures):
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        procedures.execute_stored_procedure("echo", params=[1])
    assert raised.value.status_code == 400


@pytest.mark.requires("sprocs")
def test_procedure_that_throws(procedures):
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        procedures.execute_stored_procedure("throws", partition_key="p")
    assert type(raised.value) is exceptions.CosmosHttpResponseError  # as 4.x: no more specific class
    assert raised.value.status_code == 400
    assert "boom" in raised.value.message


@pytest.mark.requires("sprocs")
def test_execute_missing_procedure_is_404(procedures):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        procedures.execute_stored_procedure("missing", partition_key="p")
    assert raised.value.status_code == 404


@pytest.mark.requires("sprocs")
def test_execute_arguments_not_serialisable(procedures):
    with pytest.raises(TypeError):
        procedures.execute_stored_procedure("echo", partition_key="p", params=[object()])


@pytest.mark.requires("sprocs")
def test_script_logging_header(client, procedures):
    assert procedures.execute_stored_procedure("logging", partition_key="p", params=["x y"],
                                               enable_script_logging=True) == "done"
    log = client.client_connection.last_response_headers["x-ms-documentdb-script-log-results"]
    assert unquote(log) == "hello x y"

    procedures.execute_stored_procedure("logging", partition_key="p", params=["z"])
    assert "x-ms-documentdb-script-log-results" not in client.client_connection.last_response_headers
    procedures.execute_stored_procedure("logging", partition_key="p", params=["z"], enable_script_logging=False)
    assert "x-ms-documentdb-script-log-results" not in client.client_connection.last_response_headers


@pytest.mark.requires("sprocs")
@pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, raises=TypeError,
                   reason="azure-cosmos 4.17.1 hands response_hook to its transport, which refuses it")
def test_execute_response_hook(procedures):
    seen = []
    result = procedures.execute_stored_procedure("logging", partition_key="p", params=["hook"],
                                                 enable_script_logging=True,
                                                 response_hook=lambda headers, body: seen.append((headers, body)))
    assert result == "done"
    assert [(unquote(headers["x-ms-documentdb-script-log-results"]), body) for headers, body in seen] == \
        [("hello hook", "done")]


@pytest.mark.requires("sprocs")
def test_keyword_arguments_by_their_4x_names(procedures):
    assert procedures.execute_stored_procedure(sproc="echo", partition_key="p", params=[1],
                                               enable_script_logging=True, session_token=None,
                                               initial_headers={"x-ms-test": "1"}) == {"a": 1}
    assert procedures.get_stored_procedure(sproc="echo")["id"] == "echo"
    assert "echo" in ids(procedures.list_stored_procedures(max_item_count=10))
    assert ids(procedures.query_stored_procedures(query="SELECT * FROM s WHERE s.id = 'echo'", parameters=None,
                                                  max_item_count=1)) == ["echo"]
    if not RUNNING_REFERENCE_SDK:  # 4.x lets an unknown keyword through to its transport
        with pytest.raises(TypeError):
            procedures.get_stored_procedure("echo", no_such_keyword=1)


# ---- user-defined functions in queries -------------------------------------------------


@pytest.mark.requires("udfs")
def test_udf_in_a_query(container, unique_id):
    udf_id = unique_id("double").replace("-", "_")
    container.scripts.create_user_defined_function({"id": udf_id, "body": "function (x) { return x * 2; }"})
    container.upsert_item({"id": "n21", "pk": "udf", "n": 21})
    query = "SELECT VALUE udf.{}(c.n) FROM c WHERE c.pk = 'udf'".format(udf_id)
    assert list(container.query_items(query, partition_key="udf")) == [42]
