"""Calls for projects ("Réinventons la Métropole"): a call, its phases and the projects submitted.

The money, the ballots and the results live in ``renouveau.budgets`` (which depends on this app,
never the reverse).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel, TimeStampedModel


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("À venir")
    SUBMISSION = "submission", _("Dépôt des projets")
    REVIEW = "review", _("Analyse de faisabilité")
    VOTE = "vote", _("Vote")
    RESULTS = "results", _("Résultats")
    IMPLEMENTATION = "implementation", _("Réalisation")


PHASE_ORDER = [p.value for p in Phase]


class Rule(models.TextChoices):
    MES = "mes-add1-greedy", _("Méthode des parts égales (complétée)")
    GREEDY = "greedy", _("Vote majoritaire par euro (glouton)")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        from .rules import can_manage_calls

        if can_manage_calls(user):
            return self
        return self.published()


class Call(TimeStampedModel, DemoFlagModel):
    """A call for projects with a participatory budget and five dated phases.

    The current phase follows the dates unless an agent has set ``phase_override``.
    """

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=120, unique=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    description = models.TextField(_("règlement (Markdown)"), blank=True)
    eligibility = models.TextField(
        _("critères de recevabilité (Markdown)"),
        blank=True,
        help_text=_("Ce qu'un projet doit respecter pour être soumis au vote."),
    )
    themes = models.ManyToManyField(
        "plan.Workstream", verbose_name=_("chantiers concernés"), blank=True, related_name="calls"
    )
    total_amount = models.DecimalField(
        _("enveloppe totale (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    minimum_voting_age = models.PositiveSmallIntegerField(_("âge minimum pour voter"), default=16)
    rule = models.CharField(
        _("règle de décompte"), max_length=30, choices=Rule.choices, default=Rule.MES
    )
    is_published = models.BooleanField(_("publié"), default=False)
    submission_opens_at = models.DateTimeField(_("ouverture du dépôt"))
    submission_closes_at = models.DateTimeField(_("clôture du dépôt"))
    vote_opens_at = models.DateTimeField(_("ouverture du vote"))
    vote_closes_at = models.DateTimeField(_("clôture du vote"))
    implementation_starts_at = models.DateTimeField(
        _("début de la réalisation"), null=True, blank=True
    )
    phase_override = models.CharField(
        _("phase fixée par un agent"),
        max_length=20,
        choices=Phase.choices,
        blank=True,
        help_text=_("Laissez vide pour suivre les dates."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-vote_opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes_at__gt=F("submission_opens_at"))
                & Q(vote_opens_at__gte=F("submission_closes_at"))
                & Q(vote_closes_at__gt=F("vote_opens_at")),
                name="call_phase_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(implementation_starts_at__isnull=True)
                | Q(implementation_starts_at__gte=F("vote_closes_at")),
                name="call_implementation_after_vote",
            ),
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="call_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", kwargs={"slug": self.slug})

    def phase_at(self, when: datetime) -> str:
        if when < self.submission_opens_at:
            return Phase.UPCOMING
        if when < self.submission_closes_at:
            return Phase.SUBMISSION
        if when < self.vote_opens_at:
            return Phase.REVIEW
        if when < self.vote_closes_at:
            return Phase.VOTE
        if self.implementation_starts_at is None or when < self.implementation_starts_at:
            return Phase.RESULTS
        return Phase.IMPLEMENTATION

    @property
    def phase(self) -> str:
        """The current phase: set by an agent, or else from the dates."""
        return self.phase_override or self.phase_at(timezone.now())

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    def phase_is(self, *phases: str) -> bool:
        return self.phase in phases

    def timeline(self) -> list[dict]:
        """The five phases with their dates, for the page (``current`` marks the current one)."""
        current = self.phase
        rows = [
            (Phase.SUBMISSION, self.submission_opens_at, self.submission_closes_at),
            (Phase.REVIEW, self.submission_closes_at, self.vote_opens_at),
            (Phase.VOTE, self.vote_opens_at, self.vote_closes_at),
            (Phase.RESULTS, self.vote_closes_at, self.implementation_starts_at),
            (Phase.IMPLEMENTATION, self.implementation_starts_at, None),
        ]
        index = PHASE_ORDER.index(current)
        return [
            {
                "phase": phase,
                "label": phase.label,
                "starts": starts,
                "ends": ends,
                "current": phase == current,
                "done": PHASE_ORDER.index(phase) < index,
            }
            for phase, starts, ends in rows
        ]


class SubmissionQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: everything but withdrawn projects."""
        return self.exclude(status=Submission.Status.WITHDRAWN)

    def votable(self):
        return self.filter(status__in=Submission.VOTABLE)


