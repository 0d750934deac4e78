from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from renouveau.core.ratelimit import rate_limited
from renouveau.core.views import set_language_cookie

from . import services
from .forms import AccountDeleteForm, MemberAddForm, OrganisationForm, ProfileForm
from .models import Membership, Organisation
from .rules import is_organisation_member


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("profile", limit=30, period=600)
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.user_profile_update(
                user=request.user,
                data={name: form.cleaned_data[name] for name in form.fields},
            )
            messages.success(request, _("Votre profil a été enregistré."))
            # The chosen e-mail language is the interface's too (and the header's switch
            # changes both).
            return set_language_cookie(redirect("accounts:profile"), request.user.language)
        return render(request, "accounts/profile.html", _profile_context(request, form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request, form))


def _profile_context(request: HttpRequest, form: ProfileForm) -> dict:
    from renouveau.core.home import my_sections

    return {
        "form": form,
        "organisations": request.user.organisations.all(),
        "participation": my_sections(request.user),
    }


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-renouveau-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            services.user_erase(user=user)
            messages.success(
                request,
                _(
                    "Votre compte a été supprimé. Vos contributions publiques restent, sans votre nom."
                ),
            )
            return redirect("core:home")
        return render(request, "accounts/delete.html", {"form": form}, status=400)
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("organisation_create", limit=10, period=3600)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            organisation = services.organisation_create(
                creator=request.user, data=form.cleaned_data
            )
            messages.success(
                request,
                _("L'organisation « %(name)s » a été créée. Un agent la vérifiera.")
                % {"name": organisation.name},
            )
            return redirect("accounts:profile")
        return render(request, "accounts/organisation_form.html", {"form": form}, status=400)
    return render(request, "accounts/organisation_form.html", {"form": form})


@require_POST
@permission_required("accounts.verify_organisation", raise_exception=True)
def organisation_verify(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    services.organisation_verify(actor=request.user, organisation=organisation)
    messages.success(request, _("Organisation vérifiée."))
    # ``next`` comes from the form: only a path of this site (not a URL name, not elsewhere)
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
@rate_limited("organisation_members", limit=30, period=600)
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    # Not verified yet: as if it did not exist, except for its members and the agents who
    # verify organisations.
    if not organisation.is_verified and not (
        is_organisation_member(request.user, organisation)
        or request.user.has_perm("accounts.verify_organisation")
    ):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("accounts.view_organisation_members", organisation):
        raise PermissionDenied
    can_manage = request.user.has_perm("accounts.change_organisation", organisation)
    form = MemberAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "remove" in request.POST:
            remove = request.POST.get("remove", "")
            if not (remove.isascii() and remove.isdigit()):
                raise BadRequest(_("Ce membre n'existe pas dans cette organisation."))
            membership = get_object_or_404(Membership, organisation=organisation, pk=remove)
            try:
                services.membership_remove(actor=request.user, membership=membership)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("Membre retiré."))
            return redirect("accounts:organisation", pk=organisation.pk)
        if form.is_valid():
            services.membership_add(
                actor=request.user,
                organisation=organisation,
                user=form.user,
                role=form.cleaned_data["role"],
            )
            messages.success(request, _("Membre ajouté."))
            return redirect("accounts:organisation", pk=organisation.pk)
        status = 400
    memberships = organisation.membership_set.select_related("user").order_by("-role", "joined_at")
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )
