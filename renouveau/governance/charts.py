"""The OECD comparison chart: one bar per metropolis, drawn by the monitoring app's SVG
helpers (server-rendered, titled and described for screen readers; the page prints the data
table beside it)."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from renouveau.monitoring.charts import Series, bar_chart, fmt


def comparison_chart(indicator) -> SafeString | None:
    values = list(indicator.values.all())
    if not values:
        return None
    names = [v.metropolis for v in values]
    numbers = [float(v.value) for v in values]
    desc = "; ".join(
        f"{name} : {fmt(number)} {indicator.unit}"
        for name, number in zip(names, numbers, strict=True)
    )
    if indicator.is_demo or any(v.is_demo for v in values):
        desc = _("Données de démonstration. ") + desc
    return bar_chart(
        title=f"{indicator.name} ({indicator.year})",
        desc=desc,
        categories=names,
        series=[Series(label=indicator.name, values=numbers)],
        unit=indicator.unit,
        width=max(560, 190 * len(values)),
    )
