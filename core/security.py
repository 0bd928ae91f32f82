"""Login protection: the client's address, failure counting and lockout.

Failures are counted in the cache (Redis in production, shared by every web
process) per username and per client address, in a sliding window.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str | None:
    """The client's IP address, trusting exactly TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    client is the entry that many places from the right. Entries further left
    are whatever the client chose to send, and are ignored.
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
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"login-fail:user:{username.lower()}", settings.LOGIN_MAX_FAILURES_USER)]
    if address:
        keys.append((f"login-fail:addr:{address}", settings.LOGIN_MAX_FAILURES_ADDRESS))
    return keys


def login_locked(username: str, address: str | None) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(username, address))


def login_failure_count(username: str, address: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key, _limit in _keys(username, address):
        # add() then incr(): atomic on Redis, so parallel attempts all count.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)


def login_failures_clear(username: str) -> None:
    cache.delete(f"login-fail:user:{username.lower()}")