class Submission(TimeStampedModel, DemoFlagModel):
    """A project submitted to a call by a resident or an organisation (``projet déposé``)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Déposé, en attente d'analyse")
        ACCEPTED = "accepted", _("Recevable, soumis au vote")
        REJECTED = "rejected", _("Non recevable")
        MERGED = "merged", _("Fusionné avec un autre projet")
        WITHDRAWN = "withdrawn", _("Retiré par son auteur")
        SELECTED = "selected", _("Lauréat")
        NOT_SELECTED = "not_selected", _("Non retenu au vote")

    VOTABLE = (Status.ACCEPTED, Status.SELECTED, Status.NOT_SELECTED)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="submissions")
    title = models.CharField(_("titre du projet"), max_length=160)
    description = models.TextField(
        _("description"), help_text=_("Ce que vous voulez faire, où, pour qui et comment.")
    )
    beneficiaries = models.CharField(
        _("bénéficiaires"),
        max_length=300,
        help_text=_("Qui en profitera ? Par exemple : « les familles du quartier »."),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="call_submissions",
    )
    address = models.CharField(_("lieu précis (facultatif)"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    workstream = models.ForeignKey(
        "plan.Workstream",
        verbose_name=_("chantier"),
        on_delete=models.PROTECT,
        related_name="call_submissions",
    )
    estimated_cost = models.DecimalField(
        _("coût estimé (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    adjusted_cost = models.DecimalField(
        _("coût retenu après analyse (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_adjustment_reason = models.TextField(_("raison de l'ajustement du coût"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="call_submissions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("au nom de l'organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_submissions",
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-auteurs"),
        blank=True,
        related_name="coauthored_call_submissions",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    public_reason = models.TextField(_("motif public"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    reviewed_at = models.DateTimeField(_("analysé le"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet déposé")
        verbose_name_plural = _("projets déposés")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["call", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gt=0), name="submission_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(adjusted_cost__isnull=True) | Q(adjusted_cost__gt=0),
                name="submission_adjusted_cost_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(public_reason=""),
                name="submission_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="submission_merge_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:submission", kwargs={"slug": self.call.slug, "pk": self.pk})

    @property
    def cost(self) -> Decimal:
        """The cost put to the vote: the agents' adjusted cost, else the author's estimate."""
        return self.adjusted_cost if self.adjusted_cost is not None else self.estimated_cost

    @property
    def status_badge(self) -> str:
        return {
            self.Status.ACCEPTED: "badge-info",
            self.Status.SELECTED: "badge-ok",
            self.Status.REJECTED: "badge-danger",
            self.Status.NOT_SELECTED: "badge-warn",
        }.get(self.status, "")

    def is_author(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.author_id == user.pk:
            return True
        return any(c.pk == user.pk for c in self.coauthors.all())


class Comment(TimeStampedModel):
    """A public comment on a submitted project; moderators hide it with a public reason."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"), max_length=2000)
    is_hidden = models.BooleanField(_("masqué"), default=False)
    hidden_reason = models.CharField(_("motif de modération"), max_length=200, blank=True)
    reports = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CommentReport", related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""),
                name="call_comment_hidden_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class CommentReport(models.Model):
    """A resident's report of a comment. Open until a moderator hides the comment or dismisses
    the reports (``handled_at``); the moderators' queue lists visible comments with open
    reports."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="unique_call_comment_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} / {self.reporter_id}"


def _invitation_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


INVITATION_DAYS = 14


def _invitation_expiry():
    from datetime import timedelta

    return timezone.now() + timedelta(days=INVITATION_DAYS)


class CoauthorInvitationQuerySet(models.QuerySet):
    def pending(self):
        """Waiting for an answer and not expired."""
        return self.filter(status=CoauthorInvitation.Status.PENDING, expires_at__gt=timezone.now())


class CoauthorInvitation(TimeStampedModel):
    """An author's (or a co-author's) invitation to co-author a project, sent to an e-mail
    address. Nobody becomes a co-author without accepting, signed in with an account whose
    verified address is the invited one. ``token`` is the unguessable part of the link of the
    e-mail; it is not a credential on its own (the address check is)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")
        CANCELLED = "cancelled", _("Annulée")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse invitée"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    expires_at = models.DateTimeField(_("expire le"), default=_invitation_expiry)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CoauthorInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation à co-porter un projet")
        verbose_name_plural = _("invitations à co-porter un projet")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "email"],
                condition=Q(status="pending"),
                name="unique_pending_coauthor_invitation",
            )
        ]

    def __str__(self) -> str:
        # Never the address: this is what the audit log shows to agents.
        return _("Invitation n° %(pk)s à co-porter « %(title)s »") % {
            "pk": self.pk,
            "title": self.submission.title,
        }

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired
