from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.forms import form_add_errors
from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited

from . import selectors, services
from .forms import (
    DecisionForm,
    HelpOfferForm,
    HelpRequestForm,
    InitiativeFilterForm,
    InitiativeForm,
    MessageForm,
    PostFilterForm,
    ProposeForm,
    ReportForm,
    RequestFilterForm,
    TestimonyForm,
)
from .models import Block, HelpOffer, HelpRequest, Initiative, Match, Message, Report, Testimony
from .rules import can_moderate

PER_PAGE = 20


def _filters(form_class, request: HttpRequest):
    form = form_class(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    return form, (form.cleaned_data if request.GET else {})


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mutualaid/index.html",
        {
            "requests": selectors.request_list(filters={"sort": "urgency"})[:6],
            "offers": selectors.offer_list()[:6],
            "initiatives": selectors.initiative_list()[:4],
            "testimonies": selectors.testimonies_recent(),
        },
    )


def _post_list(request: HttpRequest, *, kind: str) -> HttpResponse:
    if kind == "offer":
        form, filters = _filters(PostFilterForm, request)
        queryset = selectors.offer_list(filters=filters) if filters is not None else None
    else:
        form, filters = _filters(RequestFilterForm, request)
        queryset = selectors.request_list(filters=filters) if filters is not None else None
    template = f"mutualaid/{kind}_list.html"
    if queryset is not None and request.user.is_authenticated:
        blocked = selectors.blocked_user_ids(request.user)
        if blocked:
            queryset = queryset.exclude(author_id__in=blocked)
    if queryset is None:
        return render(request, template, {"form": form, "page": None}, status=400)
    page = paginate(request, queryset, per_page=PER_PAGE)
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


def offer_list(request: HttpRequest) -> HttpResponse:
    return _post_list(request, kind="offer")


def request_list(request: HttpRequest) -> HttpResponse:
    return _post_list(request, kind="request")


