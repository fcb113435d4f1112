"""Master-key authorization: signature, date skew, header encoding, rid-based links."""
from __future__ import annotations

import datetime
import email.utils

from cosmos_http import sign


def test_good_key_reads_account(http, server):
    reply = http.request("GET", "/")
    assert reply.status == 200, reply
    assert reply.json["id"]


def test_wrong_key_is_401_with_service_body(http):
    wrong = "D" + http.key[1:]
    reply = http.request("GET", "/dbs", key=wrong)
    assert reply.status == 401
    body = reply.json
    assert body["code"] == "Unauthorized"
    assert "Server used the following payload to sign: 'get\ndbs\n\n" in body["message"]


def test_missing_authorization_is_401(http):
    reply = http.request("GET", "/dbs", auth="")
    assert reply.status == 401
    assert "authorization is missing" in reply.json["message"]


def test_malformed_authorization_is_401(http):
    reply = http.request("GET", "/dbs", auth="garbage")
    assert reply.status == 401
    assert reply.json["code"] == "Unauthorized"


def test_signature_over_wrong_link_is_401(http, database):
    reply = http.request("GET", f"/dbs/{database}", sign_as=("dbs", "dbs/other"))
    assert reply.status == 401


def test_date_skew_over_15_minutes_is_401(http):
    old = email.utils.format_datetime(
        datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16), usegmt=True)
    reply = http.request("GET", "/dbs", date=old)
    assert reply.status == 401
    assert "not valid at the current time" in reply.json["message"]


def test_date_skew_within_15_minutes_is_accepted(http):
    recent = email.utils.format_datetime(
        datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14), usegmt=True)
    assert http.request("GET", "/dbs", date=recent).status == 200


def test_unparseable_date_is_401(http):
    reply = http.request("GET", "/dbs", date="yesterday")
    assert reply.status == 401


def test_unencoded_authorization_header_is_accepted(http):
    date = email.utils.formatdate(usegmt=True)
    from urllib.parse import unquote
    raw = unquote(sign(http.key, "GET", "dbs", "", date))
    assert http.request("GET", "/dbs", auth=raw, date=date).status == 200


def test_rid_based_link_is_signed_with_lowercase_rid(http, database):
    rid = http.request("GET", f"/dbs/{database}").json["_rid"]
    reply = http.request("GET", f"/dbs/{rid}", sign_as=("dbs", rid.lower()))
    assert reply.status == 200, reply
    assert reply.json["id"] == database
    assert http.request("GET", f"/dbs/{rid}", sign_as=("dbs", rid)).status == (200 if rid == rid.lower() else 401)


def test_name_based_link_keeps_case(http):
    name = "MixedCaseDb"
    assert http.create_database(name).status in (201, 409)
    assert http.request("GET", f"/dbs/{name}", sign_as=("dbs", f"dbs/{name.lower()}")).status == 401
    assert http.request("GET", f"/dbs/{name}").status == 200
    http.request("DELETE", f"/dbs/{name}")


def test_errors_carry_activity_id_echo(http):
    reply = http.request("GET", "/dbs/does-not-exist", headers={"x-ms-activity-id": "abc-123"})
    assert reply.status == 404
    assert reply.headers["x-ms-activity-id"] == "abc-123"
    assert "ActivityId: abc-123" in reply.json["message"]
