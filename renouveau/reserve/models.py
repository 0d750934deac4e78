"""Citizen reserve (réserve citoyenne): volunteers and their skills, missions with sign-ups,
and the "vigie": warning signals reported from the field and triaged by the crisis cell."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel

CHARTER_VERSION = "2026-1"


class Skill(models.Model):
    """A skill of the reference list (``data/skills.json``, loaded by ``reference.py``)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    LEFT = "left", _("A quitté la réserve")


class Volunteer(DemoFlagModel, TimeStampedModel):
    """A member of the reserve (réserviste): one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="volunteer",
    )
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes d'intervention"), related_name="+"
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("compétences"), related_name="volunteers", blank=True
    )
    available_weekdays = models.BooleanField(_("en semaine, en journée"), default=False)
    available_evenings = models.BooleanField(_("en soirée"), default=False)
    available_weekends = models.BooleanField(_("le week-end"), default=False)
    availability_note = models.CharField(
        _("précisions sur vos disponibilités"), max_length=300, blank=True
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    charter_version = models.CharField(_("version de la charte acceptée"), max_length=20)
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"))
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.PENDING,
        db_index=True,
    )
    status_reason = models.CharField(_("motif"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("statut modifié le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Recognition (« citoyen exemplaire »)
    distinguished_at = models.DateTimeField(_("distingué le"), null=True, blank=True)
    citation = models.CharField(_("citation"), max_length=400, blank=True)
    distinguished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("distingué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recognition_public = models.BooleanField(
        _("j'accepte que ma distinction soit affichée publiquement"), default=False
    )

    class Meta:
        verbose_name = _("réserviste")
        verbose_name_plural = _("réservistes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.user.public_name

    def get_absolute_url(self) -> str:
        return reverse("reserve:volunteer_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.ACTIVE

    def availability_labels(self) -> list[str]:
        labels = []
        if self.available_weekdays:
            labels.append(str(_("en semaine")))
        if self.available_evenings:
            labels.append(str(_("en soirée")))
        if self.available_weekends:
            labels.append(str(_("le week-end")))
        return labels


class MissionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouverte aux inscriptions")
    FULL = "full", _("Complète")
    CLOSED = "closed", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


class MissionQuerySet(models.QuerySet):
    def public(self):
        """Missions shown to everyone: published and not over."""
        return self.filter(
            status__in=[MissionStatus.OPEN, MissionStatus.FULL], ends_at__gte=timezone.now()
        )


class Mission(DemoFlagModel, TimeStampedModel):
    title = models.CharField(_("intitulé"), max_length=160)
    description = models.TextField(_("description"))
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("lieu de rendez-vous"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    skills = models.ManyToManyField(
        Skill, verbose_name=_("compétences recherchées"), related_name="missions", blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("nombre de réservistes attendus"))
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MissionStatus.choices,
        default=MissionStatus.DRAFT,
        db_index=True,
    )
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=300, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisateur"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="reserve_mission_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="reserve_mission_capacity"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reserve:mission_detail", args=[self.pk])

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Signup(models.Model):
    """A volunteer's sign-up to a mission: at most one per (mission, volunteer)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription à une mission")
        verbose_name_plural = _("inscriptions aux missions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "volunteer"], name="reserve_signup_once_per_mission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.mission}"


class SignalCategory(models.TextChoices):
    FLOOD = "flood", _("Inondation")
    FIRE = "fire", _("Incendie")
    HEATWAVE = "heatwave", _("Canicule")
    EARTHQUAKE = "earthquake", _("Séisme")
    INDUSTRIAL = "industrial", _("Risque industriel")
    POLLUTION = "pollution", _("Pollution")
    HEALTH = "health", _("Sanitaire")
    WATER = "water", _("Ressource en eau, sécheresse")
    LANDSLIDE = "landslide", _("Érosion, glissement de terrain")
    OTHER = "other", _("Autre")


class SignalUrgency(models.TextChoices):
    LOW = "low", _("Peu urgent : à surveiller")
    MEDIUM = "medium", _("Assez urgent : dans les prochains jours")
    HIGH = "high", _("Urgent : dans les prochaines heures")


class SignalStatus(models.TextChoices):
    NEW = "new", _("Reçu")
    ACKNOWLEDGED = "acknowledged", _("Pris en compte")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    CLOSED = "closed", _("Traité")
    DISMISSED = "dismissed", _("Classé sans suite")
    DUPLICATE = "duplicate", _("Doublon")


OPEN_SIGNAL_STATUSES = (SignalStatus.NEW, SignalStatus.ACKNOWLEDGED, SignalStatus.IN_PROGRESS)
# The transitions the crisis cell may make from each status.
SIGNAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SignalStatus.NEW: (
        SignalStatus.ACKNOWLEDGED,
        SignalStatus.IN_PROGRESS,
        SignalStatus.CLOSED,
        SignalStatus.DISMISSED,
        SignalStatus.DUPLICATE,
    ),
    SignalStatus.ACKNOWLEDGED: (
        SignalStatus.IN_PROGRESS,
        SignalStatus.CLOSED,
        SignalStatus.DISMISSED,
        SignalStatus.DUPLICATE,
    ),
    SignalStatus.IN_PROGRESS: (
        SignalStatus.CLOSED,
        SignalStatus.DISMISSED,
        SignalStatus.DUPLICATE,
    ),
    SignalStatus.CLOSED: (),
    SignalStatus.DISMISSED: (),
    SignalStatus.DUPLICATE: (),
}


class Signal(DemoFlagModel, TimeStampedModel):
    """A warning sign reported by a resident or a volunteer (vigie)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur du signalement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("type de risque"), max_length=12, choices=SignalCategory.choices)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("lieu précis"), max_length=200)
    description = models.TextField(_("ce que vous avez observé"))
    observed_at = models.DateTimeField(_("observé le"))
    urgency = models.CharField(_("urgence estimée"), max_length=8, choices=SignalUrgency.choices)
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=SignalStatus.choices,
        default=SignalStatus.NEW,
        db_index=True,
    )
    resolution = models.TextField(_("réponse de la cellule de crise"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("statut modifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.commune.name} (n° {self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("reserve:signal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SIGNAL_STATUSES

    def next_statuses(self) -> tuple[str, ...]:
        return SIGNAL_TRANSITIONS.get(self.status, ())
