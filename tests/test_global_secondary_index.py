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


def test_container_definition_sends_the_index_under_both_names():
    # 4.x sends one dict as globalSecondaryIndexDefinition and as the service's materializedViewDefinition.
    from azure.cosmos._request_builders import (  # pylint: disable=import-outside-toplevel
        container_definition, gsi_source_to_resolve, set_gsi_source_rid)

    definition = container_definition("by_customer", {
        "global_secondary_index": GlobalSecondaryIndexDefinition("orders", "SELECT c.customerId FROM c")})
    wire = {"sourceCollectionId": "orders", "definition": "SELECT c.customerId FROM c"}
    assert definition == {"id": "by_customer", "globalSecondaryIndexDefinition": wire,
                          "materializedViewDefinition": wire}
    assert gsi_source_to_resolve(definition) == "orders"
    set_gsi_source_rid(definition, "AbCdEf==")
    assert definition["globalSecondaryIndexDefinition"]["sourceCollectionRid"] == "AbCdEf=="
    assert definition["materializedViewDefinition"]["sourceCollectionRid"] == "AbCdEf=="
    assert gsi_source_to_resolve(definition) is None


def test_container_definition_copies_a_dict_index_as_4x_does():
    from azure.cosmos._request_builders import (  # pylint: disable=import-outside-toplevel
        container_definition, gsi_source_to_resolve)

    given = {"definition": "SELECT * FROM c"}
    definition = container_definition("g", {"global_secondary_index": given})
    assert definition["materializedViewDefinition"] == given
    assert definition["materializedViewDefinition"] is not given
    assert gsi_source_to_resolve(definition) is None  # no source: sent as it is, the service refuses it
    assert gsi_source_to_resolve(container_definition("g", {})) is None
    with pytest.raises(ValueError):
        container_definition("g", {"global_secondary_index": "orders"})
    with pytest.raises(TypeError):
        container_definition("g", {"global_secondary_index": 5})


def test_legacy_property_is_renamed_in_place():
    from azure.cosmos._global_secondary_index import normalize_properties  # pylint: disable=import-outside-toplevel

    wire = {"sourceCollectionId": "orders", "definition": "q"}
    properties = {"id": "g", "materializedViewDefinition": wire}
    assert normalize_properties(properties) is properties
    assert properties == {"id": "g", "globalSecondaryIndexDefinition": wire}
    both = {"globalSecondaryIndexDefinition": {"definition": "new"}, "materializedViewDefinition": wire}
    assert normalize_properties(both) == {"globalSecondaryIndexDefinition": {"definition": "new"}}
    assert normalize_properties({"id": "c"}) == {"id": "c"}
    assert normalize_properties(None) is None
