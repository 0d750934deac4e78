"""RGPD end to end: one resident takes part in every app, downloads their data from « Mon compte »
(everything they did is in it), then erases their account from « Mon compte »: afterwards no
text column of any table holds their e-mail, name or phone, and what they wrote in public shows
"Compte supprimé" (or is gone) as each app's documented policy says.

The guard over the models (which table links to a person, and what erasure does with it) is
``test_rgpd_guard.py``; this test checks that every model that guard says is exported and
erased really was exercised here.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from conftest import PASSWORD, make_user
from renouveau.accounts.models import User

from .test_rgpd_guard import ERASED, NOT_BY_A_RESIDENT

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the scan of every text column needs PostgreSQL"
)

EMAIL = "zephyrine.quillebeuf.rgpd@example.org"
NAME = "Zéphyrine Quillebeuf"
SURNAME = "Quillebeuf"
WORK_EMAIL = "zephyrine.quillebeuf.travail@example.org"
PHONE = "06 47 19 83 52"
PHONE_DIGITS = "0647198352"
NEEDLES = (EMAIL, SURNAME, PHONE, PHONE_DIGITS, "zephyrine.quillebeuf")


def _scan(needles) -> list[str]:
    """Every (table.column: value) of the public schema's text columns holding a needle."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.table_name, c.column_name FROM information_schema.columns c
               JOIN information_schema.tables t
                 ON t.table_name = c.table_name AND t.table_schema = c.table_schema
               WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                 AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')"""
        )
        columns = cursor.fetchall()
        where = " OR ".join(["{} ILIKE %s"] * len(needles))
        for table, column in columns:
            text = f'"{column}"::text'
            cursor.execute(
                f'SELECT {text} FROM "{table}" WHERE {where.format(*[text] * len(needles))}',  # noqa: S608
                [f"%{n}%" for n in needles],
            )
            found += [f"{table}.{column}: {row[0][:160]}" for row in cursor.fetchall()]
    return found


