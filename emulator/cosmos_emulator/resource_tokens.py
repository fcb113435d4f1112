"""Resource tokens: the ``_token`` of a permission, and authorization of requests that carry one.

A token is ``type=resource&ver=1&sig=<payload>;<mac>;`` where the payload (base64url JSON) names the
permission's database, user, permission, resource link, mode, partition key and expiry, and the mac
is HMAC-SHA256 of the payload under the account's master key, so only this account can mint one and
nothing in it can be altered. Tokens are self-contained, as the service's are: they stay valid until
they expire (``x-ms-resource-token-expiry-seconds`` when the permission was read) whatever happens to
the permission afterwards.

A request made with a token is allowed when:

* it reads the account (``GET /``), which any valid token may do;
* its target lies within the permission's resource (the resource itself or anything below it);
  reading the container that holds the resource, and that container's partition key ranges, is
  allowed too, because clients need them to route;
* the mode allows it: ``Read`` permits reads and queries only, ``All`` everything;
* with ``resourcePartitionKey``, item requests name exactly that partition key.

A bad or expired token answers 401; a valid token used outside its scope or mode answers 403.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import orjson

from . import partitioning
from .addressing import Address, parse_path
from .enumerations import PERMISSION_MODES, canonical
from .errors import CosmosError, forbidden, unauthorized

TOKEN_PREFIX = "type=resource&ver=1&sig="

FORBIDDEN_MESSAGE = ("Insufficient permissions provided in the authorization header for the corresponding "
                     "request. Please retry with another authorization header.")
_INVALID_MESSAGE = ("The input authorization token can't serve the request. The resource token is malformed "
                    "or was not issued by this account. For more info: https://aka.ms/cosmosdb-tsg-401")
_EXPIRED_MESSAGE = ("The input authorization token can't serve the request. The resource token has expired; "
                    "read the permission again for a new one. For more info: https://aka.ms/cosmosdb-tsg-401")

# Children of a container that name themselves by id in links.
_NAMED_CHILDREN = ("sprocs", "triggers", "udfs", "conflicts")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ResourceTokenIssuer:
    """Mints and checks resource tokens of one account.

    :param account: the account whose resources the tokens refer to.
    :param master_key: the account key (base64), which signs the tokens.
    :param clock: seconds since the epoch (the account's clock by default).
    """

    def __init__(self, account: Any, master_key: str, clock: Optional[Callable[[], float]] = None):
        self.account = account
        self._key = hashlib.sha256(b"resource-token:" + base64.b64decode(master_key)).digest()
        self._clock = clock

    def now(self) -> float:
        return self._clock() if self._clock is not None else self.account.clock()

    # --------------------------------------------------------------------------------------------
    def issue(self, database: Any, user: Dict[str, Any], permission: Dict[str, Any], expires_at: float) -> str:
        """The ``_token`` for ``permission`` of ``user``, valid until ``expires_at``."""
        payload = {
            "db": database.rid,
            "user": user["_rid"],
            "perm": permission["_rid"],
            "res": permission["resource"],
            "mode": canonical(permission["permissionMode"], PERMISSION_MODES),
            "pk": permission.get("resourcePartitionKey"),
            "exp": int(expires_at),
        }
        encoded = _b64url(orjson.dumps(payload))
        return f"{TOKEN_PREFIX}{encoded};{self._mac(encoded)};"

    def _mac(self, encoded: str) -> str:
        return _b64url(hmac.new(self._key, encoded.encode("ascii"), hashlib.sha256).digest())

    def decode(self, signature: str) -> Dict[str, Any]:
        """The payload of a token's ``sig`` part; 401 unless this account issued it intact."""
        parts = [part for part in signature.strip().split(";") if part]
        if len(parts) != 2:
            raise unauthorized(_INVALID_MESSAGE)
        encoded, mac = parts
        if not hmac.compare_digest(self._mac(encoded).encode("ascii"), mac.encode("ascii", "replace")):
            raise unauthorized(_INVALID_MESSAGE)
        try:
            payload = orjson.loads(_unb64url(encoded))
        except (binascii.Error, ValueError, orjson.JSONDecodeError):
            raise unauthorized(_INVALID_MESSAGE) from None
        if not isinstance(payload, dict):
            raise unauthorized(_INVALID_MESSAGE)
        return payload

    # --------------------------------------------------------------------------------------------
    def verify(self, address: Address, method: str, signature: str, headers: Mapping[str, str]) -> None:
        """The :data:`cosmos_emulator.auth.ResourceTokenVerifier` hook: refuse (401/403) or return."""
        payload = self.decode(signature)
        if self.now() >= payload.get("exp", 0):
            raise unauthorized(_EXPIRED_MESSAGE)
        if not address.ids:
            return  # the account document: any valid token reads it
        granted = self._chain_of_link(str(payload.get("res", "")))
        requested = self._chain(address.ids, address.rid_based)
        if granted is None or requested is None:
            raise forbidden(FORBIDDEN_MESSAGE)
        reading = _is_read(method, address, headers)
        if _is_prefix(granted, requested):
            if payload.get("mode") != "All" and not reading:
                raise forbidden(FORBIDDEN_MESSAGE)
            self._check_partition_key(payload, address, method, headers)
            return
        if reading and method.upper() == "GET" and _is_container_metadata(address) and _is_prefix(requested, granted):
            return
        raise forbidden(FORBIDDEN_MESSAGE)

    def _check_partition_key(self, payload: Dict[str, Any], address: Address, method: str,
                             headers: Mapping[str, str]) -> None:
        granted_key = payload.get("pk")
        if granted_key is None or not _touches_items(address, method):
            return
        raw = headers.get("x-ms-documentdb-partitionkey")
        if raw is None or raw.strip() == "":
            raise forbidden(FORBIDDEN_MESSAGE)
        try:
            sent = partitioning.parse_header_components(json.loads(raw))
            allowed = partitioning.parse_header_components(list(granted_key))
        except (ValueError, CosmosError):
            raise forbidden(FORBIDDEN_MESSAGE) from None
        if len(sent) != len(allowed) or not partitioning.components_equal(sent, allowed):
            raise forbidden(FORBIDDEN_MESSAGE)

    # --------------------------------------------------------------------------------------------
    def _chain_of_link(self, link: str) -> Optional[List[Tuple[str, str]]]:
        try:
            address = parse_path("/" + link.strip("/"))
        except CosmosError:
            return None
        from .resources.common import is_rid_based
        return self._chain(address.ids, is_rid_based(self.account, address.ids))

    def _chain(self, ids: List[Tuple[str, str]], rid_based: bool) -> Optional[List[Tuple[str, str]]]:
        """Canonical identities along a path: rids for databases, containers and users (so
        name- and rid-based links compare equal), ids for the resources below a container (items and
        scripts addressed by rid are looked up for theirs)."""
        account = self.account
        chain: List[Tuple[str, str]] = []
        database = collection = None
        for kind, value in ids:
            if kind == "dbs":
                database = account.find_database(value, by_rid=rid_based)
                chain.append((kind, database.rid if database is not None else "name:" + value))
            elif kind == "colls":
                collection = account.find_collection(database, value, by_rid=rid_based) if database else None
                chain.append((kind, collection.rid if collection is not None else "name:" + value))
            elif kind == "users":
                user = database.find_user(value, rid_based) if database is not None else None
                chain.append((kind, user["_rid"] if user is not None else "name:" + value))
            elif kind in _NAMED_CHILDREN and rid_based and collection is not None:
                named = next((res["id"] for res in collection.children.get(kind, {}).values()
                              if res.get("_rid") == value), value)
                chain.append((kind, named))
            elif kind == "docs" and rid_based and collection is not None:
                found = collection.item_by_rid(value)
                chain.append((kind, found[1].id if found is not None else value))
            else:
                chain.append((kind, value))
        return chain


def _is_prefix(prefix: List[Tuple[str, str]], chain: List[Tuple[str, str]]) -> bool:
    return len(prefix) <= len(chain) and chain[:len(prefix)] == prefix


def _is_read(method: str, address: Address, headers: Mapping[str, str]) -> bool:
    verb = method.upper()
    if verb in ("GET", "HEAD"):
        return True
    if verb != "POST" or not address.is_feed:
        return False
    content_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    return ((headers.get("x-ms-documentdb-isquery") or "").lower() == "true"
            or content_type == "application/query+json"
            or (headers.get("x-ms-cosmos-is-query-plan-request") or "").lower() == "true")


def _is_container_metadata(address: Address) -> bool:
    """The container document itself or its partition key ranges (what routing needs)."""
    if address.resource_type == "colls" and not address.is_feed:
        return True
    return address.resource_type == "pkranges" and address.is_feed


def _touches_items(address: Address, method: str) -> bool:
    """Requests that act on items: item operations, partition-key delete, stored procedure runs."""
    if address.resource_type in ("docs", "operations") or any(kind == "docs" for kind, _ in address.ids):
        return True
    return address.resource_type == "sprocs" and not address.is_feed and method.upper() == "POST"
