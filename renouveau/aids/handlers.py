"""RGPD receivers: a user's saved-search alerts are personal data (export, then erase)."""

from __future__ import annotations

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


def _alerts_of(user):
    """The person's alerts: saved while signed in, or to one of their addresses (the account's
    and the other verified ones) while signed out."""
    from django.db.models import Q

    from .models import AidAlert

    addresses = {user.email.lower()} | {
        address.lower()
        for address in user.emailaddress_set.filter(verified=True).values_list("email", flat=True)
    }
    return AidAlert.objects.filter(Q(user=user) | Q(email__in=addresses))


@receiver(personal_data_requested)
def export_aid_alerts(sender, user, **kwargs):
    alerts = _alerts_of(user).order_by("created_at")
    return (
        "aid_alerts",
        [
            {
                "email": alert.email,
                "title": alert.title,
                "query": alert.query,
                "frequency": alert.frequency,
                "language": alert.language,
                "pending_change": (
                    {
                        "frequency": alert.pending_frequency,
                        "language": alert.pending_language,
                        "requested_at": alert.pending_requested_at.isoformat(),
                    }
                    if alert.pending_requested_at
                    else None
                ),
                "created_at": alert.created_at.isoformat(),
                "confirmed_at": alert.confirmed_at.isoformat() if alert.confirmed_at else None,
                "unsubscribed_at": (
                    alert.unsubscribed_at.isoformat() if alert.unsubscribed_at else None
                ),
            }
            for alert in alerts
        ],
    )


@receiver(personal_data_requested)
def export_funder_memberships(sender, user, **kwargs):
    """An agent's attachment to the funders whose aids they edit (erased with the account)."""
    from .models import FunderMembership

    memberships = FunderMembership.objects.filter(user=user).select_related("funder")
    return (
        "aid_funders",
        [{"funder": m.funder.name, "role": m.role} for m in memberships.order_by("pk")],
    )


@receiver(user_erased)
def erase_aid_alerts(sender, user, **kwargs):
    from django.contrib.contenttypes.models import ContentType

    from renouveau.core.models import AuditLog

    from .models import AidAlert, FunderMembership

    alerts = _alerts_of(user)
    # The audit lines about these alerts stay (what happened) without their title, which the
    # person wrote (« Aides vélo de … »).
    alert_type = ContentType.objects.get_for_model(AidAlert)
    for pk in alerts.values_list("pk", flat=True):
        AuditLog.objects.filter(content_type=alert_type, object_id=str(pk)).update(
            object_repr=f"Alerte n° {pk}"
        )
    alerts.delete()
    FunderMembership.objects.filter(user=user).delete()
