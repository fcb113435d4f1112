"""Keeps python/azure/cosmos/_rust.pyi honest: every name it declares exists in the
compiled module with the same kind, and the module exposes nothing undeclared."""
from __future__ import annotations

import ast
import inspect
import pathlib

from azure.cosmos import _rust

STUB = pathlib.Path(__file__).resolve().parents[1] / "python" / "azure" / "cosmos" / "_rust.pyi"


def _declared():
    tree = ast.parse(STUB.read_text())
    classes, functions, constants = {}, set(), set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            is_typeddict = any(getattr(b, "id", None) == "TypedDict" for b in node.bases)
            members = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef)
            }
            classes[node.name] = (is_typeddict, members)
        elif isinstance(node, ast.FunctionDef):
            functions.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            constants.add(node.target.id)
    return classes, functions, constants


def test_every_declared_name_exists():
    classes, functions, constants = _declared()
    for name, (is_typeddict, members) in classes.items():
        if is_typeddict:
            continue  # typing-only shapes of the dicts the engine accepts
        cls = getattr(_rust, name)
        assert inspect.isclass(cls), name
        for member in members:
            assert hasattr(cls, member), f"{name}.{member} is declared but missing"
    for name in functions:
        assert callable(getattr(_rust, name)), name
    for name in constants:
        assert hasattr(_rust, name), name


def test_module_exposes_nothing_undeclared():
    classes, functions, constants = _declared()
    declared = set(classes) | functions | constants
    actual = {name for name in dir(_rust) if not name.startswith("__")}
    assert actual <= declared, f"undeclared in _rust.pyi: {sorted(actual - declared)}"
    for name, (is_typeddict, members) in classes.items():
        if is_typeddict:
            continue
        cls = getattr(_rust, name)
        public = {m for m in vars(cls) if not m.startswith("_")}
        assert public <= members, f"{name}: undeclared {sorted(public - members)}"


def test_engine_version_is_the_pinned_crate():
    cargo = (STUB.parents[3] / "Cargo.toml").read_text()
    assert f'azure_data_cosmos_driver = {{ version = "={_rust.ENGINE_VERSION}"' in cargo
    assert _rust.ENGINE_CRATE == "azure_data_cosmos_driver"


def _stub_parameters():
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    yield node.name, item
        elif isinstance(node, ast.FunctionDef):
            yield None, node


def test_declared_parameters_match_the_compiled_ones():
    """Parameter names and order, so the facade cannot call the engine with a stale shape."""
    mismatches = []
    for class_name, function in _stub_parameters():
        owner = _rust if class_name is None else getattr(_rust, class_name)
        compiled = getattr(owner, function.name)
        if isinstance(compiled, property) or not callable(compiled):
            continue
        try:
            signature = inspect.signature(compiled)
        except (TypeError, ValueError):
            continue  # no text signature (e.g. a property getter)
        actual = [p for p in signature.parameters if p not in ("self", "$self", "cls", "$cls")]
        declared = [a.arg for a in function.args.args + function.args.kwonlyargs if a.arg not in ("self", "cls")]
        if actual != declared:
            mismatches.append(f"{class_name or '_rust'}.{function.name}: stub {declared}, compiled {actual}")
    assert not mismatches, "\n".join(mismatches)
