from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import PAGE_NUMBER, paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.plan.models import Workstream
from renouveau.territories.models import Commune

from . import services
from .forms import (
    CallForm,
    CoauthorForm,
    CommentForm,
    ModerationForm,
    PhaseForm,
    ReviewForm,
    SubmissionForm,
)
from .models import INVITATION_DAYS, Call, CoauthorInvitation, Comment, Submission
from .selectors import (
    call_get,
    call_list,
    comment_report_queue,
    invitation_get,
    invitations_pending_for_user,
    invitations_pending_of_submission,
    submission_get,
    submission_list,
    submission_list_of_user,
)


def _call_or_404(request: HttpRequest, slug: str) -> Call:
    call = call_get(user=request.user, slug=slug)
    if call is None:
        raise Http404(_("Cet appel à projets n'existe pas."))
    return call


def _submission_or_404(request: HttpRequest, slug: str, pk: int) -> Submission:
    call = _call_or_404(request, slug)
    submission = submission_get(call=call, pk=pk)
    if submission is None:
        raise Http404(_("Ce projet n'existe pas."))
    if submission.status == Submission.Status.WITHDRAWN and not (
        submission.is_author(request.user) or request.user.has_perm("calls.manage_call")
    ):
        raise Http404(_("Ce projet a été retiré par son auteur."))
    return submission


def _submission_context(request: HttpRequest, submission: Submission, **extra) -> dict:
    user = request.user
    context = {
        "call": submission.call,
        "submission": submission,
        "comments": list(submission.comments.all()),
        "can_moderate": user.has_perm("calls.moderate_comment"),
        "can_review": user.has_perm("calls.review_submission", submission),
        "can_withdraw": user.has_perm("calls.withdraw_submission", submission),
        "can_comment": user.has_perm("calls.comment", submission),
        "comment_form": CommentForm(),
        "coauthor_form": CoauthorForm(),
        "is_author": submission.is_author(user),
        "can_invite": user.has_perm("calls.invite_coauthor", submission),
        "can_leave": user.has_perm("calls.leave_submission", submission),
        "can_change": user.has_perm("calls.change_submission", submission),
    }
    if context["is_author"]:
        context["pending_invitations"] = list(
            invitations_pending_of_submission(submission=submission)
        )
    context.update(extra)
    return context


def _int_or_none(value: str | None) -> int | None:
    """A filter's id, or None: ASCII digits only (``str.isdigit()`` accepts "²", which
    ``int()`` refuses: it was a 500) and no absurd length."""
    value = (value or "").strip()
    return int(value) if PAGE_NUMBER.fullmatch(value) else None


# ---------------------------------------------------------------- calls


def call_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, call_list(user=request.user), per_page=20)
    return render(request, "calls/index.html", {"page": page})


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    envelopes = list(
        call.envelopes.select_related("territory", "workstream").order_by(
            "territory__sort_name", "id"
        )
    )
    counts = {
        row["status"]: row["n"] for row in call.submissions.values("status").annotate(n=Count("id"))
    }
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "envelopes": envelopes,
            "counts": counts,
            "submission_total": sum(
                n for s, n in counts.items() if s != Submission.Status.WITHDRAWN
            ),
            "phase_form": PhaseForm(initial={"phase": call.phase_override}),
        },
    )


@login_required
@permission_required("calls.manage_call", raise_exception=True)
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "themes"}
            try:
                call = services.call_create(
                    actor=request.user, data=data, themes=form.cleaned_data["themes"]
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("L'appel à projets a été créé."))
                return redirect(call)
        return render(request, "calls/call_form.html", {"form": form}, status=400)
    return render(request, "calls/call_form.html", {"form": form})


