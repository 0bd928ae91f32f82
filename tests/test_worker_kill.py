"""A real worker killed with SIGKILL in the middle of a task (issue 9).

Each real-service test starts a solo-pool worker (the task runs in the worker's
own process) that holds at a known point of the task (``tests/worker_hooks.py``),
kills it there with SIGKILL and checks what the database holds; then a second
worker starts. The first never acknowledged the message (``acks_late``), so
Redis still holds it among the unacknowledged ones; kombu's Redis transport
puts such a message back on the queue when a worker starts (and every
``unacked_restore_interval`` x ``unacked_restore_throttle`` seconds after) once
it is older than the visibility timeout, shortened here from 3600 s to
``VISIBILITY`` seconds.
"""

import datetime as dt
import json
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db.models import Count
from django.utils import timezone

from indicators.imports import (
    import_check,
    import_commit,
    value_import_commit_request,
    value_import_create,
)
from indicators.models import (
    ImportStatus,
    IndicatorValue,
    ProgressSnapshot,
    ValueImport,
)
from indicators.snapshots import indicators_needing_recompute, snapshots_record
from indicators.tasks import progress_recompute_task, progress_sweep_task
from strategy.models import GoalProgress
from strategy.services import progress_recompute
from tests.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory

VISIBILITY = 2  # seconds
WAIT = 45  # seconds for any one step, on a loaded machine
QUEUE = "celery"
# kombu's Redis transport keeps each delivered, unacknowledged message here.
UNACKED = ("unacked", "unacked_index", "unacked_mutex")

SNAPSHOT_FIELDS = (
    "indicator_id",
    "as_of",
    "inputs_fingerprint",
    "method",
    "status",
    "score",
    "progress_value",
    "components",
)
GOAL_FIELDS = ("goal_id", "as_of", "inputs_fingerprint", "status", "score", "counts")


# --- The worker, the kill and the broker --------------------------------------


@pytest.fixture
def broker():
    """The test's Redis database, without messages left over from earlier runs."""
    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    client.delete(QUEUE, *UNACKED)
    yield client
    client.close()


class Workers:
    """Starts the test's workers; the first holds at ``point``, to be killed."""

    def __init__(self, start, tmp_path: Path, point: str):
        self.start, self.point = start, point
        self.hold_file = tmp_path / "held.json"
        self.log = tmp_path / "workers.log"
        self.current = None

    def _start(self, env: dict, args=()):
        env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY), **env}
        with self.log.open("ab") as log:
            self.current = self.start(env=env, args=args, output=log)
        return self.current

    def start_held(self):
        return self._start(
            {"WORKER_HOLD_AT": self.point, "WORKER_HOLD_FILE": str(self.hold_file)},
            args=["--include", "tests.worker_hooks"],
        )

    def start_plain(self):
        return self._start({})

    def wait_until(self, check, what: str):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            assert self.current.poll() is None, f"worker died:\n{self.log_tail()}"
            time.sleep(0.2)
        pytest.fail(f"{what}: not within {WAIT} s\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill_when_held(self) -> dict:
        """SIGKILL the worker once it holds at the point; what it had done."""
        worker = self.current
        held = self.wait_until(
            lambda: self.hold_file.exists() and json.loads(self.hold_file.read_text()),
            f"worker held at {self.point}",
        )
        assert held["pid"] == worker.pid  # the solo pool: the task runs right there
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=WAIT) == -signal.SIGKILL
        held["at"] = time.time()  # later than the delivery the timeout counts from
        return held

    def restart(self, broker, held: dict):
        """A new worker, once the killed one's message is due to come back."""
        # Not lost, not acknowledged: waiting in Redis for a worker to restore it.
        assert broker.hlen("unacked") == 1
        assert broker.llen(QUEUE) == 0
        # A worker restores only messages older than the visibility timeout;
        # the delivery came before the hold.
        time.sleep(max(0.0, held["at"] + VISIBILITY + 0.5 - time.time()))
        return self.start_plain()


def no_message_left(broker) -> bool:
    """Nothing queued, nothing delivered and unacknowledged: the task is done."""
    return broker.llen(QUEUE) == 0 and broker.hlen("unacked") == 0


# --- A recompute --------------------------------------------------------------


def progress_inputs() -> list[int]:
    """24 indicators in 3 goals whose statuses differ; 3 have no values."""
    goals = [GoalFactory() for _ in range(3)]
    ids = []
    approved_at = timezone.now() - dt.timedelta(days=1)
    for n in range(24):
        indicator = IndicatorFactory(
            goal=goals[n % 3],
            direction="decrease" if n % 4 == 3 else "increase",
            baseline_value=Decimal(100),
            baseline_year=2020,
            target_value=Decimal(60) if n % 4 == 3 else Decimal(100 + 10 * (n + 1)),
            target_year=2030,
        )
        ids.append(indicator.pk)
        for year in range(2021, 2025) if n % 8 else ():
            step = (n % 5 - 1) * (year - 2020)
            IndicatorValueFactory(
                indicator=indicator,
                period_start=dt.date(year, 1, 1),
                value=Decimal(100 + step * (-1 if n % 4 == 3 else 1)),
                status="approved",
                approved_at=approved_at,
            )
    return ids


