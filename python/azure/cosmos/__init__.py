# The MIT License (MIT)
"""Azure Cosmos DB (NoSQL API) client library, version 5: the 4.x API on a Rust engine.

``azure.cosmos.ENGINE_VERSION`` is the version of the ``azure_data_cosmos_driver`` crate the
native engine was built with.
"""
from typing import Any

from ._cosmos_responses import CosmosDict, CosmosList
from ._global_secondary_index import GlobalSecondaryIndexDefinition
from ._retry_utility import ConnectionRetryPolicy
from ._version import VERSION
from .bulk import BulkOperationResult
from .change_feed_processor import ChangeFeedEstimator, ChangeFeedProcessor
from .container import ContainerProxy
from .cosmos_client import CosmosClient
from .database import DatabaseProxy
from .documents import (
    ConsistencyLevel,
    DatabaseAccount,
    DataType,
    IndexingMode,
    IndexKind,
    PermissionMode,
    ProxyConfiguration,
    SSLConfiguration,
    TriggerOperation,
    TriggerType,
)
from .offer import Offer, ThroughputProperties
from .partition_key import PartitionKey
from .permission import Permission
from .scripts import ScriptsProxy
from .user import UserProxy

__all__ = (
    "CosmosClient",
    "DatabaseProxy",
    "ContainerProxy",
    "PartitionKey",
    "Permission",
    "ScriptsProxy",
    "UserProxy",
    "Offer",
    "DatabaseAccount",
    "ConsistencyLevel",
    "DataType",
    "IndexKind",
    "IndexingMode",
    "PermissionMode",
    "ProxyConfiguration",
    "SSLConfiguration",
    "TriggerOperation",
    "TriggerType",
    "ConnectionRetryPolicy",
    "ThroughputProperties",
    "CosmosDict",
    "CosmosList",
    "GlobalSecondaryIndexDefinition",
    "BulkOperationResult",
)
__version__ = VERSION


def __getattr__(name: str) -> Any:
    # The engine's version lives in the native module; importing it lazily keeps the
    # pure-Python parts importable before the module is built.
    if name == "ENGINE_VERSION":
        from ._native import engine_module  # pylint: disable=import-outside-toplevel

        return engine_module().ENGINE_VERSION
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
