# The MIT License (MIT)
"""The authorization header of a Cosmos DB REST request (4.x's deprecated ``auth`` module).

The engine signs every request it sends by itself; this module exists for code that signs
requests of its own with a client's connection, as 4.x allowed.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import warnings
from typing import Any, Mapping, Optional
from urllib.parse import unquote

from . import http_constants

# Path segments that name a kind of resource rather than one resource (``dbs`` in ``dbs/db1``).
_RESOURCE_KIND_SEGMENTS = frozenset(
    {"dbs", "colls", "docs", "sprocs", "udfs", "triggers", "users", "permissions", "attachments",
     "conflicts", "offers"}
)


def GetAuthorizationHeader(  # pylint: disable=invalid-name
    cosmos_client_connection, verb, path, resource_id_or_fullname, is_name_based, resource_type, headers
):
    """The value of the ``authorization`` header for one request (deprecated, as in 4.x).

    With an account key the value is ``type=master&ver=1.0&sig=<signature>``, where the
    signature is the base64 HMAC-SHA256, keyed with the decoded account key, of
    ``"{verb}\\n{resource_type}\\n{resource link}\\n{x-ms-date}\\n{date}\\n"`` (verb, resource
    type and dates lower-cased). The value is not URL-encoded: quote it before sending it.

    :param cosmos_client_connection: A client's connection (``client.client_connection``); its
        ``master_key`` signs, or without one its ``resource_tokens`` (a mapping of resource link
        to token) provide the token.
    :param str verb: The HTTP method: ``"get"``, ``"post"``, ``"put"``, ``"patch"`` or ``"delete"``.
    :param str path: The request path, used to pick a resource token; not part of the signature.
    :param str resource_id_or_fullname: The resource link, e.g. ``"dbs/db1/colls/c1"``, or the
        resource's ``_rid``; ``""`` for the account.
    :param bool is_name_based: Whether ``resource_id_or_fullname`` is a name-based link (kept as
        given) rather than a ``_rid`` (lower-cased before signing).
    :param str resource_type: The resource type, e.g. ``"docs"``, ``"colls"``, ``"dbs"``; ``""``
        for the account.
    :param dict headers: The request headers; ``x-ms-date`` and ``date`` are read from it.
    :returns: The header value, or ``None`` when the connection has neither a key nor a
        matching resource token.
    :rtype: str or None
    """
    warnings.warn(
        "GetAuthorizationHeader is deprecated and will be removed in a future release.",
        DeprecationWarning,
        stacklevel=2,
    )
    link = resource_id_or_fullname
    if link is not None and not is_name_based:
        # Resource ids are signed lower-case; names are signed exactly as written.
        link = link.lower()
    master_key = getattr(cosmos_client_connection, "master_key", None)
    if master_key:
        return _master_key_signature(master_key, verb, resource_type, link, headers)
    resource_tokens = getattr(cosmos_client_connection, "resource_tokens", None)
    if resource_tokens:
        return _resource_token(resource_tokens, path, link)
    return None


def _master_key_signature(master_key: str, verb: str, resource_type: str, link: Optional[str],
                          headers: Mapping[str, Any]) -> str:
    string_to_sign = "\n".join(
        (
            verb.lower(),
            resource_type.lower(),
            link or "",
            headers.get(http_constants.HttpHeaders.XDate, "").lower(),
            headers.get(http_constants.HttpHeaders.HttpDate, "").lower(),
            "",
        )
    )
    digest = hmac.new(base64.b64decode(master_key), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return "type=master&ver=1.0&sig=" + base64.b64encode(digest).decode("ascii")


def _resource_token(resource_tokens: Mapping[str, str], path: str, link: Optional[str]) -> Optional[str]:
    path = unquote(path)
    if not path and not link:
        # The account read: the service takes any of the tokens.
        return next(iter(resource_tokens.values()))
    if resource_tokens.get(link):  # type: ignore[arg-type]
        return resource_tokens[link]  # type: ignore[index]
    # Otherwise the token of the deepest resource on the path that one of the token links contains.
    segments = [segment for segment in path.split("/") if segment]
    for end in range(len(segments), 1, -1):
        if segments[end - 1] in _RESOURCE_KIND_SEGMENTS:
            continue
        prefix = "/".join(segments[:end])
        for resource_link, token in resource_tokens.items():
            if prefix in resource_link:
                return token
    return None
