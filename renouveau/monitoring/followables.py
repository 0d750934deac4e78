"""The projects of the plan can be followed (``renouveau.follows``): the daily digest tells a
follower, in plain words, what changed in a published project — its state, progress, cost,
spending, end date, milestones reached, new documents and new measurements of its
indicators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renouveau.core.templatetags.renouveau import amount
from renouveau.follows.registry import Followable, choice_changed

from .models import Measurement, Project


def _public():
    return Project.objects.published()


def _state(project: Project) -> dict:
    money = project.spendings.aggregate(committed=Sum("committed_eur"), paid=Sum("paid_eur"))
    latest: dict[str, list] = {}
    for m in (
        Measurement.objects.filter(indicator__project=project)
        .select_related("indicator")
        .order_by("indicator_id", "measured_on", "pk")
    ):
        latest[str(m.indicator_id)] = [
            m.indicator.label,
            m.indicator.unit,
            str(m.value),
            m.measured_on.isoformat(),
        ]
    return {
        "status": project.status,
        "progress": project.progress,
        "cost": str(project.total_cost_eur),
        "committed": str(money["committed"] or 0),
        "paid": str(money["paid"] or 0),
        "end_on": project.end_on.isoformat() if project.end_on else None,
        "milestones": {
            str(m.pk): [m.title, m.done_on.isoformat()]
            for m in project.milestones.filter(done_on__isnull=False)
        },
        "documents": {str(d.pk): d.title for d in project.documents.all()},
        "measurements": latest,
    }


def _euros(value) -> str:
    try:
        return amount(Decimal(value), "€")
    except (InvalidOperation, TypeError):
        return str(value)


def _day(value) -> str:
    day = parse_date(value) if value else None
    return date_format(day, "j F Y") if day else _("non fixée")


def _number(value: str) -> str:
    try:
        return amount(Decimal(value))
    except (InvalidOperation, TypeError):
        return value


def _changes(old: dict, new: dict) -> list[str]:
    said = choice_changed(
        _("État : %(old)s → %(new)s"), Project.Status.choices, old.get("status"), new["status"]
    )
    if old.get("progress") != new["progress"]:
        said.append(
            _("Avancement : %(old)s %% → %(new)s %%")
            % {"old": old.get("progress", 0), "new": new["progress"]}
        )
    for key, label in (
        ("cost", _("Coût prévu")),
        ("committed", _("Dépenses engagées")),
        ("paid", _("Dépenses payées")),
    ):
        if old.get(key) is not None and Decimal(old[key]) != Decimal(new[key]):
            said.append(
                _("%(what)s : %(old)s → %(new)s")
                % {"what": label, "old": _euros(old[key]), "new": _euros(new[key])}
            )
    if "end_on" in old and old["end_on"] != new["end_on"]:
        said.append(
            _("Fin prévue : %(old)s → %(new)s")
            % {"old": _day(old["end_on"]), "new": _day(new["end_on"])}
        )
    known = old.get("milestones", {})
    for key, (title, done_on) in new["milestones"].items():
        if key not in known:
            said.append(
                _("Jalon atteint le %(date)s : %(title)s") % {"date": _day(done_on), "title": title}
            )
    known = old.get("documents", {})
    for key, title in new["documents"].items():
        if key not in known:
            said.append(_("Nouveau document : %(title)s") % {"title": title})
    known = old.get("measurements", {})
    for key, (label, unit, value, measured_on) in new["measurements"].items():
        if known.get(key) != [label, unit, value, measured_on]:
            said.append(
                _("%(indicator)s : %(value)s %(unit)s (mesure du %(date)s)")
                % {
                    "indicator": label,
                    "value": _number(value),
                    "unit": unit,
                    "date": _day(measured_on),
                }
            )
    return said


FOLLOWABLES = [
    Followable(
        model="monitoring.project",
        kind=gettext_lazy("projet du plan"),
        public=_public,
        state=_state,
        changes=_changes,
        promise=gettext_lazy(
            "Un e-mail par jour au plus, quand son état, son avancement, ses dépenses, ses "
            "jalons, ses documents ou ses indicateurs changent."
        ),
        follow_label=gettext_lazy("Suivre ce projet"),
        following_text=gettext_lazy("Vous suivez ce projet."),
        sign_in_label=gettext_lazy("Connectez-vous pour suivre ce projet"),
    )
]
