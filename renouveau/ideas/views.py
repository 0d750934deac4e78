from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.core.spreadsheet import safe_cell

from . import selectors, services
from .forms import CommentForm, DecisionForm, FlagForm, IdeaFilterForm, IdeaForm, StatusForm
from .models import Comment, Flag, Idea
from .rules import can_moderate

PER_PAGE = 20


def _filtered(request: HttpRequest):
    form = IdeaFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    return form, selectors.idea_list(filters=form.cleaned_data if request.GET else {})


def index(request: HttpRequest) -> HttpResponse:
    form, queryset = _filtered(request)
    template = "ideas/index.html"
    context = {"form": form, "tile_url": settings.TILE_URL}
    if queryset is None:
        return render(request, template, {**context, "page": None}, status=400)
    page = paginate(request, queryset, per_page=PER_PAGE)
    if request.htmx:
        template += "#results"
    return render(request, template, {**context, "page": page})


def export_csv(request: HttpRequest) -> HttpResponse:
    """The public fields of the filtered list, as CSV (open data)."""
    form, queryset = _filtered(request)
    if queryset is None:
        raise BadRequest(_("Filtres invalides."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="idees-et-signalements.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "nature",
            "titre",
            "categorie",
            "chantier",
            "commune_insee",
            "commune",
            "etat",
            "soutiens",
            "reponse",
            "cree_le",
        ]
    )
    for idea in queryset.iterator(chunk_size=2000):
        writer.writerow(
            [
                idea.pk,
                idea.kind,
                safe_cell(idea.title),
                idea.category,
                idea.workstream.slug if idea.workstream_id else "",
                idea.commune.insee,
                idea.commune.name,
                idea.status,
                idea.supports_count,
                safe_cell(idea.public_answer),
                idea.created_at.date().isoformat(),
            ]
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("ideas_create", limit=10, period=3600)
def idea_create(request: HttpRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "tile_url": settings.TILE_URL}
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            photo = data.pop("photo", None)
            try:
                idea = services.idea_create(author=request.user, data=data, photo=photo)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Merci ! Votre contribution est transmise à : %(service)s.")
                    % {"service": idea.routed_service or _("l'équipe de la Métropole")},
                )
                return redirect(idea)
        return render(request, "ideas/form.html", context, status=400)
    return render(request, "ideas/form.html", context)


def _idea_or_404(request: HttpRequest, pk: int) -> Idea:
    idea = selectors.idea_detail(pk)
    if idea is None:
        raise Http404(_("Cette contribution n'existe pas."))
    user = request.user
    if idea.is_hidden and not (
        can_moderate(user) or (user.is_authenticated and idea.author_id == user.pk)
    ):
        raise Http404(_("Cette contribution a été masquée par la modération."))
    return idea


def _detail_context(request: HttpRequest, idea: Idea, **extra) -> dict:
    user = request.user
    can_answer = user.has_perm("ideas.answer_idea", idea)
    return {
        "idea": idea,
        "supported": selectors.has_supported(user=user, idea=idea),
        "can_support": user.has_perm("ideas.support_idea", idea)
        and not idea.is_closed
        and not idea.is_hidden,
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        "status_form": extra.pop("status_form", None)
        or (StatusForm(initial={"status": idea.status}) if can_answer else None),
        "can_answer": can_answer,
        "promotion_threshold": services.promotion_threshold(),
        **extra,
    }


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    return render(request, "ideas/detail.html", _detail_context(request, idea))


def idea_photo(request: HttpRequest, pk: int) -> FileResponse:
    idea = _idea_or_404(request, pk)
    if not idea.photo:
        raise Http404
    try:
        handle = idea.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    if idea.is_hidden:
        # Seen by its author or a moderator only: no shared cache may keep it for others.
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = "public, max-age=300"  # a hidden photo disappears soon
    return response


@login_required
@require_POST
@rate_limited("ideas_support", limit=120, period=3600)
def idea_support(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if request.POST.get("action") == "remove":
        services.idea_unsupport(user=request.user, idea=idea)
        messages.info(request, _("Votre soutien est retiré."))
    else:
        try:
            services.idea_support(user=request.user, idea=idea)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Merci pour votre soutien."))
    return redirect(idea)


@login_required
@require_POST
@rate_limited("ideas_comment", limit=30, period=3600)
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(author=request.user, idea=idea, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Commentaire publié."))
            return redirect(idea)
    return render(
        request, "ideas/detail.html", _detail_context(request, idea, comment_form=form), status=400
    )


@login_required
@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.answer_idea", idea):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.idea_status_change(actor=request.user, idea=idea, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Réponse publiée ; l'auteur est prévenu par e-mail."))
            return redirect(idea)
    return render(
        request, "ideas/detail.html", _detail_context(request, idea, status_form=form), status=400
    )


@permission_required("ideas.view_answer_queue", raise_exception=True)
def answer_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.ideas_to_answer(request.user), per_page=PER_PAGE)
    return render(request, "ideas/answer_queue.html", {"page": page})


# Moderation --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("ideas_flag", limit=20, period=3600)
def flag_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "idea":
        target = _idea_or_404(request, pk)
    elif kind == "comment":
        target = get_object_or_404(Comment.objects.select_related("idea"), pk=pk, is_hidden=False)
        _idea_or_404(request, target.idea_id)  # the comments of a hidden idea are hidden too
    else:
        raise Http404
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.flag_create(reporter=request.user, target=target, **form.cleaned_data)
            messages.success(
                request, _("Merci. Votre signalement est transmis à l'équipe de modération.")
            )
            return redirect(target.idea if kind == "comment" else target)
        return render(request, "ideas/flag_form.html", {"form": form, "target": target}, status=400)
    return render(request, "ideas/flag_form.html", {"form": form, "target": target})


@permission_required("ideas.moderate", raise_exception=True)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.flag_queue(), per_page=PER_PAGE)
    return render(
        request,
        "ideas/moderation.html",
        {"page": page, "hidden": selectors.hidden_contents()},
    )


@permission_required("ideas.moderate", raise_exception=True)
@require_POST
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(Flag, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("hide", "dismiss"):
        raise BadRequest(_("Décision invalide."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la décision."))
        return redirect("ideas:moderation")
    services.flag_decide(
        moderator=request.user,
        flag=flag,
        hide=decision == "hide",
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Décision enregistrée."))
    return redirect("ideas:moderation")


@permission_required("ideas.moderate", raise_exception=True)
@require_POST
def content_restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"idea": Idea, "comment": Comment}.get(kind)
    if model is None:
        raise Http404
    target = get_object_or_404(model, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la décision."))
        return redirect("ideas:moderation")
    services.content_restore(
        moderator=request.user, target=target, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Contenu rétabli."))
    return redirect("ideas:moderation")
