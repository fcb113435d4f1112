"""Async twin of tests/test_diagnostics_module.py: azure.cosmos.diagnostics: RecordDiagnostics (deprecated as in 4.x) as a response_hook."""
from __future__ import annotations

import importlib

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database


def _record_diagnostics():
    diagnostics = importlib.import_module("azure.cosmos.diagnostics")
    with pytest.warns(DeprecationWarning, match="RecordDiagnostics is deprecated"):
        return diagnostics.RecordDiagnostics


async def test_record_diagnostics_is_deprecated_and_other_names_are_missing():
    record_class = _record_diagnostics()
    record = record_class()
    assert record.request_charge == 0 and record.body is None and dict(record.headers) == {}
    with pytest.raises(AttributeError):
        importlib.import_module("azure.cosmos.diagnostics").Unknown  # noqa: B018
    with pytest.raises(AttributeError):
        record.not_a_header  # noqa: B018


async def test_record_diagnostics_as_a_response_hook(cosmos_server, unique_id):
    record = _record_diagnostics()()
    with module_database(cosmos_server, unique_id("db-diag")) as database_id:
        async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
            container = await client.get_database_client(database_id).create_container(
                unique_id("c"), PartitionKey("/pk"), response_hook=record)
            assert record.body["id"] == container.id
            assert record.activity_id == record.headers["x-ms-activity-id"]
            record.clear()
            item = await container.upsert_item({"id": "a", "pk": "p"}, response_hook=record)
            first = float(item.get_response_headers()["x-ms-request-charge"])
            read = await container.read_item("a", "p", response_hook=record)
            second = float(read.get_response_headers()["x-ms-request-charge"])
            assert record.request_charge == pytest.approx(first + second)
            assert record.body["id"] == "a" and record.headers["x-ms-activity-id"] == \
                read.get_response_headers()["x-ms-activity-id"]
            # A query starts its count again and adds up each page.
            items = [row async for row in container.query_items("SELECT * FROM c WHERE c.pk = 'p'",
                                                                partition_key="p", response_hook=record)]
            assert [row["id"] for row in items] == ["a"]
            assert record.request_charge == pytest.approx(float(record.headers["x-ms-request-charge"]))
            assert record.body["Documents"][0]["id"] == "a"
