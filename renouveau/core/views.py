from __future__ import annotations

import rules
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rules.contrib.views import permission_required

from .pagination import paginate
from .ratelimit import rate_limited
from .selectors import audit_log_for


def home(request: HttpRequest) -> HttpResponse:
    from renouveau.plan.selectors import plan_current, workstream_list

    from .home import home_sections

    plan = plan_current()
    return render(
        request,
        "core/home.html",
        {
            "plan": plan,
            "workstreams": workstream_list(plan=plan) if plan else [],
            "sections": home_sections(),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - report, never crash
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        if cache.get("healthz") != "1":
            status["cache"] = "error: value not kept"
    except Exception as exc:  # noqa: BLE001
        status["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )


def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language (a GET form: no CSRF token needed on every page, so public
    pages stay cacheable). The effect is a language cookie and, for a signed-in person, the
    language of their e-mails (``User.language``): a forged link can at worst switch it between
    French and English, which the page header shows and undoes."""
    from django.conf import settings
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    code = request.GET.get("language", "")
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if code not in dict(settings.LANGUAGES):
        raise BadRequest(_("Langue inconnue."))
    if request.user.is_authenticated:
        from renouveau.accounts.services import user_language_set

        user_language_set(user=request.user, language=code)
    return set_language_cookie(HttpResponseRedirect(next_url), code)


def set_language_cookie(response: HttpResponse, code: str) -> HttpResponse:
    """The interface language cookie read by ``LocaleMiddleware`` (one year)."""
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE, httponly=True,
    )  # fmt: skip
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def legal(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@permission_required("core.view_auditlog", raise_exception=True)
def audit_log(request: HttpRequest, app_label: str, model: str, object_id: str) -> HttpResponse:
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        model_class = content_type.model_class()
        obj = model_class._default_manager.get(pk=object_id) if model_class else None
    except (ContentType.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from None
        raise
    if obj is None:
        raise Http404
    # An app may narrow who reads the log of one of its objects with the rule
    # ``<app_label>.view_auditlog_<model>`` (checked with the object), e.g. mutual aid: only
    # the agents of the offer's commune, of the metropolis, and moderators.
    narrowed = f"{content_type.app_label}.view_auditlog_{content_type.model}"
    if rules.perm_exists(narrowed) and not request.user.has_perm(narrowed, obj):
        raise PermissionDenied
    page = paginate(request, audit_log_for(obj=obj), per_page=50)
    return render(
        request,
        "core/audit_log.html",
        {
            "object": obj,
            "verbose_name": apps.get_model(app_label, model)._meta.verbose_name,
            "page": page,
        },
    )


def bad_request(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return render(request, "core/error.html", {"code": 400, "message": message}, status=400)


def permission_denied(request, exception=None):
    return render(request, "core/error.html", {"code": 403}, status=403)


def page_not_found(request, exception=None):
    message = None
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "core/error.html", {"code": 404, "message": message}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)


@login_required
def moderation_hub(request: HttpRequest) -> HttpResponse:
    """The moderation queues the user may handle, with their open items (403 when none)."""
    from .moderation import queues_for

    queues = queues_for(request.user)
    if not queues:
        raise PermissionDenied
    return render(request, "core/moderation.html", {"queues": queues})


@rate_limited("search", limit=30, period=60, methods=("GET",))
def search(request: HttpRequest) -> HttpResponse:
    """The global search, ``/recherche/?q=...``: results grouped by module (each app's
    ``sitesearch.py``, see ``core/search.py``); an empty query explains what to type; a query
    too long or with control characters is a 400 with a French message."""
    from .search import MAX_QUERY_LENGTH, clean_query, query_words, search_sections

    context: dict = {"max_length": MAX_QUERY_LENGTH, "search_query": ""}
    try:
        query = clean_query(request.GET.get("q", ""))
    except ValidationError as exc:
        context["error"] = exc.messages[0]
        return render(request, "core/search.html", context, status=400)
    context["search_query"] = query
    if query and query_words(query):
        sections = search_sections(query, request.user)
        context["sections"] = sections
        context["total"] = sum(section.count for section in sections)
        context["searched"] = True
    elif query:
        context["no_words"] = True
    return render(request, "core/search.html", context)
