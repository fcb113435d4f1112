# The MIT License (MIT)
"""Server-side scripts of a container: stored procedures, triggers and user-defined functions.

:class:`ScriptType` names their resource types as they appear in links
(``dbs/db1/colls/c1/sprocs/my_sproc``). ``NonePartitionKeyValue`` and ``PartitionKeyType`` are
the ones of :mod:`azure.cosmos.partition_key`, importable from here as in 4.x.
"""
from __future__ import annotations

from .partition_key import NonePartitionKeyValue, PartitionKeyType  # noqa: F401  pylint: disable=unused-import


class ScriptType:  # pylint: disable=too-few-public-methods
    """The kinds of server-side script, by their resource type in a link."""

    StoredProcedure = "sprocs"
    """Stored procedures."""
    Trigger = "triggers"
    """Pre- and post-triggers."""
    UserDefinedFunction = "udfs"
    """User-defined functions (called from queries)."""
