# The MIT License (MIT)
"""Throughput (offers) of databases and containers, shared by the sync and async proxies.

4.x reads a resource's throughput by querying the account's offers for the one whose
``resource`` is the resource's ``_self`` link, and replaces it by sending the whole offer
back with its ``content`` changed. Pure functions, no I/O: the proxies run the query
(``Engine.query_offers``) and the replacement (``Engine.replace_offer``).
"""
from __future__ import annotations

import copy
from typing import Any, Mapping, Sequence, Union

from ._serialization import dump_json, dump_parameters
from .exceptions import CosmosResourceNotFoundError
from .offer import ThroughputProperties

OFFER_QUERY = "SELECT * FROM root r WHERE r.resource=@link"


def offer_query_parameters(self_link: str) -> bytes:
    """The parameters of :data:`OFFER_QUERY` for one resource.

    :param str self_link: The database's or container's ``_self``.
    :returns: The JSON parameter array.
    :rtype: bytes
    """
    return dump_parameters([{"name": "@link", "value": self_link}])


def only_offer(offers: Sequence[Mapping[str, Any]], what: str) -> Mapping[str, Any]:
    """The offer of a resource, or the error 4.x raises when it has none of its own.

    :param offers: The offers the query returned.
    :param str what: ``"database <link>"`` or ``"container <link>"``, for the message.
    :returns: The first offer.
    :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: No offer provisions the resource
        (e.g. a container in a database with shared throughput).
    """
    if not offers:
        raise CosmosResourceNotFoundError(status_code=404, message="Could not find ThroughputProperties for " + what)
    return offers[0]


def throughput_properties(offer: Mapping[str, Any]) -> ThroughputProperties:
    """An offer as 4.x's ``get_throughput`` returns it: autoscale settings when the offer has them,
    else the manual throughput.

    :param offer: The offer document.
    :returns: The throughput properties, with the offer as ``properties``.
    :rtype: ~azure.cosmos.ThroughputProperties
    """
    content = offer.get("content") or {}
    autoscale = content.get("offerAutopilotSettings")
    if autoscale:
        increment = ((autoscale.get("autoUpgradePolicy") or {}).get("throughputPolicy") or {}).get("incrementPercent")
        kwargs = {"auto_scale_max_throughput": autoscale.get("maxThroughput")}
        if "autoUpgradePolicy" in autoscale:
            kwargs["auto_scale_increment_percent"] = increment
        return ThroughputProperties(properties=offer, **kwargs)
    return ThroughputProperties(offer_throughput=content.get("offerThroughput"), properties=offer)


def replaced_throughput(offer: Mapping[str, Any]) -> ThroughputProperties:
    """The result of ``replace_throughput``: 4.x sets ``offer_throughput`` from the replaced offer's
    content; the autoscale settings are filled as well when the offer has them.

    :param offer: The offer as the service answered the replacement.
    :returns: The throughput properties, with the offer as ``properties``.
    :rtype: ~azure.cosmos.ThroughputProperties
    """
    result = throughput_properties(offer)
    result.offer_throughput = (offer.get("content") or {}).get("offerThroughput")
    return result


def replacement_offer(offer: Mapping[str, Any], throughput: Union[int, ThroughputProperties]) -> tuple[str, bytes]:
    """The offer to send back for ``replace_throughput(throughput)``.

    An ``int`` sets the manual throughput; a :class:`~azure.cosmos.ThroughputProperties` sets the
    autoscale maximum (and increment) of an autoscale offer, or the manual throughput. Switching an
    offer between manual and autoscale is a separate migration in the service, not a replacement.

    :param offer: The current offer.
    :param throughput: The new throughput.
    :returns: ``(offer id, JSON body)`` for ``Engine.replace_offer``.
    :rtype: tuple[str, bytes]
    :raises TypeError: ``throughput`` is neither an ``int`` nor a ``ThroughputProperties``.
    :raises ValueError: The request would switch the offer between manual and autoscale.
    """
    new_offer = copy.deepcopy(dict(offer))
    content = new_offer.setdefault("content", {})
    if isinstance(throughput, bool) or not isinstance(throughput, (int, ThroughputProperties)):
        raise TypeError("offer_throughput must be int or an instance of ThroughputProperties")
    if isinstance(throughput, int):
        content["offerThroughput"] = throughput
        return new_offer["id"], dump_json(new_offer)
    autoscale = content.get("offerAutopilotSettings")
    if throughput.auto_scale_max_throughput is not None:
        if autoscale is None:
            raise ValueError(
                "this offer has manual throughput: replace it with an int or offer_throughput; moving to autoscale "
                "is a migration of the offer, not a replacement")
        autoscale["maxThroughput"] = throughput.auto_scale_max_throughput
        if throughput.auto_scale_increment_percent:
            policy = autoscale.setdefault("autoUpgradePolicy", {}).setdefault("throughputPolicy", {})
            policy["incrementPercent"] = throughput.auto_scale_increment_percent
    if throughput.offer_throughput:
        if autoscale is not None and throughput.auto_scale_max_throughput is None:
            raise ValueError(
                "this offer is autoscale: replace it with ThroughputProperties(auto_scale_max_throughput=...); "
                "moving to manual throughput is a migration of the offer, not a replacement")
        content["offerThroughput"] = throughput.offer_throughput
    return new_offer["id"], dump_json(new_offer)
