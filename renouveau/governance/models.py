"""Governance: the bodies of the plan (committee, convention, councils), their members,
meetings (with registrations and iCalendar), the citizens' convention draw, recommendations
and the Metropolis' responses, places, partners and the OECD comparative indicators."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel


class Body(TimeStampedModel):
    """An instance of governance named by the plan (reference data, ``data/bodies.json``)."""

    class Kind(models.TextChoices):
        COMMITTEE = "governance_committee", _("Comité de gouvernance")
        CIVIL_SOCIETY = "civil_society_council", _("Conseil de la société civile")
        YOUTH = "youth_council", _("Conseil des jeunes")
        CONVENTION = "citizens_convention", _("Convention citoyenne")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices)
    mission = models.TextField(_("mission"))
    composition = models.TextField(_("composition"), blank=True)
    selection = models.TextField(_("désignation des membres"), blank=True)
    source_quote = models.TextField(_("citation du plan"), blank=True)
    planned_for = models.CharField(_("échéance prévue"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("instance")
        verbose_name_plural = _("instances")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body", kwargs={"code": self.code})


class Membership(DemoFlagModel, TimeStampedModel):
    """A member of a public body: only what is public (name, college, commune, dates)."""

    class College(models.TextChoices):
        ELECTED = "elected", _("élu·e")
        DRAWN = "drawn_resident", _("habitant·e tiré·e au sort")
        ASSOCIATION = "association", _("association")
        BUSINESS = "business", _("entreprise")
        CHAMBER = "chamber", _("chambre consulaire")
        ACADEMIC = "academic", _("université, recherche, enseignement")
        YOUTH = "youth", _("jeune")
        EXPERT = "expert", _("expert·e")
        CIVIL_SOCIETY = "civil_society", _("société civile")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    public_name = models.CharField(_("nom public"), max_length=150)
    college = models.CharField(_("collège"), max_length=30, choices=College.choices)
    quality = models.CharField(_("qualité"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_on = models.DateField(_("depuis le"))
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte sur la plateforme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_memberships",
    )

    class Meta:
        ordering = ["body", "college", "public_name"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="governance_membership_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_name} ({self.body})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class Place(DemoFlagModel, TimeStampedModel):
    """The Maison du Projet, its antennas in the Territoires, tiers-lieux."""

    class Kind(models.TextChoices):
        PROJECT_HOUSE = "project_house", _("Maison du Projet")
        BRANCH = "project_house_branch", _("antenne de la Maison du Projet")
        THIRD_PLACE = "third_place", _("tiers-lieu")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("adresse"), max_length=300)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True)
    services = models.TextField(_("services proposés"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:place", kwargs={"pk": self.pk})


class Meeting(DemoFlagModel, TimeStampedModel):
    """A sitting of a body, or a public meeting of the plan."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("prévue")
        CANCELLED = "cancelled", _("annulée")

    uid = models.UUIDField(_("identifiant iCalendar"), default=uuid.uuid4, unique=True)
    body = models.ForeignKey(
        Body,
        verbose_name=_("instance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.ForeignKey(
        Place,
        verbose_name=_("lieu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    location = models.CharField(
        _("adresse ou lien"),
        max_length=300,
        blank=True,
        help_text=_("Si la réunion n'a pas lieu dans un lieu du plan."),
    )
    agenda = models.TextField(_("ordre du jour"))
    is_public = models.BooleanField(
        _("ouverte au public"),
        default=True,
        help_text=_("Une réunion à huis clos est annoncée mais sans inscription."),
    )
    capacity = models.PositiveIntegerField(
        _("places pour le public"),
        null=True,
        blank=True,
        help_text=_("Laisser vide s'il n'y a pas d'inscription."),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    cancellation_reason = models.TextField(_("motif de l'annulation"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    minutes_published_at = models.DateTimeField(_("compte rendu publié le"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("révision iCalendar"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="governance_meeting_dates"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(is_public=True),
                name="governance_meeting_capacity_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def takes_registrations(self) -> bool:
        return (
            self.is_public
            and self.capacity is not None
            and not self.is_cancelled
            and self.starts_at > timezone.now()
        )

    @property
    def where(self) -> str:
        if self.place_id:
            return f"{self.place.name}, {self.place.address}, {self.place.commune.name}"
        return self.location


def document_path(instance, filename: str) -> str:
    """Stored under a random name: nothing of the uploaded name reaches the file system."""
    return f"governance/documents/{uuid.uuid4().hex}.pdf"


class MeetingDocument(TimeStampedModel):
    """A document of a meeting: a link, or a PDF uploaded by the organisers (checked: size,
    ``%PDF-`` signature), served as an attachment under ``filename``."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("adresse du document"), blank=True)
    file = models.FileField(_("fichier PDF"), upload_to=document_path, blank=True, max_length=200)
    filename = models.CharField(_("nom du fichier"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("document de réunion")
        verbose_name_plural = _("documents de réunion")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="governance_document_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        if self.file:
            return reverse(
                "governance:meeting_document_file",
                kwargs={"pk": self.meeting_id, "document": self.pk, "filename": self.filename},
            )
        return self.url


class Registration(models.Model):
    """One resident's seat at a public meeting: at most one per (meeting, user)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)
    from_waitlist = models.BooleanField(_("inscrit·e depuis la liste d'attente"), default=False)
    # Set when the reminder of the day before is sent: it goes once per registration, even if
    # the daily job runs twice or on two workers at once.
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="governance_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.user_id}"


class WaitlistEntry(models.Model):
    """A resident waiting for a seat at a full meeting. The first one waiting (lowest id: joins
    are serialised by the meeting's row lock) is registered automatically when a seat frees."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_waitlist"
    )
    created_at = models.DateTimeField(_("en attente depuis le"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("place en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="governance_waitlist_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.user_id}"


AGE_BANDS = (
    ("16-29", _("16 à 29 ans")),
    ("30-44", _("30 à 44 ans")),
    ("45-59", _("45 à 59 ans")),
    ("60-74", _("60 à 74 ans")),
    ("75+", _("75 ans et plus")),
)


def new_seed() -> str:
    """The secret seed of a draw, generated by the server when the draw is prepared."""
    return secrets.token_hex(16)


def seed_fingerprint(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


class Draw(DemoFlagModel, TimeStampedModel):
    """A drawing of lots among volunteer candidates, with published quotas and seed."""

    class Status(models.TextChoices):
        OPEN = "open", _("candidatures ouvertes")
        CLOSED = "closed", _("candidatures closes")
        DRAWN = "drawn", _("tirage publié")

    body = models.ForeignKey(
        Body, verbose_name=_("instance"), on_delete=models.PROTECT, related_name="draws"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"))
    seats = models.PositiveSmallIntegerField(_("nombre de sièges"))
    quotas = models.JSONField(
        _("quotas"),
        default=dict,
        blank=True,
        help_text=_("Par dimension (territory, gender, age_band) : nombre de sièges par valeur."),
    )
    closes_on = models.DateField(_("candidatures jusqu'au"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default="open")
    seed = models.CharField(
        _("graine secrète"),
        max_length=200,
        default=new_seed,
        editable=False,
        help_text=_(
            "Tirée par le serveur à la préparation du tirage ; seule son empreinte est publiée "
            "avant le tirage, la graine l'est avec le résultat."
        ),
    )
    drawn_at = models.DateTimeField(_("tiré le"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-closes_on", "-id"]
        verbose_name = _("tirage au sort")
        verbose_name_plural = _("tirages au sort")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:draw", kwargs={"pk": self.pk})

    @property
    def accepts_candidates(self) -> bool:
        return self.status == self.Status.OPEN and self.closes_on >= timezone.localdate()

    @property
    def seed_fingerprint(self) -> str:
        """SHA-256 of the secret seed, published as soon as the draw is prepared: the seed
        published with the result can be checked against it (commitment)."""
        return seed_fingerprint(self.seed)

    @property
    def published_seed(self) -> str:
        """The seed, only once the draw has taken place ("" before)."""
        return self.seed if self.status == self.Status.DRAWN else ""


def _public_code() -> str:
    return secrets.token_hex(4).upper()


class Candidate(models.Model):
    """A resident volunteering for a draw. Only what the stratification needs is kept: the
    Territoire (from the commune), the age band and the gender as declared; published under a
    random pseudonymous code unless drawn."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("femme")
        MAN = "man", _("homme")
        OTHER = "other", _("autre ou non précisé")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draw_candidacies",
    )
    code = models.CharField(_("code public"), max_length=8, default=_public_code)
    public_name = models.CharField(
        _("nom publié si vous êtes tiré·e au sort"),
        max_length=100,
        help_text=_("Par exemple votre prénom et l'initiale de votre nom."),
    )
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(_("tranche d'âge"), max_length=5, choices=AGE_BANDS)
    gender = models.CharField(_("genre (tel que vous le déclarez)"), max_length=10, choices=Gender)
    consented_at = models.DateTimeField(_("consentement donné le"))
    rank = models.PositiveIntegerField(_("rang dans l'ordre aléatoire"), null=True, blank=True)
    selected = models.BooleanField(_("tiré·e au sort"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "user"],
                name="governance_candidate_once",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(fields=["draw", "code"], name="governance_candidate_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Recommendation(DemoFlagModel, TimeStampedModel):
    """What a body recommends, and the Metropolis' public response (« suite donnée »)."""

    class Response(models.TextChoices):
        PENDING = "pending", _("en attente de réponse")
        ADOPTED = "adopted", _("adoptée")
        PARTIAL = "partial", _("adoptée en partie")
        STUDYING = "studying", _("à l'étude")
        REJECTED = "rejected", _("non retenue")

    body = models.ForeignKey(
        Body, verbose_name=_("instance"), on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.CharField(_("numéro"), max_length=20)
    title = models.CharField(_("titre"), max_length=250)
    text = models.TextField(_("texte de la recommandation"))
    made_on = models.DateField(_("émise le"))
    response = models.CharField(
        _("suite donnée"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    response_text = models.TextField(_("justification de la réponse"), blank=True)
    responded_on = models.DateField(_("réponse du"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made_on", "number"]
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="governance_recommendation_no"),
            models.CheckConstraint(
                condition=Q(response="pending") | ~Q(response_text=""),
                name="governance_response_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:recommendation", kwargs={"pk": self.pk})


class Partner(TimeStampedModel):
    """A partner of the plan (reference data), with its agreements from the ``plan`` app."""

    class Kind(models.TextChoices):
        STATE = "state", _("État et ses agences")
        REGION = "region", _("Région")
        DEPARTMENT = "department", _("Département")
        EUROPE = "europe", _("Union européenne")
        INTERNATIONAL = "international", _("organisation internationale")
        CHAMBER = "chamber", _("chambre consulaire")
        UNIVERSITY = "university", _("université")
        PUBLIC_ACTOR = "public_actor", _("acteur public")
        ASSOCIATION = "association", _("association")
        NEIGHBOUR = "neighbour", _("territoire voisin")
        NETWORK = "network", _("réseau de collectivités")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    role = models.TextField(_("rôle dans le plan"))
    source_quote = models.TextField(_("citation de la source"), blank=True)
    agreements = models.ManyToManyField(
        "plan.Agreement", verbose_name=_("conventions"), blank=True, related_name="partners"
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")

    def __str__(self) -> str:
        return self.name


class ComparisonIndicator(DemoFlagModel, TimeStampedModel):
    """An indicator compared between metropolises (the OECD study's comparative data)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40)
    definition = models.TextField(_("définition"))
    source = models.CharField(_("source"), max_length=300)
    year = models.PositiveSmallIntegerField(_("année"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicateur comparatif")
        verbose_name_plural = _("indicateurs comparatifs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:indicator", kwargs={"code": self.code})


class ComparisonValue(DemoFlagModel, TimeStampedModel):
    indicator = models.ForeignKey(
        ComparisonIndicator, on_delete=models.CASCADE, related_name="values"
    )
    metropolis = models.CharField(_("métropole"), max_length=120)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    is_home = models.BooleanField(_("notre métropole"), default=False)
    source_note = models.CharField(_("précision sur la source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-is_home", "metropolis"]
        verbose_name = _("valeur comparée")
        verbose_name_plural = _("valeurs comparées")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "metropolis"], name="governance_value_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.metropolis}"
