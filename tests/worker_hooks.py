"""Test-only: hold a real worker at a known point of a task, to be killed there.

Loaded into a worker by ``celery worker --include tests.worker_hooks``. With
``WORKER_HOLD_AT`` naming one of ``POINTS`` and ``WORKER_HOLD_FILE`` a path,
the worker that reaches the point writes the file (JSON: its pid, its database
session's statement timeout and what it has done so far) and waits there for
the test to kill it. Without the two
variables the module changes nothing.
"""

import functools
import importlib
import json
import os
import time

# point: (module, function, whether the worker holds after the call or before)
POINTS = {
    # Inside the snapshot transaction: every snapshot written, none committed.
    "snapshots_written": ("indicators.snapshots", "_snapshots_insert", True),
    # Snapshots written, in the same transaction; the goal roll-up not started.
    "goals_rollup": ("strategy.services", "goal_progress_record", False),
    # The commit's transaction: every value and history row written, uncommitted.
    "import_written": ("indicators.imports", "values_record", True),
    # The dry run done, its report not yet saved (the job says "checking").
    "import_checked": ("indicators.imports", "file_check", True),
}
# Never wait for ever should the test fail to kill the worker.
HOLD_SECONDS = 120


def _hold(detail: dict) -> None:
    path = os.environ["WORKER_HOLD_FILE"]
    detail = {"pid": os.getpid(), "statement_timeout": _statement_timeout(), **detail}
    with open(f"{path}.part", "w") as part:
        json.dump(detail, part)
    os.replace(f"{path}.part", path)  # the test never reads half a file
    time.sleep(HOLD_SECONDS)
    raise RuntimeError("held at a kill point and never killed")


def _statement_timeout() -> str:
    """The limit the worker's own database session runs with."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def _rows(args, result) -> int | None:
    """How many rows the call wrote or checked, as far as it tells."""
    for value in (result, getattr(result, "report", None), *args):
        if isinstance(value, list):
            return len(value)
    return None


def _install(point: str) -> None:
    module_name, name, after = POINTS[point]
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    @functools.wraps(original)
    def held(*args, **kwargs):
        if point == "import_checked" and kwargs.get("plan") is False:
            return original(*args, **kwargs)  # the commit's check, not the dry run
        rows = _rows(args, original(*args, **kwargs)) if after else None
        _hold({"point": point, "rows": rows})  # never returns

    setattr(module, name, held)


if os.environ.get("WORKER_HOLD_AT") and os.environ.get("WORKER_HOLD_FILE"):
    _install(os.environ["WORKER_HOLD_AT"])
