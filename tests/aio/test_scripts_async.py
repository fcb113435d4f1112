"""Async twin of tests/test_scripts.py: stored procedures and UDFs through the asyncio ContainerProxy.scripts."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from azure.cosmos import CosmosDict, PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient, ScriptsProxy
from azure.cosmos.partition_key import NonePartitionKeyValue
from azure.cosmos.scripts import ScriptType

from .._data_plane import RUNNING_REFERENCE_SDK, ids, module_database, sync_client
from ..test_scripts import CREATE_IN_PARTITION, ECHO, KIND_CAPABILITY, KINDS, LOGGING

PROCEDURES = (("echo", ECHO), ("logging", LOGGING), ("create", CREATE_IN_PARTITION),
              ("text", "function () { getContext().getResponse().setBody('hi'); }"),
              ("silent", "function () { }"),
              ("throws", "function () { throw new Error('boom'); }"))


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-scripts")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            container = client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
            if cosmos_server.supports("sprocs"):
                for sproc_id, body in PROCEDURES:
                    container.scripts.create_stored_procedure({"id": sproc_id, "body": body})
        yield database_id, container_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, container_address):
    database_id, container_id = container_address
    return client.get_database_client(database_id).get_container_client(container_id)


@pytest.fixture
def procedures(container):
    return container.scripts


@pytest.fixture(params=sorted(KINDS))
def kind(request, cosmos_server):
    cosmos_server.skip_unless(KIND_CAPABILITY[request.param])
    return request.param


def _op(scripts, verb, kind):
    single, plural, _, _ = KINDS[kind]
    return getattr(scripts, "{}_{}".format(verb, plural if verb in ("list", "query") else single))


def _definition(kind, script_id, **changes):
    return dict(KINDS[kind][3], id=script_id, **changes)


async def _all(items):
    return [item async for item in items]


async def test_scripts_proxy_of_a_container_async(container):
    scripts = container.scripts
    assert isinstance(scripts, ScriptsProxy)
    assert scripts is container.scripts
    assert scripts.container_link == container.container_link
    assert await container.is_system_key is False


async def test_create_get_replace_delete_async(container, kind, unique_id):
    scripts = container.scripts
    script_id = unique_id("s")
    created = await _op(scripts, "create", kind)(_definition(kind, script_id))
    assert isinstance(created, CosmosDict)
    assert created["id"] == script_id and created["body"] == KINDS[kind][3]["body"]
    assert {"_rid", "_self", "_etag", "_ts"} <= set(created)
    assert "x-ms-request-charge" in created.get_response_headers()

    read = await _op(scripts, "get", kind)(script_id)
    assert isinstance(read, CosmosDict) and read["_rid"] == created["_rid"]
    assert (await _op(scripts, "get", kind)(created))["id"] == script_id

    new_body = "function () { /* replaced */ }" if kind != ScriptType.UserDefinedFunction else \
        "function (x) { return x + 1; }"
    replaced = await _op(scripts, "replace", kind)(script_id, _definition(kind, script_id, body=new_body))
    assert isinstance(replaced, CosmosDict) and replaced["body"] == new_body
    assert (await _op(scripts, "get", kind)(script_id))["body"] == new_body

    assert await _op(scripts, "delete", kind)(script_id) is None
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await _op(scripts, "get", kind)(script_id)
    assert raised.value.status_code == 404


async def test_create_existing_is_409_async(container, kind, unique_id):
    script_id = unique_id("s")
    await _op(container.scripts, "create", kind)(_definition(kind, script_id))
    with pytest.raises(exceptions.CosmosResourceExistsError) as raised:
        await _op(container.scripts, "create", kind)(_definition(kind, script_id))
    assert raised.value.status_code == 409


async def test_missing_is_404_async(container, kind):
    scripts = container.scripts
    for call in (lambda: _op(scripts, "get", kind)("missing"),
                 lambda: _op(scripts, "replace", kind)("missing", _definition(kind, "missing")),
                 lambda: _op(scripts, "delete", kind)("missing")):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await call()
        assert raised.value.status_code == 404


async def test_server_script_is_sent_as_body_async(container, kind, unique_id):
    script_id = unique_id("s")
    definition = _definition(kind, script_id)
    definition["serverScript"] = definition.pop("body")
    created = await _op(container.scripts, "create", kind)(definition)
    assert created["body"] == KINDS[kind][3]["body"] and "serverScript" not in created


async def test_list_and_query_with_parameters_async(client, cosmos_server, kind, unique_id):
    with module_database(cosmos_server, unique_id("db-scripts-list")) as database_id:
        container = await client.get_database_client(database_id).create_container("c", PartitionKey("/pk"))
        scripts = container.scripts
        assert await _all(_op(scripts, "list", kind)()) == []
        for script_id in ("s1", "s2", "s3"):
            await _op(scripts, "create", kind)(_definition(kind, script_id))

        assert sorted(ids(await _all(_op(scripts, "list", kind)()))) == ["s1", "s2", "s3"]
        pages = [ids(await _all(page)) async for page in _op(scripts, "list", kind)(max_item_count=2).by_page()]
        assert sorted(sum(pages, [])) == ["s1", "s2", "s3"] and max(len(page) for page in pages) <= 2

        query = "SELECT * FROM s WHERE s.id = @id"
        found = await _all(_op(scripts, "query", kind)(query, parameters=[{"name": "@id", "value": "s2"}]))
        assert ids(found) == ["s2"]
        assert ids(await _all(_op(scripts, "query", kind)("SELECT * FROM s WHERE s.id = 's3'"))) == ["s3"]

        seen = []
        found = await _all(_op(scripts, "query", kind)(
            query, parameters=[{"name": "@id", "value": "s1"}], max_item_count=1,
            response_hook=lambda headers, page: seen.append((headers, page))))
        feed_key = {"sprocs": "StoredProcedures", "triggers": "Triggers", "udfs": "UserDefinedFunctions"}[kind]
        assert ids(found) == ["s1"]
        assert [ids(page[feed_key]) for _, page in seen] == [["s1"]]
        assert "x-ms-activity-id" in seen[0][0]


async def test_query_parameters_must_be_a_list_async(container, kind):
    if RUNNING_REFERENCE_SDK:
        pytest.skip("azure-cosmos 4.x sends a string as parameters and lets the service refuse it")
    with pytest.raises(TypeError):
        await _all(_op(container.scripts, "query", kind)("SELECT * FROM s", parameters="@id"))


# ---- stored procedure execution ------------------------------------------------------


@pytest.mark.requires("sprocs")
async def test_execute_with_params_and_partition_key_async(container, procedures):
    result = await procedures.execute_stored_procedure("echo", partition_key="p", parameters=["x", 2])
    assert result == {"a": "x", "b": 2}
    assert await procedures.execute_stored_procedure("echo", partition_key=["p"], parameters=["y"]) == {"a": "y"}
    assert await procedures.execute_stored_procedure("echo", partition_key="p") == {}

    assert await procedures.execute_stored_procedure("create", partition_key="p1",
                                                     parameters=["made", "p1"]) == "made"
    assert (await container.read_item("made", "p1"))["pk"] == "p1"


@pytest.mark.requires("sprocs")
async def test_execute_single_value_param_is_the_only_argument_async(procedures):
    assert await procedures.execute_stored_procedure("echo", partition_key="p", parameters="x") == {"a": "x"}
    assert await procedures.execute_stored_procedure("echo", partition_key="p", parameters={"k": 1}) == \
        {"a": {"k": 1}}


@pytest.mark.requires("sprocs")
async def test_execute_in_the_undefined_partition_async(container, procedures):
    assert await procedures.execute_stored_procedure("create", partition_key=NonePartitionKeyValue,
                                                     parameters=["undefined-pk"]) == "undefined-pk"
    assert (await container.read_item("undefined-pk", NonePartitionKeyValue))["id"] == "undefined-pk"


@pytest.mark.requires("sprocs")
async def test_execute_results_as_4x_returns_them_async(procedures):
    assert await procedures.execute_stored_procedure("text", partition_key="p") == "hi"
    assert await procedures.execute_stored_procedure("silent", partition_key="p") == ""
    assert await procedures.execute_stored_procedure({"id": "text", "body": ""}, partition_key="p") == "hi"


@pytest.mark.requires("sprocs")
async def test_execute_without_partition_key_on_a_partitioned_container_is_400_async(procedures):
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        await procedures.execute_stored_procedure("echo", parameters=[1])
    assert raised.value.status_code == 400


@pytest.mark.requires("sprocs")
async def test_procedure_that_throws_async(procedures):
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        await procedures.execute_stored_procedure("throws", partition_key="p")
    assert type(raised.value) is exceptions.CosmosHttpResponseError
    assert raised.value.status_code == 400
    assert "boom" in raised.value.message


@pytest.mark.requires("sprocs")
async def test_execute_missing_procedure_is_404_async(procedures):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await procedures.execute_stored_procedure("missing", partition_key="p")
    assert raised.value.status_code == 404


@pytest.mark.requires("sprocs")
async def test_execute_arguments_not_serialisable_async(procedures):
    with pytest.raises(TypeError):
        await procedures.execute_stored_procedure("echo", partition_key="p", parameters=[object()])


@pytest.mark.requires("sprocs")
async def test_script_logging_header_async(client, procedures):
    assert await procedures.execute_stored_procedure("logging", partition_key="p", parameters=["x y"],
                                                     enable_script_logging=True) == "done"
    log = client.client_connection.last_response_headers["x-ms-documentdb-script-log-results"]
    assert unquote(log) == "hello x y"

    await procedures.execute_stored_procedure("logging", partition_key="p", parameters=["z"])
    assert "x-ms-documentdb-script-log-results" not in client.client_connection.last_response_headers


@pytest.mark.requires("sprocs")
@pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, raises=TypeError,
                   reason="azure-cosmos 4.17.1 hands response_hook to its transport, which refuses it")
async def test_execute_response_hook_async(procedures):
    seen = []
    result = await procedures.execute_stored_procedure(
        "logging", partition_key="p", parameters=["hook"], enable_script_logging=True,
        response_hook=lambda headers, body: seen.append((headers, body)))
    assert result == "done"
    assert [(unquote(headers["x-ms-documentdb-script-log-results"]), body) for headers, body in seen] == \
        [("hello hook", "done")]


@pytest.mark.requires("sprocs")
async def test_keyword_arguments_by_their_4x_names_async(procedures):
    assert await procedures.execute_stored_procedure(sproc="echo", partition_key="p", parameters=[1],
                                                     enable_script_logging=True, session_token=None,
                                                     initial_headers={"x-ms-test": "1"}) == {"a": 1}
    assert (await procedures.get_stored_procedure(sproc="echo"))["id"] == "echo"
    assert "echo" in ids(await _all(procedures.list_stored_procedures(max_item_count=10)))
    assert ids(await _all(procedures.query_stored_procedures(query="SELECT * FROM s WHERE s.id = 'echo'",
                                                             parameters=None, max_item_count=1))) == ["echo"]
    with pytest.raises(TypeError):
        await procedures.execute_stored_procedure("echo", "p")  # keyword-only in 4.x's async API
    if not RUNNING_REFERENCE_SDK:
        with pytest.raises(TypeError):
            await procedures.get_stored_procedure("echo", no_such_keyword=1)


# ---- user-defined functions in queries -------------------------------------------------


@pytest.mark.requires("udfs")
async def test_udf_in_a_query_async(container, unique_id):
    udf_id = unique_id("double").replace("-", "_")
    await container.scripts.create_user_defined_function({"id": udf_id, "body": "function (x) { return x * 2; }"})
    await container.upsert_item({"id": "n21", "pk": "udf", "n": 21})
    query = "SELECT VALUE udf.{}(c.n) FROM c WHERE c.pk = 'udf'".format(udf_id)
    assert await _all(container.query_items(query, partition_key="udf")) == [42]
