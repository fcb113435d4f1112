"""Microsoft Entra ID (AAD) bearer tokens as the official Cosmos DB emulator accepts them.

Clients that use a ``TokenCredential`` send ``authorization: type=aad&ver=1.0&sig=<jwt>``. The official emulator
has no identity provider: it accepts an *unsigned test JWT* whose header names the key id
``CosmosEmulatorPrimaryMaster`` (``kid``, and ``x5t``) and whose third part, instead of a signature, is the
base64 of the account key's text. That is how azure-cosmos's own tests (``CosmosEmulatorCredential``), the .NET
SDK's emulator tests (``AadSimpleEmulatorTokenCredential``, standard base64 with padding), Java and Go build them;
both base64 alphabets, with or without padding, are accepted here. The claims carry ``nbf``/``exp`` (seconds);
a token outside them (5 minutes of leeway) or with another key answers 401.

An AAD identity may do what Cosmos DB's data-plane role-based access control covers (the built-in Data
Contributor's actions: read account and resource metadata, items, queries, change feed, stored procedure
execution, conflicts, partition key delete); management operations (create/replace/delete of databases and
containers, throughput, script resources, users and permissions) answer 403 with sub-status 5300 and the service's
message ("... cannot be authorized by AAD token in data plane").

For tests: :func:`emulator_token` issues such a token; :class:`EmulatorCredential` (sync) and
:class:`AsyncEmulatorCredential` are ``TokenCredential`` implementations that hand them to any Azure SDK client::

    from cosmos_emulator.aad import EmulatorCredential
    client = CosmosClient(server.endpoint, credential=EmulatorCredential(server.key))
"""
from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any, Callable, Dict, Mapping, NamedTuple, Optional

from .addressing import Address
from .auth import WELL_KNOWN_KEY
from .errors import CosmosError, unauthorized

EMULATOR_KEY_ID = "CosmosEmulatorPrimaryMaster"
DEFAULT_LIFETIME_SECONDS = 7200
CLOCK_LEEWAY_SECONDS = 300
SUBSTATUS_AAD_REQUEST_NOT_AUTHORIZED = 5300
ACCOUNT_NAME = "localhost"

_HEADER = {"typ": "JWT", "alg": "RS256", "x5t": EMULATOR_KEY_ID, "kid": EMULATOR_KEY_ID}
# The claims the SDKs' emulator tests send (object id, tenant and groups are the emulator's fixed values).
_CLAIMS = {"aud": "https://localhost.localhost",
           "iss": "https://sts.fake-issuer.net/7b1999a1-dfd7-440e-8204-00170979b984",
           "aio": "", "appid": "localhost", "appidacr": "1", "idp": "https://localhost:8081/",
           "oid": "96313034-4739-43cb-93cd-74193adbe5b6", "rh": "", "sub": "localhost", "tid": "EmulatorFederation",
           "uti": "", "ver": "1.0", "scp": "user_impersonation",
           "groups": ["7ce1d003-4cb3-4879-b7c5-74062a35c66e", "e99ff30c-c229-4c67-ab29-30a6aebc3e58",
                      "5549bb62-c77b-4305-bda9-9ec66b85d9e4", "c44fd685-5c58-452c-aaf7-13ce75184f65",
                      "be895215-eab5-43b7-9536-9ef8fe130330"]}


# ------------------------------------------------------------------------------------------------ issuing
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def emulator_token(key: str = WELL_KNOWN_KEY, *, lifetime: float = DEFAULT_LIFETIME_SECONDS,
                   now: Optional[float] = None, claims: Optional[Dict[str, Any]] = None) -> str:
    """A test JWT the emulator (this one and the official one) accepts for the account ``key``.

    :param key: the account key the server was started with.
    :keyword lifetime: seconds until ``exp`` (negative: an expired token, for tests).
    :keyword now: the issue time (epoch seconds; default: the current time).
    :keyword claims: claims to add or override.
    """
    issued = int(time.time() if now is None else now)
    body = dict(_CLAIMS, iat=issued, nbf=issued, exp=int(issued + lifetime))
    body.update(claims or {})
    return ".".join((_b64url(json.dumps(_HEADER, separators=(",", ":")).encode()),
                     _b64url(json.dumps(body, separators=(",", ":")).encode()),
                     _b64url(key.encode("utf-8"))))


class AccessToken(NamedTuple):
    """Same shape as ``azure.core.credentials.AccessToken`` (used when azure-core is not installed)."""
    token: str
    expires_on: int


def _access_token(token: str, expires_on: int) -> Any:
    try:
        from azure.core.credentials import AccessToken as CoreAccessToken
    except ImportError:
        return AccessToken(token, expires_on)
    return CoreAccessToken(token, expires_on)


class EmulatorCredential:
    """A ``TokenCredential`` issuing :func:`emulator_token` tokens (any scope), for clients run against an emulator.

    :param key: the account key the emulator was started with (default: the well-known key).
    :keyword lifetime: token lifetime in seconds.
    """

    def __init__(self, key: str = WELL_KNOWN_KEY, *, lifetime: float = DEFAULT_LIFETIME_SECONDS):
        self.key = key
        self.lifetime = lifetime
        self.requested_scopes: list = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.requested_scopes.append(scopes)
        now = time.time()
        return _access_token(emulator_token(self.key, lifetime=self.lifetime, now=now), int(now + self.lifetime))

    def close(self) -> None:
        pass

    def __enter__(self) -> "EmulatorCredential":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        pass


