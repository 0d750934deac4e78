from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Agreement, Session
from .selectors import deliberation_list, plan_current, workstream_list, workstream_page


def _plan_or_404():
    plan = plan_current()
    if plan is None:
        raise Http404("Le plan n'est pas encore chargé.")
    return plan


def plan_index(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404()
    measures = plan.emergency_measures.all()
    return render(
        request,
        "plan/index.html",
        {
            "plan": plan,
            "sections": plan.sections.all(),
            "imperatives": plan.imperatives.all(),
            "workstreams": workstream_list(plan=plan),
            "measure_groups": [
                (g, list(items)) for g, items in groupby(measures, key=lambda m: m.group)
            ],
            "agreements": plan.agreements.all(),
        },
    )


def workstream_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = workstream_page(slug=slug)
    if page is None:
        _plan_or_404()
        raise Http404("Ce chantier n'existe pas.")
    return render(request, "plan/workstream.html", page)


def deliberations(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404()
    items = deliberation_list(plan=plan)
    sessions = {(s.body, s.date): s for s in Session.objects.all()}
    grouped = [
        {"key": key, "session": sessions.get(key), "items": list(group)}
        for key, group in groupby(items, key=lambda d: (d.body, d.session_date))
    ]
    return render(request, "plan/deliberations.html", {"plan": plan, "groups": grouped})


def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan_or_404()
    agreement = get_object_or_404(
        Agreement.objects.select_related("deliberation").prefetch_related("deliverables"),
        plan=plan,
        code=code,
    )
    return render(request, "plan/agreement.html", {"plan": plan, "agreement": agreement})
