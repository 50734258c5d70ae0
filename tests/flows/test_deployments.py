"""prefect.yaml: every deployment imports, its parameters fit its flow, its schedule is right."""

from __future__ import annotations

import pytest

from flows.deployments import DeploymentSpec, load_flow, load_specs, runner_deployments

SPECS = load_specs()
BY_NAME = {spec.name: spec for spec in SPECS}


def test_the_deployments_the_system_needs_are_declared() -> None:
    assert {"ingest-inbox", "renewal-alerts", "reindex"} <= set(BY_NAME)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_entrypoint_imports_and_parameters_validate(spec: DeploymentSpec) -> None:
    flow = load_flow(spec.entrypoint)
    validated = flow.validate_parameters(spec.parameters)
    assert {k: validated[k] for k in spec.parameters} == spec.parameters
    unknown = set(spec.parameters) - set(flow.parameters.properties)
    assert not unknown, f"{spec.name}: {unknown} are not parameters of {flow.name}"


def test_schedules() -> None:
    inbox = BY_NAME["ingest-inbox"].schedules
    assert len(inbox) == 1 and inbox[0].interval and inbox[0].interval > 0
    alerts = BY_NAME["renewal-alerts"].schedules
    assert len(alerts) == 1 and alerts[0].cron
    _minute, _hour, day, month, weekday = alerts[0].cron.split()
    assert (day, month, weekday) == ("*", "*", "*"), "renewal alerts run every day"
    assert BY_NAME["reindex"].schedules == [], "reindex runs on demand"


def test_worker_serves_the_same_deployments_with_the_local_data_directory() -> None:
    overrides = {"home": "/data/contracts", "store": "/data/contracts/portfolio.db",
                 "inbox": "/data/contracts/inbox"}
    deployments = {d.name: d for d in runner_deployments(SPECS, overrides, interval_override=5)}
    assert set(deployments) == set(BY_NAME)
    inbox = deployments["ingest-inbox"]
    assert inbox.parameters["home"] == "/data/contracts"
    assert inbox.entrypoint == "flows.inbox.ingest_inbox"  # importable from any directory
    assert inbox.schedules[0].schedule.interval.total_seconds() == 5
    alerts = deployments["renewal-alerts"]
    assert alerts.parameters["home"] == "/data/contracts"  # archived originals, for "PDF:"
    assert "inbox" not in alerts.parameters  # only overrides the flow takes are applied
    assert alerts.parameters["store"] == "/data/contracts/portfolio.db"
    assert alerts.schedules[0].schedule.cron == BY_NAME["renewal-alerts"].schedules[0].cron


def test_only_ingest_inbox_reads_the_watched_inbox() -> None:
    """A bulk import over inbox/ would index files without archiving them, racing the
    deployment that moves them to archive/ or failed/."""
    paths = BY_NAME["ingest"].parameters["paths"]
    assert not any(path.rstrip("/").endswith("inbox") for path in paths)
    assert BY_NAME["ingest"].schedules == [], "a bulk import runs on demand"
