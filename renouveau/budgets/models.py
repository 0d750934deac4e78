"""Participatory budget of a call: envelopes, ballots, results and the tracking of winners.

Privacy: a :class:`Ballot` keeps its voter only so that the voter can change it and vote once;
no page, export or API shows who voted what (results and pabulib files are anonymised).
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


class BallotType(models.TextChoices):
    APPROVAL_BUDGET = "approval_budget", _("Choix de projets dans la limite de l'enveloppe")
    APPROVAL_COUNT = "approval_count", _("Choix d'un nombre maximal de projets")
    CUMULATIVE = "cumulative", _("Répartition de points")


class Envelope(TimeStampedModel, DemoFlagModel):
    """The money of a call, or of one Territoire or one theme (chantier) within it.

    A project belongs to the envelope of its Territoire (via its commune) or of its theme; an
    envelope with neither takes every accepted project of the call. Voters must live in the
    envelope's Territoire (or anywhere in the metropolis).
    """

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="envelopes")
    name = models.CharField(_("nom"), max_length=120)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("Territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
    )
    workstream = models.ForeignKey(
        "plan.Workstream",
        verbose_name=_("thème (chantier)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
    )
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    ballot_type = models.CharField(
        _("type de bulletin"),
        max_length=20,
        choices=BallotType.choices,
        default=BallotType.APPROVAL_BUDGET,
    )
    min_share_percent = models.PositiveSmallIntegerField(
        _("part minimale à dépenser (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Bulletin « dans la limite de l'enveloppe » : part du montant à atteindre."),
    )
    max_projects = models.PositiveSmallIntegerField(
        _("nombre maximal de projets"), null=True, blank=True
    )
    points_total = models.PositiveSmallIntegerField(_("points à répartir"), null=True, blank=True)
    max_points_per_project = models.PositiveSmallIntegerField(
        _("points maximum par projet"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("enveloppe")
        verbose_name_plural = _("enveloppes")
        ordering = ["call", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="envelope_amount_positive"),
            models.CheckConstraint(
                condition=Q(min_share_percent__lte=100), name="envelope_min_share_percent"
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type="approval_count") | Q(max_projects__gte=1),
                name="envelope_count_needs_max_projects",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type="cumulative") | Q(points_total__gte=1),
                name="envelope_cumulative_needs_points",
            ),
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(territory__isnull=True, workstream__isnull=True),
                name="unique_global_envelope",
            ),
            models.UniqueConstraint(
                fields=["call", "territory"],
                condition=Q(territory__isnull=False),
                name="unique_territory_envelope",
            ),
            models.UniqueConstraint(
                fields=["call", "workstream"],
                condition=Q(workstream__isnull=False),
                name="unique_workstream_envelope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:vote", kwargs={"pk": self.pk})

    @property
    def scope(self) -> str:
        if self.territory_id:
            return "territory"
        if self.workstream_id:
            return "workstream"
        return "global"

    @property
    def min_spend(self) -> Decimal:
        return (self.amount * self.min_share_percent / Decimal(100)).quantize(Decimal("0.01"))

    def rules_text(self) -> str:
        from renouveau.core.templatetags.renouveau import amount

        if self.ballot_type == BallotType.APPROVAL_BUDGET:
            text = _("Choisissez les projets que vous soutenez, pour %(amount)s au plus.") % {
                "amount": amount(self.amount, "€")
            }
            if self.min_share_percent:
                text += " " + _("Votre choix doit atteindre au moins %(min)s (%(pct)s %%).") % {
                    "min": amount(self.min_spend, "€"),
                    "pct": self.min_share_percent,
                }
            return text
        if self.ballot_type == BallotType.APPROVAL_COUNT:
            return _("Choisissez jusqu'à %(n)s projets.") % {"n": self.max_projects}
        text = _("Répartissez jusqu'à %(n)s points entre les projets que vous soutenez.") % {
            "n": self.points_total
        }
        if self.max_points_per_project:
            text += " " + _("Au plus %(m)s points par projet.") % {"m": self.max_points_per_project}
        return text


class Ballot(models.Model):
    """One voter's ballot in one envelope (``choices`` maps a submission id to its points, 1 for
    approval ballots). Paper ballots have no voter account but a reference unique per envelope.

    The database guarantees one ballot per voter and envelope, whatever the concurrency.
    """

    class Source(models.TextChoices):
        ONLINE = "online", _("En ligne")
        PAPER = "paper", _("Papier (saisi par un agent)")

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    paper_reference = models.CharField(_("numéro du bulletin papier"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    choices = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(fields=["voter", "envelope"], name="unique_ballot_per_voter"),
            models.UniqueConstraint(
                fields=["envelope", "paper_reference"],
                condition=~Q(paper_reference=""),
                name="unique_paper_ballot_reference",
            ),
            models.CheckConstraint(
                condition=Q(source="online", paper_reference="")
                | Q(source="paper", voter__isnull=True) & ~Q(paper_reference=""),
                name="ballot_source_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bulletin')} #{self.pk}"


class Result(models.Model):
    """The outcome of one envelope, computed by the engine when the vote closes."""

    envelope = models.OneToOneField(Envelope, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(_("règle"), max_length=30)
    computed_at = models.DateTimeField(_("calculé le"), auto_now=True)
    ballot_count = models.PositiveIntegerField(_("bulletins"), default=0)
    selected = models.JSONField(default=list)  # submission ids, in selection order
    outcome = models.JSONField(default=dict)  # Outcome.to_dict() of the call's rule
    greedy = models.JSONField(default=dict)  # the greedy outcome, for comparison
    counts = models.JSONField(default=dict)  # {submission id: {"votes": n, "points": p}}
    duration_ms = models.PositiveIntegerField(default=0)
    pabulib = models.TextField(blank=True)  # the anonymised export, made once on first download

    class Meta:
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")

    def __str__(self) -> str:
        return str(self.envelope)


class TrackedProject(TimeStampedModel, DemoFlagModel):
    """A winning project followed publicly until it is built (status, progress, spending)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("À lancer")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisé")
        SUSPENDED = "suspended", _("Suspendu")
        ABANDONED = "abandoned", _("Abandonné")

    submission = models.OneToOneField(
        "calls.Submission", on_delete=models.PROTECT, related_name="tracked_project"
    )
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="tracked")
    status = models.CharField(
        _("avancement"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progression (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    budget = models.DecimalField(_("budget alloué (€)"), max_digits=12, decimal_places=2)
    spent = models.DecimalField(_("dépensé (€)"), max_digits=12, decimal_places=2, default=0)
    public_note = models.TextField(_("dernières nouvelles"), blank=True)
    # The same winner as a project of the plan (``monitoring``): its cost, spending and
    # progress count in its chantier's figures and in the plan's open data.
    plan_project = models.OneToOneField(
        "monitoring.Project",
        verbose_name=_("projet du plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participatory_budget",
    )

    class Meta:
        verbose_name = _("projet lauréat suivi")
        verbose_name_plural = _("projets lauréats suivis")
        ordering = ["submission__title"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="tracked_progress_max"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="tracked_spent_positive"),
        ]

    def __str__(self) -> str:
        return str(self.submission)


class TrackedProjectUpdate(models.Model):
    """One public step of a tracked project (the history shown on its page)."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=TrackedProject.Status.choices)
    progress = models.PositiveSmallIntegerField()
    spent = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("point d'étape")
        verbose_name_plural = _("points d'étape")

    def __str__(self) -> str:
        return f"{self.project} — {self.created_at:%Y-%m-%d}"
