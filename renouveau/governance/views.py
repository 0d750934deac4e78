from __future__ import annotations

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import objectgetter, permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.core.spreadsheet import safe_cell

from . import ical, selectors, services
from .charts import comparison_chart
from .forms import (
    CancelForm,
    CandidateForm,
    ComparisonValueForm,
    DocumentForm,
    DrawForm,
    DrawRunForm,
    MeetingForm,
    MembershipForm,
    MinutesForm,
    PlaceFilterForm,
    RecommendationFilterForm,
    RecommendationForm,
    ResponseForm,
)
from .models import Body, Draw, Meeting, MeetingDocument, Membership, Place, Recommendation

PER_PAGE = 20
# A meeting the user may run (404 if unknown, 403 if it is another commune's or body's).
MANAGE_MEETING = {"fn": objectgetter(Meeting, "pk"), "raise_exception": True}


def _render_form(request, template, context, form, *, bound_invalid: bool) -> HttpResponse:
    return render(
        request, template, {**context, "form": form}, status=400 if bound_invalid else 200
    )


# Bodies --------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/index.html",
        {
            "bodies": selectors.body_list(),
            "meetings": selectors.meeting_list(when="upcoming")[:5],
            "draws": selectors.draw_list().filter(status=Draw.Status.OPEN)[:3],
        },
    )


def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    body = get_object_or_404(Body, code=code)
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "members": selectors.current_members(body),
            "upcoming": selectors.meeting_list(body=body, when="upcoming")[:10],
            "past": selectors.meeting_list(body=body, when="past")[:10],
            "recommendations": selectors.recommendation_list(filters={"body": body})[:5],
            "response_counts": selectors.response_counts(body),
            "draws": selectors.draw_list(body=body),
            "can_manage_members": request.user.has_perm("governance.manage_members"),
        },
    )


