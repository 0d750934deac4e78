"""The world the security crawl walks: the reference data, most of the demonstration dataset
and, for resident A, private objects of every kind, each carrying a marker string that must
never reach resident B nor an anonymous visitor (``PRIVATE_MARKERS``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

PASSWORD = "motdepasse-solide-2026"  # noqa: S105 - test personas' password

# Text only resident A (and, for some of them, the agents who handle them) may ever read.
MARK_EMAIL = "residente.a.secrete@example.org"
MARK_PHONE = "0611SECRETA"
MARK_ADDRESS = "12 impasse Secreta-Adresse"
MARK_MESSAGE = "MessagePriveSecretA"
MARK_VOLUNTEER_PHONE = "0622SECRETA"
MARK_VOLUNTEER_NOTE = "DisponibiliteSecretA"
MARK_SIGNAL = "SignalementPriveSecretA"
MARK_INVITEE = "coauteur.secreta@example.org"
MARK_AID_ALERT = "alerte.aides.secreta@example.org"
MARK_TESTIMONY_NOTE = "NotePriveeSecretA"
PRIVATE_MARKERS = (
    MARK_EMAIL,
    MARK_PHONE,
    MARK_ADDRESS,
    MARK_MESSAGE,
    MARK_VOLUNTEER_PHONE,
    MARK_VOLUNTEER_NOTE,
    MARK_SIGNAL,
    MARK_INVITEE,
    MARK_AID_ALERT,
    MARK_TESTIMONY_NOTE,
)
# What an agent of another commune (Aix) must not read either: the private data of a person
# of Marseille who is not in their commune, and the messages between two residents.
FOREIGN_AGENT_MARKERS = (MARK_PHONE, MARK_ADDRESS, MARK_MESSAGE, MARK_TESTIMONY_NOTE)

# The personas the crawl signs in as (anonymous is no login).
CRAWL_PERSONAS = (
    "anonymous",
    "resident_a",
    "resident_b",
    "foreign_agent",
    "metropolis_agent",
    "elected",
    "administrator",
)
RESIDENTS = ("anonymous", "resident_a", "resident_b")


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # Each route's path parameters, computed once (``urls.route_kwargs``): the world is the same
    # at the start of every test, and the crawl's requests change none of the rows they name.
    route_kwargs: dict[Any, Any] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def make_user(email, *, roles=(), commune=None, **extra):
    from allauth.account.models import EmailAddress

    from renouveau.accounts.models import User
    from renouveau.accounts.services import role_grant

    user = User.objects.create_user(email=email, password=PASSWORD, commune=commune, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role in roles:
        role_grant(actor=None, user=user, role=role)
    return user


def _users(marseille, aix):
    from renouveau.accounts.roles import Role

    users = {
        "resident_a": make_user(MARK_EMAIL, commune=marseille, display_name="Awa", birth_year=1980),
        "resident_b": make_user(
            "resident.b@example.org", commune=marseille, display_name="Basile", birth_year=1981
        ),
        "resident_c": make_user(
            "resident.c@example.org", commune=marseille, display_name="Chloé", birth_year=1982
        ),
        "foreign_agent": make_user(
            "agent.aix@example.org", roles=[Role.COMMUNE_AGENT], commune=aix, is_staff=True
        ),
        "commune_agent": make_user(
            "agent.marseille@example.org", roles=[Role.COMMUNE_AGENT], commune=marseille
        ),
        "metropolis_agent": make_user(
            "agent.metropole@example.org", roles=[Role.METROPOLIS_AGENT], is_staff=True
        ),
        "moderator": make_user("moderation@example.org", roles=[Role.MODERATOR]),
        "elected": make_user("elu@example.org", roles=[Role.ELECTED]),
        "administrator": make_user("admin@example.org", roles=[Role.ADMINISTRATOR], is_staff=True),
        "crisis_agent": make_user("cellule.crise@example.org", roles=[Role.CRISIS_CELL]),
    }
    users["foreign_agent"].agent_communes.add(aix)
    users["commune_agent"].agent_communes.add(marseille)
    return users


def _load_data():
    """Reference data and the demonstration dataset, except the prioritisation's (18 s of
    scoring and solving): a small scenario is built instead."""
    from renouveau.core.demo import demo_loaders, reference_loaders
    from renouveau.plan.services import plan_load
    from renouveau.territories.services import territories_load

    territories_load()
    plan_load()
    for _app, load in reference_loaders():
        load()
    for app, load in demo_loaders():
        if app == "renouveau.portfolio":
            from renouveau.monitoring import demo as monitoring_demo

            monitoring_demo.load()
            continue
        load()


def _portfolio(world):
    from renouveau.monitoring.models import Project
    from renouveau.portfolio import services
    from renouveau.portfolio.models import Scenario

    grid = services.grid_ensure_default()
    criteria = list(grid.criteria.all())
    projects = list(Project.objects.order_by("pk")[:3])
    assessor = world.users["metropolis_agent"]
    for project in projects:
        for criterion in criteria:
            if criterion.kind == "green" if hasattr(criterion, "kind") else False:
                continue
            try:
                services.score_set(
                    assessor=assessor,
                    project=project,
                    criterion=criterion,
                    value=2,
                    justification="Évaluation de test.",
                )
            except Exception:  # noqa: BLE001, S112 - a criterion scored by axes
                continue
    public = services.scenario_create(
        actor=None,
        data={
            "slug": "scenario-public",
            "title": "Scénario public",
            "description": "Public.",
            "method": Scenario.Method.WEIGHTED_SUM,
            "first_year": 2026,
            "last_year": 2027,
            "is_public": True,
            "grid": grid,
        },
        weights={c: c.default_weight for c in criteria},
    )
    constraint = services.constraint_add(
        actor=None,
        scenario=public,
        data={"kind": "budget", "amount_eur": Decimal(450_000_000)},
    )
    programme = services.scenario_run(actor=None, scenario=public, time_limit=2)
    private = services.scenario_create(
        actor=assessor,
        data={
            "slug": "scenario-interne",
            "title": "Scénario interne",
            "description": "Interne.",
            "method": Scenario.Method.WEIGHTED_SUM,
            "first_year": 2026,
            "last_year": 2027,
            "is_public": False,
            "grid": grid,
        },
        weights={c: c.default_weight for c in criteria},
    )
    world.objects.update(
        scenario=public,
        scenario_private=private,
        constraint=constraint,
        programme=programme,
        portfolio_project=projects[0],
    )


def _mutualaid(world, marseille):
    from renouveau.mutualaid import services

    a, c = world.users["resident_a"], world.users["resident_c"]
    later = timezone.localdate() + datetime.timedelta(days=30)
    post = {
        "category": "meals",
        "description": "Des repas pour le quartier.",
        "commune": marseille,
        "expires_on": later,
        "phone": MARK_PHONE,
        "address": MARK_ADDRESS,
    }
    offer_a = services.offer_create(author=a, data={**post, "title": "Offre de A"})
    request_a = services.request_create(author=a, data={**post, "title": "Demande de A"})
    offer_c = services.offer_create(
        author=c, data={**post, "title": "Offre de C", "phone": "", "address": ""}
    )
    match = services.match_propose(
        actor=c, offer=offer_c, request=request_a, note=MARK_TESTIMONY_NOTE
    )
    services.match_answer(actor=a, match=match, accept=True)
    services.message_send(sender=a, match=match, body=MARK_MESSAGE)
    block = services.block_create(blocker=a, blocked=world.users["resident_b"])
    report = services.report_create(
        reporter=world.users["resident_b"], target=offer_c, reason="spam", details="Détails."
    )
    initiative = (
        __import__("renouveau.mutualaid.models", fromlist=["Initiative"])
        .Initiative.objects.order_by("pk")
        .first()
    )
    world.objects.update(
        offer_a=offer_a,
        request_a=request_a,
        offer_c=offer_c,
        match=match,
        block=block,
        mutualaid_report=report,
        initiative=initiative,
    )


def _ideas(world, marseille):
    from renouveau.ideas import services
    from renouveau.ideas.models import Idea

    idea = Idea.objects.filter(is_hidden=False).order_by("pk").first()
    comment = services.comment_add(
        author=world.users["resident_a"], idea=idea, body="Un commentaire public."
    )
    flag = services.flag_create(
        reporter=world.users["resident_b"], target=comment, reason="spam", details="Détails."
    )
    world.objects.update(idea=idea, idea_comment=comment, idea_flag=flag)


def _reserve(world, marseille):
    from renouveau.reserve import services
    from renouveau.reserve.models import Mission, SignalCategory, SignalUrgency

    a = world.users["resident_a"]
    volunteer = services.volunteer_enrol(
        user=a,
        data={
            "communes": [marseille],
            "accept_charter": True,
            "phone": MARK_VOLUNTEER_PHONE,
            "availability_note": MARK_VOLUNTEER_NOTE,
            "available_weekends": True,
        },
    )
    services.volunteer_set_status(
        actor=world.users["metropolis_agent"], volunteer=volunteer, status="active", reason=""
    )
    mission = (
        Mission.objects.filter(status="open", starts_at__gt=timezone.now(), commune=marseille)
        .order_by("starts_at")
        .first()
    ) or Mission.objects.order_by("pk").first()
    signup = None
    try:
        signup = services.mission_signup(volunteer=volunteer, mission=mission)
    except Exception:  # noqa: BLE001 - a demo mission may not suit A
        signup = None
    signal = services.signal_report(
        reporter=a,
        data={
            "category": SignalCategory.values[0],
            "commune": marseille,
            "place": "Rue du test",
            "description": MARK_SIGNAL,
            "observed_at": timezone.now() - datetime.timedelta(hours=1),
            "urgency": SignalUrgency.LOW,
        },
    )
    world.objects.update(volunteer=volunteer, mission=mission, signup=signup, signal=signal)


def _alerts(world, marseille):
    from renouveau.alerts import services
    from renouveau.alerts.models import Alert, Exercise

    a = world.users["resident_a"]
    subscription = services.subscription_add(user=a, commune=marseille)
    exercise = Exercise.objects.filter(starts_at__gt=timezone.now()).order_by("pk").first()
    registration = None
    if exercise is not None:
        try:
            registration = services.exercise_register(user=a, exercise=exercise)
        except Exception:  # noqa: BLE001
            registration = None
    exercise = exercise or Exercise.objects.order_by("pk").first()
    alert = (
        Alert.objects.filter(sent__isnull=False).order_by("pk").first()
        or Alert.objects.order_by("pk").first()
    )
    world.objects.update(
        subscription=subscription, exercise=exercise, alert=alert, exercise_reg=registration
    )


def _governance(world):
    from renouveau.governance import services
    from renouveau.governance.models import (
        Body,
        ComparisonIndicator,
        Draw,
        Meeting,
        Membership,
        Place,
        Recommendation,
    )

    a = world.users["resident_a"]
    meeting = Meeting.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    registration = None
    try:
        registration = services.registration_create(user=a, meeting=meeting)
    except Exception:  # noqa: BLE001
        registration = None
    document = services.meeting_document_add(
        actor=world.users["metropolis_agent"],
        meeting=meeting,
        title="Ordre du jour",
        url="https://example.org/ordre-du-jour.pdf",
    )
    world.objects.update(
        meeting=meeting,
        meeting_registration=registration,
        meeting_document=document,
        body=Body.objects.order_by("pk").first(),
        body_member=Membership.objects.order_by("pk").first(),
        draw=Draw.objects.order_by("pk").first(),
        recommendation=Recommendation.objects.order_by("pk").first(),
        place=Place.objects.order_by("pk").first(),
        comparison=ComparisonIndicator.objects.order_by("pk").first(),
    )


def _calls(world, marseille):
    from renouveau.calls import services
    from renouveau.calls.models import Call, Submission

    a = world.users["resident_a"]
    call = Call.objects.order_by("pk").first()
    submission = Submission.objects.filter(call=call).order_by("pk").first()
    now = timezone.now()
    day = datetime.timedelta(days=1)
    open_call = Call.objects.create(
        title="Appel ouvert",
        slug="appel-ouvert",
        summary="Un appel ouvert aux dépôts.",
        total_amount=Decimal(100000),
        is_published=True,
        submission_opens_at=now - day,
        submission_closes_at=now + 10 * day,
        vote_opens_at=now + 20 * day,
        vote_closes_at=now + 30 * day,
    )
    if True:
        from renouveau.plan.models import Workstream

        own = services.submission_create(
            author=a,
            call=open_call,
            data={
                "title": "Projet de A",
                "description": "Un jardin.",
                "beneficiaries": "Le quartier",
                "estimated_cost": Decimal(1000),
                "commune": marseille,
                "workstream": Workstream.objects.order_by("number").first(),
            },
        )
        invitation = services.coauthor_invite(actor=a, submission=own, email=MARK_INVITEE)
    comment = services.comment_create(
        author=world.users["resident_b"], submission=submission, body="Un commentaire."
    )
    services.comment_report(reporter=world.users["resident_c"], comment=comment)
    world.objects.update(
        call=call,
        submission=submission,
        open_call=open_call,
        own_submission=own,
        invitation=invitation,
        call_comment=comment,
    )


def _budgets(world):
    from renouveau.budgets.models import Envelope, TrackedProject

    world.objects.update(
        envelope=Envelope.objects.order_by("pk").first(),
        tracked=TrackedProject.objects.order_by("pk").first(),
    )


def _misc(world, marseille):
    from renouveau.accounts.models import Organisation
    from renouveau.accounts.services import organisation_create
    from renouveau.aids import services as aid_services
    from renouveau.aids.models import Aid
    from renouveau.guides.models import Guide, SituationBanner
    from renouveau.monitoring.models import Indicator, Milestone, Project
    from renouveau.plan.models import Agreement, Workstream

    organisation = organisation_create(
        creator=world.users["resident_a"],
        data={"name": "Collectif de A", "kind": Organisation.Kind.COLLECTIVE, "commune": marseille},
    )
    aid_alert = aid_services.alert_subscribe(
        email=MARK_AID_ALERT, query={"q": "logement"}, frequency="weekly"
    )
    project = Project.objects.order_by("pk").first()
    world.objects.update(
        organisation=organisation,
        aid_alert=aid_alert,
        aid=Aid.objects.filter(status="published").order_by("pk").first()
        or Aid.objects.order_by("pk").first(),
        guide=Guide.objects.order_by("pk").first(),
        banner=SituationBanner.objects.order_by("pk").first()
        or SituationBanner.objects.create(
            level=SituationBanner.Level.INFO, title="Bandeau", text="Information de test."
        ),
        project=project,
        milestone=Milestone.objects.filter(project=project).first()
        or Milestone.objects.order_by("pk").first(),
        workstream=Workstream.objects.order_by("number").first(),
        indicator=Indicator.objects.order_by("pk").first(),
        agreement=Agreement.objects.order_by("pk").first(),
    )


def build_world() -> World:
    from renouveau.territories.models import Commune

    _load_data()
    marseille = Commune.objects.get(insee="13055")
    aix = Commune.objects.get(insee="13001")
    world = World()
    world.users = _users(marseille, aix)
    world.objects.update(marseille=marseille, aix=aix)
    _misc(world, marseille)
    _mutualaid(world, marseille)
    _ideas(world, marseille)
    _reserve(world, marseille)
    _alerts(world, marseille)
    _governance(world)
    _calls(world, marseille)
    _budgets(world)
    _portfolio(world)
    return world