class AsyncEmulatorCredential:
    """The ``AsyncTokenCredential`` counterpart of :class:`EmulatorCredential` (for ``azure.cosmos.aio``)."""

    def __init__(self, key: str = WELL_KNOWN_KEY, *, lifetime: float = DEFAULT_LIFETIME_SECONDS):
        self._sync = EmulatorCredential(key, lifetime=lifetime)

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self._sync.get_token(*scopes, **kwargs)

    async def close(self) -> None:
        pass

    async def __aenter__(self) -> "AsyncEmulatorCredential":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        pass


# ----------------------------------------------------------------------------------------------- checking
def _b64decode(text: str) -> Optional[bytes]:
    padded = text + "=" * (-len(text) % 4)
    for decoder in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            return decoder(padded)
        except (binascii.Error, ValueError):
            continue
    return None


def _json_part(text: str) -> Optional[Dict[str, Any]]:
    raw = _b64decode(text)
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class AadTokenVerifier:
    """Checks ``type=aad`` tokens against the account key and applies the data-plane permission model.

    :param master_key: the account key (base64 text, as configured).
    :param clock: epoch seconds (replaceable in tests).
    """

    def __init__(self, master_key: str, clock: Callable[[], float] = time.time):
        self._key_text = master_key.encode("utf-8")
        self.clock = clock

    def __call__(self, address: Address, method: str, token: str, headers: Mapping[str, str]) -> None:
        self.check_token(token)
        refusal = management_refusal(address, method, headers)
        if refusal is not None:
            raise refusal

    def check_token(self, token: str) -> Dict[str, Any]:
        """The token's claims; 401 unless it is an emulator token for this key, valid now."""
        parts = token.split(".")
        if len(parts) != 3:
            raise unauthorized("The AAD token in the authorization header is not a JWT (header.claims.signature).")
        header, claims = _json_part(parts[0]), _json_part(parts[1])
        if header is None or claims is None:
            raise unauthorized("The AAD token in the authorization header could not be decoded.")
        if EMULATOR_KEY_ID not in (header.get("kid"), header.get("x5t")):
            raise unauthorized(f"The AAD token is not signed with the emulator's key '{EMULATOR_KEY_ID}' "
                               "(header kid/x5t).")
        signature = _b64decode(parts[2])
        if signature is None or signature != self._key_text:
            raise unauthorized("The AAD token's signature does not match the account key of this emulator.")
        now = self.clock()
        expires, not_before = claims.get("exp"), claims.get("nbf")
        if not isinstance(expires, (int, float)) or isinstance(expires, bool) or now > expires + CLOCK_LEEWAY_SECONDS:
            raise unauthorized("The AAD token has expired (or carries no exp claim). Please acquire a new token.")
        if isinstance(not_before, (int, float)) and not isinstance(not_before, bool) \
                and now + CLOCK_LEEWAY_SECONDS < not_before:
            raise unauthorized("The AAD token is not valid yet (nbf is in the future).")
        return claims


# What data-plane role-based access control lets an identity do, by resource type: None means every method.
_DATA_PLANE: Dict[str, Optional[frozenset]] = {
    "": frozenset({"GET", "HEAD"}),
    "dbs": frozenset({"GET", "HEAD"}),
    "colls": frozenset({"GET", "HEAD"}),
    "pkranges": frozenset({"GET", "HEAD"}),
    "docs": None,
    "conflicts": None,
    "operations": None,
}


def management_refusal(address: Address, method: str, headers: Optional[Mapping[str, str]] = None
                       ) -> Optional[CosmosError]:
    """The 403 an AAD identity gets for ``method`` on ``address`` when it is a management operation, else None.

    Metadata reads (GET of the account, databases, containers and partition key ranges, and queries of the
    database and container feeds) are data plane; stored procedures may be executed (POST to one) but not read or
    managed.
    """
    verb = method.upper()
    kind = address.resource_type
    allowed = _DATA_PLANE.get(kind, frozenset())
    if allowed is None or verb in allowed:
        return None
    if kind in ("dbs", "colls") and address.is_feed and verb == "POST" and _is_query(headers or {}):
        return None
    if kind == "sprocs" and not address.is_feed and verb == "POST":
        return None
    path = "/" + address.name_link if address.ids else ""
    if address.is_feed:
        path += "/" + kind
    return CosmosError(403, "Forbidden",
                       f"Request blocked by Auth {ACCOUNT_NAME} : The given request [{verb} {path or '/'}] cannot be "
                       "authorized by AAD token in data plane. Learn more: https://aka.ms/cosmos-native-rbac.",
                       SUBSTATUS_AAD_REQUEST_NOT_AUTHORIZED)


def _is_query(headers: Mapping[str, str]) -> bool:
    content_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    return (headers.get("x-ms-documentdb-isquery") or "").strip().lower() == "true" \
        or content_type == "application/query+json"
