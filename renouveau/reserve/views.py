from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.core.services import log_action
from renouveau.core.spreadsheet import safe_cell

from . import selectors, services
from .forms import (
    ConsentForm,
    DistinctionForm,
    MissionCancelForm,
    MissionFilterForm,
    MissionForm,
    SignalFilterForm,
    SignalForm,
    SignalTriageForm,
    VolunteerFilterForm,
    VolunteerForm,
    VolunteerStatusForm,
)
from .models import (
    CHARTER_VERSION,
    Mission,
    MissionStatus,
    Signal,
    SignalStatus,
    Signup,
    Volunteer,
    VolunteerStatus,
)

PER_PAGE = 20
ATTENDANCE_ID_RE = re.compile(r"[0-9]{1,18}")


def _filters(form_class, request: HttpRequest):
    form = form_class(request.GET or None)
    if request.GET.keys() - {"page"} and not form.is_valid():
        return form, None
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


def _volunteer_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).first()


# ------------------------------------------------------------------ public pages


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reserve/index.html",
        {
            "missions": selectors.mission_public_list()[:4],
            "figures": selectors.reserve_figures(),
            "volunteer": _volunteer_of(request.user),
        },
    )


def charter(request: HttpRequest) -> HttpResponse:
    return render(request, "reserve/charter.html", {"version": CHARTER_VERSION})


def exemplary(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.exemplary_volunteers(), per_page=PER_PAGE)
    return render(request, "reserve/exemplary.html", {"page": page})


