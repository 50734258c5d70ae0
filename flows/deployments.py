"""The deployments in `prefect.yaml`, for `prefect deploy` and for `contracts worker`.

`prefect.yaml` is the one list: a Prefect server with workers deploys it as is
(`prefect deploy --all`); `contracts worker` reads the same entries and serves them in
its own process with `prefect.serve` (no work pool), overriding only the data directory
and store, so one machine runs the whole system with one command.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron, Interval, Schedule
from pydantic import BaseModel, Field

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


class ScheduleSpec(BaseModel):
    interval: float | None = Field(default=None, description="seconds between runs")
    cron: str | None = None
    timezone: str | None = None
    active: bool = True


class DeploymentSpec(BaseModel):
    """One entry of `deployments:` in prefect.yaml (the keys this project uses)."""

    name: str
    entrypoint: str
    description: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    schedules: list[ScheduleSpec] = Field(default_factory=list)


def load_specs(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    """The deployments declared in `path`."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: `contracts worker` reads the deployments from the source tree"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [DeploymentSpec.model_validate(entry) for entry in data.get("deployments", [])]


def load_flow(entrypoint: str) -> Flow[Any, Any]:
    """Import `flows/inbox.py:ingest_inbox` as the module `flows.inbox` (cwd-independent)."""
    file_part, _, attribute = entrypoint.partition(":")
    module = importlib.import_module(file_part.removesuffix(".py").replace("/", "."))
    found = getattr(module, attribute)
    if not isinstance(found, Flow):
        raise TypeError(f"{entrypoint} is not a Prefect flow")
    return found


def _schedules(spec: DeploymentSpec, interval_override: float | None) -> list[Schedule]:
    schedules: list[Schedule] = []
    for item in spec.schedules:
        if item.interval is not None:
            seconds = interval_override or item.interval
            schedules.append(Interval(timedelta(seconds=seconds), active=item.active))
        elif item.cron is not None:
            schedules.append(Cron(item.cron, timezone=item.timezone, active=item.active))
    return schedules


def runner_deployments(
    specs: list[DeploymentSpec],
    overrides: dict[str, Any] | None = None,
    interval_override: float | None = None,
) -> list[RunnerDeployment]:
    """Deployments to serve; each `overrides` key is applied where the flow takes it."""
    deployments = []
    for spec in specs:
        flow = load_flow(spec.entrypoint)
        accepted = set(flow.parameters.properties)
        parameters = {**spec.parameters,
                      **{k: v for k, v in (overrides or {}).items() if k in accepted}}
        deployment = flow.to_deployment(
            name=spec.name, description=spec.description, parameters=parameters,
            schedules=_schedules(spec, interval_override),
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        assert isinstance(deployment, RunnerDeployment)  # sync call: not a coroutine
        deployments.append(deployment)
    return deployments
