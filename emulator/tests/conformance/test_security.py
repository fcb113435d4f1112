"""Conformance: master-key authorization (401) and users, permissions and resource tokens (403), driven by
azure-cosmos 4.17.1 (scenarios in ``reference/scenarios_security.py``)."""
from __future__ import annotations


def test_wrong_master_key_is_401(conformance):
    assert conformance.run("security.wrong_key", needs=["auth"]) == {
        "list databases with a wrong key": 401,
        "create a container with a wrong key": 401,
        "the right key still works": 200,
    }


def test_users_permissions_and_resource_tokens(conformance):
    assert conformance.run("security.users_and_permissions", needs=["users"]) == {
        "create user": 201,
        "create the same user again": 409,
        "read user": 200,
        "list users": ["alice"],
        "query users": ["alice"],
        "upsert another user": 201,
        "permissions carry a token": [True, True],
        "list permissions": ["read", "write-p1"],
        "read permission: mode": "Read",
        "create the same permission again": 409,
        # A Read permission on a container: reads and queries pass, every write is 403.
        "Read token: read item": 200,
        "Read token: cross-partition query": ["a", "b"],
        "Read token: create": 403,
        "Read token: replace": 403,
        "Read token: delete": 403,
        "Read token: read another container": 403,
        # An All permission scoped to partition key p1: anything in p1, nothing elsewhere.
        "All token (p1): create in p1": 201,
        "All token (p1): upsert in p1": 200,
        "All token (p1): delete in p1": 204,
        "All token (p1): create in p2": 403,
        "All token (p1): read in p2": 403,
        "forged resource token": 401,
        "replace permission": 200,
        "mode after replace": "All",
        "delete permission": 204,
        "read the deleted permission": 404,
        "replace user": 200,
        "delete user": 204,
        "read the deleted user": 404,
        "users left": ["bob"],
    }


def test_permission_mode_reads_back_as_written(conformance):
    assert conformance.run("security.permission_mode_as_written", needs=["users"]) == {
        "created: mode": "read",
        "read back: mode": "read",
        "listed: modes": ["read"],
        "replaced: mode": "all",
    }


def test_aad_bearer_tokens_as_the_official_emulator_accepts_them(conformance):
    if not conformance.target.endpoint.startswith("https"):
        import pytest
        pytest.skip("azure-core refuses bearer tokens over plain http (its BearerTokenCredentialPolicy enforces https)")
    assert conformance.run("security.aad_token", needs=["auth"]) == {
        "read container": "aad",
        "create item": 201,
        "point read": "Item_0",
        "query": 1,
        "delete item": 204,
        "delete database": [403, 5300],
        "database still there": 200,
    }
