"""azure.cosmos.GlobalSecondaryIndexDefinition: 4.x's provisional GSI definition (no server needed)."""
from __future__ import annotations

import pytest

import azure.cosmos
from azure.cosmos import GlobalSecondaryIndexDefinition


def test_definition_keeps_its_source_and_query():
    gsi = GlobalSecondaryIndexDefinition("orders", "SELECT c.customerId, c.total FROM c")
    assert gsi.source_container_id == "orders"
    assert gsi.definition == "SELECT c.customerId, c.total FROM c"
    assert gsi.source_container_rid is None and gsi.status is None


@pytest.mark.parametrize("source, query", [("", "SELECT * FROM c"), ("  ", "SELECT * FROM c"), (None, "q"),
                                           ("orders", ""), ("orders", " \t"), ("orders", None)])
def test_empty_source_or_query_is_a_value_error(source, query):
    with pytest.raises(ValueError):
        GlobalSecondaryIndexDefinition(source, query)


def test_service_fields_are_read_only():
    gsi = GlobalSecondaryIndexDefinition("orders", "SELECT * FROM c")
    for name in ("source_container_id", "definition", "source_container_rid", "status"):
        with pytest.raises(AttributeError):
            setattr(gsi, name, "x")


def test_wire_form_round_trips():
    wire = {"sourceCollectionId": "orders", "definition": "SELECT * FROM c",
            "sourceCollectionRid": "AbCdEf==", "status": "Active"}
    gsi = GlobalSecondaryIndexDefinition._from_dict(wire)
    assert (gsi.source_container_id, gsi.source_container_rid, gsi.status) == ("orders", "AbCdEf==", "Active")
    assert gsi._to_dict() == wire
    assert GlobalSecondaryIndexDefinition("orders", "q")._to_dict() == {"sourceCollectionId": "orders",
                                                                       "definition": "q"}
    assert GlobalSecondaryIndexDefinition._from_dict(None) is None
    assert GlobalSecondaryIndexDefinition._from_dict({"sourceCollectionId": "orders"}) is None


def test_definition_is_exported_from_the_package():
    assert "GlobalSecondaryIndexDefinition" in azure.cosmos.__all__


def test_container_definition_with_an_index_is_not_supported_yet():
    # What the class docstring promises: create_container and replace_container build their body here.
    from azure.cosmos._request_builders import container_definition  # pylint: disable=import-outside-toplevel

    with pytest.raises(NotImplementedError):
        container_definition("orders_by_customer",
                             {"global_secondary_index": GlobalSecondaryIndexDefinition("orders", "SELECT * FROM c")})