def progress_results() -> tuple[list[dict], list[dict]]:
    snapshots = ProgressSnapshot.objects.order_by("indicator_id", "pk")
    goals = GoalProgress.objects.order_by("goal_id", "pk")
    return (
        list(snapshots.values(*SNAPSHOT_FIELDS)),
        list(goals.values(*GOAL_FIELDS)),
    )


@pytest.mark.real_services
@pytest.mark.parametrize(
    "point",
    ["snapshots_written", "goals_rollup"],
    ids=["inside-the-snapshot-transaction", "before-the-goal-roll-up"],
)
def test_a_recompute_killed_midway_runs_again_to_the_undisturbed_result(
    real_workers, broker, tmp_path, point
):
    ids = progress_inputs()
    as_of = timezone.localdate()
    workers = Workers(real_workers, tmp_path, point)
    workers.start_held()
    progress_recompute_task.delay(ids, as_of.isoformat())

    held = workers.kill_when_held()
    if point == "snapshots_written":
        assert held["rows"] == 24  # all written, then the worker died
    # Snapshots and roll-ups commit together (issue 21): killed before the
    # roll-up, the snapshots are gone too, so no goal is left behind.
    assert not ProgressSnapshot.objects.exists()
    assert not GoalProgress.objects.exists()

    workers.restart(broker, held)
    workers.wait_until(
        lambda: GoalProgress.objects.count() == 3 and no_message_left(broker),
        "the redelivered recompute",
    )
    disturbed = progress_results()
    undisturbed = undisturbed_results(ids, as_of)
    assert disturbed == undisturbed  # one row per indicator and per goal, equal
    snapshots, goals = undisturbed
    assert [s["indicator_id"] for s in snapshots] == sorted(ids)
    assert len(goals) == 3
    assert len({s["status"] for s in snapshots}) >= 3  # not a trivial comparison


def undisturbed_results(ids: list[int], as_of) -> tuple[list[dict], list[dict]]:
    """The same inputs computed again here, without any interruption."""
    ProgressSnapshot.objects.all().delete()
    GoalProgress.objects.all().delete()
    progress_recompute(indicator_ids=ids, as_of=as_of)
    return progress_results()


@pytest.mark.real_services
def test_a_recompute_killed_before_the_roll_up_and_its_message_lost_is_healed_by_the_sweep(  # noqa: E501
    real_workers, broker, tmp_path
):
    """Issue 21: the goal roll-up was left behind its committed snapshots, and
    the sweep, which looked at indicators only, queued nothing; a Redis
    restart without persistence then lost the message for good."""
    ids = progress_inputs()
    as_of = timezone.localdate()
    workers = Workers(real_workers, tmp_path, "goals_rollup")
    workers.start_held()
    progress_recompute_task.delay(ids, as_of.isoformat())
    workers.kill_when_held()
    broker.delete(QUEUE, *UNACKED)  # Redis restarted with nothing kept

    assert progress_sweep_task() == len(ids)  # beat's sweep, run here
    workers.start_plain()
    workers.wait_until(
        lambda: GoalProgress.objects.count() == 3 and no_message_left(broker),
        "the recompute the sweep queued",
    )
    disturbed = progress_results()
    assert disturbed == undisturbed_results(ids, as_of)


@pytest.mark.django_db
def test_the_sweep_finds_a_goal_left_behind_its_indicators():
    """A database left by the earlier code: snapshots committed, the roll-up
    never written. The indicators look up to date; their goal does not."""
    ids = progress_inputs()
    snapshots_record(indicator_ids=ids, as_of=timezone.localdate())
    assert indicators_needing_recompute() == []
    assert progress_sweep_task.delay().get() == len(ids)
    assert GoalProgress.objects.count() == 3
    assert progress_sweep_task.delay().get() == 0


# --- An import ----------------------------------------------------------------


def monthly_file(indicators: int, months: int) -> bytes:
    lines = ["indikator;periode;verdi"]
    for i in range(indicators):
        for m in range(months):
            lines.append(f"K{i};{2005 + m // 12}-{m % 12 + 1:02d};{m},5")
    return ("\n".join(lines) + "\n").encode()


def import_inputs(indicators: int, months: int) -> bytes:
    goal = GoalFactory()
    for i in range(indicators):
        IndicatorFactory(code=f"K{i}", goal=goal, unit="count", frequency="monthly")
    return monthly_file(indicators, months)


def wait_for_status(workers, job, status: str):
    def reached():
        job.refresh_from_db()
        assert job.status not in (ImportStatus.INVALID, ImportStatus.FAILED), (
            job.file_errors,
            workers.log_tail(),
        )
        return job.status == status

    workers.wait_until(reached, f"import {status}")