@permission_required("governance.manage_members", raise_exception=True)
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add a member to a body, or edit one (e.g. the end of a mandate)."""
    body = get_object_or_404(Body, code=code)
    membership = get_object_or_404(Membership, pk=pk, body=body) if pk else None
    form = MembershipForm(request.POST or None, instance=membership)
    context = {"body": body, "membership": membership}
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in MembershipForm.Meta.fields}
            try:
                if membership is None:
                    services.membership_create(actor=request.user, body=body, data=data)
                else:
                    services.membership_update(
                        actor=request.user,
                        membership=Membership.objects.get(pk=membership.pk),
                        data=data,
                    )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La liste des membres est à jour."))
                return redirect(body)
        return render(
            request, "governance/membership_form.html", {**context, "form": form}, status=400
        )
    return render(request, "governance/membership_form.html", {**context, "form": form})


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def body_calendar(request: HttpRequest, code: str) -> HttpResponse:
    body = get_object_or_404(Body, code=code)
    meetings = selectors.meeting_list(body=body, when="all").order_by("starts_at", "id")
    text = ical.calendar(meetings, name=body.name, base_url=settings.SITE_URL)
    return _ics_response(text, f"{body.code}.ics")


# Meetings ------------------------------------------------------------------------------------


@login_required
def my_space(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/my_space.html", selectors.my_participation(request.user))


def meeting_list(request: HttpRequest) -> HttpResponse:
    when = request.GET.get("quand", "a-venir")
    if when not in ("a-venir", "passees"):
        return render(
            request,
            "governance/meeting_list.html",
            {"page": None, "when": when, "error": _("Choix de période inconnu.")},
            status=400,
        )
    qs = selectors.meeting_list(when="upcoming" if when == "a-venir" else "past")
    page = paginate(request, qs, per_page=PER_PAGE)
    return render(request, "governance/meeting_list.html", {"page": page, "when": when})


def meetings_calendar(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_list(when="all").order_by("starts_at", "id")
    text = ical.calendar(meetings, name=_("Réunions de la gouvernance"), base_url=settings.SITE_URL)
    return _ics_response(text, "gouvernance.ics")


def _meeting_or_404(pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("Cette réunion n'existe pas.")) from exc


def _meeting_page_context(request: HttpRequest, meeting: Meeting) -> dict:
    # While someone waits, no seat is free (a freed seat goes to them at once).
    seats_left = (
        max(meeting.capacity - meeting.registered, 0) if meeting.capacity is not None else None
    )
    return {
        "meeting": meeting,
        "is_registered": selectors.is_registered(request.user, meeting),
        "waiting": services.waitlist_position(user=request.user, meeting=meeting),
        "seats_left": 0 if meeting.waiting_count else seats_left,
        "can_manage": request.user.has_perm("governance.manage_meeting", meeting),
    }


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    return render(
        request, "governance/meeting_detail.html", _meeting_page_context(request, meeting)
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    text = ical.calendar([meeting], name=meeting.title, base_url=settings.SITE_URL)
    return _ics_response(text, f"reunion-{meeting.pk}.ics")


@login_required
@require_POST
@rate_limited("governance_register", limit=30, period=3600)
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.registration_create(user=request.user, meeting=meeting)
    except ValidationError as exc:
        if exc.code == "already":
            messages.info(request, exc.messages[0])
            return redirect(meeting)
        return _meeting_error(request, pk, exc)
    messages.success(
        request,
        _("Vous êtes inscrit·e. Une confirmation vous est envoyée par e-mail."),
    )
    return redirect(meeting)


def _meeting_error(request: HttpRequest, pk: int, exc: ValidationError) -> HttpResponse:
    """The meeting page again, with the reason the action was refused (400)."""
    context = _meeting_page_context(request, _meeting_or_404(pk))
    return render(
        request,
        "governance/meeting_detail.html",
        {**context, "error": exc.messages[0]},
        status=400,
    )


@login_required
@require_POST
def meeting_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.registration_cancel(user=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect(meeting)


@login_required
@require_POST
@rate_limited("governance_register", limit=30, period=3600)
def meeting_waitlist_join(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.waitlist_join(user=request.user, meeting=meeting)
    except ValidationError as exc:
        if exc.code in ("already", "already_waiting"):
            messages.info(request, exc.messages[0])
            return redirect(meeting)
        return _meeting_error(request, pk, exc)
    messages.success(
        request,
        _(
            "Vous êtes sur la liste d'attente. Si une place se libère, vous serez inscrit·e "
            "automatiquement et prévenu·e par e-mail."
        ),
    )
    return redirect(meeting)


@login_required
@require_POST
def meeting_waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.waitlist_leave(user=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Vous avez quitté la liste d'attente."))
    return redirect(meeting)


@permission_required("governance.manage_meetings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La réunion est annoncée."))
                return redirect(meeting)
        return render(request, "governance/meeting_form.html", {"form": form}, status=400)
    return render(request, "governance/meeting_form.html", {"form": form})


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=pk), user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_update(actor=request.user, meeting=meeting, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La réunion est modifiée."))
                return redirect(meeting)
        return render(
            request, "governance/meeting_form.html", {"form": form, "meeting": meeting}, status=400
        )
    return render(request, "governance/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
def meeting_registrants(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of registrants, for the organisers' welcome desk (CSV with ``?format=csv``)."""
    meeting = _meeting_or_404(pk)
    registrations = selectors.registrants(meeting)
    waitlist = selectors.waitlist(meeting)
    if request.GET.get("format") == "csv":
        services.registrants_exported(actor=request.user, meeting=meeting)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="inscrits-{meeting.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_("Nom"), _("E-mail"), _("Commune"), _("Inscrit·e le"), _("Statut")])

        def row(person, when, status):
            return [
                safe_cell(person.display_name),
                safe_cell(person.email),
                safe_cell(person.commune.name if person.commune_id else ""),
                timezone.localtime(when).strftime("%d/%m/%Y %H:%M"),
                status,
            ]

        for r in registrations:
            status = _("inscrit·e (liste d'attente)") if r.from_waitlist else _("inscrit·e")
            writer.writerow(row(r.user, r.created_at, status))
        for position, entry in enumerate(waitlist, start=1):
            status = _("liste d'attente, rang %(position)d") % {"position": position}
            writer.writerow(row(entry.user, entry.created_at, status))
        return response
    page = paginate(request, registrations, per_page=100)
    return render(
        request,
        "governance/meeting_registrants.html",
        {"meeting": meeting, "page": page, "waitlist": list(waitlist)},
    )


