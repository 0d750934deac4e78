"""Writes of the participatory budget: envelopes, ballots (one per voter and envelope, enforced by
the database), closing the vote, results through the engine, tracking of the winners."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from renouveau.calls.models import Call, Phase, Submission
from renouveau.core.models import AuditLog
from renouveau.core.services import audit_row, changed_fields, log_action

from . import engine
from .models import Ballot, BallotType, Envelope, Result, TrackedProject, TrackedProjectUpdate
from .selectors import envelope_projects

# ---------------------------------------------------------------- envelopes

EDITABLE_PHASES = (Phase.UPCOMING, Phase.SUBMISSION, Phase.REVIEW)


def _check_envelope(envelope: Envelope) -> None:
    scopes = {
        e.scope for e in Envelope.objects.filter(call_id=envelope.call_id).exclude(pk=envelope.pk)
    }
    if scopes and scopes != {envelope.scope}:
        raise ValidationError(
            _(
                "Les enveloppes d'un appel sont toutes du même genre : une seule enveloppe "
                "globale, ou une par Territoire, ou une par thème (un projet ne doit relever que "
                "d'une enveloppe)."
            )
        )
    if envelope.territory_id and envelope.workstream_id:
        raise ValidationError(_("Choisissez un Territoire ou un thème, pas les deux."))
    if envelope.ballot_type == BallotType.APPROVAL_COUNT and not envelope.max_projects:
        raise ValidationError(
            {"max_projects": _("Indiquez le nombre maximal de projets par bulletin.")}
        )
    if envelope.ballot_type == BallotType.CUMULATIVE and not envelope.points_total:
        raise ValidationError({"points_total": _("Indiquez le nombre de points à répartir.")})
    others = sum(
        (
            e.amount
            for e in Envelope.objects.filter(call_id=envelope.call_id).exclude(pk=envelope.pk)
        ),
        Decimal(0),
    )
    if others + envelope.amount > envelope.call.total_amount:
        raise ValidationError(
            {
                "amount": _(
                    "Les enveloppes dépasseraient le montant total de l'appel (%(total)s €)."
                )
                % {"total": envelope.call.total_amount}
            }
        )


@transaction.atomic
def envelope_save(*, actor, envelope: Envelope) -> Envelope:
    call = Call.objects.select_for_update().get(pk=envelope.call_id)
    if call.phase not in EDITABLE_PHASES:
        raise PermissionDenied(_("Les enveloppes ne se modifient plus une fois le vote ouvert."))
    created = envelope.pk is None
    diff = {}
    if not created:
        stored = Envelope.objects.get(pk=envelope.pk)
        diff = changed_fields(
            stored, {f.name: getattr(envelope, f.name) for f in Envelope._meta.concrete_fields}
        )
    envelope.full_clean()
    _check_envelope(envelope)
    envelope.save()
    log_action(
        actor=actor,
        action="budgets.envelope_created" if created else "budgets.envelope_updated",
        obj=envelope,
        data={"changes": diff},
    )
    return envelope


# ---------------------------------------------------------------- eligibility and ballots


def voter_ineligibility(user, envelope: Envelope, *, other_territory: bool = True) -> str | None:
    """``None`` when ``user`` may vote in ``envelope``, else the French reason why not.

    With ``other_territory`` (the default), a ballot already cast in another Territoire's
    envelope of the same call is a reason too (``ballot_cast`` checks it under a lock)."""
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour voter.")
    if getattr(user, "erased_at", None):
        return _("Ce compte a été supprimé.")
    if user.commune_id is None:
        return _(
            "Indiquez votre commune de résidence dans votre profil : seuls les habitants de la "
            "Métropole votent."
        )
    if envelope.territory_id and _territory_of(user) != envelope.territory_id:
        return _("Cette enveloppe est réservée aux habitants du Territoire %(territory)s.") % {
            "territory": envelope.territory.name
        }
    minimum = envelope.call.minimum_voting_age
    if minimum:
        if user.birth_year is None:
            return _(
                "Indiquez votre année de naissance dans votre profil : le vote est ouvert à "
                "partir de %(age)s ans."
            ) % {"age": minimum}
        if timezone.now().year - user.birth_year < minimum:
            return _("Le vote est ouvert à partir de %(age)s ans.") % {"age": minimum}
    if other_territory and envelope.territory_id:
        other = _other_territory_ballot(user, envelope)
        if other is not None:
            return _other_territory_message(other)
    return None


def _other_territory_ballot(user, envelope: Envelope) -> Envelope | None:
    """The envelope of another Territoire of the same call in which ``user`` has a ballot.

    The commune of residence comes from the profile, which its owner may change: without this,
    moving one's commune from Territoire to Territoire gave one ballot in each of them."""
    ballot = (
        Ballot.objects.filter(
            voter=user, envelope__call_id=envelope.call_id, envelope__territory__isnull=False
        )
        .exclude(envelope_id=envelope.pk)
        .select_related("envelope")
        .first()
    )
    return ballot.envelope if ballot is not None else None