def assert_stored_once(rows: int) -> None:
    assert IndicatorValue.objects.count() == rows
    per_period = IndicatorValue.objects.values("indicator_id", "period_start")
    assert per_period.annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    assert set(IndicatorValue.objects.values_list("status", "source").distinct()) == {
        ("submitted", "import")
    }
    assert IndicatorValue.history.count() == rows  # one audit row each


@pytest.mark.real_services
def test_an_import_killed_while_committing_leaves_nothing_and_commits_on_retry(
    real_workers,
    broker,
    tmp_path,
    secretariat,
):
    rows = 20_000  # 80 monthly indicators x 250 months
    content = import_inputs(80, 250)
    workers = Workers(real_workers, tmp_path, "import_written")
    workers.start_held()
    job = value_import_create(user=secretariat, filename="v.csv", content=content)
    wait_for_status(workers, job, ImportStatus.CHECKED)
    assert job.counts == {"new": rows}
    assert value_import_commit_request(job=job, user=secretariat)

    held = workers.kill_when_held()
    assert held["rows"] == rows  # every value written in the open transaction
    job.refresh_from_db()
    assert (job.status, job.finished_at) == (ImportStatus.COMMITTING, None)
    assert not IndicatorValue.objects.exists()
    assert not IndicatorValue.history.exists()

    workers.restart(broker, held)
    wait_for_status(workers, job, ImportStatus.COMMITTED)
    assert_stored_once(rows)
    assert job.counts == {"new": rows}
    workers.wait_until(lambda: no_message_left(broker), "the commit acknowledged")


@pytest.mark.real_services
def test_an_import_killed_during_its_dry_run_is_checked_again(
    real_workers,
    broker,
    tmp_path,
    secretariat,
):
    content = import_inputs(3, 10)
    workers = Workers(real_workers, tmp_path, "import_checked")
    workers.start_held()
    job = value_import_create(user=secretariat, filename="v.csv", content=content)

    held = workers.kill_when_held()
    assert held["rows"] == 30  # checked, the report not yet saved
    job.refresh_from_db()
    assert (job.status, job.report) == (ImportStatus.CHECKING, [])

    workers.restart(broker, held)
    wait_for_status(workers, job, ImportStatus.CHECKED)
    assert job.counts == {"new": 30}
    assert value_import_commit_request(job=job, user=secretariat)
    wait_for_status(workers, job, ImportStatus.COMMITTED)
    assert_stored_once(30)


@pytest.mark.real_services
def test_an_import_that_kills_its_worker_every_time_is_given_up(
    real_workers,
    broker,
    tmp_path,
    secretariat,
):
    """acks_late brings a killed task back; a file that takes its worker down
    each time comes back MAX_DELIVERIES times, then fails and is acknowledged."""
    from indicators.imports import MAX_DELIVERIES

    content = import_inputs(3, 10)
    workers = Workers(real_workers, tmp_path, "import_checked")
    workers.start_held()
    job = value_import_create(user=secretariat, filename="v.csv", content=content)
    for delivery in range(1, MAX_DELIVERIES + 1):
        held = workers.kill_when_held()
        job.refresh_from_db()
        assert (job.status, job.deliveries) == (ImportStatus.CHECKING, delivery)
        workers.hold_file.unlink()
        time.sleep(max(0.0, held["at"] + VISIBILITY + 0.5 - time.time()))
        if delivery < MAX_DELIVERIES:
            workers.start_held()  # dies again at the same point
    workers.start_plain()
    workers.wait_until(lambda: no_message_left(broker), "the job given up")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.deliveries == MAX_DELIVERIES + 1
    (error,) = job.file_errors  # in the worker's language: the count says it
    assert str(MAX_DELIVERIES) in error
    assert not IndicatorValue.objects.exists()


# --- The same redeliveries, without a broker ----------------------------------


def checked_job(user, status: str) -> ValueImport:
    """A job of 6 rows, as a worker killed during its dry run leaves it."""
    return ValueImport.objects.create(
        filename="v.csv", content=import_inputs(2, 3), created_by=user, status=status
    )


@pytest.mark.django_db
def test_a_dry_run_delivered_again_after_a_crash_runs_again(secretariat):
    job = checked_job(secretariat, ImportStatus.CHECKING)
    import_check(job_id=job.pk)  # the redelivered task
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.counts == {"new": 6}


@pytest.mark.django_db
def test_a_commit_delivered_again_after_a_crash_stores_each_value_once(
    secretariat, django_capture_on_commit_callbacks
):
    job = checked_job(secretariat, ImportStatus.PENDING)
    import_check(job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert value_import_commit_request(job=job, user=secretariat)
    assert len(queued) == 1  # the commit task, never run: its worker died
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING

    import_commit(job_id=job.pk)  # the redelivered task
    import_commit(job_id=job.pk)  # and once more: nothing changes
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert_stored_once(6)
