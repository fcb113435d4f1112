"""Async twin of tests/test_auth.py: GetAuthorizationHeader with an async client's connection.

The signing itself is synchronous and client-independent (tested in tests/test_auth.py); what
differs here is the connection, which the async client builds in its own constructor.
"""
from __future__ import annotations

import asyncio

from azure.cosmos.aio import CosmosClient

from ..test_auth import _send_signed


async def test_signed_request_is_accepted_by_the_server_async(cosmos_server):
    cosmos_server.skip_unless("auth")
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        connection = client.client_connection
        assert connection.master_key == cosmos_server.key
        assert await asyncio.to_thread(_send_signed, cosmos_server, connection, "get", "", "") == 200
        assert await asyncio.to_thread(_send_signed, cosmos_server, connection, "get", "dbs", "dbs") == 200
        assert await asyncio.to_thread(_send_signed, cosmos_server, connection, "post", "dbs", "dbs") == 401
