"""RGPD receivers: the things one follows are in the export and go with the account."""

from __future__ import annotations

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested)
def export_follows(sender, user, **kwargs):
    from .models import Follow
    from .selectors import follow_rows

    follows = list(Follow.objects.filter(user=user).select_related("content_type"))
    return (
        "suivis",
        [
            {
                "type": f"{row.follow.content_type.app_label}.{row.follow.content_type.model}",
                "element": str(row.obj) if row.obj else row.follow.object_id,
                "depuis_le": row.follow.created_at.isoformat(),
                "dernier_email_le": row.follow.notified_at.isoformat()
                if row.follow.notified_at
                else None,
            }
            for row in follow_rows(user, follows)
        ],
    )


@receiver(user_erased)
def erase_follows(sender, user, **kwargs):
    from .models import Follow

    Follow.objects.filter(user=user).delete()
