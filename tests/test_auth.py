"""azure.cosmos.auth.GetAuthorizationHeader: the 4.x master-key header, signed with a client's connection.

The expected values are computed here with hmac/hashlib, and the literal signatures are the ones
azure-cosmos 4.17.1's GetAuthorizationHeader returns for the same inputs (recorded, not imported).
"""
from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import ssl
import urllib.error
import urllib.parse
import urllib.request

import pytest

from azure.cosmos import CosmosClient
from azure.cosmos._client_connection import CosmosClientConnection, client_settings
from azure.cosmos.auth import GetAuthorizationHeader

KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
DATE = "Tue, 15 Nov 1994 08:12:31 GMT"


def _connection(key: str = KEY) -> CosmosClientConnection:
    # The connection exactly as CosmosClient builds it, without connecting.
    url = "https://127.0.0.1:8081/"
    options, defaults = client_settings(CosmosClient, url, key, None, {})
    return CosmosClientConnection(url, options, defaults)


def _expected(verb: str, resource_type: str, link: str, x_date: str = "", http_date: str = "") -> str:
    text = f"{verb.lower()}\n{resource_type.lower()}\n{link}\n{x_date.lower()}\n{http_date.lower()}\n"
    digest = hmac.new(base64.b64decode(KEY), text.encode("utf-8"), hashlib.sha256).digest()
    return "type=master&ver=1.0&sig=" + base64.b64encode(digest).decode()


def _header(connection, *args):
    with pytest.warns(DeprecationWarning):
        return GetAuthorizationHeader(connection, *args)


# (verb, path, resource_id_or_fullname, is_name_based, resource_type, headers), signed link,
# and the signature 4.17.1 returns.
CASES = [
    pytest.param(("GET", "dbs/MyDb/colls/Items/docs/Item1", "dbs/MyDb/colls/Items/docs/Item1", True, "docs",
                  {"x-ms-date": DATE}), "dbs/MyDb/colls/Items/docs/Item1",
                 "dJGNftzwndNxM0PUqdbI9yLx2BQq2bnrlfz2CIRofe8=", id="point-read-name-case-kept"),
    pytest.param(("post", "dbs/MyDb/colls/Items/docs", "dbs/MyDb/colls/Items", True, "docs",
                  {"x-ms-date": DATE}), "dbs/MyDb/colls/Items",
                 "SAGzI2W/92o/mG4PLR30JhIAAfao3M/lj7HM29iOkZg=", id="create-signs-parent-link"),
    pytest.param(("get", "dbs/AbC==/colls/XyZ=/", "AbC==/colls/XyZ=", False, "colls",
                  {"x-ms-date": DATE}), "abc==/colls/xyz=",
                 "h1rpYw3ek6JEYkdwx+zIXDiiRVWR2Hv8hMgJlov70KU=", id="rid-lower-cased"),
    pytest.param(("get", "", "", True, "", {"x-ms-date": DATE}), "",
                 "N3AuTyKpEavezflJQjz+vugnm5MoBA4MG/JeZ5SLWBo=", id="account-read"),
]


@pytest.mark.parametrize("args, signed_link, signature_4x", CASES)
def test_master_key_header_is_the_4x_signature(args, signed_link, signature_4x):
    verb, _path, _link, _name_based, resource_type, headers = args
    header = _header(_connection(), *args)
    assert header == _expected(verb, resource_type, signed_link, headers["x-ms-date"])
    assert header == "type=master&ver=1.0&sig=" + signature_4x


def test_date_header_is_signed_after_x_ms_date():
    headers = {"x-ms-date": DATE, "date": DATE}
    header = _header(_connection(), "get", "", "", True, "", headers)
    assert header == _expected("get", "", "", DATE, DATE)
    assert header == "type=master&ver=1.0&sig=iF/CXNj/QwEGL5NER55EAvtIuwm/LpD0TN16T69vhI0="


def test_no_dates_and_no_link_sign_empty_lines():
    header = _header(_connection(), "get", "", None, True, "", {})
    assert header == _expected("get", "", "")
    assert header == "type=master&ver=1.0&sig=NcRv6hbjGhxHjx0f8eCoYfYz5H3vsDwPS1l4V7NyTyU="


def test_another_key_gives_another_signature():
    other = base64.b64encode(b"another key of some length").decode()
    args = ("get", "", "", True, "", {"x-ms-date": DATE})
    assert _header(_connection(other), *args) != _header(_connection(), *args)


def test_connection_key_is_read_only_and_not_shown():
    connection = _connection()
    assert connection.master_key == KEY
    with pytest.raises(AttributeError):
        connection.master_key = "other"
    assert "master_key" not in vars(connection)
    assert KEY not in repr(connection) and KEY not in str(connection)


class _TokenConnection:
    """A 4.x-shaped connection holding resource tokens instead of a key."""

    master_key = None

    def __init__(self, resource_tokens):
        self.resource_tokens = resource_tokens


TOKENS = {"dbs/db1/colls/c1": "tok-c1", "dbs/db1/colls/c2/docs/d1": "tok-d1"}


@pytest.mark.parametrize(
    "path, link, name_based, token",
    [
        ("", "", True, "tok-c1"),  # the account read takes any token
        ("dbs/db1/colls/c1", "dbs/db1/colls/c1", True, "tok-c1"),  # the link's own token
        ("dbs/db1/colls/c1/docs/x", "dbs/db1/colls/c1/docs/x", True, "tok-c1"),  # its container's
        ("/dbs/db1/colls/c2/docs/d1/", "DBS/DB1", False, "tok-d1"),  # deepest resource on the path
        ("dbs/db1", "dbs/db1", True, "tok-c1"),  # a token link that contains the path
    ],
)
def test_resource_token_is_picked_as_4x_picks_it(path, link, name_based, token):
    assert _header(_TokenConnection(TOKENS), "get", path, link, name_based, "docs", {}) == token


def test_no_credentials_give_none():
    assert _header(_TokenConnection({}), "get", "", "", True, "", {}) is None


def _send_signed(server, connection, verb_signed: str, resource_type: str, path: str) -> int:
    """GET ``path`` from the server with a header signed for ``verb_signed``; the HTTP status."""
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": "2020-07-15"}
    value = _header(connection, verb_signed, path, "", True, resource_type, headers)
    headers["authorization"] = urllib.parse.quote(value, safe="-_.!~*'()")
    request = urllib.request.Request(server.endpoint + path, method="GET", headers=headers)
    context = ssl._create_unverified_context()  # noqa: S323  loopback server, self-signed certificate
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_signed_request_is_accepted_by_the_server(cosmos_server):
    cosmos_server.skip_unless("auth")
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        assert _send_signed(cosmos_server, client.client_connection, "get", "", "") == 200
        assert _send_signed(cosmos_server, client.client_connection, "get", "dbs", "dbs") == 200
        # Signed for another verb: the server computes another signature and refuses it.
        assert _send_signed(cosmos_server, client.client_connection, "post", "dbs", "dbs") == 401
