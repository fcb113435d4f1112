# The MIT License (MIT)
"""Exceptions raised by the Azure Cosmos DB client.

The classes and their bases are those of azure-cosmos 4.x, so ``except`` clauses
written for 4.x (including the azure-core ones such as
:class:`~azure.core.exceptions.ResourceNotFoundError`) keep working.
"""
from __future__ import annotations

import http
import json
from typing import Any, Dict, List, Mapping, Optional

from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    IncompleteReadError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.core.utils import CaseInsensitiveDict

from . import http_constants

_SUB_STATUS_HEADER = http_constants.HttpHeaders.SubStatus


def _format_message(status: int, sub_status: Optional[int], message: Any) -> str:
    if sub_status is not None:
        return "Status code: %d Sub-status: %d\n%s" % (status, sub_status, str(message))
    return "Status code: %d\n%s" % (status, str(message))


class CosmosHttpResponseError(HttpResponseError):
    """An HTTP request to the Azure Cosmos database service has failed.

    :ivar int status_code: The HTTP status code of the response.
    :ivar sub_status: The Cosmos DB sub-status (``x-ms-substatus``), if the service sent one.
    :vartype sub_status: int or None
    :ivar headers: The response headers.
    :vartype headers: ~azure.core.utils.CaseInsensitiveDict
    :ivar str http_error_message: The response body as text.
    :ivar endpoint: The endpoint the failed request went to, where known.
    :vartype endpoint: str or None
    """

    def __init__(self, status_code: Optional[int] = None, message: Optional[str] = None, response: Any = None,
                 **kwargs: Any) -> None:
        """
        :param int status_code: HTTP response code.
        :param str message: Error message.
        """
        self.headers: Mapping[str, str] = response.headers if response else {}
        self.sub_status: Optional[int] = kwargs.pop("sub_status", None)
        self.endpoint: Optional[str] = kwargs.pop("endpoint", None)
        self.http_error_message: Optional[str] = message
        status = status_code or (int(response.status_code) if response else 0)
        if _SUB_STATUS_HEADER in self.headers:
            self.sub_status = int(self.headers[_SUB_STATUS_HEADER])
        formatted = _format_message(status, self.sub_status, message)
        super().__init__(message=formatted, response=response, **kwargs)
        self.status_code: int = status

    def __str__(self) -> str:
        parts = [super().__str__()]
        if self.endpoint:
            parts.append(f"Endpoint: {self.endpoint}")
        if self.sub_status:
            parts.append(f"Sub Status: {self.sub_status}")
        return " , ".join(parts)


class CosmosResourceNotFoundError(ResourceNotFoundError, CosmosHttpResponseError):
    """An HTTP error response with status code 404."""


class CosmosResourceExistsError(ResourceExistsError, CosmosHttpResponseError):
    """An HTTP error response with status code 409."""


class CosmosAccessConditionFailedError(CosmosHttpResponseError):
    """An HTTP error response with status code 412."""


