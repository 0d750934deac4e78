"""Aid schemes (the "panorama des aides"), the funders whose agents manage them, and the
saved-search alerts of residents.

Audiences and aid types are fixed vocabularies (``Audience``, ``AidType``) stored as JSON lists:
they are exported as is, and filtered with a JSON containment lookup (PostgreSQL, GIN-indexed)
or a quoted ``LIKE`` (SQLite). See ``selectors.aid_search``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel


class Audience(models.TextChoices):
    RESIDENT = "resident", _("Habitant·e")
    FAMILY = "family", _("Famille")
    YOUNG = "young", _("Jeune (moins de 26 ans)")
    PUPIL = "pupil", _("Élève, collégien·ne, lycéen·ne")
    STUDENT = "student", _("Étudiant·e")
    JOB_SEEKER = "job_seeker", _("Demandeur·se d'emploi")
    SENIOR = "senior", _("Senior")
    DISABLED = "disabled", _("Personne en situation de handicap")
    LOW_INCOME = "low_income", _("Ménage modeste")
    TRAVELLER = "traveller", _("Gens du voyage")
    TRANSIT_USER = "transit_user", _("Usager des transports")
    ASSOCIATION = "association", _("Association")
    ENTREPRENEUR = "entrepreneur", _("Créateur·rice d'entreprise")
    MICRO_BUSINESS = "micro_business", _("Très petite entreprise, commerçant, artisan")
    SME = "sme", _("PME")
    SOCIAL_ECONOMY = "social_economy", _("Structure de l'économie sociale et solidaire")
    FARMER = "farmer", _("Agriculteur·rice")
    COMMUNE = "commune", _("Commune")
    PUBLIC_BODY = "public_body", _("Établissement public")


class AidType(models.TextChoices):
    GRANT = "grant", _("Subvention")
    LOAN = "loan", _("Prêt")
    HONOUR_LOAN = "honour_loan", _("Prêt d'honneur")
    RECOVERABLE_ADVANCE = "recoverable_advance", _("Avance remboursable")
    GUARANTEE = "guarantee", _("Garantie")
    FEE_EXEMPTION = "fee_exemption", _("Exonération (redevance, loyer)")
    TARIFF_REDUCTION = "tariff_reduction", _("Réduction de tarif")
    REFUND = "refund", _("Remboursement")
    TECHNICAL_SUPPORT = "technical_support", _("Accompagnement, ingénierie")
    IN_KIND = "in_kind", _("Aide en nature")
    OTHER = "other", _("Autre")


class Funder(TimeStampedModel):
    """Who pays for or processes an aid (Métropole, commune, Région, State, ADIE...).

    ``members`` are the agents who manage the aids this funder owns (object permissions).
    """

    class Kind(models.TextChoices):
        METROPOLIS = "metropolis", _("Métropole")
        TERRITORY = "territory", _("Conseil de Territoire")
        COMMUNE = "commune", _("Commune")
        DEPARTMENT = "department", _("Département")
        REGION = "region", _("Région")
        STATE = "state", _("État")
        EUROPE = "europe", _("Union européenne")
        CHAMBER = "chamber", _("Chambre consulaire")
        OPERATOR = "operator", _("Opérateur de service public")
        PARTNER = "partner", _("Partenaire associatif ou privé")

    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    website = models.URLField(_("site web"), blank=True)
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="FunderMembership", related_name="aid_funders", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("financeur ou instructeur")
        verbose_name_plural = _("financeurs et instructeurs")

    def __str__(self) -> str:
        return self.name


class FunderMembership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", _("rédacteur")
        REVIEWER = "reviewer", _("relecteur (peut publier)")

    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        verbose_name = _("agent d'un financeur")
        verbose_name_plural = _("agents des financeurs")
        constraints = [
            models.UniqueConstraint(fields=["funder", "user"], name="unique_funder_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.funder}"


class AidQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Aid.Status.PUBLISHED)

    def real(self):
        return self.filter(is_synthetic=False)


class Aid(TimeStampedModel, DemoFlagModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        IN_REVIEW = "in_review", _("en relecture")
        PUBLISHED = "published", _("publiée")
        ARCHIVED = "archived", _("archivée")

    class Recurrence(models.TextChoices):
        ONE_OFF = "one_off", _("ponctuelle")
        ONGOING = "ongoing", _("permanente")
        RECURRING = "recurring", _("récurrente")

    class Scope(models.TextChoices):
        METROPOLIS = "metropolis", _("toute la Métropole")
        TERRITORIES = "territories", _("certains Territoires")
        COMMUNES = "communes", _("certaines communes")

    external_id = models.CharField(
        _("identifiant externe"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Clé stable pour les imports CSV (une ligne importée deux fois met à jour)."),
    )
    slug = models.SlugField(_("adresse"), max_length=140, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    promise = models.CharField(
        _("promesse"), max_length=300, help_text=_("Ce que l'aide apporte, en une phrase.")
    )
    description = models.TextField(_("description (Markdown)"), blank=True)
    eligibility = models.TextField(_("conditions d'éligibilité (Markdown)"), blank=True)
    examples = models.TextField(_("exemples (Markdown)"), blank=True)
    keywords = models.CharField(
        _("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules.")
    )
    audiences = models.JSONField(_("publics cibles"), default=list, blank=True)
    aid_types = models.JSONField(_("natures de l'aide"), default=list, blank=True)
    amount_min = models.DecimalField(
        _("montant minimum (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("montant maximum (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    rate_min = models.DecimalField(
        _("taux minimum (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rate_max = models.DecimalField(
        _("taux maximum (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount_text = models.CharField(
        _("montant, en clair"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « jusqu'à 50 % de l'abonnement »."),
    )
    owner = models.ForeignKey(
        Funder,
        verbose_name=_("porteur de la fiche"),
        on_delete=models.PROTECT,
        related_name="owned_aids",
        help_text=_("Ses agents rédigent et mettent à jour la fiche."),
    )
    funders = models.ManyToManyField(
        Funder, verbose_name=_("financeurs"), related_name="funded_aids", blank=True
    )
    instructing_bodies = models.ManyToManyField(
        Funder, verbose_name=_("instructeurs"), related_name="instructed_aids", blank=True
    )
    scope = models.CharField(
        _("périmètre"), max_length=12, choices=Scope.choices, default=Scope.METROPOLIS
    )
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name=_("Territoires"), blank=True, related_name="aids"
    )
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes"), blank=True, related_name="aids"
    )
    workstreams = models.ManyToManyField(
        "plan.Workstream", verbose_name=_("chantiers"), blank=True, related_name="aids"
    )
    imperatives = models.ManyToManyField(
        "plan.Imperative", verbose_name=_("impératifs"), blank=True, related_name="aids"
    )
    opens_on = models.DateField(_("ouverture le"), null=True, blank=True)
    closes_on = models.DateField(_("clôture le"), null=True, blank=True, db_index=True)
    recurrence = models.CharField(
        _("récurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONGOING
    )
    application_url = models.URLField(_("adresse pour candidater"), max_length=500, blank=True)
    contact = models.TextField(_("contact"), blank=True)
    deliberation = models.ForeignKey(
        "plan.Deliberation",
        verbose_name=_("délibération source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aids",
    )
    deliberation_reference = models.CharField(
        _("référence de la délibération"), max_length=120, blank=True
    )
    source_note = models.TextField(_("source et limites de la fiche"), blank=True)
    guides = models.ManyToManyField(
        "guides.Guide", verbose_name=_("fiches pratiques liées"), blank=True, related_name="aids"
    )
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("donnée synthétique (tests de charge)"), default=False, db_index=True
    )
    # Search: ``search_text`` is the accent- and case-free, lightly stemmed text of every
    # searchable field (SQLite search, PostgreSQL trigram fallback); ``search_extra`` holds the
    # labels of related rows (funders, places, chantiers); ``search_vector`` is the
    # weighted tsvector of everything and ``search_head`` the small one of the title (A),
    # promise and keywords (B) that orders the results by relevance groups (PostgreSQL only;
    # both stay NULL on SQLite). All maintained by services (``aids_reindex``).
    search_text = models.TextField(editable=False, blank=True, default="")
    search_extra = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)

    objects = AidQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("aide")
        verbose_name_plural = _("aides")
        indexes = [
            GinIndex(fields=["search_vector"], name="aid_search_vector_gin"),
            GinIndex(fields=["search_head"], name="aid_search_head_gin"),
            GinIndex(fields=["audiences"], name="aid_audiences_gin"),
            GinIndex(fields=["aid_types"], name="aid_types_gin"),
            # The default listing: published, newest first.
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=models.Q(status="published"),
                name="aid_published_recent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_min__lte=models.F("amount_max")),
                name="aid_amount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_min__isnull=True)
                | models.Q(rate_max__isnull=True)
                | models.Q(rate_min__lte=models.F("rate_max")),
                name="aid_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
                name="aid_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("aids:detail", kwargs={"slug": self.slug})

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[c]) for c in self.audiences if c in labels]

    @property
    def aid_type_labels(self) -> list[str]:
        labels = dict(AidType.choices)
        return [str(labels[c]) for c in self.aid_types if c in labels]

    def is_open_on(self, day) -> bool:
        if self.status != self.Status.PUBLISHED:
            return False
        return (self.opens_on is None or self.opens_on <= day) and (
            self.closes_on is None or self.closes_on >= day
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())


class SearchWord(models.Model):
    """The lexicon of the aids' words (accent-free, lower case), trigram-indexed on
    PostgreSQL: a query word that is not in it is replaced by its closest words, which is
    how "enrgie" still finds "énergie". Grows with the aids; never read on SQLite."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("mot de l'index")
        verbose_name_plural = _("mots de l'index")

    def __str__(self) -> str:
        return self.word


