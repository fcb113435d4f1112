"""Throughput offers: created with a database or container, read, queried and replaced via /offers.

Manual offers carry ``content.offerThroughput``; autoscale ("autopilot") offers also carry
``content.offerAutopilotSettings.maxThroughput`` and report a tenth of it as the current throughput.
``offerMinimumThroughputParameters.maxThroughputEverProvisioned`` is the highest RU/s the resource was ever
provisioned with (for autoscale, its highest maximum), which sets both the lowest throughput it can be
lowered to (a hundredth of it for manual offers, a tenth of it for an autoscale maximum, as the service
rules) and how many physical partitions its containers need (one per 10,000 RU/s; they never merge back).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

import orjson

from .. import partitioning
from .. import rid as rids
from ..errors import bad_request, errors_message, not_found
from ..storage import Account, Collection, Database
from ..wire import Request, Response, format_charge, metadata_charge
from .common import check_if_match, not_modified, not_modified_since, paged_feed, resource_answer
from .query_bridge import ListQuerySource, is_query_request, run_query

MIN_MANUAL_THROUGHPUT = 400
MAX_MANUAL_THROUGHPUT = 1_000_000
MANUAL_INCREMENT = 100
MIN_AUTOSCALE_MAX_THROUGHPUT = 1000
MAX_AUTOSCALE_MAX_THROUGHPUT = 1_000_000
AUTOSCALE_INCREMENT = 1000
# What a container created without throughput in a database without shared throughput is given.
DEFAULT_CONTAINER_THROUGHPUT = 400


def throughput_from_headers(request: Request) -> Optional[Dict[str, Any]]:
    """The offer content requested by ``x-ms-offer-throughput`` or
    ``x-ms-cosmos-offer-autopilot-settings`` on a create, or None for no dedicated throughput."""
    manual = request.header("x-ms-offer-throughput")
    autopilot = request.header("x-ms-cosmos-offer-autopilot-settings")
    if manual and autopilot:
        raise bad_request(errors_message("Cannot specify both offer throughput and autopilot settings."))
    if manual:
        try:
            value = int(manual)
        except ValueError:
            raise bad_request(f"Invalid value '{manual}' for header x-ms-offer-throughput.") from None
        return manual_content(value)
    if autopilot:
        try:
            settings = orjson.loads(autopilot)
        except orjson.JSONDecodeError:
            raise bad_request(errors_message("Invalid autopilot settings.")) from None
        return autoscale_content(settings)
    return None


def manual_content(throughput: Any, highest_ever: int = 0) -> Dict[str, Any]:
    """The content of a manual offer of ``throughput`` RU/s (validated against the resource's history)."""
    _validate(throughput, MIN_MANUAL_THROUGHPUT, MAX_MANUAL_THROUGHPUT, MANUAL_INCREMENT,
              _rounded_up(highest_ever / 100, MANUAL_INCREMENT), highest_ever)
    return {"offerThroughput": throughput, "offerIsRUPerMinuteThroughputEnabled": False,
            "offerMinimumThroughputParameters": {"maxThroughputEverProvisioned": max(highest_ever, throughput),
                                                 "maxConsumedStorageEverInKB": 0}}


def autoscale_content(settings: Any, highest_ever: int = 0) -> Dict[str, Any]:
    """The content of an autoscale offer from its ``offerAutopilotSettings`` (validated likewise)."""
    maximum = settings.get("maxThroughput") if isinstance(settings, dict) else None
    _validate(maximum, MIN_AUTOSCALE_MAX_THROUGHPUT, MAX_AUTOSCALE_MAX_THROUGHPUT, AUTOSCALE_INCREMENT,
              _rounded_up(highest_ever / 10, AUTOSCALE_INCREMENT), highest_ever)
    autopilot: Dict[str, Any] = {"maxThroughput": maximum}
    if isinstance(settings, dict) and "autoUpgradePolicy" in settings:
        autopilot["autoUpgradePolicy"] = settings["autoUpgradePolicy"]
    return {"offerThroughput": maximum // 10, "offerAutopilotSettings": autopilot,
            "offerIsRUPerMinuteThroughputEnabled": False,
            "offerMinimumThroughputParameters": {"maxThroughputEverProvisioned": max(highest_ever, maximum),
                                                 "maxConsumedStorageEverInKB": 0}}


def _rounded_up(value: float, increment: int) -> int:
    return int(math.ceil(value / increment)) * increment


def _validate(value: Any, floor: int, ceiling: int, increment: int, history_floor: int, highest_ever: int) -> None:
    """The service's range check, worded as the service words it ("The offer should have valid throughput
    values between 400 and 1000000 inclusive in increments of 100. Requested throughput 300 is less than
    required minimum throughput 400.")."""
    minimum = max(floor, history_floor)
    summary = (f"The offer should have valid throughput values between {minimum} and {ceiling} inclusive in "
               f"increments of {increment}.")
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(errors_message(summary))
    if value < minimum:
        detail = f" Requested throughput {value} is less than required minimum throughput {minimum}."
        if history_floor > floor:
            detail += f" Minimum limit {minimum} is because of Highest RUs provisioned {highest_ever}."
        raise bad_request(errors_message(summary + detail))
    if value > ceiling:
        raise bad_request(errors_message(
            summary + f" Requested throughput {value} is more than possible maximum throughput {ceiling}."))
    if value % increment:
        raise bad_request(errors_message(summary))


def provisioned_ceiling(content: Dict[str, Any]) -> int:
    """The RU/s a resource's partitions must be able to serve: the highest it was ever provisioned with."""
    highest = content.get("offerMinimumThroughputParameters", {}).get("maxThroughputEverProvisioned", 0)
    autopilot = content.get("offerAutopilotSettings")
    current = autopilot.get("maxThroughput", 0) if isinstance(autopilot, dict) else content.get("offerThroughput", 0)
    return max(int(highest or 0), int(current or 0))


def partitions_for_new_container(account: Account, database: Database,
                                 content: Optional[Dict[str, Any]]) -> int:
    """How many physical partitions a new container starts with: the explicit override
    (``--partitions``) when set, else as the service derives it from the throughput that serves the
    container (its own offer, else the database's shared one)."""
    if account.partition_count is not None:
        return account.partition_count
    if content is None:
        shared = offer_for(account, database.rid)
        content = shared["content"] if shared is not None else {}
    return partitioning.partitions_for_throughput(provisioned_ceiling(content))


def grow_partitions(account: Account, offer: Dict[str, Any]) -> None:
    """Split the physical partitions of the containers an offer serves until they can carry its throughput
    (a throughput increase past ``partitions x 10,000 RU/s`` splits, as on the service)."""
    needed = partitioning.partitions_for_throughput(provisioned_ceiling(offer["content"]))
    collection = account.collections_by_rid.get(offer["offerResourceId"])
    if collection is not None:
        served = [collection]
    else:
        database = account.databases_by_rid.get(offer["offerResourceId"])
        served = [] if database is None else [
            member for member in database.collections.values() if offer_for(account, member.rid) is None]
    for member in served:
        _split_until(account, member, needed)


def _split_until(account: Account, collection: Collection, needed: int) -> None:
    for _ in range(max(0, needed - len(collection.partitions))):
        # The fullest range first, then the widest (the one split the fewest times), as load would.
        candidate = max(collection.partitions, key=lambda p: (p.item_count(), -len(p.parents)))
        account.split_range(collection, candidate.range_id)


def create_offer(account: Account, resource_self_link: str, resource_rid: str,
                 content: Dict[str, Any]) -> Dict[str, Any]:
    ordinal = account.next_offer_ordinal
    account.next_offer_ordinal += 1
    offer_rid = rids.offer_rid(ordinal)
    offer = {
        "resource": resource_self_link,
        "offerType": "Invalid",
        "offerResourceId": resource_rid,
        "offerVersion": "V2",
        "content": content,
        "id": offer_rid,
        "_rid": offer_rid,
        "_self": f"offers/{offer_rid}/",
        "_etag": account.etag(),
        "_ts": account.now(),
    }
    account.put_offer(offer)
    return offer


def offer_for(account: Account, resource_rid: str) -> Optional[Dict[str, Any]]:
    for offer in account.offers.values():
        if offer.get("offerResourceId") == resource_rid:
            return offer
    return None


def handle(account: Account, request: Request) -> Response:
    address = request.address
    if address.is_feed:
        offers: List[Dict[str, Any]] = list(account.offers.values())
        if is_query_request(request):
            return run_query(request, ListQuerySource("offers", offers), "Offers", "")
        if request.method == "GET":
            return paged_feed(request, "Offers", "", offers)
        raise bad_request("Offers cannot be created directly; they come with a database or container.")
    offer_rid = address.target_id or ""
    if rids.decode(offer_rid) is None:
        # Offers have no names, so a segment that is not a resource id at all is a malformed request
        # (400), not a missing offer (404); the service's own tests read ``_self[:-1] + 'x'`` that way.
        raise bad_request(errors_message(f"The offer id '{offer_rid}' is not a valid resource id."))
    offer = account.offers.get(offer_rid)
    if offer is None:
        raise not_found()
    if request.method == "GET":
        if not_modified_since(request, offer["_etag"]):
            return not_modified(metadata_charge(), offer["_etag"])
        return resource_answer(request, 200, offer, metadata_charge())
    if request.method == "PUT":
        check_if_match(request, offer["_etag"])
        return resource_answer(request, 200, _replace(account, offer, request.json_object_body()),
                               metadata_charge())
    raise bad_request(f"Method {request.method} is not supported on offers.")


def _replace(account: Account, offer: Dict[str, Any], body: Dict[str, Any]) -> Dict[str, Any]:
    content = body.get("content")
    if not isinstance(content, dict):
        raise bad_request(errors_message("The offer content is missing."))
    if body.get("offerResourceId", offer["offerResourceId"]) != offer["offerResourceId"]:
        raise bad_request(errors_message("The offerResourceId of an offer cannot be changed."))
    for key in ("id", "_rid"):
        # The replacement names the offer it replaces (the REST reference marks both required, and the
        # Rust SDK keeps ``_rid`` in its body for this call): a missing, null or different one is refused.
        if body.get(key) != offer["_rid"]:
            raise bad_request(errors_message(f"The offer's {key} {orjson.dumps(body.get(key)).decode()} does not "
                                             f"match the offer '{offer['_rid']}' being replaced."))
    highest = provisioned_ceiling(offer["content"])
    autopilot = content.get("offerAutopilotSettings")
    if isinstance(autopilot, dict) and autopilot.get("maxThroughput") is not None:
        new_content = autoscale_content(autopilot, highest)
    else:
        new_content = manual_content(content.get("offerThroughput"), highest)
    updated = dict(offer)
    updated["content"] = new_content
    updated["_etag"] = account.etag()
    updated["_ts"] = account.now()
    account.put_offer(updated)
    grow_partitions(account, updated)
    return updated


def charge_header() -> Dict[str, str]:
    return {"x-ms-request-charge": format_charge(metadata_charge())}
