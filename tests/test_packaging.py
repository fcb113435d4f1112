"""The distributions as users install them: the abi3 wheel (built from the cached target dir) and the
cosmos-emulator wheel installed into a fresh virtualenv with no Rust toolchain on PATH, then a smoke
program against the emulator started by the installed `cosmos-emulator` command; the sdist built and
installed from source.

These tests exercise no API of their own (a smoke program runs sync and aio calls), so they have no
async twin. The wheel is built with Cargo's dev profile, which reuses the build the test command has just
made; `bash tools/dev.sh wheel` makes the release wheel (the same packaging, an optimised library).
"""
from __future__ import annotations

import email.parser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV_BIN = pathlib.Path(sys.executable).parent
MATURIN = shutil.which("maturin", path=str(VENV_BIN)) or shutil.which("maturin")
WHEEL_NAME = re.compile(r"^azure_cosmos-(?P<version>[^-]+)-cp39-abi3-(?P<platform>manylinux_2_\d+_x86_64)\.whl$")

pytestmark = [
    pytest.mark.skipif(MATURIN is None, reason="maturin is not installed (it comes with the dev extra)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the wheels are checked on Linux"),
    pytest.mark.timeout(900),
]


def _without_rust(env: dict) -> dict:
    """The environment with every directory holding cargo or rustc taken off PATH."""
    kept = [entry for entry in env.get("PATH", "").split(os.pathsep)
            if entry and not (pathlib.Path(entry, "cargo").exists() or pathlib.Path(entry, "rustc").exists())]
    clean = {name: value for name, value in env.items() if not name.startswith(("CARGO", "RUSTUP", "PYTHON"))}
    clean["PATH"] = os.pathsep.join(kept)
    clean.pop("VIRTUAL_ENV", None)
    return clean


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, "{} failed ({}):\n{}\n{}".format(
        " ".join(map(str, command)), result.returncode, result.stdout[-4000:], result.stderr[-4000:])
    return result


def _build_env() -> dict:
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(pathlib.Path.home() / ".cache" / "azure-cosmos5" / "target"))
    return env


