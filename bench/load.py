"""Load: council users and integrations against gunicorn, a worker, PostgreSQL, Redis.

Builds its own scratch database (the real strategy and roadmap, the demo
indicators, bench indicators for the integrations to write, council logins
and API keys, all through the project's own commands and services), starts
the production web command (``config/start-web.sh``: gunicorn) and a real
``celery -A config worker`` on it, and runs, on loopback for ``--duration``
seconds after every user has logged in:

- ``--users`` council members (Rådsmedlem) browsing: overview, a goal, an
  indicator, the roadmap, and the fragments these load through htmx, with
  short think times;
- ``--integrations`` integrations posting batches of values through
  ``POST /api/v1/values/bulk/`` and ``/api/v1/indicators/{code}/values/``:
  new periods, re-sends of the same batch (must come back ``unchanged``),
  corrections with a comment (``revised``), and an approver's key approving
  them through ``POST /api/v1/values/approve/``, which queues the recompute.

Prints requests per second, median and 95th percentile latency (overall and
per kind), the errors (any unexpected status, outcome or exception, and any
error the web or the worker logged), then checks in the database that every
value the server accepted is stored exactly once, that each period has the
value last accepted as its one current revision, and, once the worker has
drained the queue, that every written indicator was recomputed after its last
approval. Exits 1 unless there are no errors and nothing lost or duplicated.

    .venv/bin/python bench/load.py [--duration 60] [--users 50] [--integrations 5]
        [--workers 4] [--port 8790]

``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_load``)
names the scratch database, dropped and created afresh: its name must start
with ``bench``. ``BENCH_BROKER_URL`` (default ``redis://127.0.0.1:6379/12``)
names the Redis database, flushed at the start.
"""

import argparse
import datetime as dt
import html
import io
import math
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bench.import_values import scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
DEFAULT_BROKER = "redis://127.0.0.1:6379/12"
ROADMAP = PROJECT_DIR / "initiatives" / "data" / "roadmap-deliveries-2026-08.csv"
GOALS = ["M1", "M2", "M3", "M4", "M5"]
MONTHLY_PER_INTEGRATION = 3  # plus one annual indicator each
PASSWORD = "bench-load-" + secrets.token_urlsafe(12)
TIMEOUT = 30  # seconds per request on the client; gunicorn's own is 60
THINK_USER = (0.5, 2.0)
THINK_INTEGRATION = (0.1, 0.3)
CORRECTION_SHARE = 0.3
RESEND_SHARE = 0.5
APPROVE_EVERY = 3  # rounds
LOG_ERRORS = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")
HEALTH_SECONDS = 90
DRAIN_SECONDS = 120
# Kinds of request, as reported.
PAGE, FRAGMENT = "page ", "fragment "
VALUE_POST, APPROVAL = "API value posts", "API approvals"


# --- Scratch database and data --------------------------------------------------------


def broker_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def django_setup(url: str) -> None:
    """Django in this process, for the set-up and the checks (tasks in-process)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # no query log in memory
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


@dataclass
class Integration:
    name: str
    goal: str
    key: str
    approver_key: str
    monthly: list[str]
    annual: str


@dataclass
class Fixtures:
    usernames: list[str]
    integrations: list[Integration]
    goals: list[str]
    indicator_codes: list[str]


def data_fill(n_users: int, n_integrations: int) -> Fixtures:
    """The project's commands for the real data, then logins, keys, indicators."""
    from django.core.management import call_command

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("load_strategy", **quiet)
    call_command("import_roadmap", str(ROADMAP), "--version", "2026-08", **quiet)
    integrations = [_integration_create(i) for i in range(n_integrations)]
    call_command("load_demo", **quiet)
    call_command("recompute_progress", **quiet)
    usernames = _council_create(n_users)

    from indicators.models import Indicator

    return Fixtures(
        usernames=usernames,
        integrations=integrations,
        goals=GOALS,
        indicator_codes=list(Indicator.objects.values_list("code", flat=True)),
    )


def _council_create(n: int) -> list[str]:
    """Council members with one password, hashed once (PBKDF2 is slow on purpose)."""
    from django.contrib.auth.hashers import make_password

    from core.models import User
    from core.roles import Role
    from core.services import role_group

    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(username=f"bench-council-{n:02d}", password=hashed) for n in range(n)
    )
    group = role_group(Role.COUNCIL_MEMBER)
    group.user_set.add(*users)
    return [u.username for u in users]