@login_required
@permission_required("calls.manage_call", raise_exception=True)
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "themes"}
            try:
                call = services.call_update(
                    actor=request.user,
                    call=Call.objects.get(pk=call.pk),
                    data=data,
                    themes=form.cleaned_data["themes"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("L'appel à projets a été modifié."))
                return redirect(call)
        return render(request, "calls/call_form.html", {"form": form, "call": call}, status=400)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


@login_required
@permission_required("calls.manage_call", raise_exception=True)
@require_POST
def call_phase(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phase inconnue."))
        return redirect(call)
    services.call_phase_set(actor=request.user, call=call, phase=form.cleaned_data["phase"])
    messages.success(request, _("Phase en cours : %(phase)s.") % {"phase": call.phase_label})
    return redirect(call)


# ---------------------------------------------------------------- submissions


def submission_index(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    status = request.GET.get("statut", "")
    if status and status not in Submission.Status.values:
        status = ""
    filters = {
        "status": status,
        "commune_id": _int_or_none(request.GET.get("commune")),
        "workstream_id": _int_or_none(request.GET.get("chantier")),
        # Printable characters only: PostgreSQL refuses a NUL byte in a query (a 500).
        "query": "".join(c for c in request.GET.get("q", "") if c.isprintable()).strip()[:100],
    }
    page = paginate(request, submission_list(call=call, **filters), per_page=50)
    context = {
        "call": call,
        "page": page,
        "filters": filters,
        "statuses": [s for s in Submission.Status.choices if s[0] != Submission.Status.WITHDRAWN],
        "communes": Commune.objects.filter(call_submissions__call=call)
        .distinct()
        .order_by("name")
        .only("id", "name"),
        "workstreams": (call.themes.all() or Workstream.objects.all()).order_by("number"),
    }
    template = "calls/projects.html#results" if request.htmx else "calls/projects.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("calls_submit", limit=20, period=3600)
def submission_create(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if not request.user.has_perm("calls.submit_project", call):
        raise PermissionDenied(_("Le dépôt des projets n'est pas ouvert pour cet appel."))
    form = SubmissionForm(request.POST or None, call=call, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                submission = services.submission_create(
                    author=request.user, call=call, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Votre projet est déposé. Vous pouvez le modifier jusqu'à la clôture du dépôt."
                    ),
                )
                return redirect(submission)
        status = 400
    else:
        status = 200
    return render(
        request,
        "calls/submission_form.html",
        {"form": form, "call": call, "tile_url": settings.TILE_URL},
        status=status,
    )


def submission_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    return render(request, "calls/submission.html", _submission_context(request, submission))


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    if not request.user.has_perm("calls.change_submission", submission):
        raise PermissionDenied(
            _("Ce projet ne peut plus être modifié : le dépôt est clos ou il a été analysé.")
        )
    form = SubmissionForm(
        request.POST or None, instance=submission, call=submission.call, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                submission = services.submission_update(
                    actor=request.user,
                    submission=Submission.objects.get(pk=submission.pk),
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Votre projet a été modifié."))
                return redirect(submission)
        status = 400
    else:
        status = 200
    return render(
        request,
        "calls/submission_form.html",
        {
            "form": form,
            "call": submission.call,
            "submission": submission,
            "tile_url": settings.TILE_URL,
        },
        status=status,
    )


@login_required
@require_POST
@rate_limited("calls_coauthor", limit=30, period=3600)
def submission_coauthor(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Invite a co-author by e-mail. The answer is the same whatever the address (with or
    without an account, already an author or not): nobody learns who has an account."""
    submission = _submission_or_404(request, slug, pk)
    if not request.user.has_perm("calls.invite_coauthor", submission):
        raise PermissionDenied(
            _(
                "Seuls les auteurs peuvent inviter un co-auteur, pendant le dépôt et tant que le "
                "projet n'a pas été analysé."
            )
        )
    form = CoauthorForm(request.POST)
    if form.is_valid():
        try:
            services.coauthor_invite(
                actor=request.user, submission=submission, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Une invitation a été envoyée à cette adresse. La personne deviendra "
                    "co-autrice si elle l'accepte, connectée avec un compte vérifié à cette "
                    "adresse ; l'invitation expire dans %(days)s jours."
                )
                % {"days": INVITATION_DAYS},
            )
            return redirect(submission.get_absolute_url() + "#co-auteurs")
    return render(
        request,
        "calls/submission.html",
        _submission_context(request, submission, coauthor_form=form),
        status=400,
    )


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, slug: str, pk: int, invitation_pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    invitation = get_object_or_404(CoauthorInvitation, pk=invitation_pk, submission=submission)
    try:
        done = services.invitation_cancel(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, _("L'invitation est annulée : son lien ne fonctionne plus."))
        else:
            messages.info(request, _("Cette invitation est déjà annulée."))
    return redirect(submission.get_absolute_url() + "#co-auteurs")


@login_required
@require_POST
def submission_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    if services.submission_leave(user=request.user, submission=submission):
        messages.success(request, _("Vous ne faites plus partie des co-auteurs de ce projet."))
    else:
        messages.info(request, _("Vous ne faites pas partie des co-auteurs de ce projet."))
    return redirect(submission)


def _invitation_or_404(token: str) -> CoauthorInvitation:
    invitation = invitation_get(token=token)
    if invitation is None or not invitation.submission.call.is_published:
        raise Http404(_("Cette invitation n'existe pas."))
    return invitation


@login_required
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the e-mail's link: the invitee (signed in with the invited address,
    verified) accepts or declines. Anyone else is told to use the invited account."""
    invitation = _invitation_or_404(token)
    is_invitee = services.is_invitee(request.user, invitation)
    return render(
        request,
        "calls/invitation.html",
        {
            "invitation": invitation,
            "submission": invitation.submission,
            "call": invitation.submission.call,
            "is_invitee": is_invitee,
            "may_change": services.project_may_change(invitation.submission),
        },
        status=200 if is_invitee else 403,
    )


@login_required
@require_POST
@rate_limited("calls_invitation_answer", limit=60, period=3600)
def invitation_answer(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    invitation = _invitation_or_404(token)
    submission = invitation.submission
    try:
        if answer == "accept":
            if services.invitation_accept(user=request.user, invitation=invitation):
                messages.success(
                    request, _("Vous êtes maintenant co-autrice ou co-auteur de ce projet.")
                )
            else:
                messages.info(request, _("Vous faites déjà partie des auteurs de ce projet."))
            return redirect(submission)
        if services.invitation_decline(user=request.user, invitation=invitation):
            messages.success(
                request, _("Vous avez refusé l'invitation. Rien n'a changé pour vous.")
            )
        else:
            messages.info(request, _("Vous avez déjà refusé cette invitation."))
        return redirect("calls:mine")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("calls:invitation", token=invitation.token)


@login_required
@require_POST
def submission_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    if submission.status == Submission.Status.WITHDRAWN and submission.is_author(request.user):
        # A second click on « Retirer » (double click, second tab): done already, not a 403.
        messages.info(request, _("Ce projet est déjà retiré."))
        return redirect(submission.call)
    if not request.user.has_perm("calls.withdraw_submission", submission):
        raise PermissionDenied(
            _("Seul l'auteur peut retirer ce projet, pendant le dépôt et l'analyse.")
        )
    services.submission_withdraw(actor=request.user, submission=submission)
    messages.success(request, _("Votre projet a été retiré."))
    return redirect(submission.call)


@login_required
@require_http_methods(["GET", "POST"])
def submission_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    if not request.user.has_perm("calls.review_submission", submission):
        raise PermissionDenied(_("Vous ne pouvez pas analyser ce projet dans la phase actuelle."))
    form = ReviewForm(request.POST or None, submission=submission, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept":
                    services.submission_accept(
                        actor=request.user,
                        submission=submission,
                        adjusted_cost=data.get("adjusted_cost"),
                        reason=data.get("reason") or "",
                    )
                elif data["decision"] == "reject":
                    services.submission_reject(
                        actor=request.user, submission=submission, reason=data["reason"]
                    )
                else:
                    services.submission_merge(
                        actor=request.user,
                        submission=submission,
                        into=data["into"],
                        reason=data.get("reason") or "",
                    )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("L'analyse du projet est enregistrée."))
                return redirect(submission)
        status = 400
    else:
        status = 200
    return render(
        request,
        "calls/review.html",
        {
            "form": form,
            "call": submission.call,
            "submission": submission,
            "tile_url": settings.TILE_URL,
        },
        status=status,
    )


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    page = paginate(request, submission_list_of_user(user=request.user), per_page=20)
    invitations = list(invitations_pending_for_user(user=request.user)[:50])
    return render(request, "calls/mine.html", {"page": page, "invitations": invitations})


# ---------------------------------------------------------------- comments


@login_required
@require_POST
@rate_limited("calls_comment", limit=20, period=600)
def comment_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    if not request.user.has_perm("calls.comment", submission):
        raise PermissionDenied(_("Les commentaires sont fermés pour cet appel."))
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_create(
            author=request.user, submission=submission, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Votre commentaire est publié."))
        return redirect(submission.get_absolute_url() + "#commentaires")
    return render(
        request,
        "calls/submission.html",
        _submission_context(request, submission, comment_form=form),
        status=400,
    )


@login_required
@require_POST
@rate_limited("calls_report", limit=30, period=600)
def comment_report(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, submission=submission)
    services.comment_report(reporter=request.user, comment=comment)
    messages.success(request, _("Merci : le commentaire est signalé aux modérateurs."))
    return redirect(submission.get_absolute_url() + "#commentaires")


@login_required
@permission_required("calls.moderate_comment", raise_exception=True)
@require_POST
def comment_moderate(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    submission = _submission_or_404(request, slug, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, submission=submission)
    form = ModerationForm(request.POST)
    back = _moderation_return(request, submission.get_absolute_url() + "#commentaires")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    # The button says what it does: a second click on « Masquer » (double click, a second tab)
    # used to restore the comment it had just hidden, as the view toggled the state.
    action = form.cleaned_data["action"]
    if action == "restore":
        if not comment.is_hidden:
            messages.info(request, _("Le commentaire est déjà visible."))
        else:
            services.comment_restore(actor=request.user, comment=comment)
            messages.success(request, _("Le commentaire est de nouveau visible."))
    elif comment.is_hidden:
        messages.info(request, _("Le commentaire est déjà masqué."))
    else:
        reason = (form.cleaned_data.get("reason") or "").strip()
        if not reason:
            messages.error(request, _("Indiquez le motif de la modération."))
            return redirect(back)
        services.comment_hide(actor=request.user, comment=comment, reason=reason)
        messages.success(request, _("Le commentaire est masqué."))
    return redirect(back)


def _moderation_return(request: HttpRequest, default: str) -> str:
    """Back to the moderators' queue when the form came from it, else to ``default``."""
    queue = reverse("calls:moderation")
    return queue if request.POST.get("from") == "queue" else default


@login_required
@permission_required("calls.moderate_comment", raise_exception=True)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, comment_report_queue(), per_page=20)
    return render(request, "calls/moderation.html", {"page": page})


@login_required
@permission_required("calls.moderate_comment", raise_exception=True)
@require_POST
def comment_reports_dismiss(request: HttpRequest, comment_pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_pk)
    try:
        count = services.comment_reports_dismiss(actor=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Signalement classé sans suite : le commentaire reste visible.",
                "%(count)s signalements classés sans suite : le commentaire reste visible.",
                count,
            )
            % {"count": count},
        )
    return redirect("calls:moderation")
