"""Conformance: databases, containers, throughput (offers) and the conflicts feed, driven by azure-cosmos 4.17.1.

Each expected table is what the Cosmos DB service answers; the scenarios are in ``reference/scenarios_resources.py``.
"""
from __future__ import annotations

SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_ts"]


def test_databases(conformance):
    assert conformance.run("resources.databases") == {
        "create": 201,
        "create the same id again": 409,
        "read: id": True,
        "read: system properties": SYSTEM_PROPERTIES,
        "listed by list_databases": True,
        "query_databases by id": True,
        "create_database_if_not_exists on an existing one": 200,
        "delete": 204,
        "read after delete": 404,
        "delete again": 404,
    }


def test_containers(conformance):
    assert conformance.run("resources.containers") == {
        "create": 201,
        "create the same id again": 409,
        "read: partitionKey": {"paths": ["/pk"], "kind": "Hash", "version": 2},
        "read: system properties": SYSTEM_PROPERTIES,
        "listed by list_containers": True,
        "query_containers by id": True,
        "create_container_if_not_exists on an existing one": 200,
        "delete": 204,
        "read after delete": 404,
        "delete again": 404,
        "create in a missing database": 404,
    }


def test_items_of_a_deleted_container(conformance):
    assert conformance.run("resources.container_items_after_delete", needs=["missing_item_404"]) == {
        "create an item in a deleted container": 404,
        "read an item of a deleted container": 404,
        "re-created container is empty": True,
    }


def test_container_replace_keeps_items(conformance):
    assert conformance.run("resources.container_replace", needs=["replace_container_keeps_items"]) == {
        "replace (default ttl and indexing policy)": 200,
        "read after replace: defaultTtl": 3600,
        "read after replace: included paths": ["/n/?"],
        "items kept": ["0", "1", "2", "3", "4"],
        "item still readable": 3,
        "replace changing the partition key path": 400,
        "replace a missing container": 404,
    }


def test_manual_throughput(conformance):
    assert conformance.run("resources.offers_manual", needs=["offers"]) == {
        "container throughput after create": 400,
        "replace container throughput": 1000,
        "container throughput after replace": 1000,
        "replace below the minimum (300)": 400,
        "replace with no multiple of 100 (450)": 400,
        "database throughput after create": 1000,
        "replace database throughput": 2000,
        "database throughput after replace": 2000,
        "container sharing the database's throughput: offers of its own": 0,
        "dedicated container in a shared database": 500,
    }


def test_autoscale_throughput(conformance):
    assert conformance.run("resources.offers_autoscale", needs=["offers"]) == {
        "container autoscale max after create": 4000,
        "replace autoscale max": 5000,
        "container autoscale max after replace": 5000,
        "autoscale max below 1000": 400,
        "database autoscale max after create": 6000,
    }


def test_offer_defaults_and_validation_messages(conformance):
    assert conformance.run("resources.offers_defaults_and_messages", needs=["offers"]) == {
        "container created without throughput: get_throughput": 400,
        "autoscale -200: status": "400",
        "autoscale -200: the service's wording (4.x's own tests check it)": True,
        "container refused: not created": 404,
        "replace with 300: wording": True,
        "throughput after the refused replace": 400,
    }


def test_quota_info_partition_statistics_and_index_metrics(conformance):
    # The index metrics are those azure-cosmos's own test_populate_index_metrics expects from the service.
    assert conformance.run("resources.quota_statistics_index_metrics", needs=["quota_info"]) == {
        "populate_quota_info: documentsCount": "3",
        "populate_quota_info: index transformation progress": "100",
        "populate_partition_key_range_statistics: documents counted": 3,
        "index metrics query: results": 3,
        "index metrics as 4.x decodes them": {
            "UtilizedSingleIndexes": [{"FilterExpression": "", "IndexSpec": "/pk/?", "FilterPreciseSet": True,
                                       "IndexPreciseSet": True, "IndexImpactScore": "High"}],
            "PotentialSingleIndexes": [], "UtilizedCompositeIndexes": [], "PotentialCompositeIndexes": []},
    }


