"""Request authorization as the gateway checks it.

Master key: the ``authorization`` header (URL-encoded) is ``type=master&ver=1.0&sig=<base64>``
where sig is HMAC-SHA256, keyed by the base64-decoded account key, over::

    verb.lower() \\n resource_type.lower() \\n resource_link \\n x-ms-date.lower() \\n date.lower() \\n

``resource_link`` is the name-based link as sent (case kept) or, for rid-based paths, the rid in
lower case. The date must be within 15 minutes of the server clock.

Resource tokens (``type=resource``) are delegated to :attr:`Authenticator.resource_token_verifier`,
the hook the permissions feature plugs into, and Microsoft Entra ID tokens (``type=aad``) to
:attr:`Authenticator.aad_token_verifier` (:mod:`.aad`); without them they are refused with 401.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import email.utils
import functools
import hashlib
import hmac
from typing import Callable, Mapping, Optional
from urllib.parse import unquote

from .addressing import Address
from .errors import CosmosError, unauthorized

ALLOWED_CLOCK_SKEW = datetime.timedelta(minutes=15)
# The account key every Cosmos DB emulator starts with unless told otherwise.
WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="

_WRONG_SIGNATURE = (
    "The input authorization token can't serve the request. The wrong key is being used or the "
    "expected payload is not built as per the protocol. For more info: https://aka.ms/cosmosdb-tsg-401. "
    "Server used the following payload to sign: '{payload}'")

# verify(address, method, token_text, headers) -> None, raising CosmosError (401/403) to refuse.
ResourceTokenVerifier = Callable[[Address, str, str, Mapping[str, str]], None]


class Authenticator:
    """Checks the ``authorization`` header of each request.

    :param master_key: the account key (base64 text).
    """

    def __init__(self, master_key: str):
        try:
            self._key = base64.b64decode(master_key, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("the account key must be base64") from error
        self.master_key = master_key
        self.resource_token_verifier: Optional[ResourceTokenVerifier] = None
        # Same signature as resource_token_verifier, for ``type=aad`` bearer tokens (see :mod:`.aad`).
        self.aad_token_verifier: Optional[ResourceTokenVerifier] = None

    def string_to_sign(self, method: str, address: Address, headers: Mapping[str, str]) -> str:
        x_date = headers.get("x-ms-date", "")
        http_date = "" if x_date else headers.get("date", "")
        return "{}\n{}\n{}\n{}\n{}\n".format(
            method.lower(), address.signing_resource_type.lower(), address.signing_link(),
            x_date.lower(), http_date.lower())

    def signature(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def verify(self, method: str, address: Address, headers: Mapping[str, str],
               now: Optional[datetime.datetime] = None) -> str:
        """Refuse the request unless it is properly signed; return the auth type used.

        :raises CosmosError: 401 on a missing, malformed or wrong signature or a skewed date.
        """
        raw = headers.get("authorization")
        if not raw:
            raise unauthorized("Required Header authorization is missing. "
                               "Ensure a valid Authorization token is passed.")
        fields = _parse_authorization(unquote(raw))
        auth_type = fields.get("type", "").lower()
        signature = fields.get("sig")
        version = fields.get("ver")
        if not auth_type or not signature or not (version == "1.0" or (version == "1" and auth_type == "resource")):
            raise unauthorized("The authorization token is not in the expected format "
                               "'type=<master|resource|aad>&ver=1.0&sig=<signature>'.")
        self._check_date(headers, now)
        if auth_type == "master":
            payload = self.string_to_sign(method, address, headers)
            expected = self.signature(payload)
            if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
                raise unauthorized(_WRONG_SIGNATURE.format(payload=payload))
            return "master"
        if auth_type == "resource":
            if self.resource_token_verifier is None:
                raise unauthorized("Resource tokens are not accepted by this emulator yet.")
            self.resource_token_verifier(address, method, signature, headers)
            return "resource"
        if auth_type == "aad":
            if self.aad_token_verifier is None:
                raise unauthorized("AAD tokens are not accepted by this emulator.")
            self.aad_token_verifier(address, method, signature, headers)
            return "aad"
        raise unauthorized(f"The authorization type '{auth_type}' is not supported.")

    @staticmethod
    def _check_date(headers: Mapping[str, str], now: Optional[datetime.datetime]) -> None:
        text = headers.get("x-ms-date") or headers.get("date")
        if not text:
            raise unauthorized("The input date header is invalid format. "
                               "Please pass in RFC 1123 style date format.")
        sent = _parse_http_date(text)
        if sent is None:
            raise unauthorized("The input date header is invalid format. "
                               "Please pass in RFC 1123 style date format.")
        current = now or datetime.datetime.now(datetime.timezone.utc)
        if abs(current - sent) > ALLOWED_CLOCK_SKEW:
            raise CosmosError(
                401, "Unauthorized",
                "The authorization token is not valid at the current time. Please create another token "
                "and retry (token start time: {}, token expiry time: {}, current server time: {}).".format(
                    email.utils.format_datetime(sent - ALLOWED_CLOCK_SKEW, usegmt=True),
                    email.utils.format_datetime(sent + ALLOWED_CLOCK_SKEW, usegmt=True),
                    email.utils.format_datetime(current, usegmt=True)))


@functools.lru_cache(maxsize=256)
def _parse_http_date(text: str) -> Optional[datetime.datetime]:
    # Clients send the same second-resolution date on many requests: parse each once.
    try:
        sent = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if sent is None:
        return None
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=datetime.timezone.utc)


def _parse_authorization(text: str) -> dict:
    fields = {}
    for part in text.split("&"):
        name, separator, value = part.partition("=")
        if separator:
            fields[name.strip().lower()] = value.strip()
    return fields