def _integration_create(i: int) -> Integration:
    """An integration key scoped to one goal, its indicators, an approver key."""
    from core.models import User
    from core.roles import Role
    from core.services import api_key_create, role_group
    from indicators.services import indicator_create
    from strategy.models import Goal

    goal_code = GOALS[i % len(GOALS)]
    goal = Goal.objects.get(code=goal_code)
    secretariat, _created = User.objects.get_or_create(username="bench-secretariat")
    secretariat.groups.add(role_group(Role.SECRETARIAT))
    codes = [f"BENCH-I{i}-M{k}" for k in range(MONTHLY_PER_INTEGRATION)]
    annual = f"BENCH-I{i}-A"
    for code in [*codes, annual]:
        indicator_create(
            user=secretariat,
            fields={
                "code": code,
                "goal": goal,
                "name_nb": f"Lasttest {code}",
                "unit": "count",
                "direction": "increase",
                "baseline_value": Decimal(40),
                "baseline_year": 2016,
                "target_value": Decimal(200),
                "frequency": "annual" if code == annual else "monthly",
            },
        )
    # Each key has a person of its own behind it: four eyes compares owners.
    _key, raw = api_key_create(
        name=f"bench-integration-{i}",
        role=Role.INTEGRATION,
        owner=User.objects.get_or_create(username=f"bench-owner-integration-{i}")[0],
        scopes=[goal_code],
        known_scopes={goal_code},
    )
    _key, approver = api_key_create(
        name=f"bench-approver-{i}",
        role=Role.APPROVER,
        owner=User.objects.get_or_create(username=f"bench-owner-approver-{i}")[0],
        scopes=[goal_code],
        known_scopes={goal_code},
    )
    return Integration(f"integration-{i}", goal_code, raw, approver, codes, annual)


def static_stale() -> bool:
    """Whether a static file is newer than the collected manifest (or there is none).

    Collecting post-processes every file again, over a minute on two cores:
    .ci/run has just done it.
    """
    from django.conf import settings
    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(
        os.path.getmtime(storage.path(path)) > collected
        for finder in finders.get_finders()
        for path, storage in finder.list([])
    )


# --- Servers --------------------------------------------------------------------------


