"""Every wait for PostgreSQL is bounded (core.postgresql): slow, frozen, gone.

Each test opens its own connection through the project's backend, to the test
database directly or through a proxy that a test freezes (it accepts and
holds traffic, answering nothing, like a partition or a hung server).
"""

import time

import pytest
from django.db import OperationalError, connection

from core.postgresql.base import DatabaseWrapper, database_deadline
from tests.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.real_services, pytest.mark.django_db]


def wrapper(*, statement: float, connect: int = 2, port: int | None = None):
    settings = dict(connection.settings_dict)
    settings["OPTIONS"] = {**settings["OPTIONS"], "connect_timeout": connect}
    settings["STATEMENT_TIMEOUT"] = statement
    if port is not None:
        settings["HOST"], settings["PORT"] = "127.0.0.1", port
    return DatabaseWrapper(settings, alias="timeouts")


def one(db) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


@pytest.fixture
def proxy():
    target = connection.settings_dict
    proxy = CuttableProxy(target["HOST"] or "127.0.0.1", int(target["PORT"] or 5432))
    proxy.start()
    yield proxy
    proxy.cut()


def timed(call) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def test_the_server_cancels_a_long_statement_and_the_connection_lives_on():
    db = wrapper(statement=1)
    try:
        with db.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("1s",)
            seconds, error = timed(lambda: cursor.execute("SELECT pg_sleep(5)"))
        assert isinstance(error, OperationalError), error
        assert "statement timeout" in str(error)
        assert seconds < 3
        db.rollback()
        assert one(db) == 1  # cancelled by the server: still usable
    finally:
        db.close()


def test_no_limit_when_the_statement_timeout_is_zero():
    db = wrapper(statement=0)
    try:
        with db.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)
        assert db.connection.deadline is None
    finally:
        db.close()


def test_a_frozen_server_is_given_up_after_the_statement_and_connect_limits(proxy):
    db = wrapper(statement=1, connect=2, port=proxy.port)
    try:
        assert one(db) == 1
        proxy.freeze()
        seconds, error = timed(lambda: one(db))
        assert isinstance(error, OperationalError), error
        assert "did not answer within 3 s" in str(error)
        assert 2.5 < seconds < 6
        assert db.connection.closed  # its state is unknown: never reused
        proxy.thaw()
        db.close()
        assert one(db) == 1  # a new connection, as the next request gets
    finally:
        proxy.thaw()
        db.close()


def test_a_frozen_server_refuses_new_connections_after_the_connect_limit(proxy):
    db = wrapper(statement=30, connect=2, port=proxy.port)
    proxy.freeze()
    try:
        seconds, error = timed(lambda: one(db))
        assert isinstance(error, OperationalError), error
        assert 1.5 < seconds < 5
    finally:
        proxy.thaw()
        db.close()


def test_the_health_check_of_a_reused_connection_waits_as_long_as_a_connect(proxy):
    db = wrapper(statement=30, connect=2, port=proxy.port)
    try:
        assert one(db) == 1
        proxy.freeze()
        started = time.monotonic()
        assert not db.is_usable()
        assert time.monotonic() - started < 4  # not the 32 s a statement may wait
    finally:
        proxy.thaw()
        db.close()


def test_a_deadline_block_shortens_every_wait_connecting_included(proxy):
    db = wrapper(statement=30, connect=10, port=proxy.port)
    try:
        assert one(db) == 1
        proxy.freeze()
        with database_deadline(2):
            seconds, error = timed(lambda: one(db))
        assert isinstance(error, OperationalError) and seconds < 4
        db.close()
        with database_deadline(2):
            seconds, error = timed(lambda: one(db))
        assert isinstance(error, OperationalError) and seconds < 4
    finally:
        proxy.thaw()
        db.close()