@pytest.fixture(scope="module")
def dist_dir(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("dist")


@pytest.fixture(scope="module")
def sdk_wheel(dist_dir) -> pathlib.Path:
    # The interpreter of `maturin develop` (the test command's build): the same pyo3 configuration, so
    # Cargo reuses that build instead of compiling the crate again.
    _run([MATURIN, "build", "--locked", "--profile", "dev", "--interpreter", sys.executable,
          "--out", str(dist_dir)], cwd=ROOT, env=_build_env())
    wheels = sorted(dist_dir.glob("azure_cosmos-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def emulator_wheel(dist_dir) -> pathlib.Path:
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
          "-w", str(dist_dir), str(ROOT / "emulator")])
    wheels = sorted(dist_dir.glob("cosmos_emulator-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory, sdk_wheel, emulator_wheel) -> pathlib.Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    env = _without_rust(dict(os.environ))
    assert shutil.which("cargo", path=env["PATH"]) is None and shutil.which("rustc", path=env["PATH"]) is None
    _run([sys.executable, "-m", "venv", str(venv)], env=env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
          str(sdk_wheel), str(emulator_wheel)], env=env, cwd=str(venv.parent))
    return venv


def test_the_wheel_is_one_abi3_manylinux_wheel_with_the_native_module_stubs_and_marker(sdk_wheel):
    match = WHEEL_NAME.match(sdk_wheel.name)
    assert match, sdk_wheel.name
    with zipfile.ZipFile(sdk_wheel) as archive:
        names = set(archive.namelist())
        metadata = email.parser.Parser().parsestr(
            archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
        wheel_info = archive.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    assert {"azure/cosmos/_rust.abi3.so", "azure/cosmos/_rust.pyi", "azure/cosmos/py.typed",
            "azure/cosmos/__init__.py", "azure/cosmos/aio/__init__.py"} <= names
    assert not any(name.startswith(("tests/", "emulator/", "src/")) for name in names)
    assert metadata["Name"] == "azure-cosmos" and metadata["Version"] == match["version"]
    assert metadata["Requires-Python"] == ">=3.9"
    assert "Root-Is-Purelib: false" in wheel_info and "Tag: cp39-abi3-" + match["platform"] in wheel_info


def test_the_emulator_wheel_is_pure_python_with_its_command_and_pytest_plugin(emulator_wheel):
    assert emulator_wheel.name.endswith("-py3-none-any.whl"), emulator_wheel.name
    with zipfile.ZipFile(emulator_wheel) as archive:
        entry_points = archive.read(next(n for n in archive.namelist() if n.endswith("entry_points.txt"))).decode()
        assert not any(name.endswith((".so", ".pyd")) for name in archive.namelist())
    assert "cosmos-emulator = cosmos_emulator.__main__:main" in entry_points
    assert "cosmos_emulator = cosmos_emulator.pytest_plugin" in entry_points


SMOKE = textwrap.dedent("""
    import asyncio, sys
    import azure.cosmos
    from azure.cosmos import CosmosClient, PartitionKey, exceptions
    from azure.cosmos.aio import CosmosClient as AsyncCosmosClient
    from azure.cosmos import _rust

    endpoint, key = sys.argv[1], sys.argv[2]
    assert azure.cosmos.__file__.startswith(sys.prefix), azure.cosmos.__file__
    with CosmosClient(endpoint, key) as client:
        database = client.create_database("smoke")
        container = database.create_container("items", PartitionKey("/pk"))
        container.create_item({"id": "a", "pk": "p", "n": 1})
        assert container.read_item("a", "p")["n"] == 1
        ops = [("upsert", ({"id": str(i), "pk": str(i % 5), "n": i},)) for i in range(300)]
        assert all(r.ok for r in container.execute_item_bulk(ops))
        assert list(container.query_items("SELECT VALUE COUNT(1) FROM c", enable_cross_partition_query=True)) == [301]
        try:
            container.read_item("missing", "p")
        except exceptions.CosmosResourceNotFoundError:
            pass
        else:
            raise AssertionError("no 404")

    async def aio():
        async with AsyncCosmosClient(endpoint, key) as client:
            container = client.get_database_client("smoke").get_container_client("items")
            item = await container.read_item("a", "p")
            assert item["n"] == 1
            await client.delete_database("smoke")

    asyncio.run(aio())
    print("smoke ok", azure.cosmos.__version__, _rust.ENGINE_CRATE, _rust.ENGINE_VERSION, _rust.BUILD_PROFILE)
""")


def test_a_fresh_virtualenv_without_rust_runs_the_wheels(fresh_venv, tmp_path):
    python = fresh_venv / "bin" / "python"
    env = _without_rust(dict(os.environ))
    emulator = subprocess.Popen([str(fresh_venv / "bin" / "cosmos-emulator"), "--port", "0", "--partitions", "2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(tmp_path))
    try:
        ready = emulator.stdout.readline()
        match = re.match(r"cosmos-emulator ready endpoint=(\S+) key=(\S+)", ready)
        assert match, ready + emulator.stderr.read()
        script = tmp_path / "smoke.py"
        script.write_text(SMOKE)
        result = _run([str(python), str(script), match[1], match[2]], env=env, cwd=str(tmp_path))
        assert result.stdout.startswith("smoke ok 5."), result.stdout
        assert "azure_data_cosmos_driver" in result.stdout
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def test_the_sdist_holds_the_sources_and_builds_from_them(dist_dir, tmp_path):
    _run([MATURIN, "sdist", "--out", str(dist_dir)], cwd=ROOT, env=_build_env())
    sdists = sorted(dist_dir.glob("azure_cosmos-*.tar.gz"))
    assert len(sdists) == 1, sdists
    with tarfile.open(sdists[0]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"Cargo.toml", "Cargo.lock", "pyproject.toml", "build.rs", "src/lib.rs", "src/bulk.rs",
            "python/azure/cosmos/__init__.py", "python/azure/cosmos/py.typed"} <= names
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    env = _build_env()
    env.pop("VIRTUAL_ENV", None)
    # A source build as pip makes it (maturin's PEP 517 backend, isolated), in the dev profile and the
    # shared target dir so that only this crate compiles again.
    env["MATURIN_PEP517_ARGS"] = "--profile dev"
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
          str(sdists[0])], env=env, cwd=str(tmp_path))
    result = _run([str(venv / "bin" / "python"), "-c",
                   "import azure.cosmos, azure.cosmos._rust as r; print(azure.cosmos.__version__, r.ENGINE_VERSION)"],
                  cwd=str(tmp_path))
    assert result.stdout.startswith("5."), result.stdout
