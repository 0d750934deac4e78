"""RGPD receivers: the user's reserve data in their export, and its erasure."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested, dispatch_uid="reserve_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .services import personal_data

    return ("citizen_reserve", personal_data(user=user))


@receiver(user_erased, dispatch_uid="reserve_erase")
def erase_personal_data(sender, user, **kwargs):
    from .services import personal_data_erase

    personal_data_erase(user=user)