def test_defaults_and_validation_as_azure_cosmos_tests_check_them(conformance):
    conformance.check(conformance.run("resources.defaults_as_the_service"), {
        "policy none: (included, excluded, root indexes)": [1, 1, False],
        "policy partial: (included, excluded, root indexes)": [1, 1, False],
        "policy empty: (included, excluded, root indexes)": [1, 1, False],
        "policy missing indexes: (included, excluded, root indexes)": [1, 1, False],
        "policy missing precision: (included, excluded, root indexes)": [1, 1, False],
        "legacy Hash index on '/': (included, excluded)": [1, 2],
        "database id over 255 characters": [400, True],
        "container id over 255 characters": [400, True],
        "item id over 1023 bytes (create)": [400, True],
        "item id over 1023 bytes (upsert)": [400, True],
        "container default_ttl=0": 400,
        "item ttl 0": [400, True],
    }, unless={"indexing_policy_defaults": [
        "policy none: (included, excluded, root indexes)", "policy partial: (included, excluded, root indexes)",
        "policy empty: (included, excluded, root indexes)", "policy missing indexes: (included, excluded, root indexes)",
        "policy missing precision: (included, excluded, root indexes)", "legacy Hash index on '/': (included, excluded)"],
        "resource_id_rules": ["database id over 255 characters", "container id over 255 characters"],
        "item_id_rules": ["item id over 1023 bytes (create)", "item id over 1023 bytes (upsert)"],
        "ttl": ["container default_ttl=0", "item ttl 0"]})


def test_computed_properties_as_azure_cosmos_tests_check_them(conformance):
    assert conformance.run("resources.computed_properties", needs=["computed_properties"]) == {
        "definitions read back": True,
        "cp_lower = group1": 5,
        "cp_power = 25": 7,
        "cp_str_len = 9": 2,
        "undefined cp_upper": 0,
        "ORDER BY a computed property across partitions": ["i8", "i9", "i7"],
        "after replace: cp_upper = GROUP2": 3,
        "after replace: old cp_lower": 0,
        "replace with a dict": [400, True],
        "replace without: property absent": True,
    }


def test_search_policies_and_vector_search(conformance):
    assert conformance.run("resources.search_policies", needs=["search_policies"]) == {
        "vector index without embedding policy": [400, True],
        "invalid vector index type": [400, True],
        "invalid data type": [400, True],
        "invalid full-text path": [400, True],
        "full-text index without its path": [400, True],
        "nearest three by the policy's euclidean distance": ["v0", "v1", "v2"],
        "replace without the embedding policy": [400, True],
    }


def test_conflicts_feed_is_empty_on_a_single_region_account(conformance):
    assert conformance.run("resources.conflicts", needs=["conflicts"]) == {
        "list_conflicts": [],
        "query_conflicts": [],
        "get_conflict of a missing one": 404,
    }


def test_feeds_are_paged_by_max_item_count(conformance):
    conformance.check(conformance.run("resources.feed_paging"), {
        "containers paged by 2: page sizes": [2, 2, 1],
        "containers paged by 2: each once": ["c0", "c1", "c2", "c3", "c4"],
        "users paged by 2: page sizes": [2, 2, 1],
    }, unless={"users": ["users paged by 2: page sizes"]})


def test_account_document(conformance):
    # The account's locations must name the scheme, host and port the client used, or a client with endpoint
    # discovery on would move to another address.
    conformance.check(conformance.run("resources.account"), {
        "writable locations point at the endpoint used": [True],
        "readable locations point at the endpoint used": [True],
        "default consistency": "Session",
        "one write region": False,
    })


def test_items_addressed_by_their_self_links(conformance):
    conformance.check(conformance.run("resources.self_links", needs=["patch"]), {
        "read_item(item dict)": 1,
        "replace_item(item dict)": 2,
        "patch_item(item dict)": 12,
        "delete_item(item dict)": 204,
        "the item is gone": 404,
        "delete every item the feed returned, by its dict": [204, 204, 204],
        "left after deleting them": [],
    }, unless={"missing_item_404": ["the item is gone"]})


def test_scripts_and_offers_addressed_by_their_self_links(conformance):
    assert conformance.run("resources.self_links_scripts_offers", needs=["sprocs", "udfs", "offers"]) == {
        "get_stored_procedure(dict)": "s",
        "execute_stored_procedure(dict)": 42,
        "replace_stored_procedure(dict)": "s",
        "delete_stored_procedure(dict)": 204,
        "get_trigger(dict)": "t",
        "delete_trigger(dict)": 204,
        "get_user_defined_function(dict)": "u",
        "delete_user_defined_function(dict)": 204,
        "replace_throughput through the offer's _self": 500,
        "throughput read back": 500,
    }