def _meeting_action(request, pk, *, form_class, template, run, success) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                run(meeting, form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, success)
                return redirect(meeting)
        return render(request, template, {"form": form, "meeting": meeting}, status=400)
    return render(request, template, {"form": form, "meeting": meeting})


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(
        request,
        pk,
        form_class=CancelForm,
        template="governance/meeting_cancel.html",
        run=lambda m, d: services.meeting_cancel(actor=request.user, meeting=m, reason=d["reason"]),
        success=_("La réunion est annulée ; les inscrit·es sont prévenu·es par e-mail."),
    )


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(
        request,
        pk,
        form_class=MinutesForm,
        template="governance/meeting_minutes.html",
        run=lambda m, d: services.meeting_minutes_publish(
            actor=request.user, meeting=m, minutes=d["minutes"]
        ),
        success=_("Le compte rendu est publié."),
    )


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
@require_http_methods(["GET", "POST"])
def meeting_document(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(
        request,
        pk,
        form_class=DocumentForm,
        template="governance/meeting_document.html",
        run=lambda m, d: services.meeting_document_add(actor=request.user, meeting=m, **d),
        success=_("Le document est ajouté."),
    )


@permission_required("governance.manage_meeting", **MANAGE_MEETING)
@require_POST
def meeting_document_remove(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    item = get_object_or_404(
        MeetingDocument.objects.select_related("meeting"), pk=document, meeting_id=pk
    )
    services.meeting_document_remove(actor=request.user, document=item)
    messages.success(request, _("Le document est retiré."))
    return redirect(item.meeting)


def meeting_document_file(request: HttpRequest, pk: int, document: int, filename: str):
    """An uploaded PDF, as an attachment under its safe name (the URL's name is cosmetic)."""
    item = get_object_or_404(MeetingDocument, pk=document, meeting_id=pk)
    if not item.file:
        raise Http404(_("Ce document est un lien, pas un fichier."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Ce document n'est plus disponible.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=item.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# Draws ---------------------------------------------------------------------------------------


def draw_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.draw_list(), per_page=PER_PAGE)
    return render(
        request,
        "governance/draw_list.html",
        {"page": page, "can_run": request.user.has_perm("governance.run_draws")},
    )


def _draw_context(request, draw: Draw) -> dict:
    user = request.user
    candidacy = (
        draw.candidates.filter(user=user).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    return {
        "draw": draw,
        "candidacy": candidacy,
        "candidate_count": draw.candidates.count(),
        "results": selectors.draw_results(draw) if draw.status == Draw.Status.DRAWN else None,
        "can_run": user.has_perm("governance.run_draws"),
        "quota_rows": _quota_rows(draw),
    }


def _quota_rows(draw: Draw) -> list[tuple[str, list[tuple[str, int]]]]:
    from renouveau.territories.models import Territory

    from .models import AGE_BANDS, Candidate

    names = {
        "territory": dict(Territory.objects.values_list("code", "name")),
        "gender": dict(Candidate.Gender.choices),
        "age_band": dict(AGE_BANDS),
    }
    labels = {
        "territory": _("Territoire"),
        "gender": _("Genre"),
        "age_band": _("Tranche d'âge"),
    }
    return [
        (labels.get(d, d), [(names.get(d, {}).get(v, v), n) for v, n in values.items()])
        for d, values in (draw.quotas or {}).items()
    ]


@require_http_methods(["GET", "POST"])
@rate_limited("governance_candidate", limit=10, period=3600)
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw.objects.select_related("body"), pk=pk)
    context = _draw_context(request, draw)
    form = None
    status = 200
    if request.user.is_authenticated and draw.accepts_candidates and context["candidacy"] is None:
        form = CandidateForm(request.POST or None, user=request.user)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.candidate_register(
                        user=request.user, draw=draw, data=form.cleaned_data
                    )
                except ValidationError as exc:
                    form_add_errors(form, exc)
                else:
                    messages.success(request, _("Votre candidature est enregistrée."))
                    return redirect(draw)
            status = 400
    elif request.method == "POST":
        messages.error(request, _("Vous ne pouvez pas candidater à ce tirage."))
        return redirect(draw)
    context["form"] = form
    return render(request, "governance/draw_detail.html", context, status=status)


@login_required
@require_POST
def draw_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)
    try:
        services.candidate_withdraw(user=request.user, draw=draw)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Votre candidature est retirée."))
    return redirect(draw)


@permission_required("governance.run_draws", raise_exception=True)
@require_http_methods(["GET", "POST"])
def draw_create(request: HttpRequest) -> HttpResponse:
    form = DrawForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = {
                k: form.cleaned_data[k]
                for k in ("body", "title", "description", "seats", "closes_on", "quotas")
            }
            try:
                draw = services.draw_create(actor=request.user, data=data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Le tirage est ouvert aux candidatures."))
                return redirect(draw)
        return render(request, "governance/draw_form.html", {"form": form}, status=400)
    return render(request, "governance/draw_form.html", {"form": form})


@permission_required("governance.run_draws", raise_exception=True)
@require_http_methods(["GET", "POST"])
def draw_run(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw.objects.select_related("body"), pk=pk)
    if draw.status == Draw.Status.DRAWN:
        messages.info(request, _("Ce tirage a déjà eu lieu."))
        return redirect(draw)
    form = DrawRunForm(request.POST or None, early=draw.accepts_candidates)
    context = {
        "draw": draw,
        "candidate_count": draw.candidates.count(),
        "quota_rows": _quota_rows(draw),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.draw_run(
                    actor=request.user,
                    draw=draw,
                    early=form.cleaned_data.get("early", False),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Le tirage est effectué et son résultat publié."))
                return redirect(draw)
        return render(request, "governance/draw_run.html", {**context, "form": form}, status=400)
    return render(request, "governance/draw_run.html", {**context, "form": form})


def draw_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The published data of a draw: enough to re-run it (see ``sortition.py``)."""
    draw = get_object_or_404(Draw, pk=pk)
    if draw.status != Draw.Status.DRAWN:
        raise Http404(_("Les données sont publiées avec le résultat du tirage."))
    candidates = [
        {
            "code": c.code,
            "territory": c.territory.code,
            "gender": c.gender,
            "age_band": c.age_band,
            "rank": c.rank,
            "selected": c.selected,
            "public_name": c.public_name if c.selected else None,
        }
        for c in selectors.draw_results(draw)
    ]
    data = {
        "draw": draw.title,
        "body": draw.body.name,
        "seed": draw.seed,
        "seed_fingerprint": draw.seed_fingerprint,
        "seats": draw.seats,
        "quotas": draw.quotas,
        "drawn_at": draw.drawn_at,
        "candidates": candidates,
    }
    data["method"] = _(
        "Rang = ordre de SHA-256(« graine:code ») ; panel = premier panel réalisable dans cet "
        "ordre qui respecte exactement les quotas. Vérifier la graine : SHA-256(graine) doit "
        "être égale à l'empreinte publiée avant le tirage. Refaire le tirage : "
        "python -m renouveau.governance.sortition donnees.json"
    )
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="tirage-{draw.pk}.json"'
    return response


# Recommendations -----------------------------------------------------------------------------


def recommendation_list(request: HttpRequest, code: str | None = None) -> HttpResponse:
    body = get_object_or_404(Body, code=code) if code else None
    form = RecommendationFilterForm(request.GET or None)
    if body is not None:
        del form.fields["body"]
    context = {
        "form": form,
        "body": body,
        "can_manage": request.user.has_perm("governance.manage_recommendations"),
    }
    if request.GET and not form.is_valid():
        return render(
            request, "governance/recommendation_list.html", {**context, "page": None}, status=400
        )
    filters = dict(form.cleaned_data) if request.GET else {}
    if body is not None:
        filters["body"] = body
    page = paginate(request, selectors.recommendation_list(filters=filters), per_page=PER_PAGE)
    context["page"] = page
    context["response_counts"] = selectors.response_counts(body)
    return render(request, "governance/recommendation_list.html", context)


def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("body"), pk=pk)
    return render(
        request,
        "governance/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "can_manage": request.user.has_perm("governance.manage_recommendations"),
        },
    )


@permission_required("governance.manage_recommendations", raise_exception=True)
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest) -> HttpResponse:
    form = RecommendationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                recommendation = services.recommendation_create(
                    actor=request.user, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La recommandation est publiée."))
                return redirect(recommendation)
        return render(request, "governance/recommendation_form.html", {"form": form}, status=400)
    return render(request, "governance/recommendation_form.html", {"form": form})


@permission_required("governance.manage_recommendations", raise_exception=True)
@require_http_methods(["GET", "POST"])
def recommendation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("body"), pk=pk)
    initial = (
        {"response": recommendation.response, "response_text": recommendation.response_text}
        if recommendation.response != "pending"
        else None
    )
    form = ResponseForm(request.POST or None, initial=initial)
    context = {"recommendation": recommendation}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.recommendation_respond(
                    actor=request.user,
                    recommendation=recommendation,
                    response=form.cleaned_data["response"],
                    text=form.cleaned_data["response_text"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("La réponse de la Métropole est publiée."))
                return redirect(recommendation)
        return render(
            request, "governance/recommendation_respond.html", {**context, "form": form}, status=400
        )
    return render(request, "governance/recommendation_respond.html", {**context, "form": form})


# Places and partners -------------------------------------------------------------------------


def place_list(request: HttpRequest) -> HttpResponse:
    form = PlaceFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(
            request, "governance/place_list.html", {"form": form, "groups": None}, status=400
        )
    filters = form.cleaned_data if request.GET else {}
    places = selectors.place_list(
        territory=filters.get("territory"), kind=filters.get("kind") or ""
    )
    groups: dict = {}
    for place in places:
        groups.setdefault(place.commune.territory.name, []).append(place)
    return render(request, "governance/place_list.html", {"form": form, "groups": groups})


def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.select_related("commune__territory"), pk=pk)
    meetings = selectors.meeting_list(when="upcoming").filter(place=place)[:10]
    return render(request, "governance/place_detail.html", {"place": place, "meetings": meetings})


def partner_list(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/partner_list.html", {"partners": selectors.partner_list()})


# Comparisons ---------------------------------------------------------------------------------


def comparison_list(request: HttpRequest) -> HttpResponse:
    indicators = list(selectors.indicator_list())
    return render(
        request,
        "governance/comparison_list.html",
        {"indicators": [(i, comparison_chart(i)) for i in indicators]},
    )


def comparison_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(selectors.indicator_list(), code=code)
    form = None
    status = 200
    if request.user.has_perm("governance.manage_comparisons"):
        form = ComparisonValueForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                services.comparison_value_set(
                    actor=request.user, indicator=indicator, data=form.cleaned_data
                )
                messages.success(request, _("La valeur est enregistrée."))
                return redirect(indicator)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "governance/comparison_detail.html",
        {"indicator": indicator, "chart": comparison_chart(indicator), "form": form},
        status=status,
    )


def comparison_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(_("Format inconnu : csv ou json."))
    rows = selectors.comparison_rows()
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"results": rows}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="comparaisons-ocde.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="comparaisons-ocde.csv"'
    response.write("\ufeff")
    fields = ["indicator", "name", "unit", "year", "source", "metropolis", "value", "is_demo"]
    writer = csv.DictWriter(response, fieldnames=fields, delimiter=";")
    writer.writeheader()
    for row in rows:
        text = {k: safe_cell(row[k]) for k in ("name", "unit", "source", "metropolis")}
        writer.writerow({**row, **text, "value": str(row["value"]), "is_demo": int(row["is_demo"])})
    return response
