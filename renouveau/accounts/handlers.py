"""Receivers of accounts' own events: role groups created after migrate, and the part of an
account's erasure that belongs to no app (the queued e-mails)."""

from django.db.models.signals import m2m_changed, post_migrate
from django.dispatch import receiver

from .models import User
from .signals import user_erased


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    # Permissions of an app exist only after its own post_migrate: wait for the last app.
    from django.apps import apps

    if app_config is None or app_config is not list(apps.get_app_configs())[-1]:
        return
    from .models import ensure_role_groups

    ensure_role_groups()


@receiver(m2m_changed, sender=User.agent_communes.through, dispatch_uid="accounts_communes_changed")
@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_groups_changed")
def forget_cached_access(sender, instance, action, **kwargs):
    """A user object whose communes or roles change forgets what it had cached of them
    (``User.load_access``), whatever changed them (a service, the back office, a test)."""
    if action.startswith("post_") and isinstance(instance, User):
        instance.forget_access()


@receiver(user_erased, dispatch_uid="accounts_erase_task_results")
def erase_queued_emails(sender, user, **kwargs):
    """The e-mails queued for the person, sent or not, are rows of the task queue
    (``django_tasks_db``) that hold their address and the message: they go with the account (a
    worker never sends a pending one to an erased person, and a finished one is not kept). An
    e-mail to several people only loses the person's address: the others still get theirs."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):  # pragma: no cover - installed by settings
        return
    from django.db.models import Q, TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    addresses = {user.email} | set(user.emailaddress_set.values_list("email", flat=True))
    lowered = {address.lower() for address in addresses}
    mentions = Q()
    for address in addresses:
        mentions |= Q(args_text__icontains=f'"{address}"')
    rows = DBTaskResult.objects.annotate(args_text=Cast("args_kwargs", TextField())).filter(
        mentions
    )
    for row in rows.select_for_update():
        kwargs_ = row.args_kwargs.get("kwargs", {})
        to = kwargs_.get("to")
        others = [a for a in to if a.lower() not in lowered] if isinstance(to, list) else []
        if others:
            row.args_kwargs = {**row.args_kwargs, "kwargs": {**kwargs_, "to": others}}
            DBTaskResult.objects.filter(pk=row.pk).update(args_kwargs=row.args_kwargs)
        else:
            DBTaskResult.objects.filter(pk=row.pk).delete()


@receiver(user_erased, dispatch_uid="accounts_erase_admin_log")
def erase_admin_log_names(sender, user, **kwargs):
    """Django's admin keeps its own history (``django_admin_log``) of the back office's edits,
    each line naming its object as it was then: an account's display name, or a row whose name
    holds the person's name or address. Those lines stay (who changed what) without the name."""
    from django.apps import apps

    if not apps.is_installed("django.contrib.admin"):  # pragma: no cover - installed
        return
    from django.conf import settings
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from django.utils import translation
    from django.utils.translation import gettext

    names = Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))
    for address in {user.email} | set(user.emailaddress_set.values_list("email", flat=True)):
        names |= Q(object_repr__icontains=address)
    if len(user.display_name.strip()) >= 3:
        names |= Q(object_repr__icontains=user.display_name.strip())
    with translation.override(settings.LANGUAGE_CODE):
        erased = gettext("Compte supprimé")
    LogEntry.objects.filter(names).update(object_repr=erased)
