from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel


class GuideTag(models.Model):
    slug = models.SlugField(_("adresse"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")

    def __str__(self) -> str:
        return self.name


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Guide.Status.PUBLISHED)


class Guide(TimeStampedModel, DemoFlagModel):
    """A page of practical guidance (barrier gestures, heat wave, flood...), edited by agents."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        PUBLISHED = "published", _("publiée")
        ARCHIVED = "archived", _("archivée")

    slug = models.SlugField(_("adresse"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("en une phrase"), max_length=300)
    body = models.TextField(_("texte (Markdown)"))
    tags = models.ManyToManyField(GuideTag, verbose_name=_("étiquettes"), blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("D'où vient ce conseil.")
    )

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guides:detail", kwargs={"slug": self.slug})


class SituationBanner(TimeStampedModel):
    """The "current situation" message shown at the top of every page while it is active."""

    class Level(models.TextChoices):
        INFO = "info", _("information")
        WARNING = "warning", _("vigilance")
        DANGER = "danger", _("danger")

    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    title = models.CharField(_("titre"), max_length=120)
    text = models.CharField(_("message"), max_length=400)
    url = models.CharField(
        _("lien"),
        max_length=300,
        blank=True,
        help_text=_("Adresse d'une fiche pratique ou d'une page officielle (facultatif)."),
    )
    starts_at = models.DateTimeField(_("à partir du"), default=timezone.now)
    ends_at = models.DateTimeField(_("jusqu'au"), null=True, blank=True)
    is_active = models.BooleanField(_("affiché"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("bandeau de situation")
        verbose_name_plural = _("bandeaux de situation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="situation_banner_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
