"""Solutions reported from the field (FixMyStreet-like): a resident reports a problem or
proposes a solution; it is routed to the service in charge, answered publicly, supported by
other residents and, when well supported, promoted into a project."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel
from renouveau.core.search import TrigramSearchIndex


class Category(models.TextChoices):
    ROADS = "roads", _("Voirie, trottoirs")
    CLEANLINESS = "cleanliness", _("Propreté, déchets")
    MOBILITY = "mobility", _("Transports, mobilité")
    GREEN = "green", _("Espaces verts, nature")
    HOUSING = "housing", _("Logement, cadre de vie")
    ECONOMY = "economy", _("Commerce, emploi")
    SOLIDARITY = "solidarity", _("Solidarité, santé")
    DIGITAL = "digital", _("Numérique")
    OTHER = "other", _("Autre")


class Status(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    UNDER_STUDY = "under_study", _("À l'étude")
    PLANNED = "planned", _("Programmée")
    DONE = "done", _("Réalisée")
    NOT_RETAINED = "not_retained", _("Non retenue")
    DUPLICATE = "duplicate", _("Doublon")
    PROMOTED = "promoted", _("Promue en projet")


def photo_path(instance, filename: str) -> str:
    return f"ideas/{uuid.uuid4().hex}.jpg"


class RoutingRule(models.Model):
    """Who handles a report: a category (or any) in a commune, a Territoire, or everywhere.
    The most specific rule wins (commune > Territoire > metropolis; a category > any)."""

    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("Territoire"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    service = models.CharField(_("service en charge"), max_length=200)
    email = models.EmailField(_("e-mail du service"), blank=True)
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents"), blank=True, related_name="idea_routes"
    )

    class Meta:
        verbose_name = _("règle d'orientation")
        verbose_name_plural = _("règles d'orientation")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "territory", "commune"], name="unique_routing_rule"
            ),
        ]

    def __str__(self) -> str:
        where = self.commune or self.territory or _("toute la Métropole")
        return f"{self.get_category_display() or _('toutes catégories')} — {where} → {self.service}"

    @property
    def specificity(self) -> int:
        return (4 if self.commune_id else 2 if self.territory_id else 0) + (
            1 if self.category else 0
        )


class IdeaQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_hidden=False)


class Idea(DemoFlagModel, TimeStampedModel):
    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problème constaté")
        SOLUTION = "solution", _("Solution proposée")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="ideas",
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), max_length=4000)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    workstream = models.ForeignKey(
        "plan.Workstream",
        verbose_name=_("chantier du plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    place = models.CharField(
        _("lieu précis (facultatif)"),
        max_length=200,
        blank=True,
        help_text=_("Une rue, un carrefour, un repère. Public : n'y mettez pas votre adresse."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    status = models.CharField(
        _("état"), max_length=15, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    public_answer = models.TextField(_("réponse publique"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    routing_rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    routed_service = models.CharField(_("service en charge"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    promoted_to = models.CharField(
        _("promue vers"),
        max_length=300,
        blank=True,
        help_text=_("Le projet, l'appel à projets ou la mesure du plan où l'idée est reprise."),
    )
    promoted_url = models.CharField(_("lien"), max_length=300, blank=True)
    # Set when the link is a project of the plan's monitoring: the idea's page then shows the
    # project's status, progress and spending, and the project's page the ideas it took up.
    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("projet du plan qui reprend l'idée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    supports_count = models.PositiveIntegerField(_("soutiens"), default=0, db_index=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idée ou signalement")
        verbose_name_plural = _("idées et signalements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="idea_recent_idx"),
            models.Index(fields=["-supports_count", "-created_at", "-id"], name="idea_support_idx"),
            # The global search (docs/search.md): PostgreSQL only.
            TrigramSearchIndex("title", "description", "place", name="idea_search_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="idea_location_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        return None

    @property
    def is_closed(self) -> bool:
        return self.status in (Status.DONE, Status.NOT_RETAINED, Status.DUPLICATE, Status.PROMOTED)


class StatusChange(models.Model):
    """The public history of an idea: each status with the answer given."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=15, choices=Status.choices)
    answer = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.status}"


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="unique_support")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("commentaire"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.idea.get_absolute_url()}#commentaire-{self.pk}"


class Flag(models.Model):
    """A resident's report of an idea or a comment, for the moderators."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Propos injurieux ou haineux")
        PERSONAL = "personal", _("Données personnelles exposées")
        SPAM = "spam", _("Publicité, hors sujet")
        OTHER = "other", _("Autre")

    class State(models.TextChoices):
        OPEN = "open", _("À traiter")
        HIDDEN = "hidden", _("Contenu masqué")
        DISMISSED = "dismissed", _("Classé sans suite")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("précisions"), max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=False)),
                name="flag_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.idea_id or ''}{self.comment_id or ''}"

    @property
    def target(self):
        return self.comment if self.comment_id else self.idea
