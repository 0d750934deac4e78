from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from renouveau.core.pagination import paginate

from . import services
from .forms import BannerForm, GuideForm
from .models import Guide, GuideTag, SituationBanner
from .selectors import banner_list, guide_list, tags_in_use

SLUG = re.compile(r"[-\w]+")


def guide_index(request: HttpRequest) -> HttpResponse:
    tag = None
    slug = request.GET.get("etiquette", "")
    if slug:
        # a slug or nothing: a NUL byte would reach PostgreSQL, which refuses it (a 500)
        tag = GuideTag.objects.filter(slug=slug[:60]).first() if SLUG.fullmatch(slug) else None
        if tag is None:
            raise Http404(_("Cette étiquette n'existe pas."))
    page = paginate(request, guide_list(tag=tag), per_page=20)
    return render(
        request,
        "guides/index.html",
        {"page": page, "tag": tag, "tags": tags_in_use()},
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(Guide.objects.prefetch_related("tags"), slug=slug)
    can_manage = request.user.has_perm("guides.manage_guides")
    if guide.status != Guide.Status.PUBLISHED and not can_manage:
        raise Http404(_("Cette fiche n'existe pas ou n'est pas publiée."))
    aids = guide.aids.filter(status="published").order_by("title")[:20]
    return render(
        request, "guides/detail.html", {"guide": guide, "aids": aids, "can_manage": can_manage}
    )


@login_required
@permission_required("guides.manage_guides", raise_exception=True)
def manage(request: HttpRequest) -> HttpResponse:
    page = paginate(request, guide_list(published_only=False), per_page=30)
    return render(
        request,
        "guides/manage.html",
        {"page": page, "banners": banner_list()[:10], "banner_form": BannerForm()},
    )


@login_required
@permission_required("guides.manage_guides", raise_exception=True)
def guide_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    guide = get_object_or_404(Guide, pk=pk) if pk else None
    form = GuideForm(data=request.POST or None, instance=guide)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if guide is None:
                guide = services.guide_create(actor=request.user, data=data)
            else:
                services.guide_update(actor=request.user, guide=guide, data=data)
            messages.success(request, _("Fiche enregistrée."))
            return redirect("guides:manage")
        return render(request, "guides/form.html", {"form": form, "guide": guide}, status=400)
    return render(request, "guides/form.html", {"form": form, "guide": guide})


@login_required
@require_POST
@permission_required("guides.manage_guides", raise_exception=True)
def guide_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    guide = get_object_or_404(Guide, pk=pk)
    service = {"publier": services.guide_publish, "archiver": services.guide_archive}.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, guide=guide)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("C'est fait."))
    return redirect("guides:manage")


@login_required
@require_POST
@permission_required("guides.set_banner", raise_exception=True)
def banner_create(request: HttpRequest) -> HttpResponse:
    form = BannerForm(data=request.POST)
    if not form.is_valid():
        page = paginate(request, guide_list(published_only=False), per_page=30)
        return render(
            request,
            "guides/manage.html",
            {"page": page, "banners": banner_list()[:10], "banner_form": form},
            status=400,
        )
    services.banner_set(actor=request.user, data=form.cleaned_data)
    messages.success(request, _("Le bandeau est affiché sur toutes les pages."))
    return redirect("guides:manage")


@login_required
@require_POST
@permission_required("guides.set_banner", raise_exception=True)
def banner_end(request: HttpRequest, pk: int) -> HttpResponse:
    banner = get_object_or_404(SituationBanner, pk=pk)
    services.banner_end(actor=request.user, banner=banner)
    messages.success(request, _("Le bandeau est retiré."))
    return redirect("guides:manage")
