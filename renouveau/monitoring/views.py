from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from renouveau.core.pagination import PAGE_NUMBER, paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.plan.selectors import plan_current, workstream_page

from . import charts, exports, services
from .forms import (
    DocumentForm,
    FundingForm,
    IndicatorForm,
    MeasurementForm,
    MilestoneForm,
    ProjectFilterForm,
    ProjectForm,
    SpendingForm,
)
from .models import Milestone, Project
from .selectors import (
    cached_page_data,
    indicator_list,
    project_detail_queryset,
    project_list,
    sees_unpublished,
    workstream_overview,
    workstream_progress,
)


def _plan_or_404():
    plan = plan_current()
    if plan is None:
        raise Http404(_("Le plan n'est pas encore chargé."))
    return plan


def index(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404()
    workstreams = list(workstream_overview(plan=plan, user=request.user))
    visible = Project.objects.visible_to(request.user)
    return render(
        request,
        "monitoring/index.html",
        {
            "plan": plan,
            "workstreams": workstreams,
            "project_count": visible.count(),
            "recent": visible.order_by("-updated_at")[:5],
        },
    )


def projects(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = project_list(
        user=request.user,
        workstream=filters.get("chantier"),
        territory=filters.get("territoire"),
        status=filters.get("statut") or None,
        query=filters.get("q") or None,
    )
    page = paginate(request, queryset, per_page=20)
    context = {"form": form, "page": page, "projects": page.object_list}
    if getattr(request, "htmx", False):
        return render(request, "monitoring/projects.html#results", context)
    return render(request, "monitoring/projects.html", context)


def _indicator_charts(project: Project):
    result = []
    for indicator in project.indicators.all():
        measurements = list(indicator.measurements.all())
        if not measurements:
            result.append((indicator, None))
            continue
        values = [float(m.value) for m in measurements]
        chart = charts.line_chart(
            title=_("%(label)s : valeurs mesurées") % {"label": indicator.label},
            desc=_(
                "Valeur de départ %(baseline)s, dernière valeur %(last)s au %(date)s, "
                "cible %(target)s %(unit)s."
            )
            % {
                "baseline": charts.fmt(float(indicator.baseline_value)),
                "last": charts.fmt(values[-1]),
                "date": measurements[-1].measured_on.strftime("%d/%m/%Y"),
                "target": charts.fmt(float(indicator.target_value)),
                "unit": indicator.unit,
            },
            labels=[m.measured_on.strftime("%m/%Y") for m in measurements],
            series=[charts.Series(_("Mesuré"), values)],
            unit=indicator.unit,
            target=float(indicator.target_value),
            target_label=_("Cible"),
        )
        result.append((indicator, chart))
    return result


@functools.cache
def _budget_link() -> tuple[str, ...]:
    """``("participatory_budget",)`` when the budgets app is installed (it depends on
    monitoring, never the reverse), else nothing to join."""
    names = {rel.name for rel in Project._meta.related_objects if rel.one_to_one}
    return ("participatory_budget",) if "participatory_budget" in names else ()


def _project_page(user, slug: str) -> dict | None:
    # The participatory budget's winner this project is (budgets.TrackedProject.plan_project,
    # a reverse one-to-one read by the template): joined here, so it is cached with the page
    # instead of costing a query of its own on every view.
    project = (
        project_detail_queryset(user=user).select_related(*_budget_link()).filter(slug=slug).first()
    )
    if project is None:
        return None
    spendings = list(project.spendings.all())
    totals = {
        "planned": sum((s.planned_eur for s in spendings), Decimal("0")),
        "committed": sum((s.committed_eur for s in spendings), Decimal("0")),
        "paid": sum((s.paid_eur for s in spendings), Decimal("0")),
    }
    spending_chart = None
    if spendings:
        spending_chart = charts.bar_chart(
            title=_("Dépenses par année (en euros)"),
            desc=" ; ".join(
                _("%(year)s : prévu %(planned)s €, engagé %(committed)s €, mandaté %(paid)s €")
                % {
                    "year": s.year,
                    "planned": charts.fmt(float(s.planned_eur)),
                    "committed": charts.fmt(float(s.committed_eur)),
                    "paid": charts.fmt(float(s.paid_eur)),
                }
                for s in spendings
            ),
            categories=[str(s.year) for s in spendings],
            series=[
                charts.Series(_("Prévu"), [float(s.planned_eur) for s in spendings]),
                charts.Series(_("Engagé"), [float(s.committed_eur) for s in spendings]),
                charts.Series(_("Mandaté"), [float(s.paid_eur) for s in spendings]),
            ],
            unit="€",
        )
    return {
        "project": project,
        "spendings": spendings,
        "totals": totals,
        "spending_chart": spending_chart,
        "indicators": _indicator_charts(project),
    }


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if len(slug) > Project._meta.get_field("slug").max_length:
        raise Http404  # no such project, and a key too long for a cache (memcached: 250)
    # The project, its figures and charts: cached per generation (see cached_page_data).
    page = cached_page_data(
        f"project:{int(sees_unpublished(request.user))}:{slug}",
        lambda: _project_page(request.user, slug),
    )
    if page is None:
        raise Http404
    project = page["project"]
    return render(
        request,
        "monitoring/project.html",
        {
            **page,
            # Only agents (staff) may edit: others are spared the permission queries.
            "can_edit": request.user.is_staff
            and request.user.has_perm("monitoring.change_project", project),
            # The residents' ideas this project took up (ideas hidden by moderation aside).
            "ideas": project.ideas.filter(is_hidden=False)
            .select_related("commune")
            .order_by("-supports_count", "-id"),
        },
    )


def _target_chart(progress):
    target = progress.target
    value = float(target.value) if target.value is not None else None
    if progress.kind == "money_per_year" and progress.years:
        return charts.bar_chart(
            title=_("%(label)s, par année") % {"label": target.label},
            desc=_("Objectif %(target)s %(unit)s. ")
            % {
                "target": charts.fmt(value or 0),
                "unit": target.unit,
            }
            + " ; ".join(
                _("%(year)s : prévu %(planned)s, engagé %(committed)s, mandaté %(paid)s")
                % {
                    "year": y.year,
                    "planned": charts.fmt(float(y.planned)),
                    "committed": charts.fmt(float(y.committed)),
                    "paid": charts.fmt(float(y.paid)),
                }
                for y in progress.years
            ),
            categories=[str(y.year) for y in progress.years],
            series=[
                charts.Series(_("Prévu"), [float(y.planned) for y in progress.years]),
                charts.Series(_("Engagé"), [float(y.committed) for y in progress.years]),
                charts.Series(_("Mandaté"), [float(y.paid) for y in progress.years]),
            ],
            unit=target.unit,
            target=value,
            target_label=_("Objectif : %(value)s %(unit)s")
            % {"value": charts.fmt(value or 0), "unit": target.unit},
        )
    if progress.kind == "indicators" and progress.points:
        return charts.line_chart(
            title=_("%(label)s : réalisé cumulé") % {"label": target.label},
            desc=_("Réalisé %(done)s %(unit)s au %(date)s sur un objectif de %(target)s %(unit)s.")
            % {
                "done": charts.fmt(float(progress.achieved or 0)),
                "unit": target.unit,
                "date": progress.points[-1][0].strftime("%d/%m/%Y"),
                "target": charts.fmt(value or 0),
            },
            labels=[d.strftime("%m/%Y") for d, _v in progress.points],
            series=[charts.Series(_("Réalisé"), [float(v) for _d, v in progress.points])],
            unit=target.unit,
            target=value,
            target_label=_("Objectif : %(value)s %(unit)s")
            % {"value": charts.fmt(value or 0), "unit": target.unit},
        )
    return None


def workstream_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chantier = workstream_page(slug=slug)  # the plan and the chantier (cached reference data)
    if chantier is None:
        _plan_or_404()
        raise Http404
    plan, workstream = chantier["plan"], chantier["workstream"]
    # Progress against the targets and its charts: cached per generation (cached_page_data).
    see_all = sees_unpublished(request.user)
    progress = cached_page_data(
        f"chantier:{int(see_all)}:{workstream.pk}",
        lambda: [
            (p, _target_chart(p))
            for p in workstream_progress(workstream=workstream, user=request.user)
        ],
    )
    queryset = project_list(user=request.user, workstream=workstream)
    page = paginate(request, queryset, per_page=20)
    return render(
        request,
        "monitoring/workstream.html",
        {
            "plan": plan,
            "workstream": workstream,
            "progress": progress,
            "page": page,
            "projects": page.object_list,
        },
    )


# --- Agents' pages -------------------------------------------------------------------------


def _manage_context(project: Project, **forms):
    context = {
        "project": project,
        "spending_form": SpendingForm(),
        "funding_form": FundingForm(),
        "milestone_form": MilestoneForm(),
        "document_form": DocumentForm(),
        "indicator_form": IndicatorForm(),
        "measurement_forms": [
            (i, MeasurementForm(prefix=f"m{i.pk}")) for i in project.indicators.all()
        ],
    }
    context.update(forms)
    return context


@login_required  # a visitor (or an expired session) is asked to sign in, not shown a 403
@permission_required("monitoring.add_project", raise_exception=True)
@rate_limited("monitoring-edit", limit=120, period=3600)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.project_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Le projet est créé."))
                return redirect("monitoring:manage", slug=project.slug)
        return render(request, "monitoring/project_form.html", {"form": form}, status=400)
    return render(request, "monitoring/project_form.html", {"form": form})


def _change_permission(request, slug, **kwargs):
    return get_object_or_404(Project, slug=slug)


@login_required  # a visitor (or an expired session) is asked to sign in, not shown a 403
@permission_required("monitoring.change_project", fn=_change_permission, raise_exception=True)
@rate_limited("monitoring-edit", limit=120, period=3600)
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project, slug=slug)
    form = ProjectForm(request.POST if request.method == "POST" else None, instance=project)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_update(
                    actor=request.user,
                    project=get_object_or_404(Project, pk=project.pk),
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Les modifications sont enregistrées."))
                return redirect("monitoring:manage", slug=project.slug)
        return render(
            request, "monitoring/project_form.html", {"form": form, "project": project}, status=400
        )
    return render(request, "monitoring/project_form.html", {"form": form, "project": project})


@login_required  # a visitor (or an expired session) is asked to sign in, not shown a 403
@permission_required("monitoring.change_project", fn=_change_permission, raise_exception=True)
def project_manage(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(project_detail_queryset(user=request.user), slug=slug)
    return render(request, "monitoring/manage.html", _manage_context(project))


def _manage_action(form_name: str, form_class, handle):
    @require_POST
    @permission_required("monitoring.change_project", fn=_change_permission, raise_exception=True)
    @rate_limited("monitoring-edit", limit=120, period=3600)
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        project = get_object_or_404(project_detail_queryset(user=request.user), slug=slug)
        kwargs, extra = {}, {}
        if form_class is MeasurementForm:
            raw = request.POST.get("indicator_id", "")
            indicator = project.indicators.filter(
                pk=int(raw) if PAGE_NUMBER.fullmatch(raw) else 0
            ).first()
            if indicator is None:
                raise Http404(_("Cet indicateur n'existe pas pour ce projet."))
            kwargs["prefix"] = f"m{indicator.pk}"
            extra["indicator"] = indicator
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                handle(request, project, {**form.cleaned_data, **extra})
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("C'est enregistré."))
                return redirect("monitoring:manage", slug=project.slug)
        context = _manage_context(project)
        if form_class is MeasurementForm:
            context["measurement_forms"] = [
                (i, form if i.pk == indicator.pk else f) for i, f in context["measurement_forms"]
            ]
        else:
            context[form_name] = form
        return render(request, "monitoring/manage.html", context, status=400)

    return view


def _spending(request, project, data):
    services.spending_set(
        actor=request.user,
        project=project,
        year=data["year"],
        planned_eur=data["planned_eur"],
        committed_eur=data.get("committed_eur") or 0,
        paid_eur=data.get("paid_eur") or 0,
    )


def _funding(request, project, data):
    services.funding_add(actor=request.user, project=project, **data)


def _milestone(request, project, data):
    services.milestone_save(actor=request.user, project=project, data=data)


def _document(request, project, data):
    services.document_add(actor=request.user, project=project, **data)


def _indicator(request, project, data):
    services.indicator_create(actor=request.user, project=project, data=data)


def _measurement(request, project, data):
    services.measurement_record(
        actor=request.user,
        indicator=data["indicator"],
        measured_on=data["measured_on"],
        value=data["value"],
        source=data.get("source", ""),
    )


spending_set = _manage_action("spending_form", SpendingForm, _spending)
funding_add = _manage_action("funding_form", FundingForm, _funding)
milestone_add = _manage_action("milestone_form", MilestoneForm, _milestone)
document_add = _manage_action("document_form", DocumentForm, _document)
indicator_add = _manage_action("indicator_form", IndicatorForm, _indicator)
measurement_add = _manage_action("measurement_form", MeasurementForm, _measurement)


@require_POST
@permission_required("monitoring.change_project", fn=_change_permission, raise_exception=True)
def milestone_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from django.utils import timezone

    project = get_object_or_404(Project, slug=slug)
    milestone = get_object_or_404(Milestone, pk=pk, project=project)
    services.milestone_save(
        actor=request.user,
        project=project,
        milestone=milestone,
        data={"done_on": timezone.localdate()},
    )
    messages.success(request, _("Le jalon est marqué comme atteint."))
    return redirect("monitoring:manage", slug=project.slug)


# --- Open data -----------------------------------------------------------------------------


def export_projects(request: HttpRequest, fmt: str) -> HttpResponse:
    queryset = project_detail_queryset(user=None).published().order_by("title", "pk")
    return exports.projects_response(queryset, fmt)


def export_indicators(request: HttpRequest, fmt: str) -> HttpResponse:
    return exports.indicators_response(indicator_list(user=None), fmt)
