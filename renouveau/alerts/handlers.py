"""RGPD receivers: a person's alert subscriptions, exercise registrations and the e-mails they
received are in their export, and are erased with their account."""

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested, dispatch_uid="alerts_personal_data")
def export_personal_data(sender, user, **kwargs):
    from .services import personal_data

    return ("alerts", personal_data(user=user))


@receiver(user_erased, dispatch_uid="alerts_erase")
def erase_personal_data(sender, user, **kwargs):
    from .services import personal_data_erase

    personal_data_erase(user=user)
