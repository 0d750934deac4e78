"""RGPD receivers: the indicator measurements a user recorded are in their data export; on
erasure they stay (public data of the plan) and lose their author (``created_by`` is kept on
the anonymised user row)."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested


@receiver(personal_data_requested, dispatch_uid="monitoring_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .models import Measurement

    rows = Measurement.objects.filter(created_by=user).select_related("indicator__project")
    if not rows:
        return None
    return (
        "monitoring",
        [
            {
                "project": m.indicator.project.slug,
                "indicator": m.indicator.label,
                "measured_on": m.measured_on.isoformat(),
                "value": str(m.value),
            }
            for m in rows
        ],
    )
