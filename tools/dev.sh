#!/usr/bin/env bash
# One entry point for a fresh machine: sets everything up, then runs the demo or every test.
#
#   bash tools/dev.sh demo [--server emulator|emulator-https|vercel|vercel-http]
#   bash tools/dev.sh test
#   bash tools/dev.sh setup        # only the set-up steps of `test`
#   bash tools/dev.sh ref-venv     # only .venv-ref (azure-cosmos 4.17.1, for the benchmark)
#   bash tools/dev.sh release      # release build of the native module + .venv-ref, for benchmarks
#   bash tools/dev.sh wheel        # release wheels into dist/: azure-cosmos (abi3) and cosmos-emulator
#
# Needs python3 (>= 3.9), a Rust toolchain (cargo), and for the cross-check server node + npm.
# Every install is skipped when it is already satisfied (stamp files hold the hash of the
# manifest that was installed), so a second run goes straight to building and running.
#
# Environment:
#   PYTHON              interpreter for the virtualenvs (default: python3)
#   CARGO_TARGET_DIR    Rust build directory (default: ~/.cache/azure-cosmos5/target, outside
#                       the clone so fresh clones and CI reuse earlier builds)
#   AZURE_COSMOS_TEST_SERVERS   servers for the SDK tests (see tests/conftest.py)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
REF_VENV="$ROOT/.venv-ref"
REF_PACKAGES=("azure-cosmos==4.17.1" "aiohttp>=3.9")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/azure-cosmos5/target}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Logs live inside the (git-ignored) virtualenv directory; failures print their path.
LOG_DIR="$VENV/logs"
mkdir -p "$LOG_DIR"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output in a log; on failure shows the end of the log and stops.
quietly() {
    local name="$1"; shift
    local log="$LOG_DIR/$name.log"
    mkdir -p "$LOG_DIR"
    if ! "$@" >"$log" 2>&1; then
        printf 'error: %s failed; last lines of %s:\n' "$name" "$log" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
}

# Hash of the given files; an install is redone only when it changes.
manifest_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }
stamp_matches() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

check_tools() {
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (Python >= 3.9 is needed)"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "Python >= 3.9 is needed"
    command -v cargo >/dev/null || die "cargo not found: install a Rust toolchain (rustup.rs)"
}

make_venv() {
    local dir="$1"
    if [[ ! -x "$dir/bin/python" ]]; then
        say "creating ${dir#"$ROOT"/}"
        quietly "venv-$(basename "$dir")" "$PYTHON" -m venv "$dir"
    fi
}

# The project's dev virtualenv: build tools, the emulator package (editable) and the SDK's
# Python dependencies (maturin develop installs those with the package).
setup_dev_venv() {
    make_venv "$VENV"
    local stamp="$VENV/.azure-cosmos5-deps" want
    want="$(manifest_hash pyproject.toml emulator/pyproject.toml)"
    if ! stamp_matches "$stamp" "$want"; then
        say "installing Python dependencies into .venv"
        # maturin first: it builds the package and installs its dependencies and the dev extra.
        quietly pip-dev "$VENV/bin/python" -m pip install -q "maturin>=1.9,<2"
        quietly pip-emulator "$VENV/bin/python" -m pip install -q -e emulator/
        echo "$want" >"$stamp"
    fi
}

# Builds the native module into python/azure/cosmos/ and installs the package (editable).
build_native() {
    say "building the native module (maturin develop --locked; CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    say "  the first build compiles every crate and takes several minutes"
    quietly maturin-develop env VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
        "$VENV/bin/maturin" develop --locked --extras dev
}

setup_reference_venv() {
    make_venv "$REF_VENV"
    local stamp="$REF_VENV/.azure-cosmos5-deps" want
    want="$(printf '%s\n' "${REF_PACKAGES[@]}" | sha256sum | cut -d' ' -f1)"
    if ! stamp_matches "$stamp" "$want"; then
        say "installing azure-cosmos 4.17.1 into .venv-ref (the reference SDK)"
        quietly pip-ref "$REF_VENV/bin/python" -m pip install -q "${REF_PACKAGES[@]}"
        echo "$want" >"$stamp"
    fi
}

setup_vercel_server() {
    local dir="$ROOT/tools/vercel-server"
    if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
        say "node/npm not found: tests against @vercel/cosmosdb-server will be skipped"
        return 0
    fi
    local stamp="$dir/node_modules/.azure-cosmos5-lock" want
    want="$(manifest_hash "$dir/package-lock.json")"
    if ! stamp_matches "$stamp" "$want"; then
        say "installing @vercel/cosmosdb-server (npm ci)"
        quietly npm-ci npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
        echo "$want" >"$stamp"
    fi
}

