# The MIT License (MIT)
"""The objects ``raw_request_hook`` and ``raw_response_hook`` receive, shaped as azure-core's.

4.x calls those hooks from azure-core's ``CustomHookPolicy`` with a ``PipelineRequest`` /
``PipelineResponse``. These are the same azure-core classes, holding azure-core's (legacy transport)
``HttpRequest`` and an ``HttpResponse`` subclass filled from the engine's final response: ``.status_code``,
``.reason``, ``.headers``, ``.content_type``, ``.body()``, ``.text()``, ``.json()``, ``.request``.

The request is the operation's as the facade asked for it: method, resource URL, the headers the call's
options become (not the ones the engine adds itself: date, authorization, user agent, ...) and the body.
"""
from __future__ import annotations

import http
import json
from typing import Any, Mapping, Optional

from azure.core.pipeline import PipelineContext, PipelineRequest, PipelineResponse
from azure.core.pipeline.transport import HttpRequest, HttpResponse
from azure.core.utils import CaseInsensitiveDict


class EngineHttpResponse(HttpResponse):
    """A completed response of the engine as azure-core's ``HttpResponse``."""

    def __init__(self, request: Optional[HttpRequest], status_code: int, headers: Mapping[str, str],
                 body: bytes) -> None:
        super().__init__(request, None)  # type: ignore[arg-type]
        self.status_code = status_code
        self.headers = CaseInsensitiveDict(headers)
        try:
            self.reason = http.HTTPStatus(status_code).phrase
        except ValueError:
            self.reason = None
        self.content_type = self.headers.get("content-type") or ("application/json" if body else None)
        self._body = body

    def body(self) -> bytes:
        """The whole body (``b""`` when the service sent none).

        :rtype: bytes
        """
        return self._body

    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body).

        :rtype: Any
        """
        return json.loads(self._body) if self._body else None

    def __repr__(self) -> str:
        return "<EngineHttpResponse: {} {}>".format(self.status_code, self.reason)


def pipeline_request(operation: Any) -> PipelineRequest:
    """The ``PipelineRequest`` of an operation (an :class:`~azure.cosmos._http_logging.OperationView`).

    :param operation: The operation.
    :returns: The request, with a fresh ``PipelineContext``.
    :rtype: ~azure.core.pipeline.PipelineRequest
    """
    request = HttpRequest(operation.method, operation.url, headers=dict(operation.headers), data=operation.body)
    return PipelineRequest(request, PipelineContext(None))


def pipeline_response(request: Optional[PipelineRequest], status_code: int, headers: Mapping[str, str],
                      body: bytes) -> PipelineResponse:
    """The ``PipelineResponse`` of an operation's final response.

    :param request: The operation's request (its context is shared with the response, as in azure-core).
    :param int status_code: The HTTP status.
    :param headers: The response headers.
    :param bytes body: The response body.
    :rtype: ~azure.core.pipeline.PipelineResponse
    """
    context = request.context if request is not None else PipelineContext(None)
    http_request = request.http_request if request is not None else None
    return PipelineResponse(http_request, EngineHttpResponse(http_request, status_code, headers, body), context)
