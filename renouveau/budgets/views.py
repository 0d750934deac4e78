from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from renouveau.calls.models import Call, Phase
from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited

from . import services
from .forms import EnvelopeForm, PaperReferenceForm, TrackedProjectForm
from .models import BallotType, Envelope, TrackedProject
from .selectors import (
    ballot_of,
    envelope_for_ballot,
    envelope_projects,
    results_data,
    tracked_project_list,
)


def _call_or_404(request: HttpRequest, slug: str) -> Call:
    call = Call.objects.visible_to(request.user).filter(slug=slug).first()
    if call is None:
        raise Http404(_("Cet appel à projets n'existe pas."))
    return call


def _envelope_or_404(request: HttpRequest, pk: int, *, for_ballot: bool = False) -> Envelope:
    if for_ballot:  # the hot path while the vote is open: the envelope and its call only
        envelope = envelope_for_ballot(pk)
    else:
        envelope = (
            Envelope.objects.select_related("call", "territory", "workstream").filter(pk=pk).first()
        )
    if envelope is None or not (
        envelope.call.is_published or request.user.has_perm("calls.manage_call")
    ):
        raise Http404(_("Cette enveloppe n'existe pas."))
    return envelope


def _message(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Action impossible.")


POINTS = re.compile(r"-?[0-9]{1,9}")


def _choices_from_post(request: HttpRequest, envelope: Envelope) -> dict:
    if envelope.ballot_type == BallotType.CUMULATIVE:
        choices = {}
        for key, value in request.POST.items():
            if key.startswith("points-"):
                value = value.strip()
                if value in ("", "0"):
                    continue
                # ASCII digits, one optional minus sign ("--5" and "²" passed str.isdigit()
                # checks, then int() failed: a 500), and no absurd length.
                if not POINTS.fullmatch(value):
                    raise ValidationError(_("Le nombre de points doit être un nombre entier."))
                choices[key.removeprefix("points-")] = int(value)
        return choices
    return dict.fromkeys(request.POST.getlist("projects"), 1)


def index(request: HttpRequest) -> HttpResponse:
    """The winning projects of every call, followed until they are built."""
    page = paginate(
        request,
        tracked_project_list().filter(submission__call__is_published=True),
        per_page=20,
    )
    return render(request, "budgets/index.html", {"page": page})


@require_http_methods(["GET", "POST"])
@rate_limited("budgets_vote", limit=60, period=600)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    # A ballot needs only the envelope and its call; the page's other relations are loaded when
    # it is rendered again (refusal or GET).
    envelope = _envelope_or_404(request, pk, for_ballot=request.method == "POST")
    call = envelope.call
    error = None
    status = 200
    selected: dict = {}
    ballot = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            choices = _choices_from_post(request, envelope)
            selected = {str(k): v for k, v in choices.items()}
            services.ballot_cast(voter=request.user, envelope=envelope, choices=choices)
        except (ValidationError, PermissionDenied) as exc:
            error = _message(exc)
            status = 400 if isinstance(exc, ValidationError) else 403
            ballot = ballot_of(voter=request.user, envelope=envelope)
        else:
            # The vote page says that the ballot is recorded, and until when it can be changed,
            # whenever there is one: no flash message on top (it said the same thing twice).
            return redirect("budgets:vote", pk=envelope.pk)
    else:
        ballot = ballot_of(voter=request.user, envelope=envelope)
        selected = dict(ballot.choices) if ballot else {}
    projects = list(envelope_projects(envelope))
    ineligible = services.voter_ineligibility(request.user, envelope)
    rows = [
        {
            "submission": s,
            "selected": str(s.pk) in selected,
            "points": selected.get(str(s.pk), 0),
        }
        for s in projects
    ]
    spent = sum((s.cost for s in projects if str(s.pk) in selected), 0)
    return render(
        request,
        "budgets/vote.html",
        {
            "call": call,
            "envelope": envelope,
            "rows": rows,
            "ballot": ballot,
            "error": error,
            "spent": spent,
            "points_used": sum(v for v in selected.values() if isinstance(v, int) and v > 0),
            "ineligible": ineligible,
            "vote_open": call.phase == Phase.VOTE,
            "can_vote": call.phase == Phase.VOTE and ineligible is None,
            "can_record_paper": request.user.has_perm("budgets.record_paper", envelope),
            "is_cumulative": envelope.ballot_type == BallotType.CUMULATIVE,
        },
        status=status,
    )


@login_required
@require_POST
def ballot_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    envelope = _envelope_or_404(request, pk)
    try:
        deleted = services.ballot_delete(voter=request.user, envelope=envelope)
    except PermissionDenied as exc:
        messages.error(request, _message(exc))
    else:
        if deleted:
            messages.success(request, _("Votre bulletin est retiré."))
        else:  # a second click, or no ballot at all: it said "retiré" all the same
            messages.info(request, _("Vous n'avez pas de bulletin dans cette enveloppe."))
    return redirect("budgets:vote", pk=envelope.pk)


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    envelope = _envelope_or_404(request, pk)
    if not request.user.has_perm("budgets.record_paper", envelope):
        raise PermissionDenied(
            _("Seuls les agents saisissent les bulletins papier, pendant le vote.")
        )
    form = PaperReferenceForm(request.POST or None)
    error = None
    status = 200
    selected: dict = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                choices = _choices_from_post(request, envelope)
                selected = {str(k): v for k, v in choices.items()}
                services.ballot_record_paper(
                    agent=request.user,
                    envelope=envelope,
                    reference=form.cleaned_data["reference"],
                    choices=choices,
                )
            except (ValidationError, PermissionDenied) as exc:
                error = _message(exc)
            else:
                messages.success(request, _("Le bulletin papier est enregistré."))
                return redirect("budgets:paper", pk=envelope.pk)
        status = 400
    rows = [
        {"submission": s, "selected": str(s.pk) in selected, "points": selected.get(str(s.pk), 0)}
        for s in envelope_projects(envelope)
    ]
    return render(
        request,
        "budgets/paper.html",
        {
            "call": envelope.call,
            "envelope": envelope,
            "form": form,
            "rows": rows,
            "error": error,
            "is_cumulative": envelope.ballot_type == BallotType.CUMULATIVE,
        },
        status=status,
    )


def _envelope_form_view(request, call: Call, envelope: Envelope | None):
    form = EnvelopeForm(request.POST or None, instance=envelope)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            obj = form.save(commit=False)
            obj.call = call
            obj.is_demo = call.is_demo
            try:
                services.envelope_save(actor=request.user, envelope=obj)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("L'enveloppe est enregistrée."))
                return redirect(call)
        status = 400
    return render(
        request,
        "budgets/envelope_form.html",
        {"form": form, "call": call, "envelope": envelope},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def envelope_create(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if not request.user.has_perm("budgets.manage_envelope", call):
        raise PermissionDenied(_("Les enveloppes se définissent avant l'ouverture du vote."))
    return _envelope_form_view(request, call, None)


@login_required
@require_http_methods(["GET", "POST"])
def envelope_edit(request: HttpRequest, pk: int) -> HttpResponse:
    envelope = _envelope_or_404(request, pk)
    if not request.user.has_perm("budgets.manage_envelope", envelope.call):
        raise PermissionDenied(_("Les enveloppes se définissent avant l'ouverture du vote."))
    return _envelope_form_view(request, envelope.call, envelope)


@login_required
@require_POST
def close_vote(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if call.phase in (Phase.RESULTS, Phase.IMPLEMENTATION) and request.user.has_perm(
        "calls.manage_call"
    ):
        # The second click of a double click on « Clore le vote »: closed already, not a 403.
        messages.info(request, _("Le vote est déjà clos."))
        return redirect("budgets:results", slug=call.slug)
    if not request.user.has_perm("budgets.close_vote", call):
        raise PermissionDenied(_("Seuls les agents de la Métropole closent un vote ouvert."))
    services.vote_close(actor=request.user, call=call)
    messages.success(request, _("Le vote est clos ; les résultats sont en cours de calcul."))
    return redirect("budgets:results", slug=call.slug)


@login_required
@require_POST
def results_recompute(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if not (
        request.user.has_perm("calls.manage_call")
        and request.user.has_perm("budgets.view_results", call)
    ):
        raise PermissionDenied(_("Les résultats se calculent après la clôture du vote."))
    services.results_compute(call=call, actor=request.user)
    messages.success(request, _("Les résultats ont été recalculés."))
    return redirect("budgets:results", slug=call.slug)


def results(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if not request.user.has_perm("budgets.view_results", call):
        raise PermissionDenied(_("Les résultats seront publiés à la clôture du vote."))
    return render(
        request,
        "budgets/results.html",
        {
            "call": call,
            "envelopes": results_data(call),
            "pending": call.envelopes.filter(result__isnull=True).exists(),
            "tracked": list(tracked_project_list(call=call)),
        },
    )


@rate_limited("budgets_pabulib", limit=30, period=600, methods=("GET",))
def pabulib(request: HttpRequest, pk: int) -> HttpResponse:
    envelope = _envelope_or_404(request, pk)
    try:
        text = services.pabulib_export(envelope=envelope)
    except PermissionDenied as exc:
        raise PermissionDenied(_message(exc)) from exc
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{envelope.call.slug}-{envelope.pk}.pb"'
    )
    return response


def tracked_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        tracked_project_list().filter(submission__call__is_published=True), pk=pk
    )
    return render(
        request,
        "budgets/tracked.html",
        {
            "project": project,
            "updates": project.updates.select_related("author")[:50],
            "can_edit": request.user.has_perm("budgets.track_project", project),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tracked_project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(tracked_project_list(), pk=pk)
    if not request.user.has_perm("budgets.track_project", project):
        raise PermissionDenied(_("Seuls les agents suivent la réalisation des projets lauréats."))
    form = TrackedProjectForm(request.POST or None, instance=TrackedProject.objects.get(pk=pk))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.tracked_project_update(
                    actor=request.user,
                    project=project,
                    status=form.cleaned_data["status"],
                    progress=form.cleaned_data["progress"],
                    spent=form.cleaned_data["spent"],
                    note=form.cleaned_data.get("note") or "",
                )
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, _("Le point d'étape est publié."))
                return redirect("budgets:tracked", pk=project.pk)
        return render(
            request, "budgets/tracked_form.html", {"form": form, "project": project}, status=400
        )
    return render(request, "budgets/tracked_form.html", {"form": form, "project": project})