class Servers:
    """gunicorn (config/start-web.sh) and a celery worker, each in its process group."""

    def __init__(self, *, url: str, broker: str, port: int, workers: int):
        self.base = f"http://127.0.0.1:{port}"
        self.port = port
        self.logdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
        venv_bin = str(Path(sys.executable).parent)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "EMAIL_URL": "smtp://127.0.0.1:2525",
            "SITE_URL": self.base,
            # Plain HTTP here: TLS would end at the reverse proxy in production.
            "SECURE_SSL_REDIRECT": "false",
            "API_THROTTLE_USER": "1000000/minute",
            "WEB_CONCURRENCY": str(workers),
            "BIND": f"127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
            "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
        }
        self.env.pop("DEBUG", None)
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        self._port_free_check()
        if static_stale():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=PROJECT_DIR,
                env=self.env,
                check=True,
            )
        self._spawn("web", ["./config/start-web.sh"])
        self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=1",
                "--hostname=bench-load@%h",
            ],
        )
        self._healthy_wait()

    def _port_free_check(self) -> None:
        try:
            requests.get(f"{self.base}/healthz", timeout=2)
        except requests.ConnectionError:
            return
        sys.exit(f"port {self.port} is in use: choose another with --port")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = (self.logdir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - fixed argv
            argv,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )

    def _healthy_wait(self) -> None:
        deadline = time.monotonic() + HEALTH_SECONDS
        body = ""
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early\n{self.log_tail(name)}")
            try:
                response = requests.get(f"{self.base}/healthz", timeout=5)
                body = response.text
                if response.ok and response.json().get("status") == "ok":
                    return
            except requests.RequestException as exc:
                body = repr(exc)
            time.sleep(0.5)
        raise RuntimeError(f"web not healthy: {body}\n{self.log_tail('web')}")

    def log_text(self, name: str) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, name: str, lines: int = 40) -> str:
        return "\n".join(self.log_text(name).splitlines()[-lines:])

    def log_errors(self) -> list[str]:
        """Lines where the web or the worker logged an error or a traceback."""
        return [
            f"{name} log: {line.strip()}"
            for name in self.processes
            for line in self.log_text(name).splitlines()
            if LOG_ERRORS.search(line)
        ]

    def alive(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is None]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# --- Measurements ---------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    login_seconds: float = 0.0
    client_cpu: float = 0.0

    def sample(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def call(session, stats: Stats, kind: str, method: str, url: str, *, expect=200, **kw):
    """One request, timed; None (and an error) on an exception or another status."""
    start = time.perf_counter()
    try:
        response = session.request(
            method, url, timeout=TIMEOUT, allow_redirects=False, **kw
        )
    except requests.RequestException as exc:
        stats.sample(kind, time.perf_counter() - start)
        stats.error(f"{method} {urlsplit(url).path}: {exc!r}")
        return None
    stats.sample(kind, time.perf_counter() - start)
    if response.status_code != expect:
        stats.error(
            f"{method} {urlsplit(url).path} -> {response.status_code}: "
            f"{response.text[:300]!r}"
        )
        return None
    return response


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- Council users --------------------------------------------------------------------


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_TAG = re.compile(r"<[^>]*\bhx-get=\"([^\"]+)\"[^>]*>")
HX_LAZY = re.compile(r"\bhx-trigger=\"(load|revealed)\b")


def lazy_fragments(page: str) -> list[str]:
    """What htmx fetches by itself: fragments loaded at once or when scrolled to."""
    return [
        html.unescape(tag.group(1))
        for tag in HX_TAG.finditer(page)
        if HX_LAZY.search(tag.group(0))
    ]


class ProxySession(requests.Session):
    """A browser behind the TLS-terminating proxy, talking plain HTTP to gunicorn.

    It says so with X-Forwarded-Proto, as the proxy would; the session and
    CSRF cookies, Secure in production, must then travel on the plain loopback
    connection, so they lose their Secure mark once received.
    """

    def __init__(self):
        super().__init__()
        self.headers["X-Forwarded-Proto"] = "https"

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def council_login(session, stats: Stats, base: str, username: str) -> bool:
    page = call(session, stats, "login", "GET", f"{base}/login/")
    token = CSRF_INPUT.search(page.text) if page is not None else None
    if token is None:
        if page is not None:
            stats.error(f"GET /login/: no CSRF token in the form ({username})")
        return False
    origin = "https://" + urlsplit(base).netloc
    response = call(
        session,
        stats,
        "login",
        "POST",
        f"{base}/login/",
        expect=302,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
            "next": "",
        },
        headers={"Referer": f"{origin}/login/", "Origin": origin},
    )
    if response is None:
        return False
    if urlsplit(response.headers.get("Location", "")).path != "/":
        stats.error(f"login {username} went to {response.headers.get('Location')}")
        return False
    return True


def council_browse(session, stats, base, fixtures, stop, rng) -> None:
    while not stop.is_set():
        for name, path in (
            ("overview", "/"),
            ("goal", f"/goals/{rng.choice(fixtures.goals)}/"),
            ("indicator", f"/indicators/{rng.choice(fixtures.indicator_codes)}/"),
            ("roadmap", "/roadmap/"),
        ):
            if stop.is_set():
                return
            page = call(session, stats, f"{PAGE}{name}", "GET", base + path)
            # What htmx then fetches: the widgets a page loads as fragments.
            for fragment in lazy_fragments(page.text if page else ""):
                url = urljoin(base + path, fragment)
                headers = {"HX-Request": "true"}
                kind = f"{FRAGMENT}{name}"
                call(session, stats, kind, "GET", url, headers=headers)
            stop.wait(rng.uniform(*THINK_USER))


# --- Integrations ---------------------------------------------------------------------


@dataclass
class Head:
    value: str  # the newest accepted value: pending, or else official
    pending: bool


