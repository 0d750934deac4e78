"""Receivers of accounts' own events: role groups created after migrate, and the part of an
account's erasure that belongs to no app (the queued e-mails)."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .signals import user_erased


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    # Permissions of an app exist only after its own post_migrate: wait for the last app.
    from django.apps import apps

    if app_config is None or app_config is not list(apps.get_app_configs())[-1]:
        return
    from .models import ensure_role_groups

    ensure_role_groups()


@receiver(user_erased, dispatch_uid="accounts_erase_task_results")
def erase_queued_emails(sender, user, **kwargs):
    """The e-mails queued for the person, sent or not, are rows of the task queue
    (``django_tasks_db``) that hold their address and the message: they go with the account (a
    worker never sends a pending one to an erased person, and a finished one is not kept)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):  # pragma: no cover - installed by settings
        return
    from django.db.models import Q, TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    addresses = {user.email} | set(user.emailaddress_set.values_list("email", flat=True))
    mentions = Q()
    for address in addresses:
        mentions |= Q(args_text__icontains=f'"{address}"')
    DBTaskResult.objects.annotate(args_text=Cast("args_kwargs", TextField())).filter(
        mentions
    ).delete()
