"""RGPD receivers: the user's ideas, comments and supports in their export; erasure."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested, dispatch_uid="ideas_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .services import personal_data

    return ("ideas", personal_data(user=user))


@receiver(user_erased, dispatch_uid="ideas_erase")
def erase_personal_data(sender, user, **kwargs):
    from .services import personal_data_erase

    personal_data_erase(user=user)
