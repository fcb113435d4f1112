"""The layout rules that a reviewer would otherwise check by eye: no import cycles between the Rust modules of
src/, nor between the Python modules of the SDK and of the emulator (a module two others need moves down a
floor)."""
from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PYTHON_PACKAGES = {
    "azure.cosmos": ROOT / "python" / "azure" / "cosmos",
    "cosmos_emulator": ROOT / "emulator" / "cosmos_emulator",
}


def _imports() -> dict:
    graph = {}
    for path in SRC.glob("*.rs"):
        module = path.stem
        graph[module] = set(re.findall(r"\bcrate::(\w+)", path.read_text())) - {module}
    return graph


def _cycles(graph: dict) -> list:
    """Import cycles found by a depth-first walk (at least one whenever there is any)."""
    cycles = []
    explored = set()  # modules whose imports were walked to the end: visiting again finds nothing new

    def visit(module, path):
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            elif imported in graph and imported not in explored:
                visit(imported, path + [imported])
        explored.add(module)

    for module in sorted(graph):
        if module not in explored:
            visit(module, [module])
    return cycles


def test_rust_modules_import_no_cycle():
    graph = _imports()
    assert len(graph) > 10 and "engine" in graph and "runtime" in graph["engine"]  # the scan sees the code
    assert _cycles(graph) == []


def _python_modules(package: str, directory: pathlib.Path) -> dict:
    """Dotted name -> source path of every module of ``package``; a compiled module counts by its stub."""
    modules = {}
    for path in sorted(directory.rglob("*.py*")):
        if path.suffix not in (".py", ".pyi") or "__pycache__" in path.parts:
            continue
        parts = path.relative_to(directory).with_suffix("").parts
        name = ".".join((package,) + (parts[:-1] if parts[-1] == "__init__" else parts))
        if path.suffix == ".py" or name not in modules:
            modules[name] = path
    return modules


def _runtime_import_nodes(tree: ast.AST):
    """Import statements that run: those under ``if TYPE_CHECKING:`` only name types for the checker."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _python_imports(package: str, directory: pathlib.Path) -> dict:
    """Module -> the package's modules it imports at run time (lazy imports in functions included)."""
    modules = _python_modules(package, directory)
    graph = {}
    for name, path in modules.items():
        if path.suffix != ".py":
            continue
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in _runtime_import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names if alias.name in modules)
                continue
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                imported.add(target if target in modules else base)
        graph[name] = {module for module in imported if module in modules} - {name}
    return graph


@pytest.mark.parametrize("package", sorted(PYTHON_PACKAGES))
def test_python_modules_import_no_cycle(package):
    graph = _python_imports(package, PYTHON_PACKAGES[package])
    # The scan sees the code: many modules, and the imports between them.
    assert len(graph) > 20 and sum(len(imported) for imported in graph.values()) > 50
    assert _cycles(graph) == []