# The languages of the e-mails (``settings.LANGUAGES``, spelt as ``accounts.User.language``).
LANGUAGES = [("fr", "Français"), ("en", "English")]
# How long the link of a "confirm this change" e-mail stays valid.
PENDING_CHANGE_DAYS = 7


def _token() -> str:
    return secrets.token_urlsafe(32)


def alert_fingerprint(email: str, query: dict) -> str:
    """What makes two alerts the same: the address (trimmed, lower case) and the saved
    criteria, normalised (keys sorted, values trimmed, lists sorted without repeats, empty
    values dropped). At most one alert in force per fingerprint (a database constraint)."""
    criteria = {}
    for key, value in (query or {}).items():
        if isinstance(value, list | tuple):
            value = sorted({str(v).strip() for v in value if str(v).strip()})
        elif value is not None:
            value = str(value).strip()
        if value:
            criteria[str(key)] = value
    text = (email or "").strip().lower() + "\n" + json.dumps(criteria, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AidAlert(TimeStampedModel):
    """A saved search: new published aids matching it are e-mailed daily or weekly.

    Double opt-in: the alert sends nothing until ``confirmed_at`` is set from the link of the
    confirmation e-mail. ``token`` authenticates the confirm and one-click unsubscribe links.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", _("chaque jour")
        WEEKLY = "weekly", _("chaque semaine")

    email = models.EmailField(_("adresse e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="aid_alerts",
    )
    title = models.CharField(_("nom de l'alerte"), max_length=200, blank=True)
    query = models.JSONField(_("recherche enregistrée"), default=dict)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrite le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    # The language of the page where the alert was saved: its e-mails are written in it (the
    # address's account's own language wins when the address belongs to an account).
    language = models.CharField(
        _("langue des e-mails"), max_length=8, choices=LANGUAGES, default="fr"
    )
    # A change asked for an alert already confirmed (by anyone who types the address) waits
    # here until the address's owner confirms it from the e-mail's link.
    pending_frequency = models.CharField(
        _("fréquence demandée"), max_length=10, choices=Frequency.choices, blank=True
    )
    pending_language = models.CharField(
        _("langue demandée"), max_length=8, choices=LANGUAGES, blank=True
    )
    pending_requested_at = models.DateTimeField(_("changement demandé le"), null=True, blank=True)
    # ``alert_fingerprint(email, query)``, set on every save: two identical subscriptions sent
    # at the same instant cannot both create an alert (constraint below).
    fingerprint = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("alerte sur les aides")
        verbose_name_plural = _("alertes sur les aides")
        indexes = [models.Index(fields=["frequency", "confirmed_at", "unsubscribed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(unsubscribed_at__isnull=True),
                name="aids_alert_one_in_force_per_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.email

    def save(self, *args, **kwargs):
        self.fingerprint = alert_fingerprint(self.email, self.query)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"email", "query"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "fingerprint"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def has_pending_change(self) -> bool:
        """A change asked less than ``PENDING_CHANGE_DAYS`` ago and not yet confirmed."""
        return self.pending_requested_at is not None and (
            self.pending_requested_at > timezone.now() - dt.timedelta(days=PENDING_CHANGE_DAYS)
        )


class AidAlertDelivery(models.Model):
    """The log of aids already sent to an alert: the unique constraint guarantees that an aid
    is never sent twice to the same alert, even if two digests run at once."""

    alert = models.ForeignKey(AidAlert, on_delete=models.CASCADE, related_name="deliveries")
    aid = models.ForeignKey(Aid, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("envoi d'alerte")
        verbose_name_plural = _("envois d'alertes")
        constraints = [
            models.UniqueConstraint(fields=["alert", "aid"], name="unique_alert_delivery")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.aid_id}"
