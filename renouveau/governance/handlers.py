"""RGPD receivers: the user's governance data in their export, and its erasure."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested, dispatch_uid="governance_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .services import personal_data

    return ("governance", personal_data(user=user))


@receiver(user_erased, dispatch_uid="governance_erase")
def erase_personal_data(sender, user, **kwargs):
    from .services import personal_data_erase

    personal_data_erase(user=user)