# ------------------------------------------------------------------ the volunteer's own pages


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("reserve_enrol", limit=10, period=3600)
def enrol(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is not None and volunteer.status != VolunteerStatus.LEFT:
        return redirect("reserve:my_reserve")
    initial = {"communes": [request.user.commune_id]} if request.user.commune_id else {}
    form = VolunteerForm(
        request.POST or None,
        initial=initial,
        first_communes=[request.user.commune_id] if request.user.commune_id else (),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.volunteer_enrol(user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Merci ! Votre inscription est enregistrée ; un agent va la valider."),
                )
                return redirect("reserve:my_reserve")
        return render(request, "reserve/enrol.html", {"form": form}, status=400)
    return render(request, "reserve/enrol.html", {"form": form})


@login_required
def my_reserve(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    context = {
        "volunteer": volunteer,
        "signals": selectors.signals_of(request.user)[:5],
        "consent_form": ConsentForm(
            initial={"recognition_public": volunteer.recognition_public} if volunteer else None
        ),
    }
    if volunteer is not None:
        now = timezone.now()
        signups = list(selectors.volunteer_missions(volunteer))
        context["coming"] = [s for s in signups if s.mission.ends_at >= now]
        context["past"] = [s for s in signups if s.mission.ends_at < now]
        volunteer = Volunteer.objects.prefetch_related("communes", "skills").get(pk=volunteer.pk)
        context["volunteer"] = volunteer
    return render(request, "reserve/my_reserve.html", context)


def _active_volunteer_or_redirect(request):
    volunteer = _volunteer_of(request.user)
    if volunteer is None or volunteer.status == VolunteerStatus.LEFT:
        return None
    return volunteer


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    volunteer = _active_volunteer_or_redirect(request)
    if volunteer is None:
        return redirect("reserve:enrol")
    initial = {
        "communes": list(volunteer.communes.all()),
        "skills": list(volunteer.skills.all()),
        "available_weekdays": volunteer.available_weekdays,
        "available_evenings": volunteer.available_evenings,
        "available_weekends": volunteer.available_weekends,
        "availability_note": volunteer.availability_note,
        "phone": volunteer.phone,
    }
    form = VolunteerForm(
        request.POST or None,
        initial=initial,
        enrolment=False,
        first_communes=[c.pk for c in initial["communes"]],
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.volunteer_update(volunteer=volunteer, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Votre profil de réserviste est mis à jour."))
                return redirect("reserve:my_reserve")
        return render(request, "reserve/profile_edit.html", {"form": form}, status=400)
    return render(request, "reserve/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    volunteer = _active_volunteer_or_redirect(request)
    if volunteer is None:
        return redirect("reserve:my_reserve")
    if request.method == "POST":
        services.volunteer_leave(volunteer=volunteer)
        messages.success(
            request,
            _("Vous avez quitté la réserve citoyenne ; vos données de réserviste sont effacées."),
        )
        return redirect("reserve:my_reserve")
    return render(request, "reserve/leave.html", {"volunteer": volunteer})


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    volunteer = _active_volunteer_or_redirect(request)
    if volunteer is None:
        raise PermissionDenied
    form = ConsentForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    services.volunteer_recognition_consent(
        volunteer=volunteer, public=form.cleaned_data.get("recognition_public", False)
    )
    messages.success(request, _("Votre choix est enregistré."))
    return redirect("reserve:my_reserve")


# ------------------------------------------------------------------ agents: volunteers


@login_required
@permission_required("reserve.list_volunteers", raise_exception=True)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(VolunteerFilterForm, request)
    template = "reserve/volunteer_list.html"
    if filters is None:
        return render(request, template, {"form": form, "page": None}, status=400)
    queryset = selectors.volunteers_visible(user=request.user, filters=filters)
    page = paginate(request, queryset, per_page=PER_PAGE)
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "show_contacts": request.user.has_perm("reserve.view_contacts"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@permission_required("reserve.list_volunteers", raise_exception=True)
def volunteer_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV; the contacts only for the crisis cell. Each export is audited."""
    form, filters = _filters(VolunteerFilterForm, request)
    if filters is None:
        raise BadRequest(_("Filtres invalides."))
    queryset = selectors.volunteers_visible(user=request.user, filters=filters)
    contacts = request.user.has_perm("reserve.view_contacts")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reservistes.csv"'
    writer = csv.writer(response)
    header = [
        "id",
        "nom",
        "statut",
        "communes",
        "competences",
        "semaine",
        "soir",
        "week_end",
        "disponibilites",
        "inscrit_le",
    ]
    if contacts:
        header += ["email", "telephone"]
    writer.writerow(header)
    rows = 0
    for volunteer in queryset:
        row = [
            volunteer.pk,
            safe_cell(volunteer.user.public_name),
            volunteer.status,
            safe_cell(" | ".join(c.name for c in volunteer.communes.all())),
            safe_cell(" | ".join(s.name for s in volunteer.skills.all())),
            int(volunteer.available_weekdays),
            int(volunteer.available_evenings),
            int(volunteer.available_weekends),
            safe_cell(volunteer.availability_note),
            timezone.localdate(volunteer.created_at).isoformat(),
        ]
        if contacts:
            row += [safe_cell(volunteer.user.email), safe_cell(volunteer.phone)]
        writer.writerow(row)
        rows += 1
    log_action(
        actor=request.user,
        action="reserve.volunteers_exported",
        # The filters of the form only, as validated: the raw query string may hold anything
        # (a NUL character, which PostgreSQL's JSON refuses: a 500 instead of the file).
        data={
            "filters": {name: request.GET[name] for name in form.fields if request.GET.get(name)},
            "rows": rows,
            "contacts": contacts,
        },
        public_change=False,
    )
    return response


def _volunteer_for_agent(request: HttpRequest, pk: int) -> Volunteer:
    volunteer = get_object_or_404(
        Volunteer.objects.select_related("user").prefetch_related("communes", "skills"), pk=pk
    )
    if not request.user.has_perm("reserve.view_volunteer", volunteer):
        raise PermissionDenied
    return volunteer


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer_for_agent(request, pk)
    return _volunteer_page(request, volunteer)


def _volunteer_page(request, volunteer, *, status_form=None, distinction_form=None, status=200):
    return render(
        request,
        "reserve/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "signups": selectors.volunteer_missions(volunteer),
            "show_contacts": request.user.has_perm("reserve.view_contacts"),
            "status_form": status_form or VolunteerStatusForm(),
            "distinction_form": distinction_form
            or DistinctionForm(initial={"citation": volunteer.citation}),
            "can_validate": request.user.has_perm("reserve.validate_volunteer", volunteer),
        },
        status=status,
    )


@login_required
@require_POST
def volunteer_status(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer_for_agent(request, pk)
    form = VolunteerStatusForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_set_status(
                actor=request.user,
                volunteer=volunteer,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Le statut du réserviste est mis à jour."))
            return redirect(volunteer)
    return _volunteer_page(request, volunteer, status_form=form, status=400)


@login_required
@require_POST
def volunteer_distinguish(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer_for_agent(request, pk)
    if request.POST.get("remove"):
        services.volunteer_undistinguish(actor=request.user, volunteer=volunteer)
        messages.success(request, _("La distinction est retirée."))
        return redirect(volunteer)
    form = DistinctionForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_distinguish(
                actor=request.user, volunteer=volunteer, citation=form.cleaned_data["citation"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Distinction enregistrée ; elle sera publique si la personne y consent."),
            )
            return redirect(volunteer)
    return _volunteer_page(request, volunteer, distinction_form=form, status=400)


# ------------------------------------------------------------------ missions


def mission_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(MissionFilterForm, request)
    template = "reserve/mission_list.html"
    if filters is None:
        return render(request, template, {"form": form, "page": None}, status=400)
    page = paginate(request, selectors.mission_public_list(filters=filters), per_page=PER_PAGE)
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        mission = selectors.mission_get_public(pk)
    except Mission.DoesNotExist:
        mission = get_object_or_404(Mission, pk=pk)  # a draft: its managers only
        if not request.user.has_perm("reserve.change_mission", mission):
            raise Http404 from None  # as for its calendar file: a draft's existence stays private
        mission = selectors._with_taken(Mission.objects.filter(pk=pk)).get()
    volunteer = _volunteer_of(request.user)
    signup = (
        Signup.objects.filter(mission=mission, volunteer=volunteer).first() if volunteer else None
    )
    return render(
        request,
        "reserve/mission_detail.html",
        {
            "mission": mission,
            "volunteer": volunteer,
            "signup": signup,
            "can_manage": request.user.has_perm("reserve.change_mission", mission),
            "places_left": max(mission.capacity - mission.taken, 0),
        },
    )


def mission_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """The mission as an iCalendar file (published missions only: no draft)."""
    from django.conf import settings

    from .ical import mission_calendar

    mission = get_object_or_404(
        Mission.objects.exclude(status=MissionStatus.DRAFT).select_related("commune"), pk=pk
    )
    response = HttpResponse(
        mission_calendar(mission, base_url=settings.SITE_URL),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="mission-{mission.pk}.ics"'
    return response


@login_required
@permission_required("reserve.add_mission", raise_exception=True)
def mission_manage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in MissionStatus.values:
        raise BadRequest(_("Ce statut n'existe pas."))
    queryset = selectors.missions_managed(user=request.user, filters={"status": status})
    page = paginate(request, queryset, per_page=PER_PAGE)
    return render(
        request,
        "reserve/mission_manage.html",
        {"page": page, "statuses": MissionStatus.choices, "status": status},
    )


@login_required
@permission_required("reserve.add_mission", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("reserve_mission", limit=30, period=3600)
def mission_create(request: HttpRequest) -> HttpResponse:
    form = MissionForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = {**form.cleaned_data}
            try:
                mission = services.mission_create(organiser=request.user, data=data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La mission est créée."))
                return redirect(mission)
        return render(request, "reserve/mission_form.html", {"form": form}, status=400)
    return render(request, "reserve/mission_form.html", {"form": form})


def _managed_mission(request: HttpRequest, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("commune"), pk=pk)
    if not request.user.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    return mission


@login_required
@require_http_methods(["GET", "POST"])
def mission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _managed_mission(request, pk)
    form = MissionForm(request.POST or None, instance=mission, user=request.user, creating=False)
    context = {"form": form, "mission": mission}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mission_update(actor=request.user, mission=mission, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La mission est modifiée."))
                return redirect(mission)
        mission.refresh_from_db()
        return render(request, "reserve/mission_form.html", context, status=400)
    return render(request, "reserve/mission_form.html", context)


@login_required
@require_POST
def mission_action(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _managed_mission(request, pk)
    action = request.POST.get("action")
    service = {"publish": services.mission_publish, "close": services.mission_close}.get(action)
    if service is None:
        raise BadRequest(_("Action inconnue."))
    try:
        service(actor=request.user, mission=mission)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reserve:mission_signups", pk=mission.pk)
    messages.success(
        request,
        _("La mission est publiée.") if action == "publish" else _("La mission est clôturée."),
    )
    return redirect("reserve:mission_signups", pk=mission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mission_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _managed_mission(request, pk)
    form = MissionCancelForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mission_cancel(
                    actor=request.user, mission=mission, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La mission est annulée ; les inscrits sont prévenus."))
                return redirect("reserve:mission_signups", pk=mission.pk)
        return render(
            request, "reserve/mission_cancel.html", {"form": form, "mission": mission}, status=400
        )
    return render(request, "reserve/mission_cancel.html", {"form": form, "mission": mission})


@login_required
@require_http_methods(["GET", "POST"])
def mission_signups(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's page: sign-ups with their contacts, attendance after the start."""
    mission = _managed_mission(request, pk)
    error = None
    if request.method == "POST":
        raw = request.POST.getlist("present")
        # ASCII digits only, of a sane length: "²".isdigit() is true but int("²") fails.
        if not all(ATTENDANCE_ID_RE.fullmatch(value) for value in raw):
            raise BadRequest(_("Sélection invalide."))
        try:
            present = services.attendance_record(
                actor=request.user, mission=mission, present_ids={int(v) for v in raw}
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Présences enregistrées : %(count)d personne(s) présente(s).")
                % {"count": present},
            )
            return redirect("reserve:mission_signups", pk=mission.pk)
    return render(
        request,
        "reserve/mission_signups.html",
        {
            "mission": mission,
            "signups": selectors.mission_signups(mission),
            "error": error,
            # Contacts: the organiser and the crisis cell only (not every agent who may manage).
            "show_contacts": mission.organiser_id == request.user.pk
            or request.user.has_perm("reserve.view_contacts"),
        },
        status=400 if error else 200,
    )


def _signup_target(request: HttpRequest, pk: int) -> tuple[Mission, Volunteer]:
    mission = get_object_or_404(Mission, pk=pk)
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        raise PermissionDenied
    return mission, volunteer


@login_required
@require_POST
@rate_limited("reserve_signup", limit=30, period=3600)
def mission_signup(request: HttpRequest, pk: int) -> HttpResponse:
    mission, volunteer = _signup_target(request, pk)
    try:
        services.mission_signup(volunteer=volunteer, mission=mission)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        response = mission_detail(request, pk)
        response.status_code = 400
        return response
    messages.success(request, _("Vous êtes inscrit·e à cette mission. Merci !"))
    return redirect(mission)


@login_required
@require_POST
def mission_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    mission, volunteer = _signup_target(request, pk)
    try:
        services.mission_withdraw(volunteer=volunteer, mission=mission)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        response = mission_detail(request, pk)
        response.status_code = 400
        return response
    messages.success(request, _("Votre inscription est annulée ; l'organisateur est prévenu."))
    return redirect(mission)


# ------------------------------------------------------------------ vigie (warning signals)


def vigie(request: HttpRequest) -> HttpResponse:
    return render(request, "reserve/vigie.html", {"figures": selectors.vigie_figures()})


def vigie_export(request: HttpRequest) -> HttpResponse:
    """The public figures of the last 30 days, as CSV or JSON (``?format=json``)."""
    figures = selectors.vigie_figures()
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise BadRequest(_("Format inconnu : csv ou json."))
    if fmt == "json":
        return JsonResponse(
            {
                "since": figures["since"].isoformat(),
                "days": figures["days"],
                "total": figures["total"],
                "per_category": {c["code"]: c["count"] for c in figures["categories"]},
                "per_territory": {t["name"]: t["count"] for t in figures["territories"]},
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vigie-30-jours.csv"'
    writer = csv.writer(response)
    writer.writerow(["dimension", "code", "libelle", "signalements"])
    for row in figures["categories"]:
        writer.writerow(["categorie", row["code"], str(row["label"]), row["count"]])
    for row in figures["territories"]:
        writer.writerow(["territoire", row["pk"], row["name"], row["count"]])
    return response


@login_required
@permission_required("reserve.report_signal", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("reserve_signal", limit=5, period=3600)
def signal_create(request: HttpRequest) -> HttpResponse:
    form = SignalForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                signal = services.signal_report(reporter=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Merci : votre signalement n° %(number)d est transmis à la cellule de crise.")
                    % {"number": signal.pk},
                )
                return redirect(signal)
        return render(request, "reserve/signal_form.html", {"form": form}, status=400)
    return render(request, "reserve/signal_form.html", {"form": form})


@login_required
def signal_mine(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.signals_of(request.user), per_page=PER_PAGE)
    return render(request, "reserve/signal_mine.html", {"page": page})


def _signal_page(request, signal, *, form=None, status=200):
    can_triage = request.user.has_perm("reserve.triage_signal", signal)
    can_draft = request.user.has_perm("alerts.add_alert")
    return render(
        request,
        "reserve/signal_detail.html",
        {
            "signal": signal,
            "is_reporter": signal.reporter_id == request.user.pk,
            "can_triage": can_triage and signal.is_open,
            "can_see_reporter": request.user.has_perm("reserve.list_signals"),
            # The reporter's e-mail: for the crisis cell who handles the signal, not for the
            # agents who may only read it.
            "can_contact_reporter": can_triage,
            "form": form or SignalTriageForm(),
            "next_statuses": [
                (value, label)
                for value, label in SignalStatus.choices
                if value in signal.next_statuses()
            ],
            "duplicates": signal.duplicates.select_related("commune"),
            # The alerts app's draft form, prefilled from this signal: for who may triage it
            # and draft alerts (the crisis cell).
            "can_draft_alert": can_triage and can_draft,
            "alerts": selectors.signal_alerts(signal, include_drafts=can_draft),
        },
        status=status,
    )


@login_required
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_object_or_404(
        Signal.objects.select_related(
            "commune__territory", "reporter", "duplicate_of", "handled_by"
        ),
        pk=pk,
    )
    if not request.user.has_perm("reserve.view_signal", signal):
        raise PermissionDenied
    return _signal_page(request, signal)


@login_required
@permission_required("reserve.list_signals", raise_exception=True)
def signal_queue(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(SignalFilterForm, request)
    template = "reserve/signal_queue.html"
    if filters is None:
        return render(request, template, {"form": form, "page": None}, status=400)
    page = paginate(request, selectors.signal_queue(filters=filters), per_page=PER_PAGE)
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "handled": selectors.signals_handled_recently()},
    )


@login_required
@require_POST
def signal_triage(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_object_or_404(
        Signal.objects.select_related("commune__territory", "reporter"), pk=pk
    )
    if not request.user.has_perm("reserve.triage_signal", signal):
        raise PermissionDenied
    form = SignalTriageForm(request.POST)
    if form.is_valid():
        try:
            services.signal_triage(
                actor=request.user,
                signal=signal,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Le signalement est mis à jour ; son auteur est prévenu."))
            return redirect("reserve:signal_queue")
    return _signal_page(request, signal, form=form, status=400)
