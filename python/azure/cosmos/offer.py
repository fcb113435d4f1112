# The MIT License (MIT)
"""Throughput settings of a database or container."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

if TYPE_CHECKING:
    from ._cosmos_responses import CosmosDict


class ThroughputProperties:
    """Provisioned throughput of a database or container: either a fixed number of request
    units per second (``offer_throughput``) or autoscale (``auto_scale_max_throughput``,
    optionally with ``auto_scale_increment_percent``), not both.

    :keyword int offer_throughput: The provisioned throughput in request units per second.
    :keyword int auto_scale_max_throughput: The autoscale maximum (1,000 to 1,000,000, in
        steps of 1,000).
    :keyword int auto_scale_increment_percent: How far above the base throughput autoscale may
        grow at a time, in percent (zero or more).
    """

    def __init__(self, *args, **kwargs) -> None:
        self.offer_throughput: Optional[int] = args[0] if args else kwargs.get("offer_throughput")
        self.properties: Optional["CosmosDict"] = args[1] if len(args) > 1 else kwargs.get("properties")
        self.auto_scale_max_throughput: Optional[int] = kwargs.get("auto_scale_max_throughput")
        self.auto_scale_increment_percent: Optional[int] = kwargs.get("auto_scale_increment_percent")

    def get_response_headers(self) -> Mapping[str, Any]:
        """Return a copy of the headers of the response these properties came from.

        :return: The response headers, or an empty dict when there was no response.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        if self.properties is None:
            return {}
        try:
            return self.properties.get_response_headers()
        except AttributeError:
            return {}


Offer = ThroughputProperties
