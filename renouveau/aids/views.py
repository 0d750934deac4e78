from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.core.selectors import audit_log_for
from renouveau.core.unsubscribe import csrf_unless_one_click

from . import services
from .exchange import CSV_COLUMNS, aid_dispositif, aid_json, aids_import_csv, aids_to_csv
from .forms import (
    AidForm,
    AidSearchForm,
    AlertForm,
    AlertSettingsForm,
    CsvImportForm,
    QuestionnaireForm,
)
from .models import Aid, AidAlert, AidType, Audience
from .selectors import (
    AidFilters,
    aid_detail_queryset,
    aid_export_queryset,
    aid_matches_for,
    aid_search_results,
    alert_by_token,
    backoffice_aid_list,
    funders_of,
)

PER_PAGE = 20
COUNT_CAP = 1000  # the page counts up to 1 001 ("plus de 1 000 aides")

CHOICES_CACHE_SECONDS = 300


def _reference_choices() -> dict[str, list[tuple[str, str]]]:
    """Chantiers, Territoires and communes for the filter selects (reference data, cached:
    the search page renders its filters by hand, without one query or widget per option)."""
    from django.core.cache import cache

    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Commune, Territory

    choices = cache.get("aids:filter_choices")
    if choices is None:
        choices = {
            "chantier": [
                (slug, f"{number}. {title}")
                for slug, number, title in Workstream.objects.order_by("number").values_list(
                    "slug", "number", "title"
                )
            ],
            "territoire": list(Territory.objects.order_by("sort_name").values_list("code", "name")),
            "commune": list(Commune.objects.order_by("sort_name").values_list("insee", "name")),
        }
        cache.set("aids:filter_choices", choices, CHOICES_CACHE_SECONDS)
    return choices


def _filter_context(form: AidSearchForm) -> dict:
    data = form.data if form.is_bound else {}

    def values(name: str) -> list[str]:
        return data.getlist(name) if hasattr(data, "getlist") else []

    def one(name: str) -> str:
        return data.get(name, "") if data else ""

    reference = _reference_choices()
    checked = {name: set(values(name)) for name in ("public", "type")}
    return {
        "audience_choices": [
            (value, label, value in checked["public"]) for value, label in Audience.choices
        ],
        "type_choices": [
            (value, label, value in checked["type"]) for value, label in AidType.choices
        ],
        "selects": [
            {
                "name": name,
                "label": form.fields[name].label,
                "empty": form.fields[name].empty_label,
                "options": [(v, label, v == one(name)) for v, label in reference[name]],
                "errors": form.errors.get(name) if form.is_bound else None,
            }
            for name in ("chantier", "territoire", "commune")
        ],
        "sort_choices": [(v, label, v == one("tri")) for v, label in form.fields["tri"].choices],
        "values": {"q": one("q"), "avant": one("avant"), "ouvert": bool(one("ouvert"))},
    }


# --- public ------------------------------------------------------------------------------


def aid_index(request: HttpRequest) -> HttpResponse:
    """The search page: one text box, filters, sort; ``/aides/?q=...`` is shareable and
    htmx requests get only the results partial."""
    form = AidSearchForm(data=request.GET or None)
    status = 200
    page = None
    searched = False
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.filters() if form.is_bound else AidFilters()
        searched = not filters.is_empty()
        results = aid_search_results(filters=filters, count_cap=COUNT_CAP)
        page = paginate(request, results, per_page=PER_PAGE)
    context = {
        "form": form,
        "page": page,
        "searched": searched,
        "count_cap": COUNT_CAP,
        **({} if request.htmx else _filter_context(form)),
        "alert_form": AlertForm(
            initial={"email": request.user.email if request.user.is_authenticated else ""}
        ),
    }
    template = "aids/index.html#results" if request.htmx else "aids/index.html"
    return render(request, template, context, status=status)