def _other_territory_message(other: Envelope) -> str:
    return _(
        "Vous avez déjà voté dans l'enveloppe « %(name)s » de cet appel : chaque habitant vote "
        "pour un seul Territoire. Pour voter ici, retirez d'abord ce bulletin-là."
    ) % {"name": other.name}


def _territory_of(user) -> int | None:
    from renouveau.accounts.models import User
    from renouveau.territories.models import Commune

    if User.commune.is_cached(user) and user.commune is not None:
        return user.commune.territory_id
    return Commune.objects.filter(pk=user.commune_id).values_list("territory_id", flat=True).first()


def ballot_clean(*, envelope: Envelope, choices: dict[Any, Any], costs: dict[str, Decimal]) -> dict:
    """Validate raw choices ``{project id: points}`` against the envelope's ballot type.

    ``costs`` maps the ids of the envelope's projects to their cost. Returns the normalised
    ``{"<id>": points}``; raises ValidationError with a French message.
    """
    clean: dict[str, int] = {}
    for raw_id, raw_points in choices.items():
        pid = str(raw_id).strip()
        if pid not in costs:
            raise ValidationError(
                _("Ce bulletin contient un projet inconnu ou qui n'est pas soumis au vote ici.")
            )
        try:
            points = int(raw_points)
        except (TypeError, ValueError):
            raise ValidationError(_("Le nombre de points doit être un nombre entier.")) from None
        if points < 0:
            raise ValidationError(_("Le nombre de points ne peut pas être négatif."))
        if points:
            clean[pid] = points
    if not clean:
        raise ValidationError(_("Choisissez au moins un projet."))
    kind = envelope.ballot_type
    if kind in (BallotType.APPROVAL_BUDGET, BallotType.APPROVAL_COUNT):
        if any(p != 1 for p in clean.values()):
            raise ValidationError(_("Chaque projet est choisi ou non : pas de points ici."))
    if kind == BallotType.APPROVAL_BUDGET:
        total = sum((costs[p] for p in clean), Decimal(0))
        if total > envelope.amount:
            raise ValidationError(
                _(
                    "Votre sélection coûte %(total)s €, plus que l'enveloppe de %(amount)s € : "
                    "retirez un ou plusieurs projets."
                )
                % {"total": _euros(total), "amount": _euros(envelope.amount)}
            )
        if total < envelope.min_spend:
            raise ValidationError(
                _(
                    "Votre sélection coûte %(total)s € : choisissez des projets pour au moins "
                    "%(min)s € (%(pct)s %% de l'enveloppe)."
                )
                % {
                    "total": _euros(total),
                    "min": _euros(envelope.min_spend),
                    "pct": envelope.min_share_percent,
                }
            )
    elif kind == BallotType.APPROVAL_COUNT:
        if len(clean) > (envelope.max_projects or 0):
            raise ValidationError(
                _("Vous avez choisi %(n)s projets : %(max)s au maximum.")
                % {"n": len(clean), "max": envelope.max_projects}
            )
    else:
        total_points = sum(clean.values())
        if total_points > (envelope.points_total or 0):
            raise ValidationError(
                _("Vous avez réparti %(n)s points : %(max)s au maximum.")
                % {"n": total_points, "max": envelope.points_total}
            )
        cap = envelope.max_points_per_project
        if cap and any(p > cap for p in clean.values()):
            raise ValidationError(_("Au plus %(max)s points par projet.") % {"max": cap})
    return clean


def _euros(value: Decimal) -> str:
    from renouveau.core.templatetags.renouveau import amount

    return amount(value.quantize(Decimal("1")) if value == value.to_integral() else value)


