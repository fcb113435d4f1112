# The MIT License (MIT)
"""Result types: documents and lists with their response headers, and paged query results.

Paged results are driven by the engine's ``Pager`` (one page per service round trip).
``by_page(continuation_token)`` starts a new engine pager at that token, so a token
taken from one page iterator resumes exactly after the page it came from.
"""
from __future__ import annotations

from typing import (
    Any, AsyncIterator, Awaitable, Callable, Dict, Generic, Iterable, Iterator, List, Mapping, Optional, cast,
)

from azure.core.async_paging import AsyncItemPaged, AsyncList, AsyncPageIterator
from azure.core.exceptions import AzureError
from azure.core.paging import ItemPaged, PageIterator
from azure.core.utils import CaseInsensitiveDict
from typing_extensions import TypeVar

from ._serialization import load_feed_items

# A page callback receives the page's headers and its parsed items.
PageCallback = Callable[[Mapping[str, str], List[Dict[str, Any]]], None]

# What a paged result yields: resources (dicts) unless a query's SELECT VALUE makes them any JSON value,
# which is why the query methods return ``CosmosItemPaged[Any]``.
ItemType = TypeVar("ItemType", default=Dict[str, Any])


def _store_is_filled_directly() -> bool:
    probe = CaseInsensitiveDict({"X-Probe": "1"})
    return getattr(probe, "_store", None) == {"x-probe": ("X-Probe", "1")}


# azure-core's CaseInsensitiveDict keeps ``{lower-case name: (name, value)}`` in ``_store``; filling it in one
# comprehension takes about 60% of the time of ``update()``'s per-header ``__setitem__`` calls (2.3 vs 3.9 us
# for a point read's 12 headers). Checked once against the installed azure-core: any other layout takes the
# public constructor.
_FILL_STORE = _store_is_filled_directly()


def response_headers(headers: Mapping[str, str]) -> CaseInsensitiveDict:
    """A response's headers (by wire name) as the case-insensitive dict 4.x returns.

    :param headers: The headers.
    :returns: A new dict of them.
    :rtype: ~azure.core.utils.CaseInsensitiveDict
    """
    if not _FILL_STORE:
        return CaseInsensitiveDict(headers)
    recorded = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    recorded._store = {name.lower(): (name, value) for name, value in headers.items()}  # pylint: disable=protected-access
    return recorded


def headers_of_response(response: Any) -> CaseInsensitiveDict:
    """An engine response's headers as the case-insensitive dict 4.x returns, built from the store the
    engine lays out (``Response.header_store``) when azure-core keeps that layout.

    :param response: An engine ``Response``.
    :returns: A new dict of its headers.
    :rtype: ~azure.core.utils.CaseInsensitiveDict
    """
    if not _FILL_STORE:
        return CaseInsensitiveDict(response.headers)
    recorded = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    recorded._store = response.header_store  # pylint: disable=protected-access
    return recorded


def replace_headers(target: CaseInsensitiveDict, headers: CaseInsensitiveDict) -> None:
    """Make ``target`` hold exactly ``headers`` (a pager's shared header dict, refreshed per page).

    :param target: The dict to refresh in place (callers hold on to it).
    :param headers: The new page's headers.
    """
    if _FILL_STORE:
        # MutableMapping.clear() pops one header at a time: a tenth of a page's Python time.
        target._store = dict(headers._store)  # pylint: disable=protected-access
        return
    target.clear()
    target.update(headers)


class CosmosDict(Dict[str, Any]):
    """A ``dict`` result (an item or resource) that also carries its response headers."""

    def __init__(self, original_dict: Optional[Mapping[str, Any]], /, *, response_headers: CaseInsensitiveDict) -> None:
        super().__init__(original_dict if original_dict is not None else {})
        self._response_headers = response_headers

    def get_response_headers(self) -> CaseInsensitiveDict:
        """Return a copy of the headers of the response this result came from.

        :return: The response headers (request charge, etag, session token, activity id, ...).
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        return self._response_headers.copy()


class CosmosList(List[Dict[str, Any]]):
    """A ``list`` result that also carries its response headers."""

    def __init__(self, original_list: Optional[Iterable[Dict[str, Any]]], /, *,
                 response_headers: CaseInsensitiveDict) -> None:
        super().__init__(original_list if original_list is not None else [])
        self._response_headers = response_headers

    def get_response_headers(self) -> CaseInsensitiveDict:
        """Return a copy of the headers of the response this result came from.

        :return: The response headers.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        return self._response_headers.copy()


def _accept_page(iterator: Any, page: Any) -> Optional[list]:
    """One engine page for a (sync or async) page iterator: its items, or ``None`` at the end.

    An empty page is never handed out as a page (4.x yields none for a query without
    results, nor for a change feed with no new changes); its headers are still recorded,
    and a change feed's last page leaves its token, to poll again from, on the iterator.
    """
    if page is None:
        iterator._finished = True
        iterator.continuation_token = None
        return None
    items = page.parse_body(load_feed_items)
    iterator._did_a_call_already = True
    iterator._on_page(page.headers, items)
    if not items:
        iterator._finished = True
        if page.continuation is not None:
            iterator.continuation_token = page.continuation
        return None
    iterator.continuation_token = page.continuation
    iterator._finished = page.continuation is None
    return items


