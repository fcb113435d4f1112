"""Sphinx configuration of the azure-cosmos 5 documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (``tests/test_docs.py``
runs the same build and fails on any warning). Everything is local: no intersphinx, no network.
"""
from __future__ import annotations

import warnings

from sphinx.util.inspect import TypeAliasForwardRef

import azure.cosmos

project = "azure-cosmos"
author = "azure-cosmos 5 contributors"
copyright = "azure-cosmos 5 contributors, MIT License"  # pylint: disable=redefined-builtin
release = azure.cosmos.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "myst_parser",
]

# The Markdown pages include README.md and emulator/README.md, which live outside docs/.
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3

autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
}
autodoc_member_order = "bysource"
# The signatures show the annotations; the :type:/:rtype: fields of the docstrings stay the
# prose types 4.x documents.
autodoc_typehints = "signature"
autoclass_content = "both"
# Written as aliases in the signatures, as the docstrings name them, rather than spelled out
# as the unions of private marker classes they stand for.
autodoc_type_aliases = {
    "PartitionKeyType": "azure.cosmos.partition_key.PartitionKeyType",
    "ResponseHook": "azure.cosmos.container.ResponseHook",
    # Imported only for type checkers (``if TYPE_CHECKING:``), so autodoc cannot evaluate them.
    "TokenCredential": "azure.core.credentials.TokenCredential",
    "AsyncTokenCredential": "azure.core.credentials_async.AsyncTokenCredential",
}
# ``ResponseHook`` rather than ``azure.cosmos.container.ResponseHook`` in the signatures.
python_use_unqualified_type_names = True

# Every reference must resolve (``-n``), except those below. The build has no network, so
# there is no intersphinx: names of azure-core and of the standard library cannot resolve here.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"azure\.core(\..*)?"),
    (r"py:.*", r"(collections\.abc|concurrent\.futures|datetime|logging|typing_extensions)\..*"),
]
nitpick_ignore = [
    # The connection a client hands to the proxies it creates: in the signatures of
    # constructors that user code does not call (4.x documents it as internal too).
    ("py:class", "azure.cosmos._client_connection.CosmosClientConnection"),
    ("py:class", "CosmosClientConnection"),
]

# Sphinx (9.0) writes an alias of autodoc_type_aliases that sits inside another type, as in
# ``Optional[PartitionKeyType]``, by its repr: ``TypeAliasForwardRef('<name>')``. Its repr is
# made the name it stands for, so the signature says ``PartitionKeyType | None``.
def _alias_name(alias) -> str:
    return alias.name


TypeAliasForwardRef.__repr__ = _alias_name

html_theme = "alabaster"
html_title = f"azure-cosmos {release}"
html_theme_options = {
    "description": "Azure Cosmos DB client library for Python, on a Rust engine",
    "fixed_sidebar": True,
}

# Documenting the deprecated names imports them, and 4.x's deprecation warnings (kept on
# purpose for users) would only clutter the build output.
warnings.filterwarnings("ignore", message=r"RecordDiagnostics is deprecated", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=r"azure\.cosmos\.errors module is deprecated", category=DeprecationWarning)
