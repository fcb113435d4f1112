# The MIT License (MIT)
"""4.x's connection retry policy class, kept for code that builds one (``azure.cosmos.ConnectionRetryPolicy``).

4.x's module of this name holds its whole retry machinery; here the Rust engine retries, with the
settings of this class when a client is given one (``_request_retries`` reads them).
"""
from __future__ import annotations

from typing import Any

from azure.core.pipeline.policies import RetryPolicy


class ConnectionRetryPolicy(RetryPolicy):
    """An azure-core :class:`~azure.core.pipeline.policies.RetryPolicy` with 4.x's defaults.

    It takes the keywords of azure-core's ``RetryPolicy`` (``retry_total`` 10, ``retry_connect``
    3, ``retry_read`` 3, ``retry_status`` 3, ``retry_backoff_factor`` 0.8, ``retry_backoff_max``
    120, ``retry_mode`` exponential, ``timeout`` 604800 seconds); a keyword given as ``None``
    keeps its default, as in 4.x.

    .. note::
        azure-cosmos 5 retries in its Rust engine, not an azure-core pipeline. Passed as the
        client's ``connection_retry_policy`` (deprecated, as in 4.x), its total, connect and read
        retry counts and its backoff (factor, maximum, mode) set the engine's connection retries;
        its status settings have no effect, as in 4.x (see ``azure.cosmos._request_retries``).

    :keyword int retry_total: Total number of retries to allow.
    :keyword int retry_connect: How many connection errors to retry on.
    :keyword int retry_read: How many times to retry on read errors.
    :keyword int retry_status: How many times to retry on bad status codes.
    :keyword float retry_backoff_factor: Factor of the exponential wait between attempts.
    :keyword int retry_backoff_max: Maximum wait between attempts, in seconds.
    :keyword retry_mode: Fixed or exponential delay between attempts.
    :paramtype retry_mode: ~azure.core.pipeline.policies.RetryMode
    :keyword int timeout: Timeout of the whole operation, in seconds.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{name: value for name, value in kwargs.items() if value is not None})
