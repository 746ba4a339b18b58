"""A fixed-window request counter per client address, kept in the cache, for public forms and look-ups.

Each caller names a scope and its default limit; settings may override any scope with
`RATE_LIMITS = {"scope": (limit, window_seconds)}` (tests, a busy reception desk behind one address)."""

from django.conf import settings
from django.core.cache import cache

from .services import client_ip


def limit_for(scope: str, limit: int, window: int) -> tuple[int, int]:
    """The (limit, window) in force for `scope`: the settings override if there is one, else the caller's."""
    override = getattr(settings, "RATE_LIMITS", {}).get(scope)
    if override is None:
        return limit, window
    return int(override[0]), int(override[1])


def over_limit(request, scope: str, limit: int, window: int) -> bool:
    """Count this request against `scope` for the client's address; True once more than `limit` requests were made
    in the current window of `window` seconds. Side effects: creates or increments one cache key."""
    limit, window = limit_for(scope, limit, window)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    # add() starts the window only for the first request; incr() is atomic on Redis and in the local-memory cache.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