def _post_create(request: HttpRequest, *, form_class, service, kind: str) -> HttpResponse:
    form = form_class(request.POST or None, user=request.user)
    template = f"mutualaid/{kind}_form.html"
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if data.get("birth_year"):
                    services.user_birth_year_set(user=request.user, birth_year=data["birth_year"])
                post = service(author=request.user, data=data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Votre annonce est publiée."))
                return redirect(post)
        return render(request, template, {"form": form}, status=400)
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_post", limit=20, period=3600)
def offer_create(request: HttpRequest) -> HttpResponse:
    return _post_create(
        request, form_class=HelpOfferForm, service=services.offer_create, kind="offer"
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_post", limit=20, period=3600)
def request_create(request: HttpRequest) -> HttpResponse:
    return _post_create(
        request, form_class=HelpRequestForm, service=services.request_create, kind="request"
    )


def _visible_post_or_404(model, request: HttpRequest, pk: int):
    post = get_object_or_404(
        model.objects.select_related("commune__territory", "organisation", "author"), pk=pk
    )
    user = request.user
    is_author = user.is_authenticated and post.author_id == user.pk
    if is_author or can_moderate(user):
        return post
    if post.is_hidden or post.status not in ("open", "matched") or post.is_expired:
        raise Http404(_("Cette annonce n'est plus en ligne."))
    if user.is_authenticated and post.author_id in selectors.blocked_user_ids(user):
        raise Http404(_("Cette annonce n'est plus en ligne."))
    return post


def _post_detail(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    """Detail of an offer or a request. Its author sees the compatible posts of the other kind;
    someone else may propose one of their own open posts of the same category."""
    model, other_model = (HelpOffer, HelpRequest) if kind == "offer" else (HelpRequest, HelpOffer)
    post = _visible_post_or_404(model, request, pk)
    user = request.user
    is_author = user.is_authenticated and post.author_id == user.pk
    context: dict = {"post": post, "is_author": is_author, "kind": kind}
    status = 200
    form = None
    if user.is_authenticated and not is_author and post.status == "open" and not post.is_hidden:
        label = _("Votre offre d'aide") if kind == "request" else _("Votre demande d'aide")
        form = ProposeForm(
            request.POST or None,
            user=user,
            queryset=selectors.own_open_posts(other_model, user=user, category=post.category),
            label=label,
        )
        if request.method == "POST":
            if form.is_valid():
                own = form.cleaned_data["post"]
                offer, help_request = (post, own) if kind == "offer" else (own, post)
                try:
                    if form.cleaned_data.get("birth_year"):
                        services.user_birth_year_set(
                            user=user, birth_year=form.cleaned_data["birth_year"]
                        )
                    match = services.match_propose(
                        actor=user,
                        offer=offer,
                        request=help_request,
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    form_add_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Votre proposition est envoyée. Vous serez prévenu·e de la réponse."),
                    )
                    return redirect(match)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    context["form"] = form
    if is_author and post.status == "open":
        finder = selectors.offers_for_request if kind == "request" else selectors.requests_for_offer
        context["candidates"] = finder(post, user=user)
        proposed = post.matches.values_list(
            "offer_id" if kind == "request" else "request_id", flat=True
        )
        context["already_proposed"] = set(proposed)
    if is_author:
        context["matches"] = post.matches.select_related(
            "offer__commune", "request__commune"
        ).order_by("-created_at")
    return render(request, f"mutualaid/{kind}_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_propose", limit=30, period=3600)
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_detail(request, pk, kind="offer")


@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_propose", limit=30, period=3600)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_detail(request, pk, kind="request")


@login_required
@require_POST
def propose_to(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The author of a post proposes it to a candidate found by the matching."""
    target = request.POST.get("target", "")
    # ASCII digits only: "²".isdigit() is true but int("²") fails; 18 digits fit a bigint.
    if not (target.isascii() and target.isdigit() and len(target) <= 18):
        raise BadRequest(_("Choix invalide."))
    if kind == "request":  # my request -> an offer
        help_request = get_object_or_404(HelpRequest, pk=pk, author=request.user)
        offer = get_object_or_404(HelpOffer, pk=int(target))
    elif kind == "offer":
        offer = get_object_or_404(HelpOffer, pk=pk, author=request.user)
        help_request = get_object_or_404(HelpRequest, pk=int(target))
    else:
        raise Http404
    try:
        match = services.match_propose(actor=request.user, offer=offer, request=help_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(help_request if kind == "request" else offer)
    messages.success(
        request, _("Votre proposition est envoyée. Vous serez prévenu·e de la réponse.")
    )
    return redirect(match)


@login_required
@require_POST
def post_close(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"offer": HelpOffer, "request": HelpRequest}.get(kind)
    if model is None:
        raise Http404
    post = get_object_or_404(model, pk=pk)
    if not request.user.has_perm("mutualaid.close_post", post):
        raise PermissionDenied
    services.post_close(actor=request.user, post=post)
    messages.success(request, _("Votre annonce est retirée."))
    return redirect("mutualaid:my_space")


@login_required
def my_space(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "mutualaid/my_space.html",
        {
            "offers": HelpOffer.objects.filter(author=user)
            .select_related("commune")
            .order_by("-created_at")[:50],
            "requests": HelpRequest.objects.filter(author=user)
            .select_related("commune")
            .order_by("-created_at")[:50],
            "matches": selectors.match_list_for(user)[:50],
            "blocks": Block.objects.filter(blocker=user).select_related("blocked"),
        },
    )


def _match_or_404(request: HttpRequest, pk: int) -> Match:
    match = selectors.match_for_participant(user=request.user, pk=pk)
    if match is None:
        raise Http404(_("Cette mise en relation n'existe pas ou ne vous concerne pas."))
    return match


def _match_context(request: HttpRequest, match: Match, **extra) -> dict:
    user = request.user
    other = match.other_party(user)
    return {
        "match": match,
        "other": other,
        "other_post": match.request if user.pk == match.offer.author_id else match.offer,
        "own_post": match.offer if user.pk == match.offer.author_id else match.request,
        "is_answerer": match.status == Match.Status.PROPOSED and user.pk == match.answerer_id(),
        "thread": match.messages.filter(is_hidden=False).select_related("sender"),
        "message_form": extra.pop("message_form", None) or MessageForm(),
        "testimony_form": extra.pop("testimony_form", None) or TestimonyForm(),
        "has_testified": match.testimonies.filter(author=user).exists(),
        "is_blocked": services.is_blocked_between(user, other),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_message", limit=60, period=3600)
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match_or_404(request, pk)
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_send(
                    sender=request.user, match=match, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Message envoyé."))
                return redirect(match)
        return render(
            request,
            "mutualaid/match_detail.html",
            _match_context(request, match, message_form=form),
            status=400,
        )
    return render(request, "mutualaid/match_detail.html", _match_context(request, match))


@login_required
@require_POST
def match_answer(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match_or_404(request, pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        raise BadRequest(_("Réponse invalide."))
    try:
        services.match_answer(actor=request.user, match=match, accept=decision == "accept")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if decision == "accept":
            messages.success(request, _("Mise en relation acceptée : vous pouvez échanger."))
        else:
            messages.info(request, _("Proposition déclinée."))
    return redirect(match)


@login_required
@require_POST
def match_done(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match_or_404(request, pk)
    try:
        services.match_done(actor=request.user, match=match)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merci ! L'aide est marquée comme réalisée."))
    return redirect(match)


@login_required
@require_POST
def testimony_add(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match_or_404(request, pk)
    form = TestimonyForm(request.POST)
    if form.is_valid():
        try:
            services.testimony_add(author=request.user, match=match, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Merci pour votre témoignage."))
            return redirect(match)
    return render(
        request,
        "mutualaid/match_detail.html",
        _match_context(request, match, testimony_form=form),
        status=400,
    )


@login_required
@require_POST
def block_other(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match_or_404(request, pk)
    services.block_create(blocker=request.user, blocked=match.other_party(request.user))
    messages.success(
        request,
        _("Cette personne est bloquée : elle ne peut plus vous écrire ni vous proposer d'aide."),
    )
    return redirect("mutualaid:my_space")


@login_required
@require_POST
def block_delete(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(Block, pk=pk, blocker=request.user)
    services.block_delete(blocker=request.user, block=block)
    messages.success(request, _("Blocage levé."))
    return redirect("mutualaid:my_space")


# Initiatives ------------------------------------------------------------------------------


def initiative_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(InitiativeFilterForm, request)
    if filters is None:
        return render(
            request, "mutualaid/initiative_list.html", {"form": form, "page": None}, status=400
        )
    page = paginate(request, selectors.initiative_list(filters=filters), per_page=PER_PAGE)
    template = "mutualaid/initiative_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page, "tile_url": settings.TILE_URL})


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(
        Initiative.objects.select_related("organisation", "commune__territory"), pk=pk
    )
    user = request.user
    is_member = user.has_perm("mutualaid.publish_initiative_for", initiative.organisation)
    visible = not initiative.is_hidden and initiative.organisation.is_verified
    if not (
        visible or is_member or can_moderate(user) or user.has_perm("accounts.verify_organisation")
    ):
        raise Http404(_("Cette initiative n'est pas publiée."))
    return render(
        request,
        "mutualaid/initiative_detail.html",
        {"initiative": initiative, "is_member": is_member, "tile_url": settings.TILE_URL},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_initiative", limit=10, period=3600)
def initiative_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("mutualaid.add_initiative"):
        return render(request, "mutualaid/initiative_no_organisation.html", status=403)
    form = InitiativeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            organisation = data.pop("organisation")
            try:
                initiative = services.initiative_create(
                    actor=request.user, organisation=organisation, data=data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                if organisation.is_verified:
                    messages.success(request, _("Votre initiative est publiée."))
                else:
                    messages.info(
                        request,
                        _(
                            "Votre initiative sera publiée dès qu'un agent aura vérifié votre organisation."
                        ),
                    )
                return redirect(initiative)
        return render(request, "mutualaid/initiative_form.html", {"form": form}, status=400)
    return render(request, "mutualaid/initiative_form.html", {"form": form})


# Safety -----------------------------------------------------------------------------------


def _report_target(request: HttpRequest, kind: str, pk: int):
    """The object reported, if the reporter can see it."""
    user = request.user
    if kind in ("offer", "request"):
        return _visible_post_or_404(HelpOffer if kind == "offer" else HelpRequest, request, pk)
    if kind == "initiative":
        return get_object_or_404(Initiative, pk=pk, is_hidden=False)
    if kind == "testimony":
        return get_object_or_404(Testimony, pk=pk, is_hidden=False)
    if kind == "message":
        message = get_object_or_404(Message.objects.select_related("match"), pk=pk)
        if user.pk not in message.match.participants():
            raise Http404
        return message
    if kind == "user":
        other = get_object_or_404(get_user_model(), pk=pk)
        shares = (
            selectors.match_list_for(user).filter(offer__author=other).exists()
            or selectors.match_list_for(user).filter(request__author=other).exists()
        )
        if not shares or other.pk == user.pk:
            raise Http404
        return other
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("mutualaid_report", limit=20, period=3600)
def report_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _report_target(request, kind, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.report_create(
                reporter=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
            messages.success(
                request, _("Merci. Votre signalement est transmis à l'équipe de modération.")
            )
            return redirect("mutualaid:index")
        return render(
            request,
            "mutualaid/report_form.html",
            {"form": form, "target": target, "kind": kind},
            status=400,
        )
    return render(
        request, "mutualaid/report_form.html", {"form": form, "target": target, "kind": kind}
    )


@permission_required("mutualaid.moderate", raise_exception=True)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.report_queue(), per_page=PER_PAGE)
    reports = list(page.object_list)
    # Load the reported objects with one query per kind of content.
    by_type: dict = {}
    for report in reports:
        by_type.setdefault(report.content_type, set()).add(report.object_id)
    objects = {}
    for content_type, ids in by_type.items():
        for obj in content_type.get_all_objects_for_this_type(pk__in=ids):
            objects[(content_type.pk, obj.pk)] = obj
    for report in reports:
        target = objects.get((report.content_type_id, report.object_id))
        report.loaded_target = target
        report.excerpt = (
            ""
            if target is None
            else " — ".join(
                str(part)
                for part in (
                    getattr(target, "title", ""),
                    getattr(target, "body", "")
                    or getattr(target, "text", "")
                    or getattr(target, "description", "")
                    or getattr(target, "public_name", ""),
                )
                if part
            )
        )
    return render(
        request,
        "mutualaid/moderation.html",
        {
            "page": page,
            "reports": reports,
            "form": DecisionForm(),
            "handled": selectors.reports_handled(),
            "hidden": selectors.hidden_contents(),
        },
    )


@permission_required("mutualaid.moderate", raise_exception=True)
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    decision = request.POST.get("decision")
    form = DecisionForm(request.POST)
    if decision not in ("hide", "dismiss"):
        raise BadRequest(_("Décision invalide."))
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la décision."))
        return redirect("mutualaid:moderation")
    services.report_decide(
        moderator=request.user,
        report=report,
        hide=decision == "hide",
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Décision enregistrée."))
    return redirect("mutualaid:moderation")


RESTORABLE = {
    "offer": HelpOffer,
    "request": HelpRequest,
    "initiative": Initiative,
    "message": Message,
    "testimony": Testimony,
}


@permission_required("mutualaid.moderate", raise_exception=True)
@require_POST
def content_restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = RESTORABLE.get(kind)
    if model is None:
        raise Http404
    target = get_object_or_404(model, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la décision."))
        return redirect("mutualaid:moderation")
    services.content_restore(
        moderator=request.user, target=target, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Contenu rétabli."))
    return redirect("mutualaid:moderation")
