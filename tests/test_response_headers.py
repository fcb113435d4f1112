"""Response metadata: request charge, activity id, session token and etag on results."""
from __future__ import annotations

import pytest
from azure.core.utils import CaseInsensitiveDict

from azure.cosmos import CosmosClient, CosmosDict, CosmosList, PartitionKey, ThroughputProperties


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database.create_container(unique_id("c"), PartitionKey("/pk"))
    client.delete_database(database.id)


def test_point_operation_headers(container):
    created = container.create_item({"id": "a", "pk": "p"})
    headers = created.get_response_headers()
    assert isinstance(headers, CaseInsensitiveDict)
    assert float(headers["x-ms-request-charge"]) > 0
    assert headers["X-MS-ACTIVITY-ID"] == headers["x-ms-activity-id"]
    assert headers["etag"] == created["_etag"]


def test_request_charge_reflects_the_work(cosmos_server, container):
    cosmos_server.skip_unless("request_charge")
    small = container.create_item({"id": "small", "pk": "p"})
    large = container.create_item({"id": "large", "pk": "p", "blob": "x" * 20000})
    assert float(large.get_response_headers()["x-ms-request-charge"]) > float(
        small.get_response_headers()["x-ms-request-charge"])


def test_session_token_is_returned(cosmos_server, container):
    cosmos_server.skip_unless("session_token")
    created = container.create_item({"id": "a", "pk": "p"})
    token = created.get_response_headers()["x-ms-session-token"]
    assert token
    assert container.read_item("a", "p", session_token=token)["id"] == "a"


def test_headers_are_a_copy(container):
    created = container.create_item({"id": "a", "pk": "p"})
    headers = created.get_response_headers()
    headers["x-ms-request-charge"] = "changed"
    assert created.get_response_headers()["x-ms-request-charge"] != "changed"


def test_last_response_headers_are_the_latest_response(container):
    read = container.read_item(container.create_item({"id": "a", "pk": "p"}), "p")
    assert container.client_connection.last_response_headers["x-ms-activity-id"] == \
        read.get_response_headers()["x-ms-activity-id"]


def test_result_types_without_a_server():
    headers = CaseInsensitiveDict({"x-ms-request-charge": "1.5"})
    item = CosmosDict({"id": "a"}, response_headers=headers)
    items = CosmosList([{"id": "a"}], response_headers=headers)
    assert item == {"id": "a"} and items == [{"id": "a"}]
    assert item.get_response_headers()["X-MS-REQUEST-CHARGE"] == "1.5"
    assert items.get_response_headers() == headers and items.get_response_headers() is not headers
    assert CosmosDict(None, response_headers=headers) == {}
    assert ThroughputProperties(400, item).get_response_headers()["x-ms-request-charge"] == "1.5"
    assert ThroughputProperties(offer_throughput=400).get_response_headers() == {}


def test_a_pagers_headers_are_those_of_its_latest_page_only(container):
    # Each page replaces the headers of the one before: the last page has no continuation, so neither do they.
    for n in range(2):
        container.create_item({"id": f"h{n}", "pk": "pages"})
    paged = container.query_items("SELECT * FROM c WHERE c.pk = 'pages'", partition_key="pages", max_item_count=1)
    pages = paged.by_page()
    assert [item["id"] for item in next(pages)] == ["h0"]
    first = paged.get_response_headers()
    assert first.get("x-ms-continuation")
    assert [item["id"] for item in next(pages)] == ["h1"]
    rest = list(pages)
    assert all(not list(page) for page in rest)
    last = paged.get_response_headers()
    assert "x-ms-continuation" not in last
    assert last["x-ms-activity-id"] and last["x-ms-activity-id"] != first["x-ms-activity-id"]


def test_result_headers_are_laid_out_as_azure_cores_constructor_lays_them_out(container):
    # The engine fills the dict's store itself; it must be the dict the public constructor builds.
    headers = container.create_item({"id": "a", "pk": "p"}).get_response_headers()
    rebuilt = CaseInsensitiveDict(dict(headers.items()))
    assert list(headers.items()) == list(rebuilt.items())
    assert list(headers.lowerkey_items()) == list(rebuilt.lowerkey_items())
    assert all(name == name.lower() for name in headers)
    assert headers == rebuilt and headers.copy() == rebuilt
