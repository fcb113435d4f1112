"""Throughput offers: created with a database or container, read, queried and replaced via /offers.

Manual offers carry ``content.offerThroughput``; autoscale ("autopilot") offers also carry
``content.offerAutopilotSettings.maxThroughput`` and report a tenth of it as the current throughput.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import orjson

from .. import rid as rids
from ..errors import bad_request, not_found
from ..storage import Account
from ..wire import Request, Response, format_charge, metadata_charge
from .common import check_if_match, not_modified, not_modified_since, paged_feed, resource_answer
from .query_bridge import ListQuerySource, is_query_request, run_query

MIN_MANUAL_THROUGHPUT = 400
MAX_MANUAL_THROUGHPUT = 1_000_000
MIN_AUTOSCALE_MAX_THROUGHPUT = 1000


def throughput_from_headers(request: Request) -> Optional[Dict[str, Any]]:
    """The offer content requested by ``x-ms-offer-throughput`` or
    ``x-ms-cosmos-offer-autopilot-settings`` on a create, or None for no dedicated throughput."""
    manual = request.header("x-ms-offer-throughput")
    autopilot = request.header("x-ms-cosmos-offer-autopilot-settings")
    if manual and autopilot:
        raise bad_request("Cannot specify both offer throughput and autopilot settings.")
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
            raise bad_request("Invalid autopilot settings.") from None
        return autoscale_content(settings)
    return None


def manual_content(throughput: Any) -> Dict[str, Any]:
    _validate_manual(throughput)
    return {"offerThroughput": throughput, "offerIsRUPerMinuteThroughputEnabled": False,
            "offerMinimumThroughputParameters": {"maxThroughputEverProvisioned": throughput,
                                                 "maxConsumedStorageEverInKB": 0}}


def autoscale_content(settings: Any) -> Dict[str, Any]:
    if not isinstance(settings, dict) or not isinstance(settings.get("maxThroughput"), int) \
            or isinstance(settings.get("maxThroughput"), bool):
        raise bad_request("The autopilot settings must contain an integer maxThroughput.")
    maximum = settings["maxThroughput"]
    if maximum < MIN_AUTOSCALE_MAX_THROUGHPUT or maximum % 1000:
        raise bad_request(f"The Offer Throughput {maximum} for autopilot must be at least "
                          f"{MIN_AUTOSCALE_MAX_THROUGHPUT} and a multiple of 1000.")
    autopilot: Dict[str, Any] = {"maxThroughput": maximum}
    if "autoUpgradePolicy" in settings:
        autopilot["autoUpgradePolicy"] = settings["autoUpgradePolicy"]
    return {"offerThroughput": maximum // 10, "offerAutopilotSettings": autopilot,
            "offerIsRUPerMinuteThroughputEnabled": False,
            "offerMinimumThroughputParameters": {"maxThroughputEverProvisioned": maximum // 10,
                                                 "maxConsumedStorageEverInKB": 0}}


def _validate_manual(throughput: Any) -> None:
    if not isinstance(throughput, int) or isinstance(throughput, bool):
        raise bad_request("The offer throughput must be an integer.")
    if throughput < MIN_MANUAL_THROUGHPUT or throughput > MAX_MANUAL_THROUGHPUT:
        raise bad_request(f"The Offer Throughput {throughput} is outside the allowed range "
                          f"[{MIN_MANUAL_THROUGHPUT}, {MAX_MANUAL_THROUGHPUT}].")
    if throughput % 100:
        raise bad_request(f"The Offer Throughput {throughput} must be a multiple of 100.")


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
        raise bad_request("The offer content is missing.")
    if body.get("offerResourceId", offer["offerResourceId"]) != offer["offerResourceId"]:
        raise bad_request("The offerResourceId of an offer cannot be changed.")
    autopilot = content.get("offerAutopilotSettings")
    if isinstance(autopilot, dict) and autopilot.get("maxThroughput"):
        new_content = autoscale_content(autopilot)
    else:
        new_content = manual_content(content.get("offerThroughput"))
    previous_max = offer["content"].get("offerMinimumThroughputParameters", {}) \
        .get("maxThroughputEverProvisioned", 0)
    new_content["offerMinimumThroughputParameters"]["maxThroughputEverProvisioned"] = max(
        previous_max, new_content["offerThroughput"])
    updated = dict(offer)
    updated["content"] = new_content
    updated["_etag"] = account.etag()
    updated["_ts"] = account.now()
    account.put_offer(updated)
    return updated


def charge_header() -> Dict[str, str]:
    return {"x-ms-request-charge": format_charge(metadata_charge())}
