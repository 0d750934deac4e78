"""RGPD receivers: an assessor's scores and justifications are in their data export. On
erasure the scores stay (they are the record of a public decision) and show "Compte supprimé"
as their author, like every public contribution."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested


@receiver(personal_data_requested, dispatch_uid="portfolio_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .models import Score

    scores = Score.objects.filter(assessor=user).select_related("project", "criterion")
    if not scores:
        return None
    return (
        "portfolio",
        [
            {
                "project": s.project.slug,
                "criterion": s.criterion.code,
                "value": str(s.value) if s.value is not None else None,
                "axes": s.axes,
                "justification": s.justification,
                "updated_at": s.updated_at.isoformat(),
            }
            for s in scores
        ],
    )
