"""The aiohttp application: one catch-all route that parses, authorizes and dispatches.

Handlers run synchronously on the event loop, so each request's storage work is atomic with
respect to other requests without locks.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, List, Optional

from aiohttp import web

from . import admin
from .addressing import parse_path
from .auth import Authenticator
from .errors import CosmosError, entity_too_large
from .faults import FaultInjector, FaultRule, classify
from .regions import Region, check_write_region, region_of
from .resources import dispatch
from .resources.common import is_rid_based
from .storage import Account
from .wire import Request, Response, error_response, new_activity_id, standard_headers

logger = logging.getLogger("cosmos_emulator")

# Largest body read at all; documents over 2 MB get the service's 413 from the document handler.
CLIENT_MAX_SIZE = 64 * 1024 * 1024

# A request filter sees each authorized request before dispatch and may answer it instead
# (fault injection, throttling); returning None lets the request through.
RequestFilter = Callable[[Request], Awaitable[Optional[Response]]]


class EmulatorState:
    """Everything a running emulator serves from.

    :param account: the account's resources.
    :param authenticator: checks each request's authorization.
    """

    def __init__(self, account: Account, authenticator: Authenticator, advertised_host: Optional[str] = None):
        self.account = account
        self.authenticator = authenticator
        # The host the account document's locations name (with the scheme and port actually served), as the
        # official emulator names 127.0.0.1 whatever host the client used; None: the host the client used.
        self.advertised_host = advertised_host
        # Multi-region simulation (regions.py): one entry per region, write region first; empty: one region.
        self.regions: List[Region] = []
        self.request_filters: List[RequestFilter] = []
        self.faults = FaultInjector()
        # How injected latency waits (replaceable in tests).
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def handle(self, http_request: web.Request) -> web.StreamResponse:
        if admin.is_admin_path(http_request.path):
            return await admin.handle(self, http_request)
        headers = {name.lower(): value for name, value in http_request.headers.items()}
        activity_id = headers.get("x-ms-activity-id") or new_activity_id()
        fault: Optional[FaultRule] = None
        try:
            try:
                body = await http_request.read()
            except web.HTTPRequestEntityTooLarge:
                raise entity_too_large() from None
            address = parse_path(http_request.raw_path)
            address.rid_based = is_rid_based(self.account, address.ids)
            self.authenticator.verify(http_request.method, address, headers)
            request = Request(
                method=http_request.method.upper(),
                address=address,
                headers=headers,
                body=body,
                base_url=self._base_url(http_request),
                activity_id=activity_id,
                query=dict(http_request.query),
            )
            response: Optional[Response] = None
            if self.regions:
                region = region_of(self.regions, _accepted_port(http_request))
                request.region = region.name if region is not None else None
                request.locations = [(entry.name, self._base_url(http_request, entry.port))
                                     for entry in self.regions]
                check_write_region(self.regions, region, classify(request))
            fault = self.faults.match(request)
            if fault is not None:
                if fault.delay_ms:
                    await self.sleep(fault.delay_ms / 1000.0)
                if fault.status is not None:
                    response = fault.answer(activity_id)
            for request_filter in self.request_filters:
                if response is not None:
                    break
                response = await request_filter(request)
            if response is None:
                response = dispatch(self.account, request)
        except CosmosError as error:
            response = error_response(error, activity_id)
        except Exception as error:  # an emulator bug must still answer like a gateway would
            logger.exception("internal error handling %s %s", http_request.method, http_request.path)
            response = error_response(CosmosError(500, "InternalServerError", f"Internal error: {error!r}"),
                                      activity_id)
        if fault is not None and fault.drop_connection:
            return await _drop_midway(http_request, response, activity_id)
        return _to_http(response, activity_id)


    def _base_url(self, http_request: web.Request, port: Optional[int] = None) -> str:
        """``scheme://host:port`` for the account document: the advertised host with the port this connection was
        accepted on (or ``port``, another region's), or (without an advertised host) the host the client
        addressed."""
        if self.advertised_host is None:
            if port is None:
                return f"{http_request.scheme}://{http_request.host}"
            host = http_request.host.rsplit(":", 1)[0] if not http_request.host.endswith("]") else http_request.host
            return f"{http_request.scheme}://{host}:{port}"
        port = port if port is not None else _accepted_port(http_request)
        if port is None:
            return f"{http_request.scheme}://{http_request.host}"
        return f"{http_request.scheme}://{self.advertised_host}:{port}"


def _accepted_port(http_request: web.Request) -> Optional[int]:
    transport = http_request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    return sockname[1] if isinstance(sockname, tuple) and len(sockname) >= 2 else None


async def _drop_midway(http_request: web.Request, response: Response, activity_id: str) -> web.StreamResponse:
    """Send the status line, the headers and half the body, then cut the connection (an injected
    network failure after the server did the work)."""
    body = response.body or b""
    transport = http_request.transport
    if len(body) < 2 or transport is None:
        # Nothing worth halving: cut the connection before the status line.
        if transport is not None:
            transport.abort()
        return web.Response(status=response.status)
    headers = standard_headers(activity_id)
    headers.update(response.headers)
    headers.setdefault("content-type", "application/json")
    stream = web.StreamResponse(status=response.status, headers=headers)
    stream.content_length = len(body)
    await stream.prepare(http_request)
    await stream.write(body[:len(body) // 2])
    transport.abort()
    return stream


def _to_http(response: Response, activity_id: str) -> web.Response:
    headers = standard_headers(activity_id)
    headers.update(response.headers)
    if response.body is not None and response.status != 304:
        headers.setdefault("content-type", "application/json")
        return web.Response(status=response.status, body=response.body, headers=headers)
    return web.Response(status=response.status, headers=headers)


STATE_KEY = web.AppKey("emulator", EmulatorState)


def build_application(state: EmulatorState) -> web.Application:
    application = web.Application(client_max_size=CLIENT_MAX_SIZE)
    application[STATE_KEY] = state
    application.router.add_route("*", "/{tail:.*}", state.handle)
    return application
