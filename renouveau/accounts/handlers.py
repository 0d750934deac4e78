"""Receivers of accounts' own events (none yet beyond role groups creation after migrate)."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    # Permissions of an app exist only after its own post_migrate: wait for the last app.
    from django.apps import apps

    if app_config is None or app_config is not list(apps.get_app_configs())[-1]:
        return
    from .models import ensure_role_groups

    ensure_role_groups()
