"""Django's PostgreSQL backend with limits on every wait for the database.

A stuck database must give a clear 503 soon, not hang a web worker until
gunicorn kills it (the client then gets a reset) nor hang ``/healthz``:

- ``connect_timeout`` (``DATABASE_CONNECT_TIMEOUT``) bounds opening a
  connection, the server's greeting and authentication included;
- ``STATEMENT_TIMEOUT`` (seconds, a key of the ``DATABASES`` entry; 0: none)
  is sent as the session's ``statement_timeout``, so the server cancels a
  statement that runs too long and the connection stays usable;
- the client stops waiting for an answer ``STATEMENT_TIMEOUT`` plus
  ``connect_timeout`` seconds after it asked: a frozen network or server never
  answers, and the server's own timeout cannot fire for a statement it never
  received. The connection is then closed (its state is unknown) and the
  next use opens a new one;
- the health check of a reused connection (``CONN_HEALTH_CHECKS``) waits no
  longer than a connect would;
- ``database_deadline(seconds)`` shortens every wait, connecting included,
  inside its block (``/healthz``).

Each wait raises ``OperationalError``, which ``DatabaseUnavailableMiddleware``
answers with a 503.
"""

import contextlib
import contextvars
import math
from collections.abc import Iterator
from typing import Any, TypeVar

import psycopg
from django.db.backends.postgresql import base
from psycopg.abc import PQGen

RV = TypeVar("RV")

# The shorter limit of a database_deadline() block, if any.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "database_deadline", default=None
)
MIN_CONNECT_TIMEOUT = 2  # libpq's (and psycopg's) smallest connect_timeout


@contextlib.contextmanager
def database_deadline(seconds: float) -> Iterator[None]:
    """Wait at most ``seconds`` for the database at each step inside the block."""
    token = _DEADLINE.set(seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that waits for an answer at most ``deadline`` s."""

    deadline: float | None = None

    def wait(
        self, gen: PQGen[RV], interval: float = 0.1, timeout: float | None = None
    ) -> RV:
        limit = _shortest(timeout, self.deadline, _DEADLINE.get())
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except psycopg.errors._WaitTimeout as exc:
            # The question may be half sent or half answered: nothing more can
            # be read from this connection safely.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s"
            ) from exc


class _Psycopg:
    """The psycopg module, whose ``connect`` makes a ``DeadlineConnection``.

    Django's backend connects through ``DatabaseWrapper.Database.connect`` and
    finds the error classes on the same object.
    """

    connect = staticmethod(DeadlineConnection.connect)

    def __getattr__(self, name: str) -> Any:
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()  # type: ignore[assignment]  # a stand-in for the module

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        statement = self.settings_dict.get("STATEMENT_TIMEOUT") or 0
        if statement:
            option = f"-c statement_timeout={int(statement * 1000)}"
            params["options"] = " ".join(filter(None, [params.get("options"), option]))
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> DeadlineConnection:
        if (limit := _DEADLINE.get()) is not None:
            seconds = max(MIN_CONNECT_TIMEOUT, math.ceil(limit))
            given = int(conn_params.get("connect_timeout") or seconds)
            conn_params = {**conn_params, "connect_timeout": min(given, seconds)}
        connection = super().get_new_connection(conn_params)
        statement = self.settings_dict.get("STATEMENT_TIMEOUT") or 0
        if statement:
            connection.deadline = statement + self._connect_timeout()
        return connection

    def is_usable(self) -> bool:
        # "Is the connection alive?" needs no longer than opening one would.
        limit = self._connect_timeout()
        with database_deadline(min(limit, _DEADLINE.get() or limit)):
            return super().is_usable()

    def _connect_timeout(self) -> float:
        options = self.settings_dict["OPTIONS"]
        return max(MIN_CONNECT_TIMEOUT, float(options.get("connect_timeout") or 0))


def _shortest(*limits: float | None) -> float | None:
    given = [limit for limit in limits if limit is not None]
    return min(given) if given else None
