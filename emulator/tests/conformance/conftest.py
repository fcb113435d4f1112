"""Fixtures of the conformance suite: servers started once per session and the reference-client worker.

Targets (``target`` / ``conformance`` fixtures, one test per target):

- ``emulator-http`` / ``emulator-https``: an in-process :class:`cosmos_emulator.EmulatorServer` (4 partitions)
  with a clock the scenarios can move, client with endpoint discovery on;
- ``emulator-http-nodiscovery`` / ``emulator-https-nodiscovery``: the same servers, discovery off;
- ``vercel``: @vercel/cosmosdb-server 1.0.1 over HTTPS (``tools/vercel-server/launch.js``), discovery on,
  as a cross-check of the scenarios: where it lacks a capability the test is skipped with the reason.

``CONFORMANCE_TARGETS=emulator-http,vercel`` runs a subset.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Iterable, Iterator, Optional

import pytest

from .harness import (CAPABILITIES, ClockOffset, ReferenceWorker, Target, emulator_control, local_servers, start_vercel,
                      vercel_missing)

TARGET_NAMES = ("emulator-http", "emulator-http-nodiscovery", "emulator-https", "emulator-https-nodiscovery",
                "vercel")

# Scenarios the emulator does not answer as the service does yet (a feature not landed, or a deviation
# reported to its owner): the emulator targets run them as strict xfails, so the day the emulator is
# fixed the unexpected pass fails the run and the entry must go.
EMULATOR_GAPS: Dict[str, str] = {}


def _selected_targets() -> Iterable[str]:
    raw = os.environ.get("CONFORMANCE_TARGETS", "").strip()
    if not raw:
        return TARGET_NAMES
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = sorted(set(names) - set(TARGET_NAMES))
    if unknown:
        raise pytest.UsageError(f"CONFORMANCE_TARGETS names unknown targets {unknown}; known: {TARGET_NAMES}")
    return names


class _Servers:
    """Starts each server on first use and keeps it for the session."""

    def __init__(self) -> None:
        self._emulators: Dict[bool, Any] = {}
        self._controls: Dict[bool, Any] = {}
        self._vercel: Optional[local_servers.LocalServer] = None

    def emulator(self, tls: bool):
        if tls not in self._emulators:
            from cosmos_emulator import EmulatorServer
            server = EmulatorServer(port=0, tls=tls, partitions=4)
            clock = ClockOffset()
            server.account.clock = clock
            server.start()
            self._emulators[tls] = server
            self._controls[tls] = emulator_control(server, clock)
        return self._emulators[tls], self._controls[tls]

    def vercel(self) -> local_servers.LocalServer:
        if self._vercel is None:
            self._vercel = start_vercel()
        return self._vercel

    def stop(self) -> None:
        for server in self._emulators.values():
            server.stop()
        if self._vercel is not None:
            self._vercel.stop()


@pytest.fixture(scope="session")
def conformance_servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def reference_worker() -> Iterator[ReferenceWorker]:
    reason = ReferenceWorker.unavailable_reason()
    if reason:
        pytest.skip(reason)
    worker = ReferenceWorker()
    yield worker
    worker.stop()


@pytest.fixture(params=_selected_targets())
def target(request: pytest.FixtureRequest, conformance_servers: _Servers) -> Target:
    name: str = request.param
    if name == "vercel":
        server = conformance_servers.vercel()
        assert server.endpoint is not None
        return Target(name, "vercel", server.endpoint, server.key, discovery=True, missing=vercel_missing())
    emulator, control = conformance_servers.emulator(tls=name.startswith("emulator-https"))
    return Target(name, "emulator", emulator.endpoint, emulator.key, discovery=not name.endswith("-nodiscovery"),
                  control=control)


class Conformance:
    """Runs scenarios for one test against its target."""

    def __init__(self, target: Target, worker: ReferenceWorker, request: pytest.FixtureRequest):
        self.target = target
        self.worker = worker
        self._request = request

    def run(self, scenario: str, *, needs: Iterable[str] = (), params: Optional[Dict[str, Any]] = None
            ) -> Dict[str, Any]:
        """The scenario's observations on this test's target.

        :param scenario: a scenario name registered in ``reference/``.
        :keyword needs: server capabilities the scenario depends on (a target lacking one skips).
        :keyword params: scenario parameters.
        """
        self.target.skip_unless(needs)
        if self.target.kind == "emulator" and scenario in EMULATOR_GAPS:
            self._request.applymarker(pytest.mark.xfail(strict=True, reason=EMULATOR_GAPS[scenario]))
        return self.worker.run(scenario, self.target, params)

    def check(self, observed: Dict[str, Any], expected: Dict[str, Any],
              unless: Optional[Dict[str, Iterable[str]]] = None) -> None:
        """Assert the observations equal what the service answers.

        :param observed: a scenario's observations.
        :param expected: the service's answers, one entry per observation.
        :param unless: capability -> names of the observations that depend on it. On a target lacking one of
            these capabilities, every other observation is compared first and the test is then skipped naming
            the capability, so a partial server still cross-checks the rest of the scenario.
        """
        dependent: Dict[str, str] = {}
        for capability, names in (unless or {}).items():
            if capability not in CAPABILITIES:
                raise ValueError(f"unknown capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}")
            for name in names:
                if name not in expected:
                    raise KeyError(f"unless names {name!r}, which the expected table does not have")
                dependent[name] = capability
        lacking = sorted({capability for capability in dependent.values() if capability in self.target.missing})
        if not lacking:
            assert observed == expected
            return
        assert sorted(observed) == sorted(expected), "the scenario's observations are not the expected ones"
        portable = [name for name in expected if dependent.get(name) not in lacking]
        assert {name: observed.get(name) for name in portable} == {name: expected[name] for name in portable}
        reasons = "; ".join(f"{capability!r}: {self.target.missing[capability]}" for capability in lacking)
        skipped = len(expected) - len(portable)
        pytest.skip(f"server {self.target.name} lacks {reasons} ({len(portable)} observations matched, "
                    f"{skipped} depending on it not compared)")


@pytest.fixture()
def conformance(target: Target, reference_worker: ReferenceWorker, request: pytest.FixtureRequest) -> Conformance:
    return Conformance(target, reference_worker, request)
