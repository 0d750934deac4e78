from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class DemoFlagModel(models.Model):
    """Rows of the demonstration dataset carry ``is_demo`` and are labelled on every page."""

    is_demo = models.BooleanField(_("donnée de démonstration"), default=False, db_index=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One line per change made through a service, written in the same transaction.

    ``actor`` is kept as a foreign key for agents' browsing; when a user erases their account
    the row stays (the user row is anonymised, never deleted).
    """

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, default="")
    object_repr = models.CharField(_("objet"), max_length=255, blank=True, default="")
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ScheduledRun(models.Model):
    """One run of a periodic job (``core.scheduler``), claimed by inserting this row: the unique
    (job, slot) pair lets several scheduler processes run side by side and still enqueue each
    run exactly once."""

    job = models.CharField(_("tâche périodique"), max_length=100)
    slot = models.CharField(_("créneau"), max_length=40)
    enqueued_at = models.DateTimeField(_("mise en file le"), auto_now_add=True)
    task_id = models.CharField(_("identifiant de la tâche"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("exécution planifiée")
        verbose_name_plural = _("exécutions planifiées")
        ordering = ["-enqueued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_one_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