# Per-process copy of the vote-time costs: {key: (expiry, costs)}, a few envelopes at most.
_COSTS_MEMO: dict[str, tuple[float, dict[str, Decimal]]] = {}
_COSTS_SECONDS = 60


def _envelope_costs(envelope: Envelope) -> dict[str, Decimal]:
    """The cost of each project of the envelope. During the vote the review is closed, so the
    projects and their costs are frozen: they are kept for a minute in the process (and in the
    shared cache), one query per minute instead of one per ballot. The key holds the call's
    last change, so reopening the review or changing the call starts afresh."""
    if envelope.call.phase != Phase.VOTE:
        return _envelope_costs_query(envelope)
    key = f"budgets:costs:{envelope.pk}:{envelope.call.updated_at.timestamp()}"
    now = time.monotonic()
    memo = _COSTS_MEMO.get(key)
    if memo is not None and memo[0] > now:
        return memo[1]
    costs = cache.get(key)
    if costs is None:
        costs = _envelope_costs_query(envelope)
        cache.set(key, costs, _COSTS_SECONDS)
    if len(_COSTS_MEMO) > 32:
        _COSTS_MEMO.clear()
    _COSTS_MEMO[key] = (now + _COSTS_SECONDS, costs)
    return costs


def _envelope_costs_query(envelope: Envelope) -> dict[str, Decimal]:
    return {
        str(pk): (adjusted if adjusted is not None else estimated)
        for pk, adjusted, estimated in envelope_projects(envelope).values_list(
            "pk", "adjusted_cost", "estimated_cost"
        )
    }


_UPSERT_SQL = (
    "INSERT INTO {table} (envelope_id, voter_id, source, paper_reference, choices, revision, "
    "created_at, updated_at) VALUES (%s, %s, 'online', '', %s, 1, %s, %s) "
    "ON CONFLICT (voter_id, envelope_id) DO UPDATE SET choices = EXCLUDED.choices, "
    "revision = {table}.revision + 1, updated_at = EXCLUDED.updated_at RETURNING id, revision"
)
# PostgreSQL: the upsert and its audit line in one statement (data-modifying CTE).
_UPSERT_LOGGED_SQL = (
    "WITH ballot AS ({upsert}), line AS (INSERT INTO {audit} (created_at, actor_id, action, "
    "content_type_id, object_id, object_repr, data) SELECT %s, %s, CASE WHEN ballot.revision = 1 "
    "THEN 'budgets.ballot_cast' ELSE 'budgets.ballot_changed' END, %s, %s, %s, %s FROM ballot) "
    "SELECT id, revision FROM ballot"
)


