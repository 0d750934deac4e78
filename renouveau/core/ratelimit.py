"""A small fixed-window rate limiter on the Django cache (Redis when several servers run)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _redis_count(cache_key: str, period: int) -> int | None:
    """On the Redis cache, one round trip (INCR, then EXPIRE only if no expiry is set yet) in
    place of Django's add + incr; None on other caches. Django stores integers as plain Redis
    integers, so the counter stays readable with ``cache.get``."""
    from django.core.cache import caches

    from renouveau.core.cache import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    key = backend.make_and_validate_key(cache_key)
    pipe = backend._cache.get_client(key, write=True).pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, period + 1, nx=True)
    return int(pipe.execute()[0])


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one hit on ``key``; True while under ``limit`` hits per ``period`` seconds."""
    window = int(time.time() // period)
    cache_key = f"rl:{key}:{window}"
    count = _redis_count(cache_key, period)
    if count is not None:
        return count <= limit
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def rate_limited(scope: str, *, limit: int, period: int, methods: tuple[str, ...] = ("POST",)):
    """Refuse with 429 (and a French page) past ``limit`` submissions per ``period`` seconds,
    counted per user when logged in, per IP otherwise."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                who = (
                    f"u{request.user.pk}"
                    if request.user.is_authenticated
                    else f"ip{client_ip(request)}"
                )
                if not hit(f"{scope}:{who}", limit=limit, period=period):
                    body = render_to_string(
                        "core/429.html",
                        {
                            "message": _(
                                "Trop de demandes en peu de temps. Réessayez dans quelques minutes."
                            )
                        },
                        request=request,
                    )
                    response = HttpResponse(body, status=429)
                    response["Retry-After"] = str(period)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
