from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited

from . import services
from .models import Follow
from .registry import followables
from .selectors import follow_rows


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@rate_limited("follows", limit=60, period=3600)
def follow_toggle(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    """Follow (``action=follow``) or stop following (``action=unfollow``) a public object."""
    followable = followables().get(model)
    if followable is None:
        raise Http404(_("Cet élément ne peut pas être suivi."))
    if not request.user.is_authenticated:
        # Signed out meanwhile (an expired session): sign in, then back to the page the button
        # was on — not to this address, which only takes POSTs.
        return redirect_to_login(_next(request, reverse("follows:list")))
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        raise BadRequest(_("Action inconnue : choisissez de suivre ou de ne plus suivre."))
    app_label, model_name = model.split(".", 1)
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    if action == "unfollow":
        services.follow_remove(user=request.user, content_type=content_type, object_id=pk)
        messages.success(
            request, _("Vous ne suivez plus cet élément : plus aucun e-mail à son sujet.")
        )
        return redirect(_next(request, reverse("follows:list")))
    obj = followable.public().filter(pk=pk).first()
    if obj is None:
        raise Http404(_("Cet élément n'existe pas ou n'est pas public."))
    try:
        services.follow_add(user=request.user, obj=obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Vous suivez « %(title)s » : vous recevrez un e-mail quand il change "
                "(au plus un par jour)."
            )
            % {"title": obj},
        )
    return redirect(_next(request, obj.get_absolute_url()))


@require_GET
@login_required
def follow_list(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request,
        Follow.objects.filter(user=request.user).order_by("-created_at", "-id"),
        per_page=30,
    )
    return render(
        request,
        "follows/list.html",
        {"page": page, "rows": follow_rows(request.user, list(page.object_list))},
    )
