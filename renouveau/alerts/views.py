from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.core.rules import is_crisis_cell
from renouveau.core.unsubscribe import csrf_unless_one_click

from . import selectors, services
from .cap import ATOM_CONTENT_TYPE, CAP_CONTENT_TYPE, alert_to_cap, alerts_to_atom, cap_datetime
from .forms import (
    AlertForm,
    ArchiveFilterForm,
    CancelForm,
    CrisisModeForm,
    DebriefForm,
    ExerciseForm,
    FilterForm,
    SubscriptionForm,
)
from .models import Alert, Exercise, Subscription

PER_PAGE = 20
ID_RE = re.compile(r"[0-9]{1,9}")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _alert_or_404(pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.select_related("references", "exercise", "created_by", "published_by"),
        pk=pk,
    )


# ----------------------------------------------------------------------------- public pages


def index(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    commune = None
    status = 200
    if request.GET:
        if form.is_valid():
            commune = form.cleaned_data.get("commune")
        else:
            status = 400
    in_force = selectors.alerts_in_force(commune=commune) if status == 200 else []
    context = {
        "form": form,
        "commune": commune,
        "alerts": in_force,
        "upcoming": selectors.alerts_upcoming(commune=commune)[:10] if status == 200 else [],
        "crisis_mode": selectors.crisis_mode_active(),
        "exercises": selectors.exercise_list(upcoming=True)[:3],
    }
    return render(request, "alerts/index.html", context, status=status)


def archive(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "alerts/archive.html", {"form": form, "page": None}, status=400)
    filters = form.cleaned_data if request.GET else {}
    page = paginate(request, selectors.alert_archive(filters=filters), per_page=PER_PAGE)
    template = "alerts/archive.html#results" if request.htmx else "alerts/archive.html"
    return render(request, template, {"form": form, "page": page})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if not request.user.has_perm("alerts.view_alert", alert):
        raise Http404(_("Cette alerte n'existe pas ou n'est pas publiée."))
    if alert.is_draft:
        request._page_cache_private = True  # never cache a draft
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "communes": alert.communes.order_by("sort_name"),
            "history": selectors.alert_history(alert) if not alert.is_draft else [],
            "in_force": alert.is_in_force(),
            "upcoming": alert.is_upcoming(),
            # Where it came from: for the crisis cell's eyes (no personal data, no link to a
            # signal for who may not read it).
            "signal_ids": selectors.alert_signal_ids(alert)
            if request.user.has_perm("alerts.view_dashboard")
            else [],
            "can_read_signals": request.user.has_perm("reserve.list_signals"),
        },
    )


