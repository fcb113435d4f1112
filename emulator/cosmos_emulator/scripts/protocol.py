"""What the scripts runtime needs from storage, and what it hands back."""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Protocol, Tuple, runtime_checkable

LOG_RESULTS_HEADER = "x-ms-documentdb-script-log-results"
ENABLE_LOGGING_HEADER = "x-ms-documentdb-script-enable-logging"


@runtime_checkable
class ScriptCollection(Protocol):
    """One logical partition of a container, as a script sees it.

    The core implements it over the partition key of the request, inside the storage transaction of
    the execution; every method raises :class:`~cosmos_emulator.errors.CosmosError` the way the
    matching REST operation would (404, 409, 412, 413, 400 for a partition key other than the
    execution's, ...). Document links arrive as the script wrote them and always belong to this
    container (see :func:`document_reference`).
    """

    def self_link(self) -> str:
        """The container's ``_self`` (``dbs/<rid>/colls/<rid>/``)."""

    def create(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        """Create ``doc`` (409 when the id exists); returns the stored document with system properties.

        :param options: ``indexAction`` and ``disableAutomaticIdGeneration`` when the script gave them.
        """

    def upsert(self, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        """Create or replace ``doc``; ``options["etag"]``, when present, must match an existing item (412)."""

    def replace(self, link_or_id: str, doc: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
        """Replace the document at ``link_or_id`` (404 when absent, 412 when ``options["etag"]`` differs)."""

    def read(self, link_or_id: str, options: Dict[str, Any]) -> Dict[str, Any]:
        """The document at ``link_or_id`` (404 when absent)."""

    def delete(self, link_or_id: str, options: Dict[str, Any]) -> None:
        """Delete the document at ``link_or_id`` (404 when absent, 412 when ``options["etag"]`` differs)."""

    def query(self, sql: str, parameters: Optional[List[Dict[str, Any]]]) -> List[Any]:
        """All results of a SQL query over the logical partition, in order."""


# Optional extension (looked up with ``getattr``): ``alt_link() -> str``, the name-based link
# (``dbs/<db id>/colls/<container id>``), so scripts may use name-based links too.
OPTIONAL_ALT_LINK = "alt_link"


def document_reference(link: str, self_link: str, alt_link: Optional[str] = None) -> Tuple[str, str]:
    """How a document link from a script names its document.

    :param link: a document link the runtime already checked to belong to the container.
    :param self_link: the container's ``_self``.
    :param alt_link: the container's name-based link, if any.
    :returns: ``("rid", <document _rid>)`` for a ``_self`` link, ``("id", <document id>)`` for a
        name-based one.
    :raises ValueError: when the link belongs to neither form.
    """
    trimmed = link[:-1] if link.endswith("/") else link
    last = trimmed.rsplit("/", 1)[-1]
    base = self_link.rstrip("/")
    if trimmed.startswith(base + "/docs/"):
        return "rid", last
    if alt_link and trimmed.startswith(alt_link.rstrip("/") + "/docs/"):
        return "id", last
    raise ValueError(f"not a document link of this container: {link!r}")


@dataclass
class ScriptResult:
    """Outcome of a stored procedure.

    :ivar response_text: the response body as sent on the wire (the JSON text of what the script set
        with ``setBody``/``appendBody``; ``'""'`` when it set nothing), or None when the body is
        ``undefined`` (send an empty body then).
    :ivar response_body: the same value decoded.
    :ivar log: what ``console.log`` wrote, or None when logging was not enabled.
    """

    response_text: Optional[str]
    response_body: Any
    log: Optional[str]

    @property
    def log_header(self) -> Optional[str]:
        """Value of ``x-ms-documentdb-script-log-results`` (None: omit the header)."""
        return encode_log(self.log)

    def headers(self) -> Dict[str, str]:
        """Response headers the execution adds."""
        value = self.log_header
        return {} if value is None else {LOG_RESULTS_HEADER: value}


def encode_log(log: Optional[str]) -> Optional[str]:
    """URL-encode a script log the way the service does (``encodeURIComponent``)."""
    if log is None:
        return None
    return urllib.parse.quote(log, safe="-_.!~*'()")
