"""A minimal signed HTTP client for the emulator's own tests (test-only code).

It speaks the gateway protocol directly with ``http.client`` and computes master-key signatures
itself, so the tests check the server's wire behaviour without any SDK in between.
"""
from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import ssl
import uuid
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote, urlsplit

RESOURCE_TYPES = ("dbs", "colls", "docs", "sprocs", "triggers", "udfs", "users", "permissions",
                  "offers", "pkranges", "conflicts", "attachments")


def resource_of(path: str) -> Tuple[str, str]:
    """(resource type, resource link) for a name-based path, as clients sign them."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return "", ""
    if len(parts) % 2 == 1:  # feed: type is the last segment, link is the parent
        return parts[-1], "/".join(parts[:-1])
    return parts[-2], "/".join(parts)


def sign(key: str, verb: str, resource_type: str, link: str, date: str) -> str:
    text = f"{verb.lower()}\n{resource_type.lower()}\n{link}\n{date.lower()}\n\n"
    digest = hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256).digest()
    return quote(f"type=master&ver=1.0&sig={base64.b64encode(digest).decode()}", safe="-_.!~*'()")


class Reply:
    def __init__(self, status: int, headers: Dict[str, str], raw: bytes):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.raw[:300]!r})"


class CosmosHttp:
    """Signed requests to one emulator endpoint over a kept-alive connection."""

    def __init__(self, endpoint: str, key: str):
        parts = urlsplit(endpoint)
        self.scheme = parts.scheme
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.key = key
        self._connection: Optional[http.client.HTTPConnection] = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            if self.scheme == "https":
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                self._connection = http.client.HTTPSConnection(self.host, self.port, timeout=30, context=context)
            else:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, verb: str, path: str, body: Any = None, *, headers: Optional[Dict[str, str]] = None,
                partition_key: Any = None, sign_as: Optional[Tuple[str, str]] = None,
                key: Optional[str] = None, date: Optional[str] = None, auth: Optional[str] = None,
                raw_body: Optional[bytes] = None) -> Reply:
        """Send one request.

        :param path: name-based path such as ``/dbs/db1/colls/c1/docs`` (ids unquoted; quoted here).
        :keyword partition_key: a list, sent as ``x-ms-documentdb-partitionkey``.
        :keyword sign_as: override (resource type, link) used in the signature.
        :keyword auth: send this authorization header verbatim (None: sign properly).
        """
        date = date or email.utils.formatdate(usegmt=True)
        resource_type, link = sign_as or resource_of(path)
        out = {"x-ms-date": date, "x-ms-version": "2020-07-15", "accept": "application/json"}
        out["authorization"] = auth if auth is not None else sign(key or self.key, verb, resource_type, link, date)
        if auth == "":
            del out["authorization"]
        if partition_key is not None:
            out["x-ms-documentdb-partitionkey"] = json.dumps(partition_key)
        payload = raw_body
        if payload is None and body is not None:
            payload = json.dumps(body).encode("utf-8")
            out["content-type"] = "application/json"
        out.update(headers or {})
        url = "/".join(quote(part, safe="") for part in path.split("/"))
        connection = self._connect()
        try:
            connection.request(verb, url, body=payload, headers=out)
            response = connection.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.close()
            connection = self._connect()
            connection.request(verb, url, body=payload, headers=out)
            response = connection.getresponse()
        raw = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)

    def rid_request(self, verb: str, link: str, body: Any = None, **kwargs: Any) -> Reply:
        """A request to a rid-based link (a ``_self`` value, or a feed below one), signed as clients sign it:
        with the lower-cased rid of the last resource in the link."""
        parts = [part for part in link.strip("/").split("/") if part]
        if len(parts) % 2:  # a feed: the type is the last segment, the link is its owner's rid
            resource_type, owner = parts[-1], (parts[-2] if len(parts) > 1 else "")
        else:
            resource_type, owner = parts[-2], parts[-1]
        return self.request(verb, "/" + "/".join(parts), body, sign_as=(resource_type, owner.lower()), **kwargs)

    # Conveniences ------------------------------------------------------------------------------
    def create_database(self, name: str, **kwargs: Any) -> Reply:
        return self.request("POST", "/dbs", {"id": name}, **kwargs)

    def create_container(self, db: str, name: str, pk: Any = None, **kwargs: Any) -> Reply:
        body: Dict[str, Any] = {"id": name}
        if pk is not None:
            body["partitionKey"] = pk
        body.update(kwargs.pop("extra", {}))
        return self.request("POST", f"/dbs/{db}/colls", body, **kwargs)

    def query(self, path: str, sql: str, parameters: Optional[list] = None, **kwargs: Any) -> Reply:
        headers = {"x-ms-documentdb-isquery": "true", "content-type": "application/query+json"}
        headers.update(kwargs.pop("headers", {}))
        payload = json.dumps({"query": sql, "parameters": parameters or []}).encode()
        return self.request("POST", path, raw_body=payload, headers=headers, **kwargs)


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"