def cap_xml(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if alert.is_draft:
        raise Http404(_("Cette alerte n'est pas publiée."))
    response = HttpResponse(
        alert_to_cap(alert, base_url=_base_url(request)), content_type=CAP_CONTENT_TYPE
    )
    return response


FEED_LANGUAGES = ("fr", "en")


def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed in ``?lang=fr|en``, else in the request's language."""
    language = request.GET.get("lang") or translation.get_language() or "fr"
    language = language.split("-")[0].lower()
    if language not in FEED_LANGUAGES:
        raise BadRequest(_("Langue du flux inconnue : choisissez lang=fr ou lang=en."))
    alerts = selectors.alert_archive()[:50]
    with translation.override(language):
        body = alerts_to_atom(
            alerts,
            title=_("Alertes de la Métropole"),
            base_url=_base_url(request),
            language=language,
        )
    return HttpResponse(body, content_type=f"{ATOM_CONTENT_TYPE}; charset=utf-8")


def export_csv(request: HttpRequest) -> HttpResponse:
    """Every published message (open data): one line per CAP message."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alertes.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "identifier",
            "sent",
            "status",
            "msg_type",
            "references",
            "risk",
            "category",
            "event",
            "urgency",
            "severity",
            "certainty",
            "headline",
            "instruction",
            "effective",
            "onset",
            "expires",
            "area_desc",
            "insee",
            "cap_url",
        ]
    )
    base = _base_url(request)
    for alert in selectors.alert_archive().iterator(chunk_size=200):
        writer.writerow(
            [
                alert.identifier,
                cap_datetime(alert.sent),
                alert.status,
                alert.msg_type,
                alert.references.identifier if alert.references_id else "",
                alert.risk,
                alert.category,
                alert.event,
                alert.urgency,
                alert.severity,
                alert.certainty,
                alert.headline,
                alert.instruction,
                cap_datetime(alert.effective) if alert.effective else "",
                cap_datetime(alert.onset) if alert.onset else "",
                cap_datetime(alert.expires) if alert.expires else "",
                alert.area_desc,
                " ".join(c.insee for c in alert.communes.all()),
                f"{base}/alertes/{alert.pk}/cap.xml",
            ]
        )
    return response


def risk_memory(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/memory.html", {"risks": selectors.risk_memory()})


# ----------------------------------------------------------------------------- crisis cell


@permission_required("alerts.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alerts/dashboard.html",
        {
            "drafts": selectors.with_signal_counts(selectors.drafts()),
            "in_force": selectors.with_signal_counts(selectors.alerts_in_force(include_tests=True)),
            "upcoming_alerts": selectors.with_signal_counts(selectors.alerts_upcoming()),
            "exercises": selectors.exercise_list(upcoming=True)[:10],
            "subscribers": selectors.subscribers_per_commune()[:30],
            "crisis_mode": selectors.crisis_mode_active(),
            "crisis_form": CrisisModeForm(),
            "can_switch": request.user.has_perm("alerts.switch_crisis_mode"),
        },
    )


def _alert_form_page(request, form, *, alert=None, references=None, signal=None, status=200):
    signals = [signal] if signal is not None else (list(alert.signals.all()) if alert else [])
    return render(
        request,
        "alerts/alert_form.html",
        {"form": form, "alert": alert, "references": references, "signals": signals},
        status=status,
    )


def _id_param(request: HttpRequest, name: str) -> int | None:
    """An id from the query string: ASCII digits only, of a sane length ("²".isdigit() is
    true but int("²") fails), else 400."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not ID_RE.fullmatch(raw):
        raise BadRequest(_("Identifiant invalide."))
    return int(raw)


def _signal_from_request(request: HttpRequest):
    """The warning signal (citizen reserve) an alert is drafted from (``?signalement=<id>``),
    for who may both triage it and draft alerts; None without the parameter."""
    from renouveau.reserve.models import Signal

    pk = _id_param(request, "signalement")
    if pk is None:
        return None
    signal = get_object_or_404(Signal.objects.select_related("commune"), pk=pk)
    services.signal_check_access(actor=request.user, signal=signal)
    return signal


@permission_required("alerts.add_alert", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("alerts_draft", limit=60, period=3600)
def alert_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    exercise_pk = _id_param(request, "exercice")
    signal = _signal_from_request(request)
    if exercise_pk is not None:
        exercise = Exercise.objects.filter(pk=exercise_pk).first()
        if exercise is not None:
            initial = {
                "exercise": exercise,
                "status": Alert.Status.EXERCISE,
                "risk": exercise.risk,
                "communes": list(exercise.communes.all()),
            }
    elif signal is not None:
        initial = services.alert_initial_from_signal(signal)
    form = AlertForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                alert = services.alert_create(
                    actor=request.user,
                    data=form.cleaned_data,
                    signals=[signal] if signal is not None else (),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Brouillon enregistré. Relisez-le avant publication."))
                return redirect(alert)
        return _alert_form_page(request, form, signal=signal, status=400)
    return _alert_form_page(request, form, signal=signal)


@require_http_methods(["GET", "POST"])
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if not request.user.has_perm("alerts.change_alert", alert):
        raise PermissionDenied
    form = AlertForm(request.POST or None, instance=alert)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.alert_edit(actor=request.user, alert=alert, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Brouillon enregistré."))
                return redirect(alert)
        return _alert_form_page(request, form, alert=alert, references=alert.references, status=400)
    return _alert_form_page(request, form, alert=alert, references=alert.references)


@require_POST
def alert_publish(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if not request.user.has_perm("alerts.publish_alert", alert):
        if alert.is_draft or not is_crisis_cell.test(request.user):
            raise PermissionDenied
        # A second click (or a colleague's) on « Publier »: say so, not a 403 page.
        messages.info(request, _("Cette alerte est déjà publiée."))
        return redirect(alert)
    try:
        services.alert_publish(actor=request.user, alert=alert)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(alert)
    messages.success(request, _("Alerte publiée. Les abonnés sont prévenus par e-mail."))
    return redirect(alert)


@require_POST
def alert_update(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if not request.user.has_perm("alerts.update_alert", alert):
        raise PermissionDenied
    try:
        draft = services.update_draft_start(actor=request.user, alert=alert)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(alert)
    messages.info(request, _("Mise à jour en brouillon : modifiez-la puis publiez-la."))
    return redirect("alerts:edit", pk=draft.pk)


@require_http_methods(["GET", "POST"])
def alert_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(pk)
    if not request.user.has_perm("alerts.cancel_alert", alert):
        if alert.is_draft or not is_crisis_cell.test(request.user):
            raise PermissionDenied
        # Already lifted, replaced or expired (a second click, or a colleague's).
        messages.info(request, _("Cette alerte n'est plus en vigueur : rien à annuler."))
        return redirect(alert)
    form = CancelForm(request.POST or None)
    if not alert.has_english:
        del form.fields["note_en"]  # no English version to give the reason in
    if request.method == "POST":
        if form.is_valid():
            try:
                cancel = services.alert_cancel(
                    actor=request.user,
                    alert=alert,
                    note=form.cleaned_data["note"],
                    note_en=form.cleaned_data.get("note_en", ""),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Alerte levée. Les abonnés sont prévenus."))
                return redirect(cancel)
        return render(request, "alerts/cancel.html", {"form": form, "alert": alert}, status=400)
    return render(request, "alerts/cancel.html", {"form": form, "alert": alert})


@require_POST
@permission_required("alerts.switch_crisis_mode", raise_exception=True)
def crisis_mode(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "off":
        try:
            services.crisis_mode_end(actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Mode crise désactivé."))
        return redirect("alerts:dashboard")
    form = CrisisModeForm(request.POST)
    if form.is_valid():
        try:
            services.crisis_mode_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, _("Mode crise activé : le bandeau s'affiche sur tout le site.")
            )
            return redirect("alerts:dashboard")
    return render(
        request,
        "alerts/dashboard.html",
        {
            "drafts": selectors.drafts(),
            "in_force": selectors.alerts_in_force(include_tests=True),
            "upcoming_alerts": selectors.alerts_upcoming(),
            "exercises": selectors.exercise_list(upcoming=True)[:10],
            "subscribers": selectors.subscribers_per_commune()[:30],
            "crisis_mode": selectors.crisis_mode_active(),
            "crisis_form": form,
            "can_switch": True,
        },
        status=400,
    )


# ----------------------------------------------------------------------------- subscriptions


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("alerts_subscribe", limit=30, period=3600)
def subscriptions(request: HttpRequest) -> HttpResponse:
    current = selectors.subscriptions_of(request.user)
    initial = {"commune": request.user.commune} if request.user.commune_id else {}
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.subscription_add(
                user=request.user,
                commune=form.cleaned_data["commune"],
                include_exercises=form.cleaned_data["include_exercises"],
            )
            messages.success(
                request,
                _("Abonnement enregistré : vous recevrez par e-mail les alertes de %(commune)s.")
                % {"commune": form.cleaned_data["commune"].name},
            )
            return redirect("alerts:subscriptions")
        return render(
            request,
            "alerts/subscriptions.html",
            {"form": form, "subscriptions": current},
            status=400,
        )
    return render(request, "alerts/subscriptions.html", {"form": form, "subscriptions": current})


@login_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(
        Subscription.objects.select_related("commune"), pk=pk, user=request.user
    )
    services.subscription_remove(user=request.user, subscription=subscription)
    messages.success(
        request,
        _("Vous ne recevrez plus les alertes de %(commune)s.")
        % {"commune": subscription.commune.name},
    )
    return redirect("alerts:subscriptions")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of every alert e-mail: works without signing in. GET shows the subscriptions
    and a button (opening the link changes nothing); POST removes them all: the page's form
    with its CSRF token, or a mail client's RFC 8058 one-click POST (the token in the address
    is the credential)."""
    user = services.unsubscribe_user(token)
    request._page_cache_private = True
    if user is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        rejection = csrf_unless_one_click(request)
        if rejection is not None:
            return rejection
        count = services.subscriptions_remove_all(user=user)
        return render(request, "alerts/unsubscribe.html", {"done": True, "count": count})
    return render(
        request,
        "alerts/unsubscribe.html",
        {"subscriptions": selectors.subscriptions_of(user), "token": token},
    )


# ----------------------------------------------------------------------------- exercises


def exercise_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.exercise_list(upcoming=False), per_page=PER_PAGE)
    return render(
        request,
        "alerts/exercise_list.html",
        {"upcoming": selectors.exercise_list(upcoming=True), "page": page},
    )


def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = selectors.exercise_detail(pk)
    registration = selectors.registration_of(exercise=exercise, user=request.user)
    alerts = exercise.alerts.exclude(state=Alert.State.DRAFT).order_by("-sent")
    return render(
        request,
        "alerts/exercise_detail.html",
        {
            "exercise": exercise,
            "registration": registration,
            "alerts": alerts,
            "places_left": max(exercise.capacity - exercise.registered, 0),
            "registration_open": exercise.registration_open(),
            "is_past": exercise.is_past(),
            "can_manage": request.user.has_perm("alerts.manage_exercise"),
        },
    )


@login_required
@require_POST
@rate_limited("alerts_register", limit=20, period=3600)
def exercise_register(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    if request.POST.get("action") == "cancel":
        try:
            if services.exercise_unregister(user=request.user, exercise=exercise):
                messages.success(request, _("Votre inscription est annulée."))
            else:
                messages.info(request, _("Vous n'êtes pas inscrit à cet exercice."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(exercise)
    try:
        services.exercise_register(user=request.user, exercise=exercise)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(exercise)
    messages.success(request, _("Vous êtes inscrit à l'exercice. Un e-mail vous le confirme."))
    return redirect(exercise)


def _exercise_form_page(request, form, *, exercise=None, status=200):
    return render(
        request, "alerts/exercise_form.html", {"form": form, "exercise": exercise}, status=status
    )


@permission_required("alerts.manage_exercise", raise_exception=True)
@require_http_methods(["GET", "POST"])
def exercise_create(request: HttpRequest) -> HttpResponse:
    form = ExerciseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                exercise = services.exercise_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Exercice publié : les inscriptions sont ouvertes."))
                return redirect(exercise)
        return _exercise_form_page(request, form, status=400)
    return _exercise_form_page(request, form)


@permission_required("alerts.manage_exercise", raise_exception=True)
@require_http_methods(["GET", "POST"])
def exercise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    form = ExerciseForm(
        request.POST or None,
        instance=exercise,
        initial={
            "starts_at": timezone.localtime(exercise.starts_at),
            "ends_at": timezone.localtime(exercise.ends_at),
        },
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.exercise_edit(
                    actor=request.user, exercise=exercise, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Exercice modifié."))
                return redirect(exercise)
        return _exercise_form_page(request, form, exercise=exercise, status=400)
    return _exercise_form_page(request, form, exercise=exercise)


@permission_required("alerts.manage_exercise", raise_exception=True)
@require_http_methods(["GET", "POST"])
def exercise_debrief(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    form = DebriefForm(
        request.POST or None,
        initial={
            "went_well": exercise.debrief_went_well,
            "to_improve": exercise.debrief_to_improve,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.exercise_debrief_publish(
                    actor=request.user,
                    exercise=exercise,
                    went_well=form.cleaned_data["went_well"],
                    to_improve=form.cleaned_data["to_improve"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Retour d'expérience publié."))
                return redirect(exercise)
        return render(
            request, "alerts/debrief_form.html", {"form": form, "exercise": exercise}, status=400
        )
    return render(request, "alerts/debrief_form.html", {"form": form, "exercise": exercise})


@require_POST
@permission_required("alerts.manage_exercise", raise_exception=True)
def exercise_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    try:
        services.exercise_cancel(actor=request.user, exercise=exercise)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Exercice annulé : les inscrits sont prévenus par e-mail."))
    return redirect(exercise)
