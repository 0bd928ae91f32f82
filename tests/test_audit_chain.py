"""The audit trail's hash chains: every history row and security event is
sealed, and a row changed, removed or inserted behind the application's back
(raw SQL) is the first broken link ``manage.py audit_verify`` reports."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core.audit_chain import audit_seal, audit_verify
from core.models import AuthEvent, AuthEventKind
from indicators.models import IndicatorValue, ValueInput, ValueSource
from indicators.services import values_record
from strategy.models import Goal
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db
NOW = dt.timedelta(0)  # seal every row, however new
VALUES = "indicators.HistoricalIndicatorValue"


@pytest.fixture
def history(real_strategy, secretariat):
    """A history written through the services: one by one and, from 100 rows
    on PostgreSQL, set-based (staging); and some security events."""
    indicator = IndicatorFactory(
        code="M1-A", goal=Goal.objects.get(code="M1"), unit="count", frequency="monthly"
    )
    for items in (3, 150):
        start = dt.date(2010, 1, 1) if items == 3 else dt.date(2011, 1, 1)
        values_record(
            items=[
                ValueInput(indicator, _month(start, n), Decimal(n))
                for n in range(items)
            ],
            user=secretariat,
            source=ValueSource.API,
        )
    AuthEvent.objects.create(kind=AuthEventKind.LOGIN_FAILED, username="kari")
    return indicator


def _month(start: dt.date, n: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


def test_every_history_row_and_security_event_is_sealed(history):
    sealed = audit_seal(settle=NOW)
    assert sealed[VALUES] == IndicatorValue.history.count() == 153
    assert sealed["core.AuthEvent"] == AuthEvent.objects.count()
    code, text = verify()
    assert code == 0, text
    assert f"ok     {VALUES}: 153 rows sealed and intact" in text
    assert audit_seal(settle=NOW)[VALUES] == 0  # idempotent


def test_a_history_row_edited_behind_the_applications_back_is_caught(history):
    audit_seal(settle=NOW)
    victim = IndicatorValue.history.order_by("history_id")[10]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE indicators_historicalindicatorvalue SET value = 99 "
            "WHERE history_id = %s",
            [victim.history_id],
        )
    code, text = verify()
    assert code == 1
    assert f"BROKEN {VALUES}: row {victim.history_id}, or its seal, has changed" in text
    assert "ok     core.AuthEvent" in text


def test_a_history_row_deleted_behind_the_applications_back_is_caught(history):
    audit_seal(settle=NOW)
    victim = IndicatorValue.history.order_by("history_id")[5]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM indicators_historicalindicatorvalue WHERE history_id = %s",
            [victim.history_id],
        )
    code, text = verify()
    assert code == 1 and f"row {victim.history_id} was sealed but is gone" in text


def test_a_security_event_edited_behind_the_applications_back_is_caught(history):
    audit_seal(settle=NOW)
    event = AuthEvent.objects.get(kind="login_failed")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_authevent SET username = 'someone' WHERE id = %s", [event.pk]
        )
    code, text = verify()
    assert code == 1 and f"BROKEN core.AuthEvent: row {event.pk}" in text


def test_a_seal_rewritten_is_caught_too(history):
    from core.models import AuditSeal

    audit_seal(settle=NOW)
    seal = AuditSeal.objects.filter(chain__name=VALUES).order_by("row_id")[3]
    AuditSeal.objects.filter(pk=seal.pk).update(digest="f" * 64)
    code, text = verify()
    assert code == 1 and f"row {seal.row_id}, or its seal, has changed" in text


def test_rows_are_sealed_only_once_settled(history):
    """A row id is taken at insert: once a row older than any transaction is
    seen, every lower id is committed, so the chain never passes one to come."""
    assert audit_seal(settle=dt.timedelta(minutes=10))[VALUES] == 0
    code, text = verify()
    assert code == 0 and "153 not sealed yet" in text


def test_the_beat_job_seals(history, settings):
    from django.conf import settings as django_settings

    from core.tasks import audit_seal_task

    settings.AUDIT_SEAL_SETTLE_SECONDS = 0
    assert any(
        entry["task"] == "core.audit_seal"
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
    )
    assert audit_seal_task.delay().get() >= 153
    assert all(not state.broken for state in audit_verify())


def test_a_row_inserted_behind_the_chain_is_caught(history):
    table = "indicators_historicalindicatorvalue"
    victim = IndicatorValue.history.order_by("history_id")[7].history_id
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE kept AS SELECT * FROM {table} "  # noqa: S608
            "WHERE history_id = %s",
            [victim],
        )
        cursor.execute(f"DELETE FROM {table} WHERE history_id = %s", [victim])  # noqa: S608
    audit_seal(settle=NOW)  # the chain passes the gap
    assert verify()[0] == 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} SELECT * FROM kept")  # noqa: S608
    code, text = verify()
    assert code == 1 and f"row {victim} was never sealed" in text


def test_a_long_history_is_sealed_over_several_runs(history, monkeypatch):
    from core import audit_chain

    monkeypatch.setattr(audit_chain, "MAX_ROWS_A_RUN", 100)
    assert audit_seal(settle=NOW)[VALUES] == 100
    assert audit_seal(settle=NOW)[VALUES] == 53
    assert audit_seal(settle=NOW)[VALUES] == 0
    assert all(not state.broken for state in audit_verify())
