"""Run the warehouse job in-process: what `quad pipeline run` does.

It is the same job the schedule launches, with a progress line per asset as
it finishes and a summary at the end.
"""

import datetime as dt
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from dagster import DagsterEventType, DagsterInstance

from operational.settings import Settings, get_settings
from pipelines.checks import PASSED, PASSED_ON_KEYS
from pipelines.definitions import build_definitions
from pipelines.resources import WarehouseResource
from warehouse.incremental import SKIPPED

log = logging.getLogger(__name__)

# Dagster's own console lines would drown the progress lines.
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # "asset", "check" or "failure"
    rows: int | None
    seconds: float | None
    # An asset's mode (a raw table's load, a model's build), a check's
    # outcome, a failure's message.
    detail: str = ""

    @property
    def is_failed_check(self) -> bool:
        return self.kind == "check" and self.detail not in (
            PASSED,
            PASSED_ON_KEYS,
            SKIPPED,
        )


@dataclass
class RunSummary:
    run_id: str
    published: bool
    seconds: float
    steps: list[Step] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[Step]:
        return [s for s in self.steps if s.is_failed_check]

    @property
    def failures(self) -> list[Step]:
        """Steps that broke, apart from the checks that failed as checks."""
        # A failed blocking check also fails its step; it is reported once,
        # as the check.
        checks = {s.name.replace(":", "_") for s in self.failed_checks}
        return [s for s in self.steps if s.kind == "failure" and s.name not in checks]

    @property
    def rows(self) -> int:
        return sum(s.rows or 0 for s in self.steps if s.kind == "asset")


def run_pipeline(
    settings: Settings | None = None,
    *,
    full: bool = False,
    as_of: dt.date | None = None,
    on_step: Callable[[Step], None] | None = None,
) -> RunSummary:
    """Extract, model, check and publish; returns what happened."""
    warehouse = WarehouseResource.from_settings(
        settings or get_settings(),
        full_refresh=full,
        as_of=as_of.isoformat() if as_of else "",
    )
    warehouse.source()  # a missing database fails here, before any step
    job = build_definitions(warehouse).resolve_job_def("warehouse_refresh")

    run_id = str(uuid.uuid4())
    summary = RunSummary(run_id=run_id, published=False, seconds=0.0)

    def listen(entry) -> None:
        step = step_from_event(entry)
        if step is None:
            return
        summary.steps.append(step)
        if step.name == "published_warehouse":
            summary.published = True
        if on_step:
            on_step(step)

    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as storage,
        DagsterInstance.ephemeral(tempdir=storage) as instance,
    ):
        instance.add_event_listener(run_id, listen)
        job.execute_in_process(
            instance=instance, run_id=run_id, raise_on_error=False, run_config=QUIET
        )
    summary.seconds = time.perf_counter() - started
    return summary


def step_from_event(entry) -> Step | None:
    event = entry.dagster_event
    if event is None:
        return None
    if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
        materialization = event.step_materialization_data.materialization
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        return Step(
            materialization.asset_key.to_user_string(),
            "asset",
            metadata.get("rows"),
            metadata.get("seconds"),
            str(metadata.get("mode", "")),
        )
    if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = event.event_specific_data
        metadata = {k: v.value for k, v in evaluation.metadata.items()}
        if evaluation.passed:
            detail = metadata.get("outcome", PASSED)
        else:
            detail = str(metadata.get("failures"))
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        return Step(name, "check", None, None, detail)
    if event.event_type == DagsterEventType.STEP_FAILURE:
        error = event.step_failure_data.error
        message = error.cause.message if error and error.cause else error.message
        return Step(event.step_key, "failure", None, None, message.strip())
    return None
