# The MIT License (MIT)
"""Deprecated alias of :mod:`azure.cosmos.exceptions`, kept for code written against 4.x.

.. warning::
    This module is deprecated. Use ``azure.cosmos.exceptions`` instead.
"""
import warnings

from .exceptions import (
    CosmosAccessConditionFailedError,
    CosmosBatchOperationError,
    CosmosClientTimeoutError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

__all__ = (
    "CosmosAccessConditionFailedError",
    "CosmosBatchOperationError",
    "CosmosClientTimeoutError",
    "CosmosHttpResponseError",
    "CosmosResourceExistsError",
    "CosmosResourceNotFoundError",
)

warnings.warn(
    "azure.cosmos.errors module is deprecated, use azure.cosmos.exceptions instead",
    DeprecationWarning,
    stacklevel=2,
)