def _upsert_online(
    *, voter, envelope: Envelope, choices: dict, log: bool = False
) -> tuple[Ballot, bool]:
    """One atomic ``INSERT ... ON CONFLICT (voter, envelope) DO UPDATE`` (PostgreSQL and SQLite):
    the unique constraint makes a replay, a double click or a concurrent request update the one
    ballot instead of adding a second; ``revision`` counts the versions. With ``log`` (PostgreSQL
    only), the same statement writes the audit line ``log_action`` would write: "ballot_cast"
    for a first version, "ballot_changed" after."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    now = timezone.now()
    field = Ballot._meta.get_field("choices")
    params = [
        envelope.pk,
        voter.pk,
        field.get_db_prep_save(choices, connection),
        Ballot._meta.get_field("created_at").get_db_prep_save(now, connection),
        Ballot._meta.get_field("updated_at").get_db_prep_save(now, connection),
    ]
    sql = _UPSERT_SQL.replace("{table}", table)
    if log:
        row = audit_row(actor=voter, action="", obj=envelope)
        sql = _UPSERT_LOGGED_SQL.replace("{upsert}", sql).replace(
            "{audit}", connection.ops.quote_name(AuditLog._meta.db_table)
        )
        params += [
            AuditLog._meta.get_field("created_at").get_db_prep_save(now, connection),
            row["actor"].pk if row["actor"] else None,
            row["content_type"].pk if row["content_type"] else None,
            row["object_id"],
            row["object_repr"],
            AuditLog._meta.get_field("data").get_db_prep_save(row["data"], connection),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk, revision = cursor.fetchone()
    ballot = Ballot(
        pk=pk, envelope=envelope, voter=voter, choices=choices, revision=revision, updated_at=now
    )
    return ballot, revision == 1


def _upsert(*, lookup: dict, defaults: dict) -> tuple[Ballot, bool]:
    """Insert or update the one ballot matching ``lookup``; the unique constraint decides
    between concurrent inserts (the loser updates the winner's row)."""
    ballot = Ballot.objects.select_for_update().filter(**lookup).first()
    if ballot is None:
        try:
            with transaction.atomic():
                return Ballot.objects.create(**lookup, **defaults), True
        except IntegrityError:
            ballot = Ballot.objects.select_for_update().get(**lookup)
    for name, value in defaults.items():
        setattr(ballot, name, value)
    ballot.revision += 1
    ballot.save(update_fields=[*defaults, "revision", "updated_at"])
    return ballot, False


def ballot_cast(*, voter, envelope: Envelope, choices: dict) -> Ballot:
    """Record (or replace) ``voter``'s ballot in ``envelope``, with its audit line. Replays and
    concurrent submissions leave exactly one ballot (one atomic upsert on the unique
    constraint). On PostgreSQL the ballot and its audit line are written by one statement
    (atomic by itself: no transaction round trips on the busiest path of a vote)."""
    if not Envelope.call.is_cached(envelope):
        envelope = Envelope.objects.select_related("call", "territory").get(pk=envelope.pk)
    if envelope.call.phase != Phase.VOTE:
        raise PermissionDenied(_("Le vote n'est pas ouvert."))
    reason = voter_ineligibility(voter, envelope, other_territory=False)
    if reason:
        raise PermissionDenied(reason)
    clean = ballot_clean(envelope=envelope, choices=choices, costs=_envelope_costs(envelope))
    if envelope.territory_id:
        return _ballot_cast_territory(voter=voter, envelope=envelope, choices=clean)
    # The log says that this person voted (like signing the register), never for what. Ballots
    # stay secret until the results: no public page changes (no page-cache invalidation).
    if connection.vendor == "postgresql":
        ballot, _created = _upsert_online(voter=voter, envelope=envelope, choices=clean, log=True)
        return ballot
    with transaction.atomic():
        ballot, created = _upsert_online(voter=voter, envelope=envelope, choices=clean)
        log_action(
            actor=voter,
            action="budgets.ballot_cast" if created else "budgets.ballot_changed",
            obj=envelope,
            public_change=False,
        )
    return ballot


@transaction.atomic
def _ballot_cast_territory(*, voter, envelope: Envelope, choices: dict) -> Ballot:
    """A ballot in a Territoire's envelope: one Territoire per voter and call. The voter's row
    is locked so that two ballots sent at once to two Territoires cannot both pass the check."""
    from renouveau.accounts.models import User

    User.objects.select_for_update().filter(pk=voter.pk).values_list("pk", flat=True).first()
    other = _other_territory_ballot(voter, envelope)
    if other is not None:
        raise PermissionDenied(_other_territory_message(other))
    ballot, created = _upsert_online(voter=voter, envelope=envelope, choices=choices)
    log_action(
        actor=voter,
        action="budgets.ballot_cast" if created else "budgets.ballot_changed",
        obj=envelope,
        public_change=False,
    )
    return ballot


@transaction.atomic
def ballot_delete(*, voter, envelope: Envelope) -> bool:
    if envelope.call.phase != Phase.VOTE:
        raise PermissionDenied(_("Le vote n'est pas ouvert."))
    deleted, _count = Ballot.objects.filter(voter=voter, envelope=envelope).delete()
    if deleted:
        log_action(actor=voter, action="budgets.ballot_withdrawn", obj=envelope)
    return bool(deleted)


@transaction.atomic
def ballot_record_paper(*, agent, envelope: Envelope, reference: str, choices: dict) -> Ballot:
    """An agent types in a paper ballot; its reference (unique per envelope) makes a second
    entry of the same paper replace the first instead of counting twice."""
    envelope = Envelope.objects.select_related("call").get(pk=envelope.pk)
    if envelope.call.phase != Phase.VOTE:
        raise PermissionDenied(_("Le vote n'est pas ouvert."))
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": _("Indiquez le numéro du bulletin papier.")})
    clean = ballot_clean(envelope=envelope, choices=choices, costs=_envelope_costs(envelope))
    ballot, created = _upsert(
        lookup={"envelope": envelope, "paper_reference": reference},
        defaults={"choices": clean, "source": Ballot.Source.PAPER, "recorded_by": agent},
    )
    log_action(
        actor=agent,
        action="budgets.paper_ballot_recorded" if created else "budgets.paper_ballot_corrected",
        obj=envelope,
        data={"reference": reference},
    )
    return ballot


# ---------------------------------------------------------------- closing and results


@transaction.atomic
def vote_close(*, actor, call: Call) -> Call:
    """Close the vote now and compute the results once committed (a task)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.phase != Phase.VOTE:
        raise PermissionDenied(_("Le vote n'est pas ouvert."))
    now = timezone.now()
    if call.vote_opens_at < now < call.vote_closes_at:
        call.vote_closes_at = now  # the dates now say "results" (and later "implementation")
        call.phase_override = ""
    else:  # the vote had been opened by hand, outside its dates
        call.phase_override = Phase.RESULTS
    call.save(update_fields=["vote_closes_at", "phase_override", "updated_at"])
    log_action(actor=actor, action="budgets.vote_closed", obj=call)

    def enqueue():
        from .tasks import results_compute_task

        results_compute_task.enqueue(call_id=call.pk)

    transaction.on_commit(enqueue)
    return call


def envelope_election_data(envelope: Envelope):
    """``(projects, ballots)`` of an envelope as plain data for the engine (no voter ids)."""
    projects = [
        (str(pk), adjusted if adjusted is not None else estimated, title)
        for pk, adjusted, estimated, title in envelope_projects(envelope)
        .order_by("pk")
        .values_list("pk", "adjusted_cost", "estimated_cost", "title")
    ]
    ballots = list(
        Ballot.objects.filter(envelope=envelope).order_by("pk").values_list("choices", flat=True)
    )
    return projects, ballots


def _counts(projects, ballots) -> dict[str, dict[str, int]]:
    counts = {pid: {"votes": 0, "points": 0} for pid, _c, _t in projects}
    for choices in ballots:
        for pid, points in choices.items():
            row = counts.get(pid)
            if row is not None and points:
                row["votes"] += 1
                row["points"] += int(points)
    return counts


@transaction.atomic
def results_compute(*, call: Call, actor=None) -> list[Result]:
    """Compute and publish the results of every envelope of a closed call (idempotent)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.phase not in (Phase.RESULTS, Phase.IMPLEMENTATION):
        raise PermissionDenied(_("Les résultats se calculent après la clôture du vote."))
    results = []
    for envelope in call.envelopes.select_related("territory", "workstream").order_by("pk"):
        started = time.perf_counter()
        projects, ballots = envelope_election_data(envelope)
        if projects:
            outcome, greedy = engine.compute(
                projects=projects,
                ballots=ballots,
                budget=envelope.amount,
                ballot_type=envelope.ballot_type,
                rule=call.rule,
            )
        else:
            outcome = greedy = {"rule": call.rule, "selected": [], "projects": []}
        result, _created = Result.objects.update_or_create(
            envelope=envelope,
            defaults={
                "rule": call.rule,
                "ballot_count": len(ballots),
                "selected": [int(pid) for pid in outcome["selected"]],
                "outcome": outcome,
                "greedy": greedy,
                "counts": _counts(projects, ballots),
                "duration_ms": int((time.perf_counter() - started) * 1000),
                "pabulib": "",
            },
        )
        winners = set(result.selected)
        ids = [int(pid) for pid, _c, _t in projects]
        Submission.objects.filter(pk__in=[i for i in ids if i in winners]).update(
            status=Submission.Status.SELECTED
        )
        Submission.objects.filter(pk__in=[i for i in ids if i not in winners]).update(
            status=Submission.Status.NOT_SELECTED
        )
        costs = {int(pid): cost for pid, cost, _t in projects}
        existing = set(
            TrackedProject.objects.filter(submission_id__in=winners).values_list(
                "submission_id", flat=True
            )
        )
        TrackedProject.objects.bulk_create(
            [
                TrackedProject(
                    submission_id=pid,
                    envelope=envelope,
                    budget=costs[pid],
                    is_demo=call.is_demo,
                )
                for pid in result.selected
                if pid not in existing
            ]
        )
        dropped = (
            TrackedProject.objects.filter(envelope=envelope)
            .exclude(submission_id__in=winners)
            .filter(status=TrackedProject.Status.PLANNED, spent=0)
        )
        _plan_projects_drop(dropped, actor=actor)
        dropped.delete()
        for tracked in (
            TrackedProject.objects.filter(envelope=envelope, plan_project__isnull=True)
            .select_related("submission__commune", "submission__workstream")
            .order_by("pk")
        ):
            _plan_project_create(tracked, call=call, actor=actor)
        log_action(
            actor=actor,
            action="budgets.results_computed",
            obj=envelope,
            data={"rule": call.rule, "ballots": len(ballots), "selected": result.selected},
        )
        results.append(result)
    return results


def pabulib_export(*, envelope: Envelope) -> str:
    """The anonymised ballots of a closed envelope in the pabulib format, made once (stored with
    the result, cleared when the results are recomputed)."""
    call = envelope.call
    if call.phase not in (Phase.RESULTS, Phase.IMPLEMENTATION):
        raise PermissionDenied(_("Les bulletins sont publiés après la clôture du vote."))
    result = Result.objects.filter(envelope=envelope).only("pk", "pabulib").first()
    if result is not None and result.pabulib:
        return result.pabulib
    text = _pabulib_text(envelope)
    if result is not None:
        Result.objects.filter(pk=result.pk).update(pabulib=text)
    return text


def _pabulib_text(envelope: Envelope) -> str:
    call = envelope.call
    projects, ballots = envelope_election_data(envelope)
    # One line per project: a line break in a (forged) title split the row, and the file no
    # longer read back in line-based readers (ours, pabutools).
    projects = [(pid, cost, " ".join(title.split())) for pid, cost, title in projects]
    meta = {
        "description": f"{call.title} — {envelope.name}",
        "country": "France",
        "unit": envelope.territory.name
        if envelope.territory_id
        else (envelope.workstream.title if envelope.workstream_id else "Métropole"),
        "instance": call.slug,
        "rule": call.rule,
        "date_begin": call.vote_opens_at.date().isoformat(),
        "date_end": call.vote_closes_at.date().isoformat(),
        "language": "fr",
        "currency": "EUR",
    }
    if envelope.ballot_type == BallotType.APPROVAL_BUDGET:
        meta["max_sum_cost"] = str(envelope.amount)
        if envelope.min_share_percent:
            meta["min_sum_cost"] = str(envelope.min_spend)
    elif envelope.ballot_type == BallotType.APPROVAL_COUNT:
        meta["max_length"] = str(envelope.max_projects)
    else:
        meta["max_sum_points"] = str(envelope.points_total)
        if envelope.max_points_per_project:
            meta["max_points"] = str(envelope.max_points_per_project)
    if call.is_demo:
        meta["comment"] = "Données de démonstration / demonstration data"
    return engine.pabulib_text(
        projects=projects,
        ballots=ballots,
        budget=envelope.amount,
        ballot_type=envelope.ballot_type,
        meta=meta,
    )


# ---------------------------------------------------------------- implementation

# A winner's follow-up status, as the status of its project in the plan's monitoring.
PLAN_STATUS = {
    TrackedProject.Status.PLANNED: "planned",
    TrackedProject.Status.IN_PROGRESS: "in_progress",
    TrackedProject.Status.DONE: "completed",
    TrackedProject.Status.SUSPENDED: "suspended",
    TrackedProject.Status.ABANDONED: "cancelled",
}


def _implementation_year(call: Call) -> int:
    when = call.implementation_starts_at or call.vote_closes_at
    return timezone.localtime(when).year


def _plan_spending(tracked: TrackedProject) -> dict[str, Any]:
    """The winner's money as one year of the plan's spending: planned = the budget allotted,
    committed once the work is launched (at least what is already spent), paid = spent."""
    launched = tracked.status != TrackedProject.Status.PLANNED
    return {
        "planned_eur": tracked.budget,
        "committed_eur": max(tracked.budget, tracked.spent) if launched else Decimal(0),
        "paid_eur": tracked.spent,
    }


def _plan_project_create(tracked: TrackedProject, *, call: Call, actor) -> None:
    """Enter a winner in the plan's monitoring (chantier, commune, cost, funding by the
    participatory budget), published with the call, so that the public money decided by the
    residents' vote counts in the plan's figures and open data like any other project."""
    from renouveau.monitoring.services import project_create

    submission = tracked.submission
    year = _implementation_year(call)
    with translation.override(settings.LANGUAGE_CODE):
        project = project_create(
            actor=actor,
            data={
                "title": submission.title[:200],
                "owner": (_("Métropole — budget participatif « %(call)s »") % {"call": call.title})[
                    :200
                ],
                "summary": submission.description,
                "origin_kind": "call",
                "origin_ref": (
                    _("%(call)s — projet lauréat n° %(number)s")
                    % {"call": call.title, "number": submission.pk}
                )[:200],
                "workstreams": [submission.workstream],
                "communes": [submission.commune],
                "status": PLAN_STATUS[tracked.status],
                "progress": tracked.progress,
                "spendings": [{"year": year, **_plan_spending(tracked)}],
                "fundings": [
                    {
                        "source": "metropolis",
                        "amount_eur": tracked.budget,
                        "note": _("Budget participatif (fonds d'initiative citoyenne)"),
                    }
                ],
                "is_published": call.is_published,
                "is_demo": tracked.is_demo,
            },
        )
    TrackedProject.objects.filter(pk=tracked.pk).update(plan_project=project)
    tracked.plan_project = project


@transaction.atomic
def winners_to_plan(*, actor=None) -> int:
    """Enter every followed winner that has no project of the plan yet (idempotent)."""
    done = 0
    for tracked in (
        TrackedProject.objects.select_for_update(of=("self",))
        .filter(plan_project__isnull=True)
        .select_related("submission__commune", "submission__workstream", "submission__call")
        .order_by("pk")
    ):
        _plan_project_create(tracked, call=tracked.submission.call, actor=actor)
        done += 1
    return done


def _plan_projects_drop(dropped, *, actor) -> None:
    """A recount that no longer selects a winner not yet started removes it from the plan too."""
    from renouveau.monitoring.models import Project

    ids = [pk for pk in dropped.values_list("plan_project_id", flat=True) if pk]
    for project in Project.objects.filter(pk__in=ids):
        log_action(
            actor=actor,
            action="monitoring.project_deleted",
            obj=project,
            data={"reason": "participatory budget recount", "title": project.title},
        )
    Project.objects.filter(pk__in=ids).delete()


def _plan_project_sync(tracked: TrackedProject, *, actor) -> None:
    """Mirror a winner's follow-up (status, progress, spending) on its project of the plan."""
    from renouveau.monitoring.services import project_update, spending_set

    project = tracked.plan_project
    if project is None:
        return
    project_update(
        actor=actor,
        project=project,
        data={"status": PLAN_STATUS[tracked.status], "progress": tracked.progress},
    )
    call = tracked.submission.call
    spending_set(
        actor=actor, project=project, year=_implementation_year(call), **_plan_spending(tracked)
    )


@transaction.atomic
def tracked_project_update(
    *, actor, project: TrackedProject, status: str, progress: int, spent: Decimal, note: str = ""
) -> TrackedProject:
    project = TrackedProject.objects.select_for_update().get(pk=project.pk)
    before = {"status": project.status, "progress": project.progress, "spent": project.spent}
    project.status = status
    project.progress = progress
    project.spent = spent
    if note.strip():
        project.public_note = note.strip()
    project.full_clean()
    project.save()
    TrackedProjectUpdate.objects.create(
        project=project, author=actor, status=status, progress=progress, spent=spent, note=note
    )
    _plan_project_sync(project, actor=actor)
    log_action(
        actor=actor,
        action="budgets.tracked_project_updated",
        obj=project,
        data={"before": before, "after": {"status": status, "progress": progress, "spent": spent}},
    )
    return project


def results_compute_due() -> int:
    """Compute the missing results of calls whose vote closed by its dates (periodic task)."""
    done = 0
    now = timezone.now()
    for call in Call.objects.filter(
        vote_closes_at__lte=now, envelopes__result__isnull=True
    ).distinct():
        if call.phase in (Phase.RESULTS, Phase.IMPLEMENTATION):
            results_compute(call=call)
            done += 1
    return done
