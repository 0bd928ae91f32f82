"""The security report: lockout bursts, key misuse, keys about to expire.

Read from the security log (``AuthEvent``) and the keys; written to the log by
the beat job (``core.tasks.security_report_task``, hourly) and printed by
``manage.py security_report``. Administrators are told by e-mail of every
hour that calls for a look (``notifications.due.security_alerts``, in the
notifications sweep).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from .models import ApiKey, AuthEvent, AuthEventKind

FAILED_LOGIN = (AuthEventKind.LOGIN_FAILED, AuthEventKind.LOCKED_OUT)
KEY_MISUSE = (AuthEventKind.API_KEY_FAILED, AuthEventKind.API_KEY_REVOKED)


@dataclass(frozen=True)
class Burst:
    """Events of one kind from one source (a username, an address, a key)."""

    what: str
    source: str
    count: int


@dataclass
class SecurityReport:
    since: dt.datetime
    until: dt.datetime
    lockouts: list[Burst] = field(default_factory=list)
    key_misuse: list[Burst] = field(default_factory=list)
    throttled: list[Burst] = field(default_factory=list)
    cache_outages: int = 0
    keys_expiring: list[ApiKey] = field(default_factory=list)
    keys_without_owner: list[ApiKey] = field(default_factory=list)

    @property
    def alarming(self) -> bool:
        """Whether anything calls for a look (expiring keys are a reminder)."""
        return bool(
            self.lockouts
            or self.key_misuse
            or self.throttled
            or self.cache_outages
            or self.keys_without_owner
        )


def security_report(*, since: dt.datetime, until: dt.datetime) -> SecurityReport:
    """What happened between ``since`` and ``until``, and which keys need care.

    A lockout burst is a username or an address with as many failed or locked
    logins as its limit; key misuse is any refused or revoked key's use,
    by key and by address. A fixed number of queries.
    """
    events = AuthEvent.objects.filter(at__gte=since, at__lt=until)
    report = SecurityReport(since=since, until=until)
    failed = events.filter(kind__in=FAILED_LOGIN)
    report.lockouts = _bursts(
        failed.exclude(username=""), "username", settings.LOGIN_MAX_FAILURES_USER
    ) + _bursts(failed, "address", settings.LOGIN_MAX_FAILURES_ADDRESS)
    misuse = events.filter(kind__in=KEY_MISUSE)
    report.key_misuse = _bursts(misuse.exclude(username=""), "username", 1, "key") + (
        _bursts(misuse, "address", 1)
    )
    report.throttled = _bursts(
        events.filter(kind=AuthEventKind.AUTH_THROTTLED), "address", 1
    )
    report.cache_outages = events.filter(kind=AuthEventKind.CACHE_UNAVAILABLE).count()
    current = ApiKey.objects.filter(revoked_at__isnull=True, expires_at__gt=until)
    warning = until + dt.timedelta(days=settings.API_KEY_EXPIRY_WARNING_DAYS)
    report.keys_expiring = list(
        current.filter(expires_at__lte=warning, replaced_at__isnull=True)
        .select_related("owner")
        .order_by("expires_at")
    )
    report.keys_without_owner = list(
        current.filter(owner__isnull=True).order_by("name")
    )
    return report


def _bursts(events, column: str, at_least: int, what: str = "") -> list[Burst]:
    rows = (
        events.exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
        .order_by("-n", column)
    )
    return [Burst(what or column, str(row[column]), row["n"]) for row in rows]


def report_lines(report: SecurityReport) -> list[str]:
    """The report as lines for the log and the command."""
    lines = [f"Security report {report.since:%Y-%m-%d %H:%M} – {report.until:%H:%M}:"]
    for burst in report.lockouts:
        lines.append(
            f"  lockout burst: {burst.count} failed or locked logins for "
            f"{burst.what} {burst.source}"
        )
    for burst in report.key_misuse:
        lines.append(
            f"  key misuse: {burst.count} refused or revoked API key uses by "
            f"{burst.what} {burst.source}"
        )
    for burst in report.throttled:
        lines.append(f"  throttled failed authentication from address {burst.source}")
    if report.cache_outages:
        lines.append(f"  cache unavailable: {report.cache_outages} outage(s)")
    for key in report.keys_without_owner:
        lines.append(f"  API key {key.name} ({key.prefix}…) has no owner: refused")
    for key in report.keys_expiring:
        lines.append(
            f"  API key {key.name} ({key.prefix}…) of {key.owner or '–'} expires "
            f"{key.expires_at:%Y-%m-%d}: rotate it (manage.py rotate_api_key)"
        )
    if len(lines) == 1:
        lines.append("  nothing to report")
    return lines