def aid_detail(request: HttpRequest, slug: str) -> HttpResponse:
    aid = get_object_or_404(aid_detail_queryset(), slug=slug)
    if not request.user.has_perm("aids.view_aid", aid):
        raise Http404(_("Cette aide n'existe pas ou n'est pas publiée."))
    return render(
        request,
        "aids/detail.html",
        {"aid": aid, "can_edit": request.user.has_perm("aids.change_aid", aid)},
    )


def questionnaire(request: HttpRequest) -> HttpResponse:
    """« Quelles aides pour moi ? »: a short form (GET, so that results can be shared)."""
    form = QuestionnaireForm(data=request.GET or None)
    matches = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            matches = aid_matches_for(
                audiences=form.audiences(),
                commune=form.cleaned_data.get("commune"),
                need=form.cleaned_data.get("besoin") or None,
                primary=form.cleaned_data["qui"],
            )
        else:
            status = 400
    return render(
        request, "aids/questionnaire.html", {"form": form, "matches": matches}, status=status
    )


@require_POST
@rate_limited("aids-alert", limit=10, period=3600)
def alert_create(request: HttpRequest) -> HttpResponse:
    search = AidSearchForm(data=request.POST)
    form = AlertForm(data=request.POST)
    if not search.is_valid() or not form.is_valid():
        return render(
            request,
            "aids/alert_form.html",
            {"form": form, "search": search},
            status=400,
        )
    query = search.saved_query()
    services.alert_subscribe(
        email=form.cleaned_data["email"],
        query=query,
        frequency=form.cleaned_data["frequency"],
        title=search.cleaned_data.get("q") or "",
        user=request.user,
        language=getattr(request, "LANGUAGE_CODE", None),
    )
    # The same answer whether the address already had this alert or not (anyone can type
    # any address): the e-mail tells its owner what happened.
    return render(request, "aids/alert_pending.html", {"email": form.cleaned_data["email"]})


def _alert_or_404(request: HttpRequest, token: str, message: str) -> AidAlert:
    """The alert of a link's token. Its pages show an address and its state: never kept in
    the shared anonymous page cache."""
    request._page_cache_private = True
    alert = alert_by_token(token)
    if alert is None:
        raise Http404(message)
    return alert


