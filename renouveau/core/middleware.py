from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


class HtmxMiddleware:
    """Sets ``request.htmx`` (True for requests made by htmx) and varies caches on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = request.headers.get("HX-Request") == "true"  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.htmx:  # type: ignore[attr-defined]
            vary = response.get("Vary")
            response["Vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
        return response


class InvalidFormStatusMiddleware:
    """A POST answered with a bound form that has errors is a 400, not a 200.

    Applies to class-based views returning a ``TemplateResponse`` (allauth, admin-free views);
    function views set the status themselves. htmx is configured (base.html) to swap 400s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):
        if (
            request.method == "POST"
            and response.status_code == 200
            and not request.path.startswith("/back-office/")
        ):
            form = (response.context_data or {}).get("form")
            if form is not None and getattr(form, "is_bound", False) and form.errors:
                response.status_code = 400
        return response


class AnonymousPageCacheMiddleware:
    """Whole-page cache for anonymous GET requests (the bulk of public traffic).

    A response is stored only when it is safe to share: anonymous visitor (no session and no
    pending messages), status 200, no cookie set, no CSRF token rendered, not marked private or
    no-cache. The key holds the path, the query string, the language and the htmx flag, and a
    *generation* number that every audited write (``log_action``) increments, so published
    changes show at once; ``PAGE_CACHE_SECONDS`` bounds the age of anything else. Set it to 0 to
    switch the cache off.
    """

    GENERATION_KEY = "pagecache:generation"
    SKIP_PREFIXES = (
        "/back-office/",
        "/compte/",
        "/healthz",
        "/static/",
        "/media/",
        "/i18n/",
        "/langue/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def bump(cls) -> None:
        from django.core.cache import cache

        try:
            cache.incr(cls.GENERATION_KEY)
        except ValueError:
            cache.set(cls.GENERATION_KEY, 1, None)

    def _key(self, request: HttpRequest) -> str | None:
        from django.conf import settings
        from django.core.cache import cache
        from django.utils import translation

        if not getattr(settings, "PAGE_CACHE_SECONDS", 0) or request.method not in ("GET", "HEAD"):
            return None
        if request.path.startswith(self.SKIP_PREFIXES):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
        generation = cache.get(self.GENERATION_KEY) or 0
        query = request.META.get("QUERY_STRING", "")
        htmx = "1" if request.headers.get("HX-Request") == "true" else "0"
        return f"pagecache:{generation}:{translation.get_language()}:{htmx}:{request.path}?{query}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.core.cache import cache

        key = self._key(request)
        if key is not None:
            cached = cache.get(key)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if key is not None and self._shareable(request, response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(
            request, "_page_cache_private", False
        ):
            return False
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return False
        control = response.get("Cache-Control", "")
        if "private" in control or "no-cache" in control or "no-store" in control:
            return False
        if response.has_header("Content-Disposition"):
            return False
        return True


class OutOfRangeInputMiddleware:
    """A value sent by the client that the database cannot even represent is a bad request.

    SQLite (the embedded default) raises ``OverflowError`` for an integer beyond 64 bits, e.g.
    a 30-digit id posted to a form's multiple choice of communes (Django's model choice fields
    catch ``ValueError`` but not this); PostgreSQL simply finds nothing. Answered as a 400 with
    a French message instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OverflowError):
            return None
        from django.core.exceptions import BadRequest
        from django.utils.translation import gettext as _

        from .views import bad_request

        logger.warning("Out-of-range input on %s: %s", request.path, exception)
        return bad_request(
            request, BadRequest(_("Une valeur envoyée dépasse les limites acceptées."))
        )


class NullCharacterMiddleware:
    """A NUL character that reaches PostgreSQL is the client's bad request, not a 500.

    No legitimate input holds one and PostgreSQL refuses it in any text value (psycopg raises
    ``DataError`` before sending the query). Most views and forms refuse or strip it themselves
    with a message of their own (Django's form fields refuse NUL characters); this is the net
    under the others — a slug, token or filter carrying ``%00`` answered 500 wherever a view
    had not guarded against it (the security crawl found several). Answered 400 with a French
    message, as JSON under ``/api/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.db import DataError

        if not isinstance(exception, DataError) or "NUL (0x00)" not in str(exception):
            return None
        from django.core.exceptions import BadRequest
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        from .views import bad_request

        logger.warning("NUL character sent to the database on %s", request.path)
        message = _("Une valeur envoyée contient un caractère nul (%00) : elle n'est pas valable.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return bad_request(request, BadRequest(message))


# True while a request to the back office (Django's admin) runs: see BackOfficeMiddleware.
IN_BACK_OFFICE: ContextVar[bool] = ContextVar("renouveau_in_back_office", default=False)


class BackOfficeMiddleware:
    """Marks the requests to the back office, so that the apps' object-permission rules do not
    answer its model-level checks (``accounts.backends.RulesBackend``): there, only the Django
    model permissions of the roles (``accounts.models.ROLE_ADMIN_PERMISSIONS``) count. The apps'
    rules reuse names such as ``ideas.add_idea`` or ``monitoring.add_project``; asked without an
    object inside the admin, they let any staff agent open ``/back-office/ideas/idea/add/`` and
    write rows past the services and the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefix is None:
            from django.urls import reverse

            self.prefix = reverse("admin:index")
        token = IN_BACK_OFFICE.set(request.path_info.startswith(self.prefix))
        try:
            return self.get_response(request)
        finally:
            IN_BACK_OFFICE.reset(token)