@dataclass
class Ledger:
    """What the server said it accepted, for the database check afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    written: list[tuple[str, str, str, str]] = field(default_factory=list)
    unchanged: int = 0
    approved: int = 0
    heads: dict[tuple[str, str], Head] = field(default_factory=dict)
    official: dict[tuple[str, str], str] = field(default_factory=dict)


class IntegrationClient:
    """One integration, sequential like a real one: its model of the server is exact."""

    def __init__(self, spec: Integration, base: str, stats: Stats, ledger: Ledger):
        self.spec, self.base, self.stats, self.ledger = spec, base, stats, ledger
        self.api = self._session(spec.key)
        self.approver = self._session(spec.approver_key)
        self.rng = random.Random(spec.name)  # noqa: S311 - bench data
        self.seq = 0
        self.heads: dict[tuple[str, str], Head] = {}
        self.official: dict[tuple[str, str], str] = {}
        today = dt.date.today()
        self.years = list(range(2016, today.year))

    @staticmethod
    def _session(key: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {key}"
        return session

    def run(self, stop: threading.Event) -> None:
        try:
            self._rounds(stop)
        finally:
            with self.ledger.lock:
                self.ledger.heads.update(self.heads)
                self.ledger.official.update(self.official)

    def _rounds(self, stop: threading.Event) -> None:
        rounds = 0
        while not stop.is_set():
            rounds += 1
            keys = self._round_keys()
            items = [self._item(code, period) for code, period in keys]
            # On a failure the model may no longer match the server: stop writing.
            if not self._post(keys, items):
                return
            # The same batch again (a retry after a lost answer): all unchanged.
            if self.rng.random() < RESEND_SHARE and not self._post(keys, items):
                return
            if rounds % APPROVE_EVERY == 0 and not self._approve(keys):
                return
            stop.wait(self.rng.uniform(*THINK_INTEGRATION))

    def _round_keys(self) -> list[tuple[str, str]]:
        """One year: every indicator of the integration, or one monthly one."""
        year = self.rng.choice(self.years)
        months = [f"{year}-{m:02d}" for m in range(1, 13)]
        if self.rng.random() < 0.3:
            return [(self.rng.choice(self.spec.monthly), p) for p in months]
        keys = [(code, p) for code in self.spec.monthly for p in months]
        return [*keys, (self.spec.annual, str(year))]

    def _item(self, code: str, period: str) -> dict:
        head = self.heads.get((code, period))
        item = {"indicator": code, "period": period}
        if head is not None and self.rng.random() >= CORRECTION_SHARE:
            return {**item, "value": head.value}  # sent again: unchanged
        self.seq += 1
        # Unique per period, so that a lost or doubled revision shows.
        value = f"{40 + self.seq // 1_000_000}.{self.seq % 1_000_000:06d}"
        item["value"] = value
        if head is not None:
            item["comment"] = f"Bench correction {self.seq}"
        return item

    def _post(self, keys, items) -> bool:
        expected = [
            self._expected(k, item) for k, item in zip(keys, items, strict=True)
        ]
        codes = {code for code, _p in keys}
        if len(codes) == 1 and self.rng.random() < 0.5:
            url = f"{self.base}/api/v1/indicators/{codes.pop()}/values/"
            body = [{k: v for k, v in i.items() if k != "indicator"} for i in items]
        else:
            url, body = f"{self.base}/api/v1/values/bulk/", items
        response = call(self.api, self.stats, VALUE_POST, "POST", url, json=body)
        if response is None:
            return False
        outcomes = response.json()["items"]
        got = [(o["indicator"], o["period"], o["outcome"]) for o in outcomes]
        want = [(c, p, e) for (c, p), e in zip(keys, expected, strict=True)]
        if got != want:
            wrong = [(g, w) for g, w in zip(got, want, strict=False) if g != w][:3]
            self.stats.error(
                f"{self.spec.name}: outcomes differ (got, expected) {wrong}"
            )
            return False
        self._accept(keys, items, expected)
        return True

    def _expected(self, key, item) -> str:
        head = self.heads.get(key)
        if head is None:
            return "created"
        return "unchanged" if head.value == item["value"] else "revised"

    def _accept(self, keys, items, outcomes) -> None:
        written = []
        for key, item, outcome in zip(keys, items, outcomes, strict=True):
            if outcome == "unchanged":
                continue
            self.heads[key] = Head(item["value"], pending=True)
            written.append((*key, item["value"], outcome))
        with self.ledger.lock:
            self.ledger.written.extend(written)
            self.ledger.unchanged += len(items) - len(written)

    def _approve(self, keys) -> bool:
        pending = [k for k in keys if self.heads[k].pending]
        if not pending:
            return True
        body = {"items": [{"indicator": c, "period": p} for c, p in pending]}
        response = call(
            self.approver,
            self.stats,
            APPROVAL,
            "POST",
            f"{self.base}/api/v1/values/approve/",
            json=body,
        )
        if response is None:
            return False
        if response.json().get("approved") != len(pending):
            self.stats.error(f"{self.spec.name}: approved {response.json()!r}")
            return False
        for key in pending:
            self.heads[key].pending = False
            self.official[key] = self.heads[key].value
        with self.ledger.lock:
            self.ledger.approved += len(pending)
        return True


# --- The run --------------------------------------------------------------------------


def guarded(stats: Stats, name: str, body) -> threading.Thread:
    """A daemon thread; a bug in the bench is an error, not a silent thread death."""

    def run():
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - reported as an error
            stats.error(f"{name}: {exc!r}")

    return threading.Thread(target=run, name=name, daemon=True)


def load_run(args, fixtures: Fixtures, base: str) -> tuple[Stats, Ledger, float]:
    """Log every user in, then browse and write for the duration; the elapsed time."""
    stats, ledger, stop = Stats(), Ledger(), threading.Event()
    started = time.perf_counter()
    sessions = logins_run(stats, base, fixtures.usernames)
    stats.login_seconds = time.perf_counter() - started

    threads = []
    for n, session in enumerate(sessions):
        if session is not None:
            rng = random.Random(n)  # noqa: S311 - bench data
            threads.append(
                guarded(
                    stats,
                    f"user {n}",
                    lambda s=session, r=rng: council_browse(
                        s, stats, base, fixtures, stop, r
                    ),
                )
            )
    for spec in fixtures.integrations:
        client = IntegrationClient(spec, base, stats, ledger)
        threads.append(guarded(stats, spec.name, lambda c=client: c.run(stop)))
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for thread in threads:
            thread.start()
        stop.wait(args.duration)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    stats.client_cpu = time.process_time() - cpu
    return stats, ledger, time.perf_counter() - started


def logins_run(stats: Stats, base: str, usernames: list[str]) -> list:
    """Every user logs in at once; their sessions (None where the login failed)."""
    sessions: list = [None] * len(usernames)

    def login(n: int) -> None:
        session = ProxySession()
        if council_login(session, stats, base, usernames[n]):
            sessions[n] = session

    threads = [
        guarded(stats, username, lambda n=n: login(n))
        for n, username in enumerate(usernames)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sessions


# --- Checks afterwards ----------------------------------------------------------------


def period_start(label: str) -> dt.date:
    year, _sep, month = label.partition("-")
    return dt.date(int(year), int(month or 1), 1)


@dataclass
class Check:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    rows: int = 0


def values_check(ledger: Ledger, codes: list[str]) -> Check:
    """Every accepted value stored once; each period's current revisions as sent."""
    from indicators.models import IndicatorValue, ValueStatus

    check = Check()
    rows = list(
        IndicatorValue.objects.filter(indicator__code__in=codes).values_list(
            "indicator__code",
            "period_start",
            "value",
            "status",
            "superseded_at",
            "entered_at",
            "pk",
        )
    )
    check.rows = len(rows)
    stored = Counter((code, start, value) for code, start, value, *_rest in rows)
    accepted = Counter(
        (code, period_start(p), Decimal(v)) for code, p, v, _o in ledger.written
    )
    for key in accepted.keys() | stored.keys():
        label = f"{key[0]} {key[1]:%Y-%m} {key[2]}"
        sent, kept = accepted[key], stored[key]
        if kept < sent:
            check.lost.append(f"{label}: accepted {sent}x, stored {kept}x")
        elif kept > sent:
            check.duplicated.append(f"{label}: accepted {sent}x, stored {kept}x")

    current: dict[tuple, list] = defaultdict(list)
    for code, start, value, status, superseded_at, entered_at, pk in rows:
        if superseded_at is None and status != ValueStatus.REJECTED:
            current[(code, start)].append((entered_at, pk, value, status))
    for (code, period), head in ledger.heads.items():
        heads = sorted(current.get((code, period_start(period)), []))
        statuses = Counter(status for *_r, status in heads)
        label = f"{code} {period}"
        if any(n > 1 for n in statuses.values()):
            check.duplicated.append(f"{label}: current revisions {dict(statuses)}")
        if not heads or heads[-1][2] != Decimal(head.value):
            newest = heads[-1][2] if heads else None
            check.lost.append(f"{label}: current {newest}, last accepted {head.value}")
        official = [v for *_r, v, s in heads if s == ValueStatus.APPROVED]
        want = ledger.official.get((code, period))
        if want is not None and official != [Decimal(want)]:
            check.lost.append(f"{label}: official {official}, approved {want}")
    return check


