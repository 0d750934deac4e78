from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import TimeStampedModel


class Plan(TimeStampedModel):
    code = models.SlugField(unique=True)
    title = models.CharField(_("titre"), max_length=255)
    deliberation_number = models.CharField(_("délibération-cadre"), max_length=60, blank=True)
    adopted_on = models.DateField(_("adopté le"), null=True, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    extra = models.JSONField(
        _("autres éléments"),
        default=dict,
        blank=True,
        help_text=_(
            "Instances, lieux, méthode, risques et chiffres clés, tels que le texte les nomme."
        ),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title


class PlanSection(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=255)
    text = models.TextField(_("texte (Markdown)"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("partie du plan")
        verbose_name_plural = _("parties du plan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_section")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Imperative(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imperatives")
    code = models.SlugField(_("code"))
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("impératif")
        verbose_name_plural = _("impératifs")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_imperative")]

    def __str__(self) -> str:
        return self.title


class Workstream(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    number = models.PositiveSmallIntegerField(_("numéro"))
    slug = models.SlugField(_("adresse"), max_length=120)
    title = models.CharField(_("titre"), max_length=300)
    summary = models.TextField(_("en une phrase"), blank=True)
    text = models.TextField(_("texte (Markdown)"), blank=True)
    imperatives = models.ManyToManyField(Imperative, blank=True, related_name="workstreams")

    class Meta:
        ordering = ["number"]
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_workstream_number"),
            models.UniqueConstraint(fields=["plan", "slug"], name="unique_workstream_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan:workstream", kwargs={"slug": self.slug})


class Target(models.Model):
    class Kind(models.TextChoices):
        MINIMUM = "minimum", _("au moins")
        MAXIMUM = "maximum", _("au plus")
        EXACT = "exact", _("exactement")

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(_("code"), max_length=80)
    label = models.CharField(_("libellé"), max_length=300)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    kind = models.CharField(_("sens"), max_length=10, choices=Kind.choices, default=Kind.MINIMUM)
    period = models.CharField(_("période"), max_length=60, blank=True)
    source_quote = models.TextField(_("citation du plan"), blank=True)

    class Meta:
        ordering = ["workstream__number", "id"]
        verbose_name = _("objectif chiffré")
        verbose_name_plural = _("objectifs chiffrés")
        constraints = [models.UniqueConstraint(fields=["workstream", "code"], name="unique_target")]

    def __str__(self) -> str:
        return self.label


class EmergencyMeasure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="emergency_measures")
    group = models.CharField(_("finalité"), max_length=200)
    title = models.TextField(_("mesure"))
    figures = models.CharField(_("chiffres"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("mesure d'urgence")
        verbose_name_plural = _("mesures d'urgence")

    def __str__(self) -> str:
        return self.title[:80]


class Session(models.Model):
    class Body(models.TextChoices):
        CONSEIL = "conseil", _("Conseil de la Métropole")
        BUREAU = "bureau", _("Bureau de la Métropole")

    body = models.CharField(_("instance"), max_length=20, choices=Body.choices)
    date = models.DateField(_("date"))
    president = models.CharField(_("présidence"), max_length=200, blank=True)
    present_count = models.PositiveIntegerField(_("membres présents"), null=True, blank=True)
    attendance = models.JSONField(_("présences"), default=dict, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        constraints = [models.UniqueConstraint(fields=["body", "date"], name="unique_session")]

    def __str__(self) -> str:
        return f"{self.get_body_display()} — {self.date:%d/%m/%Y}"


class Deliberation(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deliberations")
    number = models.CharField(_("numéro"), max_length=40)
    body = models.CharField(_("instance"), max_length=20, choices=Session.Body.choices)
    session_date = models.DateField(_("séance du"))
    title = models.TextField(_("objet"))
    full_reference = models.CharField(_("référence complète"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session_date", "body", "position"]
        verbose_name = _("délibération")
        verbose_name_plural = _("délibérations")
        constraints = [
            models.UniqueConstraint(fields=["plan", "body", "number"], name="unique_deliberation")
        ]

    def __str__(self) -> str:
        return f"n° {self.number} — {self.title[:80]}"


class Agreement(TimeStampedModel):
    """A contract with a partner (e.g. the OECD study), with its deliverables."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agreements")
    code = models.SlugField(_("code"))
    partner = models.CharField(_("partenaire"), max_length=255)
    title = models.CharField(_("objet"), max_length=300)
    amount_eur = models.DecimalField(
        _("montant (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_basis = models.CharField(_("base du montant"), max_length=10, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("exercice"), null=True, blank=True)
    ends_on = models.DateField(_("fin de l'accord"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)
    deliberation = models.ForeignKey(
        Deliberation, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements"
    )
    budget_line = models.CharField(_("imputation budgétaire"), max_length=200, blank=True)
    details = models.JSONField(_("autres éléments"), default=dict, blank=True)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_agreement")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan:agreement", kwargs={"code": self.code})


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("prévu")
        IN_PROGRESS = "in_progress", _("en cours")
        DELIVERED = "delivered", _("livré")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(_("livrable"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")

    def __str__(self) -> str:
        return self.title
