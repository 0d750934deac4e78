"""Mutual aid between residents: offers and requests of help, their matches, messages and
testimonies, citizen initiatives of organisations, and the safety tools (reports, blocks).

Privacy rule: only the commune and the neighbourhood of an offer or a request are public.
The exact address, the phone number, the beneficiary's name and the author's e-mail are
*private fields*, shown only to the two people of an accepted match (see ``Match.is_open``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel
from renouveau.core.search import TrigramSearchIndex


class Category(models.TextChoices):
    SHOPPING = "shopping", _("Courses")
    MEALS = "meals", _("Repas")
    TRANSPORT = "transport", _("Transport, accompagnement")
    SCHOOL = "school", _("Soutien scolaire")
    DIGITAL = "digital", _("Aide numérique")
    COMPANY = "company", _("Compagnie pour les personnes isolées")
    ADMINISTRATIVE = "administrative", _("Démarches administratives")
    DIY = "diy", _("Petits travaux, bricolage")
    OTHER = "other", _("Autre")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("Ponctuelle")
    RECURRING = "recurring", _("Régulière")


DAYS = [
    (0, _("lundi")),
    (1, _("mardi")),
    (2, _("mercredi")),
    (3, _("jeudi")),
    (4, _("vendredi")),
    (5, _("samedi")),
    (6, _("dimanche")),
]
PERIODS = [
    (0, _("matin")),
    (1, _("après-midi")),
    (2, _("soir")),
]
ALL_SLOTS = (1 << (len(DAYS) * len(PERIODS))) - 1


def slots_mask(days: list[int], periods: list[int]) -> int:
    """The bit mask of the time slots (day × period); 0 means "any time"."""
    mask = 0
    for day in days:
        for period in periods:
            mask |= 1 << (int(day) * len(PERIODS) + int(period))
    return mask


def slots_split(mask: int) -> tuple[list[int], list[int]]:
    days = sorted({bit // len(PERIODS) for bit in range(21) if mask & (1 << bit)})
    periods = sorted({bit % len(PERIODS) for bit in range(21) if mask & (1 << bit)})
    return days, periods


class PostStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    MATCHED = "matched", _("Mise en relation")
    DONE = "done", _("Réalisée")
    EXPIRED = "expired", _("Expirée")
    CLOSED = "closed", _("Retirée")


class HelpPostQuerySet(models.QuerySet):
    def visible(self):
        """What the public lists show: not hidden by a moderator, not expired nor withdrawn."""
        return self.filter(is_hidden=False, status__in=[PostStatus.OPEN, PostStatus.MATCHED])

    def open(self):
        today = timezone.localdate()
        return self.filter(is_hidden=False, status=PostStatus.OPEN, expires_on__gte=today)


class HelpPost(DemoFlagModel, TimeStampedModel):
    """What offers and requests share. The private fields are ``address`` and ``phone``."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("au nom de l'organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    category = models.CharField(_("type d'aide"), max_length=20, choices=Category.choices)
    title = models.CharField(_("titre"), max_length=120)
    description = models.TextField(_("description"), max_length=2000)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT
    )
    neighbourhood = models.CharField(_("quartier"), max_length=100, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF
    )
    date = models.DateField(_("date (aide ponctuelle)"), null=True, blank=True)
    slots = models.PositiveIntegerField(
        _("créneaux"), default=0, help_text=_("Jours × moments ; 0 : à tout moment.")
    )
    expires_on = models.DateField(_("valable jusqu'au"))
    status = models.CharField(
        _("état"), max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN
    )
    # Private fields: shown only inside an accepted match.
    address = models.CharField(_("adresse exacte (privée)"), max_length=255, blank=True)
    phone = models.CharField(_("téléphone (privé)"), max_length=30, blank=True)
    # Moderation.
    is_hidden = models.BooleanField(_("masquée par la modération"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=255, blank=True)

    objects = HelpPostQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> list[int]:
        return slots_split(self.slots)[0]

    @property
    def periods(self) -> list[int]:
        return slots_split(self.slots)[1]

    @property
    def days_labels(self) -> list[str]:
        labels = dict(DAYS)
        return [str(labels[d]) for d in self.days]

    @property
    def periods_labels(self) -> list[str]:
        labels = dict(PERIODS)
        return [str(labels[p]) for p in self.periods]

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class HelpOffer(HelpPost):
    capacity = models.PositiveSmallIntegerField(
        _("nombre de personnes que vous pouvez aider"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        verbose_name = _("offre d'aide")
        verbose_name_plural = _("offres d'aide")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "is_hidden", "-created_at"], name="offer_list_idx"),
            models.Index(fields=["-created_at", "-id"], name="offer_recent_idx"),
            models.Index(fields=["category", "commune"], name="offer_cat_commune_idx"),
            # The global search (docs/search.md): PostgreSQL only.
            TrigramSearchIndex("title", "description", name="offer_search_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=50), name="offer_capacity_range"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("mutualaid:offer_detail", args=[self.pk])

    kind = "offer"


class Urgency(models.TextChoices):
    LOW = "low", _("Pas pressé")
    NORMAL = "normal", _("Dans la semaine")
    HIGH = "high", _("Urgent (sous 48 h)")


class HelpRequest(HelpPost):
    urgency = models.CharField(
        _("urgence"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    helpers_needed = models.PositiveSmallIntegerField(
        _("nombre d'aidants souhaités"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    on_behalf = models.BooleanField(
        _("pour quelqu'un d'autre"),
        default=False,
        help_text=_("Un voisin, une personne que vous accompagnez (travailleur social...)."),
    )
    beneficiary_name = models.CharField(
        _("prénom de la personne aidée (privé)"), max_length=80, blank=True
    )

    class Meta:
        verbose_name = _("demande d'aide")
        verbose_name_plural = _("demandes d'aide")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "is_hidden", "-created_at"], name="request_list_idx"),
            models.Index(fields=["-created_at", "-id"], name="request_recent_idx"),
            models.Index(fields=["category", "commune"], name="request_cat_commune_idx"),
            models.Index(fields=["status", "expires_on"], name="request_expiry_idx"),
            # The global search (docs/search.md): PostgreSQL only.
            TrigramSearchIndex("title", "description", name="request_search_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(helpers_needed__gte=1) & Q(helpers_needed__lte=20),
                name="request_helpers_range",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("mutualaid:request_detail", args=[self.pk])

    kind = "request"


class Match(TimeStampedModel):
    """A proposal between an offer and a request, then (once accepted) a mise en relation.

    The proposer agrees by proposing; the other side accepts or declines. Contact details are
    visible to both only while the match is accepted or done (``is_open``).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")
        DONE = "done", _("Aide réalisée")
        CANCELLED = "cancelled", _("Annulée")

    offer = models.ForeignKey(HelpOffer, on_delete=models.CASCADE, related_name="matches")
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="matches")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(_("un mot pour se présenter"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "request"], name="unique_match_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.request}"

    def get_absolute_url(self) -> str:
        return reverse("mutualaid:match_detail", args=[self.pk])

    @property
    def helper(self):
        return self.offer.author

    @property
    def requester(self):
        return self.request.author

    def participants(self) -> tuple:
        return (self.offer.author_id, self.request.author_id)

    def other_party(self, user):
        return self.request.author if user.pk == self.offer.author_id else self.offer.author

    def answerer_id(self) -> int:
        """Who must accept: the side that did not propose."""
        if self.proposed_by_id == self.offer.author_id:
            return self.request.author_id
        return self.offer.author_id

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.DONE)


class Message(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return self.match.get_absolute_url()


class Testimony(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="testimonies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("votre témoignage"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["match", "author"], name="unique_testimony"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("mutualaid:index")


class Initiative(DemoFlagModel, TimeStampedModel):
    """An action run by an association or collective. Public once its organisation is verified
    by an agent (``accounts.Organisation.is_verified``)."""

    class Kind(models.TextChoices):
        FOOD = "food", _("Distribution alimentaire")
        REPAIR = "repair", _("Café réparation")
        SOLIDARITY = "solidarity", _("Solidarité de quartier")
        EDUCATION = "education", _("Éducation, soutien scolaire")
        HEALTH = "health", _("Santé, prévention")
        ENVIRONMENT = "environment", _("Environnement")
        CULTURE = "culture", _("Culture, lien social")
        OTHER = "other", _("Autre")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), max_length=4000)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT
    )
    place = models.CharField(
        _("lieu"), max_length=255, help_text=_("Adresse publique du lieu de l'initiative.")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    schedule = models.CharField(
        _("horaires"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : le mercredi, 14 h-17 h."),
    )
    how_to_join = models.TextField(_("comment participer"), max_length=1000)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("initiative citoyenne")
        verbose_name_plural = _("initiatives citoyennes")
        ordering = ["starts_on", "id"]
        indexes = [
            models.Index(fields=["starts_on", "id"], name="initiative_start_idx"),
            # The global search (docs/search.md): PostgreSQL only.
            TrigramSearchIndex("title", "description", "place", name="initiative_search_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="initiative_dates_ordered",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mutualaid:initiative_detail", args=[self.pk])

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        return None

    @property
    def is_past(self) -> bool:
        end = self.ends_on or self.starts_on
        return end < timezone.localdate() if isinstance(end, datetime.date) else False


class Report(models.Model):
    """A report of abusive content or behaviour, handled in the moderation queue."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Propos injurieux ou haineux")
        SCAM = "scam", _("Arnaque, demande d'argent")
        DANGER = "danger", _("Comportement inquiétant ou dangereux")
        SPAM = "spam", _("Publicité, hors sujet")
        PERSONAL = "personal", _("Données personnelles exposées")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        OPEN = "open", _("À traiter")
        HIDDEN = "hidden", _("Contenu masqué")
        DISMISSED = "dismissed", _("Classé sans suite")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("précisions"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("motif de la décision"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.content_type.model} {self.object_id}"


class Block(models.Model):
    """``blocker`` no longer sees nor hears from ``blocked`` in mutual aid."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutualaid_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocage")
        verbose_name_plural = _("blocages")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="unique_block"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")),
                name="no_self_block",
                violation_error_message=_("Vous ne pouvez pas vous bloquer vous-même."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} → {self.blocked_id}"
