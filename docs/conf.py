"""Sphinx configuration of the azure-cosmos 5 documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (``tests/test_docs.py``
runs the same build and fails on any warning). Everything is local: no intersphinx, no network.
"""
from __future__ import annotations

import importlib
import re
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
_EXTERNAL = r"azure\.core(\..*)?|(collections\.abc|concurrent\.futures|datetime|logging|typing_extensions)\..*"
nitpick_ignore_regex = [(r"py:.*", _EXTERNAL)]
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


def _owner_module(node):
    """The module whose globals the annotations of the documented object were written in."""
    try:
        owner = importlib.import_module(node.get("py:module") or "")
        for part in filter(None, (node.get("py:class") or "").split(".")):
            owner = getattr(owner, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return importlib.import_module(getattr(owner, "__module__", owner.__name__))


def _name_in_defining_module(app, env, node, contnode):
    """Resolves a bare name of an ``@overload`` signature where the code that wrote it does.

    autodoc evaluates overload annotations in the globals of the *decorated* method, which for
    the facade's traced methods are azure-core's, so names such as ``datetime`` are left bare.
    Looked up in the module that defines the documented class, they resolve as any other name:
    to their documented target, or (azure-core, standard library) to plain text.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.isidentifier():
        return None
    module = _owner_module(node)
    value = getattr(module, target, None) if module is not None else None
    qualname, value_module = getattr(value, "__qualname__", None), getattr(value, "__module__", None)
    if not (qualname and value_module):
        return None
    qualified = f"{value_module}.{qualname}"
    if re.fullmatch(_EXTERNAL, qualified) or value_module == "builtins":
        return contnode
    return env.get_domain("py").resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], qualified, node, contnode)


def setup(app):
    app.connect("missing-reference", _name_in_defining_module)


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
