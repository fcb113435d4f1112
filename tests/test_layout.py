"""The engine's layout rules that a reviewer would otherwise check by eye: no import cycles between the Rust
modules of src/ (a module two others need moves down a floor)."""
from __future__ import annotations

import pathlib
import re

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def _imports() -> dict:
    graph = {}
    for path in SRC.glob("*.rs"):
        module = path.stem
        graph[module] = set(re.findall(r"\bcrate::(\w+)", path.read_text())) - {module}
    return graph


def test_rust_modules_import_no_cycle():
    graph = _imports()
    assert len(graph) > 10 and "engine" in graph and "runtime" in graph["engine"]  # the scan sees the code
    cycles = []

    def visit(module, path):
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            elif imported in graph:
                visit(imported, path + [imported])

    for module in sorted(graph):
        visit(module, [module])
    assert cycles == []
