"""Login protection and API throttling: the client's address, shared counters,
lockout and rate limits that degrade instead of failing.

Counters live in the cache (Redis in production, shared by every web process)
and are only ever changed by atomic increments: a login attempt is counted
*before* its password is checked, so parallel attempts cannot check more
passwords than the limit, and a throttle counts a request before letting it
through, so parallel clients cannot pass more requests than the rate.

The cache must never take the site down (a Redis outage made every API call
and every login a 500). When it fails, logins fall back to a count kept in
this process, throttling lets requests through, and both log a warning and
record a security event; a failure makes this process leave the cache alone
for ``CACHE_RETRY_SECONDS`` (a hung Redis costs one short socket timeout, not
one per request).
"""

import ipaddress
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Where an address is missing or cannot be read: counted together, never
# skipped (an address the proxy wrote as "10.4.0.1:1234" once escaped the
# address rule altogether).
UNKNOWN_ADDRESS = "unknown"


# --- The client's address ----------------------------------------------------------


def client_address(request) -> str | None:
    """The client's IP address, trusting exactly TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    client is the entry that many places from the right. Entries further left
    are whatever the client chose to send, and are ignored. A port
    (``10.4.0.1:1234``, ``[2001:db8::1]:443``) is dropped; an entry that is no
    address gives None.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR")
    if proxies:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return address_parse(address) if address else None


def address_parse(text: str) -> str | None:
    """``203.0.113.7``, ``203.0.113.7:1234``, ``[2001:db8::1]:443`` or
    ``2001:db8::1`` → the address alone; None if it is none of these."""
    text = text.strip()
    if text.startswith("["):  # [v6] or [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def address_bucket(address: str | None) -> str:
    """What an address is counted under: an IPv4 address, an IPv6 address's
    /64 (one subscriber's network holds millions of them), or ``unknown``."""
    if not address:
        return UNKNOWN_ADDRESS
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is IPv4
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# --- Counters that survive a cache outage ---------------------------------------


class LocalCounters:
    """Counters of this process alone: the login lockout's fallback."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def add(self, key: str, delta: int, window: int) -> int:
        with self._lock:
            now = time.monotonic()
            count, until = self._counts.get(key, (0, now + window))
            if until <= now:
                count, until = 0, now + window
            count = max(0, count + delta)
            self._counts[key] = (count, until)
            if len(self._counts) > 100_000:  # an outage must not grow it for ever
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count

    def get(self, key: str) -> int:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            return count if until > time.monotonic() else 0

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class SharedCounters:
    """Atomic counters in the shared cache, degrading when the cache fails.

    ``fail_open`` callers (throttling) get None while the cache is down and let
    the request through; the others (the lockout) count in this process.
    """

    def __init__(self) -> None:
        self.local = LocalCounters()
        self._down_until = 0.0
        self._reported_at = 0.0
        self._lock = threading.Lock()

    def add(self, key: str, delta: int, *, window: int, fail_open: bool) -> int | None:
        """The counter after adding ``delta`` (the window starts at its first
        count); None for a ``fail_open`` caller while the cache is down."""
        result = self._shared(lambda: self._cache_add(key, delta, window))
        if result is not None:
            return result
        return None if fail_open else self.local.add(key, delta, window)

    def get(self, key: str, *, fail_open: bool) -> int | None:
        result = self._shared(lambda: int(cache.get(key, 0)))
        if result is not None:
            return result
        return None if fail_open else self.local.get(key)

    def delete(self, key: str) -> None:
        self._shared(lambda: cache.delete(key))
        self.local.delete(key)

    @staticmethod
    def _cache_add(key: str, delta: int, window: int) -> int:
        # add() then incr(): atomic on Redis, so parallel requests all count.
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key, delta)
        except ValueError:  # expired between add() and incr()
            cache.add(key, max(delta, 0), timeout=window)
            return max(delta, 0)

    def _shared(self, call: Callable):
        if time.monotonic() < self._down_until:
            return None
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - any cache failure degrades
            self._failed(exc)
            return None

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + settings.CACHE_RETRY_SECONDS
        with self._lock:
            if now - self._reported_at < settings.CACHE_RETRY_SECONDS:
                return
            self._reported_at = now
        logger.warning(
            "Cache unavailable (%s): logins count in this process, API "
            "throttling is off, for %s s",
            exc.__class__.__name__,
            settings.CACHE_RETRY_SECONDS,
        )
        _security_event("cache_unavailable", detail=exc.__class__.__name__)

    def reset(self) -> None:
        """Forget an outage and the local counts (tests, a restored cache)."""
        self._down_until = self._reported_at = 0.0
        self.local = LocalCounters()


counters = SharedCounters()


def _security_event(kind: str, *, detail: str = "", address: str | None = None):
    # The security log is the database; core.models imports nothing from here.
    from django.db import DatabaseError

    from .models import AuthEvent

    try:
        AuthEvent.objects.create(kind=kind, detail=detail[:300], address=address)
    except DatabaseError:
        logger.warning("Security event %s not recorded: database unavailable", kind)


# --- Login lockout ---------------------------------------------------------------


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    return [
        (f"login-fail:user:{username.lower()}", settings.LOGIN_MAX_FAILURES_USER),
        (
            f"login-fail:addr:{address_bucket(address)}",
            settings.LOGIN_MAX_FAILURES_ADDRESS,
        ),
    ]


def login_attempt_reserve(username: str, address: str | None) -> bool:
    """Count a login attempt before its password is checked; False (locked)
    when the username or the address is over its limit.

    Counting first is what bounds parallel attempts: each gets its own count,
    and only those within the limit go on to check a password. A successful
    login gives its count back (``login_attempt_refund``).
    """
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    allowed = True
    for key, limit in _keys(username, address):
        count = counters.add(key, 1, window=window, fail_open=False)
        allowed = allowed and count is not None and count <= limit
    return allowed


def login_attempt_refund(username: str, address: str | None) -> None:
    """A successful login: its attempt was no failure. The username starts
    afresh; the address (shared by everyone behind one proxy) gets one back."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    (user_key, _), (address_key, _) = _keys(username, address)
    counters.delete(user_key)
    counters.add(address_key, -1, window=window, fail_open=False)


def login_failures_clear(username: str) -> None:
    counters.delete(_keys(username, None)[0][0])
