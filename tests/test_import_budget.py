"""A small XLSX that unpacks to millions of rows is refused by a real worker
quickly and without the worker's memory growing (the outside test's 5M rows
in 816 kB peaked at 2.4 GB before being refused)."""

import time

import pytest

from indicators.imports import value_import_create
from indicators.models import ImportStatus
from tests.factories import GoalFactory, IndicatorFactory
from tests.workers import memory_kib, memory_peak_reset
from tests.xlsx_files import rows_xlsx

pytestmark = pytest.mark.real_services
WAIT = 60  # seconds, for a worker starting on a loaded machine


def wait_for(job, statuses, worker) -> float:
    start, deadline = time.perf_counter(), time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return time.perf_counter() - start
        assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
        time.sleep(0.02)
    raise AssertionError(f"job {job.pk} still {job.status} after {WAIT} s")


def test_a_5m_row_xlsx_is_refused_fast_by_a_real_worker_within_100_mb(
    real_worker, secretariat
):
    IndicatorFactory(code="K1", goal=GoalFactory(), unit="count")
    # Warm up: the worker has started and has read one XLSX.
    warm = value_import_create(
        user=secretariat, filename="small.xlsx", content=rows_xlsx(1)
    )
    wait_for(warm, (ImportStatus.CHECKED,), real_worker)
    bomb = rows_xlsx(5_000_000)
    assert len(bomb) < 2 * 2**20  # a small upload, far below the 10 MB limit

    before = memory_kib(real_worker.pid)
    memory_peak_reset(real_worker.pid)
    job = value_import_create(user=secretariat, filename="big.xlsx", content=bomb)
    seconds = wait_for(job, (ImportStatus.INVALID, ImportStatus.FAILED), real_worker)
    rise_mb = (memory_kib(real_worker.pid, "VmHWM") - before) / 1024

    assert job.status == ImportStatus.INVALID
    (error,) = job.file_errors  # in the worker's language, bokmål
    assert "200000" in error
    assert seconds < 2, seconds
    assert rise_mb < 100, rise_mb
