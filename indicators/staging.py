"""Large batches of values: set-based writes on PostgreSQL, and a GC pause.

``services.values_record`` decides, in Python, what every item does (its rules
live in ``values_plan`` only); this module only writes the outcome. Through
the ORM, simple_history costs ~0.3 ms a row; here a batch costs one COPY into
a temporary staging table and one statement that inserts the revisions and
their history rows together, so the database does the per-row work.

The history rows are exactly those simple_history's ``bulk_history_create``
writes: every tracked field as stored, then ``history_date``, the change
reason, ``history_type`` ("+" for a new revision, "~" for a superseded one)
and ``history_user``. ``indicators/tests/test_staging.py`` compares both
paths.
"""

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from psycopg import sql

from .models import IndicatorValue, ValueKey

# The columns a batch supplies row by row, the value's key first; every other
# column is the same for the whole batch (status, source, who, when) or its
# field's default.
STAGED = (
    *ValueKey._fields,
    "granularity",
    "value",
    "comment",
    "supersedes_id",
)
STAGING_TABLE = "indicators_value_staging"


def revisions_insert(
    rows: Iterable[Sequence[Any]],
    *,
    fixed: dict[str, Any],
    history_date: dt.datetime,
    reason: str,
    user_id: int | None,
) -> None:
    """Insert revisions (``STAGED`` values per row) with a "+" history row each.

    ``fixed`` gives the value of other columns (by attname) for every row.
    """
    fields = {f.attname: f for f in IndicatorValue._meta.concrete_fields}
    staging = sql.Identifier(STAGING_TABLE)
    create = sql.SQL("CREATE TEMPORARY TABLE {} ({}) ON COMMIT DROP").format(
        staging,
        sql.SQL(", ").join(
            sql.SQL("{} {}").format(
                sql.Identifier(fields[name].column),
                sql.SQL(fields[name].db_type(connection)),
            )
            for name in STAGED
        ),
    )
    insert, params = _revisions_insert(fields, fixed)
    history, history_params = _history_insert("new", "+", history_date, reason)
    with connection.cursor() as cursor:
        cursor.execute(create.as_string(cursor.cursor))
        copy_rows(
            cursor.cursor, STAGING_TABLE, [fields[n].column for n in STAGED], rows
        )
        cursor.execute(
            (insert + history).as_string(cursor.cursor),
            params + history_params + [user_id],
        )
        # Dropped now, not only at commit: values_record may run again in the
        # same transaction.
        cursor.execute(
            sql.SQL("DROP TABLE {}").format(staging).as_string(cursor.cursor)
        )


def _revisions_insert(
    fields: dict[str, Any], fixed: dict[str, Any]
) -> tuple[sql.Composable, list]:
    """The CTE ``new``: the staged rows inserted, every other column filled."""
    columns, values, params = [], [], []
    for attname, field in fields.items():
        if field.primary_key:
            continue
        columns.append(sql.Identifier(field.column))
        if attname in STAGED:
            values.append(sql.SQL("s.{}").format(sql.Identifier(field.column)))
        else:
            values.append(_param(field))
            params.append(fixed[attname] if attname in fixed else field.get_default())
    statement = sql.SQL(
        "WITH new AS (INSERT INTO {table} ({columns}) SELECT {values} "
        "FROM {staging} s RETURNING *) "
    ).format(
        table=sql.Identifier(IndicatorValue._meta.db_table),
        columns=sql.SQL(", ").join(columns),
        values=sql.SQL(", ").join(values),
        staging=sql.Identifier(STAGING_TABLE),
    )
    return statement, params


def revisions_update(
    ids: Sequence[int],
    *,
    fields: dict[str, Any],
    history_date: dt.datetime,
    reason: str,
    user_id: int | None,
) -> None:
    """Set ``fields`` (by attname) on these revisions, each with its "~" history row.

    One statement whatever the number of ids (an array parameter): an approval
    of 50,000 values, or the pending heads a batch of revisions replaces.
    """
    if not ids:
        return
    meta = IndicatorValue._meta
    columns = [meta.get_field(name) for name in fields]
    update = sql.SQL(
        "WITH changed AS (UPDATE {table} SET {assignments} WHERE {pk} = ANY(%s) "
        "RETURNING *) "
    ).format(
        table=sql.Identifier(meta.db_table),
        assignments=sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(field.column), _param(field))
            for field in columns
        ),
        pk=sql.Identifier(meta.pk.column),
    )
    statement, history_params = _history_insert("changed", "~", history_date, reason)
    with connection.cursor() as cursor:
        cursor.execute(
            (update + statement).as_string(cursor.cursor),
            [*fields.values(), list(ids), *history_params, user_id],
        )


def _history_insert(
    source: str, history_type: str, history_date: dt.datetime, reason: str
) -> tuple[sql.Composable, list]:
    """INSERT … SELECT of history rows from the CTE ``source``; the user last."""
    history = IndicatorValue.history.model
    tracked = [sql.Identifier(f.column) for f in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type"]
    columns = tracked + [
        sql.Identifier(history._meta.get_field(name).column)
        for name in [*extra, "history_user"]
    ]
    values = [sql.SQL("{}.{}").format(sql.Identifier(source), c) for c in tracked]
    values += [_param(history._meta.get_field(name)) for name in extra]
    values.append(_param(history._meta.get_field("history_user")))
    statement = sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} FROM {source}"
    ).format(
        table=sql.Identifier(history._meta.db_table),
        columns=sql.SQL(", ").join(columns),
        values=sql.SQL(", ").join(values),
        source=sql.Identifier(source),
    )
    return statement, [history_date, reason, history_type]


def _param(field) -> sql.Composable:
    # Typed, so that a NULL parameter has its column's type in the SELECT list.
    return sql.SQL("%s::{}").format(sql.SQL(field.db_type(connection)))


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable) -> None:
    """COPY rows (sequences in ``columns`` order) into ``table``."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch of values is handled.

    A batch builds objects (rows, items, report lines) that all live until it
    ends, so every collection meanwhile scans them and frees nothing: for
    100,000 rows that was half the Python time. Reference counting still frees
    everything else at once; cycles made meanwhile are collected afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
