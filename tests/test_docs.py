"""The documentation builds: Sphinx over ``docs/`` without a single warning.

The build is nitpicky (``-n``, also set in ``docs/conf.py``): every cross reference in the
facade's docstrings and signatures must resolve, every docstring must be valid reStructuredText,
and the pages that include ``README.md`` and ``emulator/README.md`` must find the sections they
include. It needs no network (no intersphinx) and no server.

This module tests no API, so it has no async twin in ``tests/aio/``; the asyncio classes are
documented (and checked below) by the same build.
"""
from __future__ import annotations

import inspect
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import azure.cosmos
import azure.cosmos.aio

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLIENT_CLASSES = ("CosmosClient", "DatabaseProxy", "ContainerProxy", "UserProxy", "ScriptsProxy")


def _inventory_names(inventory: Path) -> set[str]:
    """The object names of a Sphinx ``objects.inv`` (four header lines, then zlib-compressed rows)."""
    raw = inventory.read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = raw.index(b"\n", header_end) + 1
    rows = zlib.decompress(raw[header_end:]).decode("utf-8").splitlines()
    return {row.split(" ", 1)[0] for row in rows if row}


def _public_methods(cls: type) -> list[str]:
    return [
        name for name, member in vars(cls).items()
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    ]


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs-html")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "html", "-q", str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    warnings = result.stderr.strip()
    assert result.returncode == 0 and not warnings, (
        f"sphinx-build exited {result.returncode} with these warnings:\n{warnings}\n{result.stdout}"
    )
    return out


def test_docs_build_without_warnings(built_docs: Path) -> None:
    for page in ("index.html", "migration.html", "emulator.html", "api/azure.cosmos.html", "api/azure.cosmos.aio.html"):
        assert (built_docs / page).is_file(), page


def test_every_public_class_and_client_method_is_documented(built_docs: Path) -> None:
    documented = _inventory_names(built_docs / "objects.inv")
    missing = []
    for package in (azure.cosmos, azure.cosmos.aio):
        for name in dir(package):
            obj = getattr(package, name)
            if name.startswith("_") or not isinstance(obj, type) or not obj.__module__.startswith("azure.cosmos"):
                continue
            if package is azure.cosmos and name == "Offer":
                assert obj is azure.cosmos.ThroughputProperties  # 4.x's older name, documented as such
                continue
            # Documented where it is imported from, or in the module that defines it (the enumerations
            # of azure.cosmos.documents, the change-feed processor's module).
            if not {f"{package.__name__}.{name}", f"{obj.__module__}.{obj.__qualname__}"} & documented:
                missing.append(f"{package.__name__}.{name}")
        for class_name in CLIENT_CLASSES:
            cls = getattr(package, class_name)
            missing.extend(
                name for name in (f"{package.__name__}.{class_name}.{method}" for method in _public_methods(cls))
                if name not in documented
            )
    for name in ("CosmosHttpResponseError", "CosmosResourceNotFoundError", "CosmosResourceExistsError",
                 "CosmosAccessConditionFailedError", "CosmosBatchOperationError", "CosmosClientTimeoutError"):
        if f"azure.cosmos.exceptions.{name}" not in documented:
            missing.append(f"azure.cosmos.exceptions.{name}")
    assert not missing, f"not in the API reference (no page, or a public method without a docstring): {missing}"


def test_migration_page_carries_the_readme_differences_table(built_docs: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it differs from 4.x", 1)[1].split("\n## ", 1)[0]
    readme_rows = [line for line in section.splitlines() if line.startswith("|")]
    page = (built_docs / "migration.html").read_text(encoding="utf-8")
    # The separator line (|---|) is not a row of the rendered table.
    assert page.count("<tr") == len(readme_rows) - 1
    assert "Known limits of this beta" in page


def test_migration_page_quotes_the_readme_api_figure() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    migration = (DOCS / "migration.md").read_text(encoding="utf-8")
    # The one README figure the page restates in its own words (the rest it includes).
    checks = re.search(r"passes all\s+(\d+)\s+checks", readme)
    assert checks, "README.md no longer states the api_diff.py figure"
    assert f"passes all {checks.group(1)} checks" in " ".join(migration.split())