def recompute_wait(broker: str, codes: list[str]) -> tuple[list[str], float]:
    """Wait for the worker to drain; the written indicators still not recomputed."""
    import redis

    from indicators.models import Indicator
    from indicators.snapshots import indicators_needing_recompute

    queue = redis.Redis.from_url(broker)
    started = time.monotonic()
    stale: list[str] = codes
    while time.monotonic() - started < DRAIN_SECONDS:
        waiting = queue.llen("celery") + queue.hlen("unacked")
        ids = set(indicators_needing_recompute())
        stale = list(
            Indicator.objects.filter(pk__in=ids, code__in=codes).values_list(
                "code", flat=True
            )
        )
        if not waiting and not stale:
            break
        time.sleep(0.5)
    return stale, time.monotonic() - started


def snapshots_count(codes: list[str]) -> int:
    from indicators.models import ProgressSnapshot

    return (
        ProgressSnapshot.objects.filter(indicator__code__in=codes)
        .values("indicator")
        .distinct()
        .count()
    )


# --- Report ---------------------------------------------------------------------------


def report(args, stats: Stats, elapsed: float, servers: Servers) -> None:
    print(
        f"load: {args.users} council users, {args.integrations} integrations, "
        f"{elapsed:.1f} s; gunicorn {args.workers} workers + 1 celery worker; "
        f"PostgreSQL {urlsplit(servers.env['DATABASE_URL']).path[1:]}, "
        f"Redis {servers.env['CELERY_BROKER_URL']}"
    )
    logins = stats.times.get("login", [])
    print(
        f"logins: {len(logins) // 2} users in {stats.login_seconds:.1f} s before "
        f"the timed run (median request {statistics.median(logins) * 1000:.0f} ms)"
        if logins
        else "logins: none"
    )
    kinds = sorted(k for k in stats.times if k != "login")
    rows = [
        ("dashboard pages", [k for k in kinds if k.startswith(PAGE)]),
        *((f"  {k.removeprefix(PAGE)}", [k]) for k in kinds if k.startswith(PAGE)),
        ("htmx fragments", [k for k in kinds if k.startswith(FRAGMENT)]),
        ("API value posts", [VALUE_POST]),
        ("API approvals", [APPROVAL]),
        ("all", kinds),
    ]
    print(f"{'kind':<18}{'requests':>9}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}")
    for label, group in rows:
        times = [t for k in group for t in stats.times.get(k, [])]
        if times:
            print(
                f"{label:<18}{len(times):>9}{len(times) / elapsed:>8.1f}"
                f"{statistics.median(times) * 1000:>11.0f}{p95(times) * 1000:>9.0f}"
            )
    print(
        f"client: {stats.client_cpu:.1f} s of CPU in this process over the "
        f"{elapsed:.1f} s (the server shares the same {os.cpu_count()} cores)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--integrations", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    set_up = time.perf_counter()
    scratch_database(url)
    broker_flush(broker)
    django_setup(url)
    fixtures = data_fill(args.users, args.integrations)
    servers = Servers(url=url, broker=broker, port=args.port, workers=args.workers)
    try:
        servers.start()
        print(f"set-up: {time.perf_counter() - set_up:.1f} s", flush=True)
        stats, ledger, elapsed = load_run(args, fixtures, servers.base)
        codes = [
            code
            for spec in fixtures.integrations
            for code in [*spec.monthly, spec.annual]
        ]
        stale, drained = recompute_wait(broker, codes)
        down = [n for n in servers.processes if n not in servers.alive()]
        stats.errors += [f"{name} is no longer running" for name in down]
        stats.errors += servers.log_errors()
    finally:
        servers.stop()

    check = values_check(ledger, codes)
    if stale:
        stats.errors.append(f"not recomputed after {drained:.0f} s: {stale}")
    report(args, stats, elapsed, servers)
    created = sum(1 for *_r, outcome in ledger.written if outcome == "created")
    print(f"errors: {len(stats.errors)}")
    for line in stats.errors[:20]:
        print(f"  {line}")
    print(
        f"values accepted: {len(ledger.written)} revisions "
        f"({created} created, {len(ledger.written) - created} revised), "
        f"{ledger.unchanged} re-sent unchanged, {ledger.approved} approved; "
        f"stored: {check.rows} revisions"
    )
    print(f"lost: {len(check.lost)}, duplicated: {len(check.duplicated)}")
    for line in (check.lost + check.duplicated)[:20]:
        print(f"  {line}")
    print(
        f"recompute: worker drained in {drained:.1f} s; "
        f"{snapshots_count(codes)}/{len(codes)} written indicators have snapshots, "
        f"{len(codes) - len(stale)}/{len(codes)} newer than their last approval"
    )
    failed = stats.errors or check.lost or check.duplicated
    if failed:
        print(f"FAIL; the web and worker logs are in {servers.logdir}")
        return 1
    shutil.rmtree(servers.logdir)
    print("PASS: no errors, nothing lost or duplicated")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; the web and the worker are stopped")