# An optimised build (Cargo's release profile) for benchmarks; `setup` goes back to the dev profile.
build_native_release() {
    say "building the native module with the release profile (maturin develop --release --locked)"
    say "  a first release build compiles every crate again and takes several minutes"
    quietly maturin-develop-release env VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
        "$VENV/bin/maturin" develop --release --locked --extras dev
}

# The distributions users install: the abi3 wheel (release profile, maturin's manylinux check), the
# sdist, and the pure-Python emulator wheel.
cmd_wheel() {
    check_tools
    setup_dev_venv
    say "building release wheels into dist/ (maturin build --release --locked)"
    quietly maturin-build env VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
        "$VENV/bin/maturin" build --release --locked --interpreter "$VENV/bin/python" --out "$ROOT/dist"
    quietly maturin-sdist "$VENV/bin/maturin" sdist --out "$ROOT/dist"
    quietly pip-wheel-emulator "$VENV/bin/python" -m pip wheel --no-deps -q -w "$ROOT/dist" emulator/
    ls -l "$ROOT/dist" >&2
}

setup() {
    check_tools
    setup_dev_venv
    build_native
}

cmd_demo() {
    local server="emulator"
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --server) server="$2"; shift 2 ;;
            *) die "unknown demo option $1" ;;
        esac
    done
    setup
    [[ "$server" == vercel* ]] && setup_vercel_server
    say "starting $server and running examples/quickstart.py"
    "$VENV/bin/python" tools/local_servers.py --server "$server" -- "$VENV/bin/python" examples/quickstart.py
}

# cargo test links libpython (pyo3 without extension-module): point it at the venv's interpreter
# and make its shared library findable when the interpreter lives outside the system paths.
run_cargo_tests() {
    local libdir
    libdir="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")')"
    say "cargo test --locked"
    PYO3_PYTHON="$VENV/bin/python" LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        cargo test --locked -q 2>&1 | tee "$LOG_DIR/cargo-test.log"
}

# The distribution version comes from Cargo.toml (5.0.0-beta.1 -> 5.0.0b1); azure.cosmos.__version__
# is written in python/azure/cosmos/_version.py. They must agree.
check_versions_in_step() {
    "$VENV/bin/python" - <<'PY'
import importlib.metadata
import sys

import azure.cosmos

built = importlib.metadata.version("azure-cosmos")
if azure.cosmos.__version__ != built:
    sys.exit(f"version drift: azure.cosmos.__version__ is {azure.cosmos.__version__}, "
             f"the package built from Cargo.toml is {built}")
PY
}

cmd_test() {
    setup
    setup_vercel_server
    setup_reference_venv
    local failed=0 status
    rm -f "$LOG_DIR/cargo-test.log" "$LOG_DIR/pytest-sdk.xml" "$LOG_DIR/pytest-emulator.xml"

    check_versions_in_step || failed=1
    run_cargo_tests || failed=1

    say "pytest tests/ (SDK against local servers)"
    set +e
    "$VENV/bin/python" -m pytest tests -q -rfEs --junitxml="$LOG_DIR/pytest-sdk.xml"
    status=$?
    set -e
    [[ $status -eq 0 ]] || failed=1

    say "pytest emulator/tests/"
    set +e
    (cd emulator && "$VENV/bin/python" -m pytest -q -rfEs --junitxml="$LOG_DIR/pytest-emulator.xml")
    status=$?
    set -e
    # Exit 5 is "no tests collected": the emulator's suite may not exist yet; not a failure.
    if [[ $status -eq 5 ]]; then
        say "emulator/tests has no tests yet"
    elif [[ $status -ne 0 ]]; then
        failed=1
    fi

    "$VENV/bin/python" tools/test_summary.py \
        --cargo-log "$LOG_DIR/cargo-test.log" "$LOG_DIR/pytest-sdk.xml" "$LOG_DIR/pytest-emulator.xml" \
        || failed=1
    return $failed
}

case "${1:-}" in
    demo) shift; cmd_demo "$@" ;;
    test) shift; cmd_test "$@" ;;
    setup) shift; setup; setup_vercel_server; setup_reference_venv ;;
    ref-venv) shift; check_tools; setup_reference_venv ;;
    release) shift; check_tools; setup_dev_venv; build_native_release; setup_reference_venv ;;
    wheel) shift; cmd_wheel ;;
    *) echo "usage: bash tools/dev.sh demo [--server NAME] | test | setup | ref-venv | release | wheel" >&2; exit 2 ;;
esac
