"""azure.cosmos.ConnectionRetryPolicy: 4.x's azure-core retry policy, accepted by the client but not applied."""
from __future__ import annotations

import pytest
from azure.core.pipeline.policies import RetryMode, RetryPolicy

from azure.cosmos import ConnectionRetryPolicy, CosmosClient


def test_policy_is_an_azure_core_retry_policy_with_its_defaults():
    policy = ConnectionRetryPolicy()
    assert isinstance(policy, RetryPolicy)
    # azure-core's defaults, which 4.x keeps.
    assert (policy.total_retries, policy.connect_retries, policy.read_retries, policy.status_retries) == (10, 3, 3, 3)
    assert (policy.backoff_factor, policy.backoff_max, policy.timeout) == (0.8, 120, 604800)
    assert policy.retry_mode == RetryMode.Exponential


def test_keywords_set_the_policy_and_none_keeps_the_default():
    policy = ConnectionRetryPolicy(retry_total=None, retry_connect=5, retry_backoff_factor=None,
                                   retry_backoff_max=7, retry_mode=RetryMode.Fixed)
    assert (policy.total_retries, policy.connect_retries, policy.backoff_factor) == (10, 5, 0.8)
    assert policy.backoff_max == 7 and policy.retry_mode == RetryMode.Fixed


def test_client_takes_the_policy_with_4x_deprecation_warning(cosmos_server):
    # Its settings are applied (tests/test_retry_options.py); the keyword is deprecated, as in 4.x.
    with pytest.warns(DeprecationWarning, match="connection_retry_policy"):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key,
                              connection_retry_policy=ConnectionRetryPolicy(retry_total=1),
                              **cosmos_server.connection_kwargs)
    with client:
        assert isinstance(list(client.list_databases()), list)