@pytest.fixture
def world(plan, personas, marseille):
    """The resident, and what the others (agents, neighbours) set up for them to take part."""
    from renouveau.governance.models import Body, Draw
    from renouveau.governance.services import reference_load
    from renouveau.governance.tests.test_governance import CONVENTION, make_meeting
    from renouveau.reserve.tests.factories import make_mission

    resident = make_user(
        EMAIL, commune=marseille, display_name=NAME, birth_year=1984, language="fr"
    )
    reference_load()
    body = Body.objects.get(code=CONVENTION)
    draw = Draw.objects.create(
        body=body,
        title="Convention 2026",
        description="Tirage",
        seats=2,
        quotas={"gender": {"woman": 1, "man": 1, "other": 0}},
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    return {
        "resident": resident,
        "neighbour": personas["resident"],
        "agent": personas["metropolis_agent"],
        "meeting": make_meeting(body, capacity=10),
        "full_meeting": make_meeting(body, capacity=1, title="Atelier complet"),
        "crisis_agent": personas["crisis_agent"],
        "draw": draw,
        "mission": make_mission(personas["crisis_agent"], commune=marseille),
    }


def _take_part_everywhere(world, marseille) -> dict:
    """The resident does something in every app, through the apps' services and factories."""
    from allauth.account.models import EmailAddress

    from renouveau.aids import services as aids
    from renouveau.alerts import services as alerts
    from renouveau.alerts.tests.factories import exercise, published_alert
    from renouveau.budgets import services as budgets
    from renouveau.budgets.models import Envelope
    from renouveau.calls import services as calls
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import make_call, make_submission
    from renouveau.follows import services as follows
    from renouveau.governance import services as governance
    from renouveau.ideas import services as ideas
    from renouveau.mutualaid import services as mutualaid
    from renouveau.mutualaid.models import Match
    from renouveau.mutualaid.tests.factories import make_initiative, make_offer, make_request
    from renouveau.reserve import services as reserve
    from renouveau.reserve.tests.factories import make_signal, make_volunteer

    me, neighbour = world["resident"], world["neighbour"]
    done = {}
    # Ideas: an idea with its place, a comment, a support, a flag.
    done["idea"] = ideas.idea_create(
        author=me,
        data={
            "kind": "solution",
            "title": "Jardin partagé du Panier",
            "description": "Des bacs de culture sur la place.",
            "category": "green",
            "commune": marseille,
            "place": f"12 rue du Refuge, chez {NAME}",
        },
    )
    other_idea = ideas.idea_create(
        author=neighbour,
        data={
            "kind": "problem",
            "title": "Trottoir défoncé",
            "description": "Rue de la République.",
            "category": "roads",
            "commune": marseille,
        },
    )
    done["idea_comment"] = ideas.comment_add(
        author=me, idea=other_idea, body="Je passe là tous les jours, c'est dangereux."
    )
    ideas.idea_support(user=me, idea=other_idea)
    ideas.flag_create(
        reporter=me,
        target=other_idea,
        reason="other",
        details=f"Mon voisin du 3e étage le sait, {NAME}, {PHONE}.",
    )
    # Mutual aid: an offer with a phone and an address, a proposal, a message, a testimony,
    # a report, a block.
    offer = make_offer(me, title="Courses du samedi", phone=PHONE, address="3 impasse Secrète")
    request = make_request(neighbour, title="Besoin de courses")
    match = mutualaid.match_propose(
        actor=me, offer=offer, request=request, note=f"Appelez-moi au {PHONE}"
    )
    mutualaid.match_answer(actor=neighbour, match=match, accept=True)
    mutualaid.message_send(sender=me, match=match, body=f"Je suis {NAME}, à samedi.")
    mutualaid.match_done(actor=me, match=match)
    done["testimony"] = mutualaid.testimony_add(
        author=me, match=Match.objects.get(pk=match.pk), text="Très bon moment de voisinage."
    )
    stranger = make_user("inconnu.rgpd@example.org", commune=marseille, birth_year=1970)
    strange_offer = make_offer(stranger, title="Offre douteuse")
    mutualaid.report_create(
        reporter=me, target=strange_offer, reason="spam", details=f"Signalé par {NAME}"
    )
    mutualaid.block_create(blocker=me, blocked=stranger)
    mutualaid.block_create(blocker=stranger, blocked=me)
    make_request(
        me,
        title="Aide pour ma mère",
        phone=PHONE,
        beneficiary_name=f"Mme {SURNAME} mère",
    )
    # Calls for projects: a submission, a comment, an invitation sent and one received, a report.
    call = make_call(Phase.SUBMISSION, slug="appel-rgpd")
    done["submission"] = make_submission(
        call, me, commune=marseille, title="Fresque de la Joliette", address="2 quai du Lazaret"
    )
    other_submission = make_submission(call, neighbour, commune=marseille, title="Bancs")
    done["call_comment"] = calls.comment_create(
        author=me, submission=other_submission, body="Bonne idée pour les anciens."
    )
    neighbour_comment = calls.comment_create(
        author=neighbour, submission=done["submission"], body="Merci !"
    )
    calls.comment_report(reporter=me, comment=neighbour_comment)
    calls.coauthor_invite(actor=me, submission=done["submission"], email="ami.rgpd@example.org")
    invitation = calls.coauthor_invite(actor=neighbour, submission=other_submission, email=EMAIL)
    calls.invitation_accept(user=me, invitation=invitation)
    assert EmailAddress.objects.filter(user=me, email=EMAIL, verified=True).exists()
    # Participatory budget: a ballot.
    vote_call = make_call(Phase.VOTE, slug="vote-rgpd")
    envelope = Envelope.objects.create(call=vote_call, name="Métropole", amount=Decimal(10000))
    candidate = make_submission(
        vote_call, neighbour, commune=marseille, status="accepted", title="Composteurs"
    )
    budgets.ballot_cast(voter=me, envelope=envelope, choices={str(candidate.pk): 1})
    # Alerts: a subscription and an exercise registration.
    alerts.subscription_add(user=me, commune=marseille, include_exercises=True)
    alerts.exercise_register(user=me, exercise=exercise([marseille]))
    published_alert(world["crisis_agent"], [marseille])
    # Aids: a saved search with e-mail alerts.
    aids.alert_subscribe(
        email=EMAIL,
        query={"q": "vélo"},
        frequency="weekly",
        title=f"Aides vélo de {NAME}",
        user=me,
    )
    # ... and one saved while signed out, to their second (verified) address.
    EmailAddress.objects.create(user=me, email=WORK_EMAIL, verified=True, primary=False)
    aids.alert_subscribe(email=WORK_EMAIL, query={"q": "emploi"}, frequency="daily")
    # Citizen reserve: a volunteer with a phone, a mission, a warning signal.
    volunteer = make_volunteer(me, communes=[marseille], phone=PHONE)
    volunteer.availability_note = f"Joindre {NAME} le soir"
    volunteer.save()
    # Agents write about the volunteer: a status's reason and a distinction naming them.
    for status in ("suspended", "active"):
        reserve.volunteer_set_status(
            actor=world["agent"],
            volunteer=volunteer,
            status=status,
            reason=f"Échange avec {NAME} au téléphone",
        )
    reserve.volunteer_distinguish(
        actor=world["agent"],
        volunteer=volunteer,
        citation=f"{NAME} a porté de l'eau à tout l'immeuble.",
    )
    reserve.mission_signup(volunteer=volunteer, mission=world["mission"])
    make_signal(me, commune=marseille, description="L'eau monte devant chez moi.")
    # Governance: a meeting registration and a candidacy to the citizens' draw.
    governance.registration_create(user=me, meeting=world["meeting"])
    governance.registration_create(user=neighbour, meeting=world["full_meeting"])
    governance.waitlist_join(user=me, meeting=world["full_meeting"])
    governance.candidate_register(
        user=me,
        draw=world["draw"],
        data={
            "public_name": NAME,
            "commune": marseille,
            "age_band": "30-44",
            "gender": "woman",
            "consent": True,
        },
    )
    # ... and a candidacy to an earlier draw, already run: its row stays for the published result.
    from renouveau.governance.models import Candidate, Draw

    past = Draw.objects.create(
        body=world["draw"].body,
        title="Convention 2025",
        description="Tirage passé",
        seats=1,
        closes_on=timezone.localdate() - datetime.timedelta(days=30),
        status=Draw.Status.DRAWN,
    )
    done["drawn_candidate"] = Candidate.objects.create(
        draw=past,
        user=me,
        public_name=NAME,
        commune=marseille,
        territory_id=marseille.territory_id,
        age_band="30-44",
        gender="woman",
        consented_at=timezone.now(),
        rank=1,
        selected=True,
    )
    # Follows: an idea of someone else.
    follows.follow_add(user=me, obj=other_idea)
    # Organisation membership (accounts).
    from renouveau.accounts.services import organisation_create

    organisation = organisation_create(
        creator=me, data={"name": "Collectif du Panier", "kind": "collective"}
    )
    # Mutual aid again: an initiative of that collective, its contact in it.
    make_initiative(
        organisation,
        created_by=me,
        title="Repair café du Panier",
        how_to_join=f"Écrire à {EMAIL}",
    )
    return done


def test_a_resident_active_everywhere_is_exported_then_erased_without_a_trace(
    client, world, marseille, django_capture_on_commit_callbacks
):
    resident = world["resident"]
    with django_capture_on_commit_callbacks(execute=True):
        done = _take_part_everywhere(world, marseille)

    # Every model the guard says is exported and erased has a row of this person: the guard's
    # table and this scenario stay in step.
    from django.apps import apps

    missing = []
    for key in set(ERASED) - set(NOT_BY_A_RESIDENT):
        label, field = key.rsplit(".", 1)
        model = apps.get_model(label)
        if not model._default_manager.filter(**{field: resident}).exists():
            missing.append(key)
    assert not missing, (
        f"The end-to-end resident did nothing that fills {missing}: add it to "
        "_take_part_everywhere in accounts/tests/test_rgpd_end_to_end.py."
    )
    assert _scan(NEEDLES), "the scan must see the person's data before erasure"

    # The export, from « Mon compte ».
    client.force_login(resident)
    page = client.get("/compte/")
    assert page.status_code == 200 and "/compte/mes-donnees/" in page.content.decode()
    response = client.get("/compte/mes-donnees/")
    assert response.status_code == 200
    export = json.loads(response.content)
    text = json.dumps(export, ensure_ascii=False)
    assert export["account"]["email"] == EMAIL
    assert export["account"]["display_name"] == NAME
    absent = []
    for expected in (
        "Jardin partagé du Panier",  # idea
        "12 rue du Refuge",  # its place
        "c'est dangereux",  # comment on an idea
        "Mon voisin du 3e étage",  # flag details
        "Courses du samedi",  # mutual-aid offer
        "3 impasse Secrète",  # its address
        PHONE,  # its phone and the volunteer's
        f"Je suis {NAME}",  # message
        "Très bon moment",  # testimony
        f"Appelez-moi au {PHONE}",  # proposal note
        f"Signalé par {NAME}",  # report
        "Fresque de la Joliette",  # call submission
        "2 quai du Lazaret",  # its address
        "Bonne idée pour les anciens",  # comment on a submission
        "Composteurs",  # ballot
        "Aides vélo",  # aid alert
        f"Joindre {NAME} le soir",  # volunteer
        world["mission"].title,  # mission sign-up
        "L'eau monte devant chez moi",  # warning signal
        "Séance publique",  # meeting registration
        "Atelier complet",  # waiting list
        "Aide pour ma mère",  # mutual-aid request
        f"Mme {SURNAME} mère",  # its beneficiary
        "Repair café du Panier",  # initiative
        WORK_EMAIL,  # the aid alert saved while signed out
        "Bancs",  # co-authored project
        "Convention 2026",  # candidacy
        "Trottoir défoncé",  # follow
        "Collectif du Panier",  # organisation
    ):
        if expected not in text:
            absent.append(expected)
    assert not absent, f"missing from the export: {absent}"
    empty = sorted(
        {
            section
            for key, (_outcome, section) in ERASED.items()
            if key not in NOT_BY_A_RESIDENT and not export.get(section)
        }
    )
    assert not empty, f"the guard's export sections {empty} are empty or absent"
    assert export["alerts"]["subscriptions"] and export["alerts"]["exercise_registrations"]
    assert export["ideas"]["supports"]
    assert {a["email"] for a in export["aid_alerts"]} == {EMAIL, WORK_EMAIL}
    assert export["mutual_aid"]["blocked_users"] == 1
    assert export["appels_a_projets"]["invitations_recues"]
    assert export["appels_a_projets"]["signalements"]
    # The address one invited is the invitee's data (docs/calls-budgets.md): not exported.
    assert export["appels_a_projets"]["invitations_envoyees"]
    assert "ami.rgpd@example.org" not in text
    assert export["citizen_reserve"]["missions"]

    # The erasure, from « Mon compte ».
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    tombstone = User.objects.get(pk=resident.pk)
    assert tombstone.erased_at and tombstone.public_name == "Compte supprimé"

    leftovers = _scan(NEEDLES)
    assert not leftovers, "erasure left the person's data in:\n" + "\n".join(leftovers)

    # What the guard says is deleted or detached is: no row links the tombstone any more.
    still_linked = []
    for key, (outcome, _section) in ERASED.items():
        label, field = key.rsplit(".", 1)
        model = apps.get_model(label)
        if outcome in ("deleted", "detached"):
            if model._default_manager.filter(**{field: tombstone}).exists():
                still_linked.append(key)
    assert not still_linked, f"erasure should have removed these links: {still_linked}"

    # Public contributions stay, by "Compte supprimé" (ideas, comments, submissions,
    # testimonies).
    client.logout()
    for url in (
        done["idea"].get_absolute_url(),
        done["idea_comment"].idea.get_absolute_url(),
        done["submission"].get_absolute_url(),
        done["call_comment"].submission.get_absolute_url(),
    ):
        body = client.get(url).content.decode()
        assert "Compte supprimé" in body, url
        assert SURNAME not in body, url
    # Governance: the drawn candidate stays, as « Compte supprimé », unlinked.
    drawn = done["drawn_candidate"]
    drawn.refresh_from_db()
    assert drawn.user_id is None and drawn.public_name == "Compte supprimé" and drawn.selected
    # Mutual aid: the testimony stays under « Compte supprimé »; open posts are withdrawn.
    body = client.get("/entraide/").content.decode()
    assert "Très bon moment de voisinage." in body and "Compte supprimé" in body
    assert SURNAME not in body
    from renouveau.mutualaid.models import HelpOffer, HelpRequest

    assert not HelpOffer.objects.filter(author=tombstone, status="open").exists()
    assert not HelpRequest.objects.filter(author=tombstone, status="open").exists()