@require_http_methods(["GET", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what is to be confirmed (a new alert, or the change asked for an active one)
    and a button; only the POST confirms, so link scanners confirm nothing."""
    alert = _alert_or_404(request, token, _("Ce lien de confirmation n'est pas valable."))
    if request.method == "POST":
        changing = alert.confirmed_at is not None and alert.has_pending_change
        try:
            services.alert_confirm(alert=alert)
        except ValidationError as exc:
            return render(request, "aids/alert_done.html", {"message": exc.messages[0]}, status=400)
        if changing:
            message = _("Le changement est enregistré : votre alerte suit désormais vos choix.")
        else:
            message = _("Votre alerte est confirmée. Vous recevrez les nouvelles aides par e-mail.")
        return render(request, "aids/alert_done.html", {"message": message})
    return render(request, "aids/alert_confirm.html", {"alert": alert})


def _alert_page(request: HttpRequest, alert: AidAlert, form=None, status: int = 200):
    if form is None:
        form = AlertSettingsForm(initial={"frequency": alert.frequency, "language": alert.language})
    return render(
        request,
        "aids/alert_manage.html",
        {
            "alert": alert,
            "form": form,
            "search_url": reverse("aids:index") + "?" + services.alert_querystring(alert),
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of every alert e-mail. GET shows the alert (its search, frequency, language)
    with a button and a form to change it: opening the link (a mail scanner, a link preview)
    changes nothing. POST unsubscribes: the page's form with its CSRF token, or a mail
    client's RFC 8058 one-click POST (body ``List-Unsubscribe=One-Click``, no CSRF token: the
    token in the URL is the credential). Idempotent."""
    alert = _alert_or_404(request, token, _("Ce lien de désinscription n'est pas valable."))
    if request.method == "GET":
        return _alert_page(request, alert)
    rejection = csrf_unless_one_click(request)
    if rejection is not None:
        return rejection
    services.alert_unsubscribe(alert=alert)
    return render(
        request,
        "aids/alert_done.html",
        {"message": _("Vous ne recevrez plus cette alerte. Aucune autre action n'est nécessaire.")},
    )


@require_POST
@rate_limited("aids-alert-manage", limit=20, period=3600)
def alert_manage(request: HttpRequest, token: str) -> HttpResponse:
    """Change the frequency or the language of an alert from its page (the e-mail's token),
    or, with ``modification=renvoyer|annuler``, resend or cancel a change waiting for
    confirmation."""
    alert = _alert_or_404(request, token, _("Ce lien n'est pas valable."))
    pending = request.POST.get("modification")
    if pending is not None:
        if pending == "renvoyer":
            service = services.alert_pending_resend
            message = _("Le lien de confirmation de la modification est renvoyé à %(email)s.") % {
                "email": alert.email
            }
        elif pending == "annuler":
            service = services.alert_pending_cancel
            message = _("La modification en attente est annulée : votre alerte reste telle quelle.")
        else:
            return render(
                request,
                "aids/alert_done.html",
                {"message": _("Action inconnue : revenez à la page de votre alerte.")},
                status=400,
            )
        try:
            service(alert=alert)
        except ValidationError as exc:
            return render(request, "aids/alert_done.html", {"message": exc.messages[0]}, status=400)
        messages.success(request, message)
        return redirect("aids:alert_unsubscribe", token=alert.token)
    form = AlertSettingsForm(data=request.POST)
    if not form.is_valid():
        return _alert_page(request, alert, form=form, status=400)
    try:
        alert = services.alert_update(
            alert=alert,
            frequency=form.cleaned_data["frequency"],
            language=form.cleaned_data["language"],
        )
    except ValidationError as exc:
        return render(request, "aids/alert_done.html", {"message": exc.messages[0]}, status=400)
    messages.success(request, _("Votre alerte est modifiée."))
    return redirect("aids:alert_unsubscribe", token=alert.token)


def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        aids_to_csv(aid_export_queryset()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="aides.csv"'
    return response


def export_json(request: HttpRequest) -> HttpResponse:
    data = [aid_json(aid) for aid in aid_export_queryset()]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="aides.json"'
    return response


def export_dispositif(request: HttpRequest) -> HttpResponse:
    from renouveau.territories.models import Metropolis

    metropolis = Metropolis.objects.order_by("pk").first()
    siren = metropolis.siren if metropolis else ""
    queryset = aid_export_queryset().prefetch_related("territories__communes")
    data = [aid_dispositif(aid, metropolis_siren=siren) for aid in queryset]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="dispositifs-aide.json"'
    return response


# --- back office -------------------------------------------------------------------------


def _aid_for(request: HttpRequest, pk: int, perm: str) -> Aid:
    aid = get_object_or_404(Aid.objects.select_related("owner", "deliberation"), pk=pk)
    if not request.user.has_perm(perm, aid):
        raise PermissionDenied
    return aid


@login_required
@permission_required("aids.access_backoffice", raise_exception=True)
def bo_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("etat", "")
    if status and status not in Aid.Status.values:
        status = ""
    q = request.GET.get("q", "")[:200]
    page = paginate(
        request, backoffice_aid_list(user=request.user, status=status, q=q), per_page=30
    )
    return render(
        request,
        "aids/backoffice/index.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Aid.Status.choices,
            "funders": funders_of(request.user),
            "can_add": request.user.has_perm("aids.add_aid"),
        },
    )


@login_required
@permission_required("aids.add_aid", raise_exception=True)
def bo_create(request: HttpRequest) -> HttpResponse:
    owners = funders_of(request.user)
    form = AidForm(data=request.POST or None, owners=owners)
    if request.method == "POST":
        if form.is_valid():
            aid = services.aid_create(actor=request.user, data=form.cleaned_data)
            messages.success(request, _("Aide enregistrée en brouillon."))
            return redirect("aids:bo_detail", pk=aid.pk)
        return render(request, "aids/backoffice/form.html", {"form": form}, status=400)
    return render(request, "aids/backoffice/form.html", {"form": form})


@login_required
def bo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    aid = _aid_for(request, pk, "aids.change_aid")
    if aid.status == Aid.Status.ARCHIVED:
        messages.error(request, _("Une aide archivée ne se modifie plus : dupliquez-la."))
        return redirect("aids:bo_detail", pk=aid.pk)
    form = AidForm(data=request.POST or None, instance=aid, owners=funders_of(request.user))
    if request.method == "POST":
        if form.is_valid():
            services.aid_update(actor=request.user, aid=aid, data=form.cleaned_data)
            messages.success(request, _("Modifications enregistrées."))
            return redirect("aids:bo_detail", pk=aid.pk)
        return render(request, "aids/backoffice/form.html", {"form": form, "aid": aid}, status=400)
    return render(request, "aids/backoffice/form.html", {"form": form, "aid": aid})


@login_required
def bo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    aid = _aid_for(request, pk, "aids.change_aid")
    aid = aid_detail_queryset().get(pk=aid.pk)
    user = request.user
    return render(
        request,
        "aids/backoffice/detail.html",
        {
            "aid": aid,
            "history": audit_log_for(obj=aid)[:50],
            "can_submit": aid.status == Aid.Status.DRAFT and user.has_perm("aids.submit_aid", aid),
            "can_publish": aid.status == Aid.Status.IN_REVIEW
            and user.has_perm("aids.publish_aid", aid),
            "can_return": aid.status in (Aid.Status.IN_REVIEW, Aid.Status.PUBLISHED)
            and user.has_perm("aids.publish_aid", aid),
            "can_archive": aid.status != Aid.Status.ARCHIVED
            and user.has_perm("aids.archive_aid", aid),
            "can_edit": aid.status != Aid.Status.ARCHIVED,
        },
    )


ACTIONS = {
    "soumettre": ("aids.submit_aid", services.aid_submit, _("Aide soumise à la relecture.")),
    "publier": ("aids.publish_aid", services.aid_publish, _("Aide publiée.")),
    "renvoyer": (
        "aids.publish_aid",
        services.aid_return_to_draft,
        _("Aide renvoyée en brouillon."),
    ),
    "archiver": ("aids.archive_aid", services.aid_archive, _("Aide archivée.")),
}


@login_required
@require_POST
def bo_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "dupliquer":
        aid = _aid_for(request, pk, "aids.duplicate_aid")
        copy = services.aid_duplicate(actor=request.user, aid=aid)
        messages.success(request, _("Copie créée en brouillon."))
        return redirect("aids:bo_detail", pk=copy.pk)
    if action not in ACTIONS:
        raise Http404
    perm, service, message = ACTIONS[action]
    aid = _aid_for(request, pk, perm)
    try:
        service(actor=request.user, aid=aid)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("aids:bo_detail", pk=aid.pk)
    messages.success(request, message)
    return redirect("aids:bo_detail", pk=aid.pk)


@login_required
@permission_required("aids.import_aids", raise_exception=True)
def bo_import(request: HttpRequest) -> HttpResponse:
    owners = funders_of(request.user)
    form = CsvImportForm(data=request.POST or None, files=request.FILES or None, owners=owners)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = aids_import_csv(
                actor=request.user,
                owner=form.cleaned_data["owner"],
                raw=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.fatal:
                status = 400
        else:
            status = 400
    return render(
        request,
        "aids/backoffice/import.html",
        {"form": form, "report": report, "columns": CSV_COLUMNS},
        status=status,
    )


@login_required
@permission_required("aids.access_backoffice", raise_exception=True)
def bo_csv_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(",".join(CSV_COLUMNS) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-aides.csv"'
    return response