class _EnginePageIterator(PageIterator[ItemType]):
    """Pages of one engine pager, started at ``continuation_token``.

    :param start: Creates the engine pager for a continuation token (``None``: the start).
    :param on_page: Called with each page's headers and items before the page is returned.
    :param continuation_token: Where to resume.
    """

    def __init__(self, start: Callable[[Optional[str]], Any], on_page: PageCallback,
                 continuation_token: Optional[str] = None) -> None:
        super().__init__(get_next=self._unused, extract_data=self._unused, continuation_token=continuation_token)
        self._start = start
        self._on_page = on_page
        self._pager: Any = None
        self._finished = False

    @staticmethod
    def _unused(*_args: Any) -> Any:
        raise NotImplementedError  # paging is driven by __next__ below

    def __next__(self) -> Iterator[ItemType]:
        if self._finished:
            raise StopIteration("End of paging")
        try:
            if self._pager is None:
                self._pager = self._start(self.continuation_token)
            page = self._pager.next_page()
        except AzureError as error:
            if not error.continuation_token:
                error.continuation_token = self.continuation_token
            raise
        return iter(self._accept(page))

    next = __next__

    def _accept(self, page: Any) -> List[ItemType]:
        items = _accept_page(self, page)
        if items is None:
            raise StopIteration("End of paging")
        self._current_page = items
        return items


class _EngineAsyncPageIterator(AsyncPageIterator[ItemType]):
    """Async twin of :class:`_EnginePageIterator`; ``start`` is a coroutine function
    (the async client may still have to connect)."""

    def __init__(self, start: Callable[[Optional[str]], Awaitable[Any]], on_page: PageCallback,
                 continuation_token: Optional[str] = None) -> None:
        super().__init__(get_next=self._unused, extract_data=self._unused, continuation_token=continuation_token)
        self._start = start
        self._on_page = on_page
        self._pager: Any = None
        self._finished = False

    @staticmethod
    async def _unused(*_args: Any) -> Any:
        raise NotImplementedError  # paging is driven by __anext__ below

    async def __anext__(self) -> AsyncIterator[ItemType]:
        if self._finished:
            raise StopAsyncIteration("End of paging")
        try:
            if self._pager is None:
                self._pager = await self._start(self.continuation_token)
            page = await self._pager.next_page_async()
        except AzureError as error:
            if not error.continuation_token:
                error.continuation_token = self.continuation_token
            raise
        items = _accept_page(self, page)
        if items is None:
            raise StopAsyncIteration("End of paging")
        self._current_page = AsyncList(items)
        return self._current_page


class CosmosItemPaged(ItemPaged[ItemType], Generic[ItemType]):
    """An iterable of query or feed results that also gives the latest page's response headers.

    Iterate it for items, or call ``by_page(continuation_token)`` for pages; the page
    iterator's ``continuation_token`` resumes right after the page last returned.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        popped = kwargs.pop("response_headers", None)
        self._response_headers: CaseInsensitiveDict = popped if popped is not None else CaseInsensitiveDict()
        kwargs.setdefault("page_iterator_class", _EnginePageIterator)
        super().__init__(*args, **kwargs)

    def get_response_headers(self) -> CaseInsensitiveDict:
        """Return a copy of the response headers of the most recently fetched page.

        :return: The latest page's headers, empty before the first page is fetched.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        return self._response_headers.copy()

    def by_page(self, continuation_token: Optional[str] = None) -> PageIterator[ItemType]:
        """Return the results page by page, starting at ``continuation_token``.

        :param continuation_token: Where to resume: a page iterator's ``continuation_token``;
            ``None`` starts at the first page.
        :type continuation_token: str or None
        :return: An iterator of pages (each an iterator of items) whose ``continuation_token``
            resumes right after the page it returned last.
        :rtype: ~azure.core.paging.PageIterator
        """
        return cast("PageIterator[ItemType]", super().by_page(continuation_token))


class CosmosAsyncItemPaged(AsyncItemPaged[ItemType], Generic[ItemType]):
    """Async twin of :class:`CosmosItemPaged`: ``async for`` over items, or ``by_page()``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        popped = kwargs.pop("response_headers", None)
        self._response_headers: CaseInsensitiveDict = popped if popped is not None else CaseInsensitiveDict()
        kwargs.setdefault("page_iterator_class", _EngineAsyncPageIterator)
        super().__init__(*args, **kwargs)

    def get_response_headers(self) -> CaseInsensitiveDict:
        """Return a copy of the response headers of the most recently fetched page.

        :return: The latest page's headers, empty before the first page is fetched.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        return self._response_headers.copy()

    def by_page(self, continuation_token: Optional[str] = None) -> AsyncPageIterator[ItemType]:
        """Return the results page by page, starting at ``continuation_token``.

        :param continuation_token: Where to resume: a page iterator's ``continuation_token``;
            ``None`` starts at the first page.
        :type continuation_token: str or None
        :return: An async iterator of pages (each an async iterator of items) whose
            ``continuation_token`` resumes right after the page it returned last.
        :rtype: ~azure.core.async_paging.AsyncPageIterator
        """
        return cast("AsyncPageIterator[ItemType]", super().by_page(continuation_token))
