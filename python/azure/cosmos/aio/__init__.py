# The MIT License (MIT)
"""Asyncio client of Azure Cosmos DB: the same API as :mod:`azure.cosmos` with ``async``
operations and ``async for`` over query results."""

from ._change_feed_processor import ChangeFeedEstimator, ChangeFeedProcessor
from ._container import ContainerProxy
from ._cosmos_client import CosmosClient
from ._database import DatabaseProxy
from ._scripts import ScriptsProxy
from ._user import UserProxy

__all__ = (
    "CosmosClient",
    "DatabaseProxy",
    "ContainerProxy",
    "ScriptsProxy",
    "UserProxy",
)
