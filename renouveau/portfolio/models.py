"""The prioritisation grid (criteria, assessors' scores with history) and scenarios (weights,
constraints) whose runs give programmes: the projects chosen under the constraints."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel

# The French "budget vert" of local authorities (I4CE method) rates each expense on six
# environmental axes, the axes of the EU taxonomy.
GREEN_AXES = [
    ("climate_mitigation", _("Atténuation du changement climatique")),
    ("climate_adaptation", _("Adaptation au changement climatique et prévention des risques")),
    ("water", _("Gestion de la ressource en eau")),
    ("circular_economy", _("Économie circulaire, déchets et risques technologiques")),
    ("pollution", _("Lutte contre les pollutions")),
    ("biodiversity", _("Biodiversité et protection des espaces naturels et agricoles")),
]


class GreenRating(models.TextChoices):
    VERY_FAVOURABLE = "very_favourable", _("très favorable")
    FAVOURABLE = "favourable", _("favorable")
    NEUTRAL = "neutral", _("neutre")
    UNFAVOURABLE = "unfavourable", _("défavorable")
    TO_DEFINE = "to_define", _("à définir")


# Each rating on the grid's 0-4 scale; "to be defined" does not count (and is reported).
GREEN_RATING_VALUES = {
    GreenRating.VERY_FAVOURABLE: Decimal("4"),
    GreenRating.FAVOURABLE: Decimal("3"),
    GreenRating.NEUTRAL: Decimal("2"),
    GreenRating.UNFAVOURABLE: Decimal("0"),
}


class Grid(TimeStampedModel):
    slug = models.SlugField(_("adresse"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    is_default = models.BooleanField(_("grille en vigueur"), default=False)

    class Meta:
        verbose_name = _("grille de priorisation")
        verbose_name_plural = _("grilles de priorisation")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_grid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    class Family(models.TextChoices):
        IMPACT = "impact", _("utilité pour le plan")
        DELIVERY = "delivery", _("faisabilité et urgence")

    class Kind(models.TextChoices):
        SCALE = "scale", _("échelle de notes")
        GREEN_BUDGET = "green_budget", _("budget vert (par axe environnemental)")

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("critère"), max_length=200)
    family = models.CharField(_("famille"), max_length=20, choices=Family.choices)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SCALE)
    scale_min = models.PositiveSmallIntegerField(_("note minimale"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("note maximale"), default=4)
    levels = models.JSONField(
        _("niveaux"),
        default=dict,
        blank=True,
        help_text=_('Le sens de chaque note, par exemple {"0": "aucun effet", ...}.'),
    )
    guidance = models.TextField(_("consignes de notation (Markdown)"), blank=True)
    default_weight = models.DecimalField(
        _("poids par défaut"), max_digits=6, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["grid", "position", "id"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="unique_criterion_code"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def level_choices(self) -> list[tuple[int, str]]:
        return [
            (v, f"{v} — {self.levels.get(str(v), '')}".rstrip(" —"))
            for v in range(self.scale_min, self.scale_max + 1)
        ]

    def normalise(self, value) -> float:
        return (float(value) - self.scale_min) / (self.scale_max - self.scale_min)


class Score(TimeStampedModel):
    """One assessor's mark of one project on one criterion, with its justification. Every
    change appends a ``ScoreRevision`` (the history) and an audit line."""

    project = models.ForeignKey(
        "monitoring.Project", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portfolio_scores"
    )
    value = models.DecimalField(_("note"), max_digits=5, decimal_places=2, null=True, blank=True)
    axes = models.JSONField(_("cotation par axe"), default=dict, blank=True)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["criterion__position", "assessor_id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "criterion", "assessor"], name="unique_score_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} / {self.criterion}: {self.value}"

    def axis_ratings(self) -> list[tuple[str, str]]:
        labels = dict(GreenRating.choices)
        return [
            (str(label), str(labels.get(self.axes.get(code), "—"))) for code, label in GREEN_AXES
        ]


class ScoreRevision(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    axes = models.JSONField(default=dict, blank=True)
    justification = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("version d'une note")
        verbose_name_plural = _("historique des notes")

    def __str__(self) -> str:
        return f"{self.score_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Scenario(TimeStampedModel, DemoFlagModel):
    class Method(models.TextChoices):
        WEIGHTED_SUM = "weighted_sum", _("somme pondérée")
        TOPSIS = "topsis", _("TOPSIS (distance à l'idéal)")
        PROMETHEE = "promethee", _("PROMETHEE II (surclassement)")

    slug = models.SlugField(_("adresse"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="scenarios")
    method = models.CharField(
        _("méthode de classement"), max_length=20, choices=Method.choices,
        default=Method.WEIGHTED_SUM,
    )  # fmt: skip
    first_year = models.PositiveSmallIntegerField(
        _("première année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("dernière année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    sensitivity_percent = models.PositiveSmallIntegerField(
        _("variation des poids testée (%)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )  # fmt: skip
    is_public = models.BooleanField(_("public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="scenario_years_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portfolio:scenario", kwargs={"slug": self.slug})

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError(
                {"last_year": _("La dernière année doit suivre la première année.")}
            )
        if self.first_year and self.last_year and self.last_year - self.first_year > 15:
            raise ValidationError({"last_year": _("Un scénario couvre au plus 16 années.")})


class ScenarioWeight(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(
        _("poids"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "criterion"], name="unique_weight"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="weight_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.weight}"


class ScenarioConstraint(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("budget annuel maximal")
        WORKSTREAM_MIN = "workstream_min", _("investissement annuel minimal d'un chantier")
        TERRITORY_SHARE = "territory_share", _("part minimale d'un Territoire")
        MANDATORY = "mandatory", _("projet obligatoire")
        EXCLUDED = "excluded", _("projet écarté")
        INCOMPATIBLE = "incompatible", _("projets incompatibles")
        REQUIRES = "requires", _("projet dépendant d'un autre")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="constraints")
    kind = models.CharField(_("contrainte"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, help_text=_("Vide : chaque année du scénario.")
    )
    amount_eur = models.DecimalField(
        _("montant (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    share_percent = models.DecimalField(
        _("part (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    workstream = models.ForeignKey(
        "plan.Workstream", verbose_name=_("chantier"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("Territoire"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
        help_text=_("Vide : chaque Territoire."),
    )  # fmt: skip
    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("projet"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    other_project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("autre projet"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["kind", "year", "id"]
        verbose_name = _("contrainte")
        verbose_name_plural = _("contraintes")

    REQUIRED = {
        Kind.BUDGET: ("amount_eur",),
        Kind.WORKSTREAM_MIN: ("amount_eur", "workstream"),
        Kind.TERRITORY_SHARE: ("share_percent",),
        Kind.MANDATORY: ("project",),
        Kind.EXCLUDED: ("project",),
        Kind.INCOMPATIBLE: ("project", "other_project"),
        Kind.REQUIRES: ("project", "other_project"),
    }

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def clean(self):
        errors = {}
        for name in self.REQUIRED.get(self.kind, ()):
            if getattr(self, name) in (None, ""):
                errors[name] = _("Ce champ est nécessaire pour ce type de contrainte.")
        if self.amount_eur is not None and self.amount_eur < 0:
            errors["amount_eur"] = _("Le montant ne peut pas être négatif.")
        if self.project_id and self.other_project_id and self.project_id == self.other_project_id:
            errors["other_project"] = _("Choisissez deux projets différents.")
        if errors:
            raise ValidationError(errors)


class Programme(models.Model):
    """One run of a scenario: the projects chosen, how each constraint is used, or why the
    constraints cannot hold together. Kept so that runs can be compared side by side."""

    class Status(models.TextChoices):
        PENDING = "pending", _("calcul en cours")
        OPTIMAL = "optimal", _("optimal")
        TIME_LIMIT = "time_limit", _("meilleur trouvé dans le temps imparti")
        INFEASIBLE = "infeasible", _("contraintes incompatibles")
        ERROR = "error", _("échec du calcul")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="programmes")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("résultat"), max_length=20, choices=Status.choices)
    objective = models.FloatField(_("utilité totale"), default=0)
    gap = models.FloatField(_("écart à l'optimum prouvé"), null=True, blank=True)
    seconds = models.FloatField(_("durée du calcul (s)"), default=0)
    fingerprint = models.CharField(max_length=64, blank=True)
    candidates = models.JSONField(default=list)  # project ids, in the problem's order
    utilities = models.JSONField(default=list)  # per candidate
    selected = models.JSONField(default=list)  # chosen project ids
    uses = models.JSONField(default=list)  # [{key, label, kind, activity, lb, ub, binding}]
    conflict = models.JSONField(default=list)  # [{key, label, kind}] when infeasible
    conflict_minimal = models.BooleanField(default=True)
    yearly = models.JSONField(default=list)  # [{year, cost_eur}]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("programmation")
        verbose_name_plural = _("programmations")

    def __str__(self) -> str:
        return f"{self.scenario} — {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:programme", kwargs={"pk": self.pk})
