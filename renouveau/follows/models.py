"""A person follows a public object (a project of the plan...) to hear, by e-mail, what changed.

``state`` is the object's public state when the person last heard about it (or started
following): the daily digest compares it with the current state and tells the differences.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    state = models.JSONField(_("état connu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("suivi depuis le"), auto_now_add=True)
    notified_at = models.DateTimeField(_("dernier e-mail le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="unique_follow"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"
