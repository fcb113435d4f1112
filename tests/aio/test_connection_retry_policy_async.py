"""Async twin of tests/test_connection_retry_policy.py: the async client takes the policy, deprecated as in 4.x."""
from __future__ import annotations

import pytest

from azure.cosmos import ConnectionRetryPolicy
from azure.cosmos.aio import CosmosClient


async def test_client_takes_the_policy_with_4x_deprecation_warning_async(cosmos_server):
    with pytest.warns(DeprecationWarning, match="connection_retry_policy"):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key,
                              connection_retry_policy=ConnectionRetryPolicy(retry_total=1),
                              **cosmos_server.connection_kwargs)
    async with client:
        assert isinstance([d async for d in client.list_databases()], list)
