"""Projects of the plan and their follow-up: milestones, spending, funding, indicators.

A ``Project`` is any investment or action of the plan, whatever its origin (a chantier, a call
for projects, a deliberation, a partner contract). Other apps create projects through
``services.project_create``; they never import this module's internals beyond the model.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel

MIN_YEAR = 2000
MAX_YEAR = 2100


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        from .rules import can_see_unpublished  # noqa: PLC0415

        if can_see_unpublished(user):
            return self
        return self.published()


class Project(TimeStampedModel, DemoFlagModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposé")
        PLANNED = "planned", _("programmé")
        IN_PROGRESS = "in_progress", _("en cours")
        COMPLETED = "completed", _("achevé")
        SUSPENDED = "suspended", _("suspendu")
        CANCELLED = "cancelled", _("abandonné")

    class Origin(models.TextChoices):
        WORKSTREAM = "workstream", _("chantier du plan")
        CALL = "call", _("appel à projets")
        DELIBERATION = "deliberation", _("délibération")
        AGREEMENT = "agreement", _("convention de partenariat")
        OTHER = "other", _("autre")

    slug = models.SlugField(_("adresse"), max_length=140, unique=True)
    title = models.CharField(_("intitulé"), max_length=255)
    summary = models.TextField(_("description (Markdown)"), blank=True)
    owner = models.CharField(
        _("maître d'ouvrage"), max_length=200, help_text=_("Qui porte le projet.")
    )
    workstreams = models.ManyToManyField(
        "plan.Workstream", verbose_name=_("chantiers"), related_name="projects", blank=True
    )
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name=_("Territoires"), related_name="projects", blank=True
    )
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes"), related_name="projects", blank=True
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    start_on = models.DateField(_("début"), null=True, blank=True)
    end_on = models.DateField(_("fin prévue"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("emplois créés"), default=0)
    jobs_kept = models.PositiveIntegerField(_("emplois maintenus"), default=0)
    origin_kind = models.CharField(
        _("origine"), max_length=20, choices=Origin.choices, default=Origin.WORKSTREAM
    )
    origin_ref = models.CharField(
        _("référence d'origine"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple l'appel à projets et le numéro du projet déposé."),
    )
    deliberation = models.ForeignKey(
        "plan.Deliberation",
        verbose_name=_("délibération d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="origin_of_projects",
    )
    agreement = models.ForeignKey(
        "plan.Agreement",
        verbose_name=_("convention d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    deliberations = models.ManyToManyField(
        "plan.Deliberation",
        verbose_name=_("délibérations liées"),
        related_name="projects",
        blank=True,
    )
    # Denormalised from Spending by the services, so that lists and the optimiser read one row.
    total_cost_eur = models.DecimalField(
        _("coût total prévu (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    is_published = models.BooleanField(_("publié"), default=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_le_100"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("monitoring:project", kwargs={"slug": self.slug})

    @property
    def jobs_total(self) -> int:
        return self.jobs_created + self.jobs_kept


class Spending(models.Model):
    """The money of one project for one year: planned (the cost), committed, paid."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spendings")
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    planned_eur = models.DecimalField(
        _("prévu (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    committed_eur = models.DecimalField(
        _("engagé (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    paid_eur = models.DecimalField(
        _("mandaté (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("dépense annuelle")
        verbose_name_plural = _("dépenses annuelles")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="unique_spending_year"),
            models.CheckConstraint(
                condition=Q(planned_eur__gte=0) & Q(committed_eur__gte=0) & Q(paid_eur__gte=0),
                name="spending_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.year}"


class Funding(models.Model):
    class Source(models.TextChoices):
        METROPOLIS = "metropolis", _("Métropole")
        STATE = "state", _("État")
        REGION = "region", _("Région")
        DEPARTMENT = "department", _("Département")
        EU_RECOVERY = "eu_recovery", _("Union européenne (fonds de relance)")
        COMMUNE = "commune", _("commune")
        PRIVATE = "private", _("privé")
        OTHER = "other", _("autre")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("financeur"), max_length=20, choices=Source.choices)
    amount_eur = models.DecimalField(_("montant (€)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("précision"), max_length=200, blank=True)

    class Meta:
        ordering = ["-amount_eur"]
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        constraints = [
            models.CheckConstraint(condition=Q(amount_eur__gte=0), name="funding_non_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.amount_eur}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("jalon"), max_length=200)
    due_on = models.DateField(_("date prévue"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    note = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")

    def __str__(self) -> str:
        return self.title


class ProjectDocument(models.Model):
    """A public document about a project (report, plan, photo page), by its address."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("adresse"), max_length=500)

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Indicator(DemoFlagModel):
    """A measured quantity of a project (km of cycle lanes, jobs...), optionally counting
    towards a quantified target of the plan (``plan.Target``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    target = models.ForeignKey(
        "plan.Target",
        verbose_name=_("objectif du plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    label = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40)
    baseline_value = models.DecimalField(
        _("valeur de départ"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    baseline_on = models.DateField(_("date de la valeur de départ"), null=True, blank=True)
    target_value = models.DecimalField(_("valeur cible"), max_digits=14, decimal_places=2)
    target_on = models.DateField(_("échéance de la cible"), null=True, blank=True)

    class Meta:
        ordering = ["project__title", "label"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self) -> str:
        return f"{self.label} ({self.unit})"


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur mesurée"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="unique_measurement_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.measured_on}: {self.value}"