class CosmosBatchOperationError(HttpResponseError):
    """A transactional batch request to the Azure Cosmos database service has failed.

    :ivar int error_index: Index of the operation within the batch that caused the error.
    :ivar headers: Error headers.
    :vartype headers: dict[str, Any]
    :ivar int status_code: HTTP response code.
    :ivar str message: Error message.
    :ivar operation_responses: The responses of the batch's operations.
    :vartype operation_responses: list[dict[str, Any]]
    """

    def __init__(
        self,
        error_index: Optional[int] = None,
        headers: Optional[Mapping[str, Any]] = None,
        status_code: Optional[int] = None,
        message: Optional[str] = None,
        operation_responses: Optional[List[Dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> None:
        self.error_index: Optional[int] = error_index
        self.headers: Mapping[str, Any] = headers if headers is not None else {}
        self.sub_status: Optional[int] = None
        self.http_error_message: Optional[str] = message
        # Never None, so a handler can iterate it (the SDK always passes the batch's responses).
        self.operation_responses: List[Dict[str, Any]] = (
            operation_responses if operation_responses is not None else [])
        if _SUB_STATUS_HEADER in self.headers:
            self.sub_status = int(self.headers[_SUB_STATUS_HEADER])
        formatted = _format_message(status_code or 0, self.sub_status, message)
        super().__init__(message=formatted, response=None, **kwargs)
        self.status_code: Optional[int] = status_code


class CosmosClientTimeoutError(AzureError):
    """An operation failed to complete within the specified timeout."""

    def __init__(self, message: Optional[str] = None, **kwargs: Any) -> None:
        if message is None:
            message = "The request failed to complete within the given timeout."
        self.response = None
        self.history = None
        super().__init__(message, **kwargs)


class _ServiceErrorResponse:
    """The failed service response an exception carries as ``.response``.

    Offers the part of azure-core's HTTP response interface that exception handling
    code reads (``status_code``, ``reason``, ``headers``, ``text()``, ``body()``,
    ``json()``), so ``HttpResponseError`` formats the error exactly as it does for 4.x.
    """

    def __init__(self, status_code: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status_code = status_code
        self.headers = CaseInsensitiveDict(headers)
        self.content = body
        try:
            self.reason = http.HTTPStatus(status_code).phrase
        except ValueError:
            self.reason = None
        self.request = None

    @property
    def content_type(self) -> Optional[str]:
        return self.headers.get("content-type")

    def body(self) -> bytes:
        return self.content

    def text(self, encoding: Optional[str] = None) -> str:
        return self.content.decode(encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.text())

    def __repr__(self) -> str:
        return "<CosmosErrorResponse: {} {}>".format(self.status_code, self.reason)


_BY_STATUS = {
    http_constants.StatusCodes.NOT_FOUND: CosmosResourceNotFoundError,
    http_constants.StatusCodes.CONFLICT: CosmosResourceExistsError,
    http_constants.StatusCodes.PRECONDITION_FAILED: CosmosAccessConditionFailedError,
}


def _from_engine(
    kind: str,
    status: int,
    sub_status: Optional[int],
    headers: Mapping[str, str],
    body: bytes,
    message: str,
) -> BaseException:
    """Build the exception for an engine failure (called by the native engine).

    :param str kind: ``"http"`` (the service answered with an error status), ``"timeout"``
        (the ``timeout`` keyword's budget ran out), ``"request"`` (nothing could be sent),
        ``"response"`` (the reply could not be read), ``"response_timeout"`` (no reply within the read
        timeout), ``"incomplete_read"`` (the reply's body broke off), ``"client"`` (rejected before sending)
        or ``"auth"`` (the credential cannot be used).
    :param int status: HTTP status (synthesised by the engine unless ``kind`` is ``"http"``).
    :param sub_status: Cosmos DB sub-status, if any.
    :type sub_status: int or None
    :param headers: Response headers by lower-case wire name.
    :type headers: Mapping[str, str]
    :param bytes body: The raw response body (``b""`` if none).
    :param str message: The engine's description of the failure.
    :returns: The exception to raise, of the class azure-cosmos 4.x raises in that case.
    :rtype: BaseException
    """
    if kind == "http":
        response = _ServiceErrorResponse(status, headers, body)
        error_class = _BY_STATUS.get(status, CosmosHttpResponseError)
        # 4.x's message is the body; a status the engine synthesised has none, so its
        # own description stands in.
        text = response.text() if body else message
        return error_class(message=text, response=response, sub_status=sub_status)
    if kind == "timeout":
        return CosmosClientTimeoutError()
    if kind == "request":
        return ServiceRequestError(message)
    if kind == "response":
        return ServiceResponseError(message)
    if kind == "response_timeout":
        return ServiceResponseTimeoutError(message)
    if kind == "incomplete_read":
        # As azure-core's transports raise it: the body broke off (an HttpResponseError, without a response).
        return IncompleteReadError(message=message)
    # "client" and "auth": 4.x rejects bad arguments and unusable keys with ValueError
    # (a master key that is not base64 fails with binascii.Error, a ValueError).
    return ValueError(message)
