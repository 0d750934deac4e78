from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from renouveau.budgets import services
from renouveau.budgets.models import Ballot, BallotType, Envelope, Result, TrackedProject
from renouveau.budgets.rules import read_pabulib, solve
from renouveau.calls.models import Phase, Submission
from renouveau.calls.tests.factories import make_call, make_submission, move_call
from renouveau.core.models import AuditLog

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "resident",
    "association_member",
    "commune_agent",
    "metropolis_agent",
    "moderator",
    "elected",
    "administrator",
    "outsider",
)


@pytest.fixture
def voting(plan, personas, marseille):
    """A call in its vote phase, one metropolitan envelope of 10 000 € and four projects."""
    call = make_call(Phase.VOTE)
    envelope = Envelope.objects.create(
        call=call, name="Métropole", amount=Decimal(10000), min_share_percent=50
    )
    projects = [
        make_submission(
            call, personas["resident"], commune=marseille, cost=cost, status="accepted", title=title
        )
        for title, cost in [("Jardin", 4000), ("Vélos", 5000), ("Fresque", 3000), ("Bancs", 2000)]
    ]
    make_submission(
        call, personas["resident"], commune=marseille, cost=100, status="rejected", title="Refusé"
    )
    return call, envelope, projects


def ids(*projects):
    return {str(p.pk): 1 for p in projects}


def _voters(n, marseille, prefix="v"):
    from conftest import make_user

    return [
        make_user(f"{prefix}{i}@example.org", commune=marseille, birth_year=1990, verified=False)
        for i in range(n)
    ]


# ---------------------------------------------------------------- ballot validation


def test_approval_ballot_within_the_limit_and_the_minimum_share(voting, personas):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    voter = personas["resident"]
    voter.birth_year = 1980
    ballot = services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    assert ballot.choices == ids(jardin, velos)
    with pytest.raises(ValidationError, match="plus que l'enveloppe"):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos, fresque))
    with pytest.raises(ValidationError, match="au moins 5"):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(bancs))
    rejected = Submission.objects.get(title="Refusé")
    with pytest.raises(ValidationError, match="projet inconnu"):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, rejected))
    with pytest.raises(ValidationError, match="au moins un projet"):
        services.ballot_cast(voter=voter, envelope=envelope, choices={})
    assert Ballot.objects.get().choices == ids(jardin, velos)  # refused ballots change nothing


def test_count_and_cumulative_ballots(voting, personas):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    voter = personas["resident"]
    voter.birth_year = 1980
    envelope.ballot_type = BallotType.APPROVAL_COUNT
    envelope.max_projects = 2
    envelope.save()
    services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    with pytest.raises(ValidationError, match="2 au maximum"):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos, bancs))
    envelope.ballot_type = BallotType.CUMULATIVE
    envelope.points_total = 10
    envelope.max_points_per_project = 6
    envelope.save()
    ballot = services.ballot_cast(
        voter=voter, envelope=envelope, choices={str(jardin.pk): 6, str(bancs.pk): 4}
    )
    assert ballot.choices == {str(jardin.pk): 6, str(bancs.pk): 4}
    with pytest.raises(ValidationError, match="10 au maximum"):
        services.ballot_cast(
            voter=voter, envelope=envelope, choices={str(jardin.pk): 6, str(bancs.pk): 5}
        )
    with pytest.raises(ValidationError, match="Au plus 6 points"):
        services.ballot_cast(voter=voter, envelope=envelope, choices={str(jardin.pk): 7})
    with pytest.raises(ValidationError, match="négatif"):
        services.ballot_cast(voter=voter, envelope=envelope, choices={str(jardin.pk): -1})


def test_eligibility_territory_and_age(voting, personas, territories):
    from renouveau.territories.models import Commune, Territory

    call, envelope, _projects = voting
    resident = personas["resident"]
    assert "année de naissance" in services.voter_ineligibility(resident, envelope)
    resident.birth_year = 2024
    assert "à partir de 16 ans" in services.voter_ineligibility(resident, envelope)
    resident.birth_year = 1990
    assert services.voter_ineligibility(resident, envelope) is None
    assert "commune de résidence" in services.voter_ineligibility(personas["outsider"], envelope)
    aix = Commune.objects.get(insee="13001")
    envelope.territory = aix.territory
    assert "réservée aux habitants" in services.voter_ineligibility(resident, envelope)
    resident.commune = aix
    assert services.voter_ineligibility(resident, envelope) is None
    assert Territory.objects.count() == 6


def test_one_territoire_per_voter_even_after_moving_commune(voting, personas, client, marseille):
    """The commune comes from the profile, which its owner may edit: moving from Territoire to
    Territoire used to give one ballot in each Territoire's envelope of the call."""
    from renouveau.territories.models import Commune

    call, envelope, (jardin, velos, fresque, bancs) = voting
    envelope.name, envelope.territory = "Marseille-Provence", marseille.territory
    envelope.save()
    aix = Commune.objects.get(insee="13001")
    pays_aix = Envelope.objects.create(
        call=call, name="Pays d'Aix", territory=aix.territory, amount=Decimal(5000)
    )
    arbres = make_submission(
        call, personas["resident"], commune=aix, cost=3000, status="accepted", title="Arbres"
    )
    resident = personas["resident"]
    resident.birth_year = 1990
    resident.save()
    client.force_login(resident)
    marseille_url = reverse("budgets:vote", args=[envelope.pk])
    aix_url = reverse("budgets:vote", args=[pays_aix.pk])
    assert client.post(marseille_url, {"projects": [jardin.pk, velos.pk]}).status_code == 302
    resident.commune = aix
    resident.save()
    response = client.post(aix_url, {"projects": [arbres.pk]})
    assert response.status_code == 403
    assert "déjà voté dans l&#x27;enveloppe « Marseille-Provence »" in response.content.decode()
    assert "déjà voté" in client.get(aix_url).content.decode()  # said before trying, too
    assert list(Ballot.objects.values_list("envelope_id", flat=True)) == [envelope.pk]
    # Moving for real: withdraw the old ballot (allowed whatever the commune), then vote.
    withdraw = reverse("budgets:withdraw", args=[envelope.pk])
    assert "bulletin est retiré" in client.post(withdraw, follow=True).content.decode()
    # A second click said "retiré" again although there was nothing left to withdraw.
    again = client.post(withdraw, follow=True).content.decode()
    assert "pas de bulletin dans cette enveloppe" in again and "bulletin est retiré" not in again
    assert client.post(aix_url, {"projects": [arbres.pk]}).status_code == 302
    assert list(Ballot.objects.values_list("envelope_id", flat=True)) == [pays_aix.pk]
    assert AuditLog.objects.filter(action="budgets.ballot_cast").count() == 2
    # Theme or global envelopes of another call are not concerned.
    other = make_call(Phase.VOTE, slug="autre-appel")
    global_envelope = Envelope.objects.create(call=other, name="Métropole", amount=Decimal(9000))
    make_submission(other, resident, commune=marseille, cost=100, status="accepted", title="X")
    x = Submission.objects.get(title="X")
    assert (
        client.post(
            reverse("budgets:vote", args=[global_envelope.pk]), {"projects": [x.pk]}
        ).status_code
        == 302
    )


PERMS = {
    "budgets.vote": {Phase.VOTE: {"resident"}},
    "budgets.record_paper": {Phase.VOTE: {"commune_agent", "metropolis_agent", "administrator"}},
    "budgets.close_vote": {Phase.VOTE: {"metropolis_agent", "administrator"}},
    "budgets.view_results": {p: set(PERSONAS) for p in (Phase.RESULTS, Phase.IMPLEMENTATION)},
    "budgets.manage_envelope": {
        p: {"metropolis_agent", "administrator"}
        for p in (Phase.UPCOMING, Phase.SUBMISSION, Phase.REVIEW)
    },
    "budgets.track_project": {
        p: {"commune_agent", "metropolis_agent", "administrator"}
        for p in (Phase.RESULTS, Phase.IMPLEMENTATION)
    },
}


@pytest.mark.parametrize("perm", sorted(PERMS))
def test_budget_permission_matrix_persona_by_phase(voting, personas, perm):
    from django.contrib.auth.models import AnonymousUser

    call, envelope, _projects = voting
    personas["resident"].birth_year = 1990
    for phase in Phase:
        move_call(call, phase)
        envelope.call = call
        obj = (
            envelope
            if perm in ("budgets.vote", "budgets.record_paper", "budgets.track_project")
            else call
        )
        for name in PERSONAS:
            user = AnonymousUser() if name == "anonymous" else personas[name]
            expected = name in PERMS[perm].get(phase, set())
            assert user.has_perm(perm, obj) == expected, (perm, phase, name)


def test_envelopes_are_checked(voting, personas):
    call, envelope, _projects = voting
    move_call(call, Phase.REVIEW)
    from renouveau.territories.models import Territory

    other = Envelope(
        call=call, name="Aix", amount=Decimal(1000), territory=Territory.objects.first()
    )
    with pytest.raises(ValidationError, match="même genre"):
        services.envelope_save(actor=personas["metropolis_agent"], envelope=other)
    too_much = Envelope(call=call, name="Deux", amount=Decimal(10), pk=None)
    with pytest.raises(ValidationError):
        services.envelope_save(actor=personas["metropolis_agent"], envelope=too_much)
    envelope.amount = Decimal(200000)
    with pytest.raises(ValidationError, match="montant total"):
        services.envelope_save(actor=personas["metropolis_agent"], envelope=envelope)
    move_call(call, Phase.VOTE)
    envelope.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.envelope_save(actor=personas["metropolis_agent"], envelope=envelope)


# ---------------------------------------------------------------- one ballot per voter


def test_changing_and_replaying_a_ballot_leaves_one_ballot(voting, personas):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    voter = personas["resident"]
    voter.birth_year = 1990
    for _ in range(3):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    services.ballot_cast(voter=voter, envelope=envelope, choices=ids(fresque, bancs))
    ballot = Ballot.objects.get()
    assert ballot.choices == ids(fresque, bancs) and ballot.revision == 4
    assert AuditLog.objects.filter(action="budgets.ballot_cast").count() == 1
    assert AuditLog.objects.filter(action="budgets.ballot_changed").count() == 3
    # The audit log never records the choices.
    assert all("choices" not in (log.data or {}) for log in AuditLog.objects.all())
    # The database itself refuses a second ballot for the same voter.
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(voter=voter, envelope=envelope, choices={})
    move_call(call, Phase.RESULTS)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin))


def test_paper_upsert_recovers_from_a_lost_insert_race(voting, personas, monkeypatch):
    """Two agents type the same paper ballot at once: both find no row, the second insert fails
    on the unique constraint and becomes an update of the first."""
    call, envelope, (jardin, velos, fresque, bancs) = voting
    agent = personas["commune_agent"]
    services.ballot_record_paper(
        agent=agent, envelope=envelope, reference="P-1", choices=ids(jardin, velos)
    )
    real = Ballot.objects.select_for_update

    class Empty:
        def filter(self, **kwargs):
            return self

        def first(self):
            return None

        def get(self, **kwargs):
            return real().get(**kwargs)

    monkeypatch.setattr(Ballot.objects, "select_for_update", lambda: Empty())
    services.ballot_record_paper(
        agent=agent, envelope=envelope, reference="P-1", choices=ids(fresque, bancs)
    )
    assert Ballot.objects.count() == 1
    ballot = Ballot.objects.get()
    assert ballot.choices == ids(fresque, bancs) and ballot.revision == 2


def test_online_ballot_is_one_atomic_upsert(voting, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call, envelope, (jardin, velos, *_rest) = voting
    voter = personas["resident"]
    voter.birth_year = 1990
    services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    envelope = Envelope.objects.select_related("call", "territory").get(pk=envelope.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The upsert and the audit line (one statement on PostgreSQL, two in a transaction on
    # SQLite); the costs are cached during the vote.
    if connection.vendor == "postgresql":
        assert len(statements) == 1, statements
        assert "ON CONFLICT" in statements[0] and "core_auditlog" in statements[0]
    else:
        assert len(statements) == 2, statements
        assert "ON CONFLICT" in statements[0] and "core_auditlog" in statements[1]
    assert Ballot.objects.get().revision == 2
    first, second = AuditLog.objects.filter(action__startswith="budgets.ballot").order_by("pk")
    assert (first.action, second.action) == ("budgets.ballot_cast", "budgets.ballot_changed")
    assert second.actor_id == voter.pk and second.target == envelope
    assert second.object_repr == str(envelope) and second.data == {}


@pytest.mark.django_db(transaction=True)
def test_concurrent_voters_each_submitting_twice_leave_one_ballot_each(plan, personas, marseille):
    """200 distinct voters submit at once from threads, each twice: exactly 200 ballots."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write transaction (one writer at a time), so it cannot "
            "exercise concurrent inserts; this test runs on PostgreSQL (DATABASE_URL)."
        )
    call = make_call(Phase.VOTE, slug="concurrence")
    envelope = Envelope.objects.create(call=call, name="Métropole", amount=Decimal(10000))
    a = make_submission(call, personas["resident"], commune=marseille, cost=4000, status="accepted")
    b = make_submission(call, personas["resident"], commune=marseille, cost=5000, status="accepted")
    voters = _voters(200, marseille)
    jobs = [(v, ids(a) if k == 0 else ids(a, b)) for v in voters for k in range(2)]
    barrier = Barrier(20)

    def submit(job):
        voter, choices = job
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            services.ballot_cast(voter=voter, envelope=envelope, choices=choices)
            return "ok"
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(submit, jobs))
    assert outcomes.count("ok") == 400, [o for o in outcomes if o != "ok"][:3]
    assert Ballot.objects.filter(envelope=envelope).count() == 200
    assert Ballot.objects.filter(envelope=envelope).values("voter").distinct().count() == 200


def test_paper_ballots_by_agents_are_idempotent_by_reference(voting, personas, client):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    agent = personas["commune_agent"]
    services.ballot_record_paper(
        agent=agent, envelope=envelope, reference="Aix-0001", choices=ids(jardin, velos)
    )
    services.ballot_record_paper(
        agent=agent, envelope=envelope, reference="Aix-0001", choices=ids(velos, bancs)
    )
    services.ballot_record_paper(
        agent=agent, envelope=envelope, reference="Aix-0002", choices=ids(velos, fresque)
    )
    assert Ballot.objects.filter(source="paper").count() == 2
    client.force_login(personas["resident"])
    assert client.get(reverse("budgets:paper", args=[envelope.pk])).status_code == 403
    client.force_login(agent)
    response = client.post(
        reverse("budgets:paper", args=[envelope.pk]),
        {"reference": "Aix-0003", "projects": [jardin.pk, velos.pk, fresque.pk]},
    )
    assert response.status_code == 400
    assert "plus que l&#x27;enveloppe" in response.content.decode()


# ---------------------------------------------------------------- views


def test_vote_page_casts_changes_and_refuses_clearly(voting, client, personas):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    url = reverse("budgets:vote", args=[envelope.pk])
    assert client.get(url).status_code == 200
    resident = personas["resident"]
    resident.birth_year = 1990
    resident.save()
    client.force_login(resident)
    page = client.get(url).content.decode()
    assert "Jardin" in page and "Refusé" not in page
    response = client.post(url, {"projects": [jardin.pk, velos.pk, fresque.pk]})
    assert response.status_code == 400
    assert (
        "coûte 12" in response.content.decode()
        and "plus que l&#x27;enveloppe" in response.content.decode()
    )
    assert client.post(url, {"projects": [jardin.pk, velos.pk]}).status_code == 302
    assert client.post(url, {"projects": [fresque.pk, bancs.pk]}).status_code == 302
    assert Ballot.objects.get().choices == ids(fresque, bancs)
    page = client.get(url).content.decode()
    assert "Modifier mon bulletin" in page
    client.force_login(personas["outsider"])
    response = client.post(url, {"projects": [jardin.pk, velos.pk]})
    assert response.status_code == 403
    assert Ballot.objects.count() == 1
    # Once the vote is closed, the voter still reads that they voted (the page said nothing).
    move_call(call, Phase.RESULTS)
    client.force_login(resident)
    page = client.get(url).content.decode()
    assert "Vous avez voté dans cette enveloppe" in page and "Modifier mon bulletin" not in page
    client.force_login(personas["outsider"])
    assert "Vous avez voté" not in client.get(url).content.decode()


def test_malformed_points_are_a_french_400_not_a_500(voting, client, personas):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    envelope.ballot_type = BallotType.CUMULATIVE
    envelope.points_total = 10
    envelope.save()
    resident = personas["resident"]
    resident.birth_year = 1990
    resident.save()
    client.force_login(resident)
    url = reverse("budgets:vote", args=[envelope.pk])
    # "--5" and "²" passed the old str.isdigit() check, then int() raised: a 500.
    for junk in ("--5", "²", "-", "1.5", "9" * 5000, "\x00", "1e3"):
        response = client.post(url, {f"points-{jardin.pk}": junk})
        assert response.status_code == 400, junk
        assert "nombre entier" in response.content.decode()
    assert not Ballot.objects.exists()
    assert client.post(url, {f"points-{jardin.pk}": " 4 "}).status_code == 302
    assert Ballot.objects.get().choices == {str(jardin.pk): 4}
    agent = personas["metropolis_agent"]
    client.force_login(agent)
    paper = reverse("budgets:paper", args=[envelope.pk])
    response = client.post(paper, {"reference": "A-1", f"points-{jardin.pk}": "--5"})
    assert response.status_code == 400
    assert Ballot.objects.count() == 1


def test_ballot_path_keeps_the_envelope_but_sees_every_change_at_once(
    voting, client, personas, django_assert_num_queries
):
    """The vote POST reuses the envelope and its call kept by the process, checked by one query
    on every ballot: closing the vote (by a save or even by a bulk update), unpublishing or
    deleting are seen by the very next ballot."""
    from renouveau.budgets.selectors import envelope_for_ballot
    from renouveau.calls.models import Call

    call, envelope, (jardin, velos, fresque, bancs) = voting
    first = envelope_for_ballot(envelope.pk)
    assert first.pk == envelope.pk and first.call.phase == Phase.VOTE
    with django_assert_num_queries(1):  # the version check only
        second = envelope_for_ballot(envelope.pk)
    assert second is not first and second.call is not first.call  # copies, not shared objects
    second.call.title = "Changé dans une requête"
    assert envelope_for_ballot(envelope.pk).call.title == call.title

    resident = personas["resident"]
    resident.birth_year = 1990
    resident.save()
    client.force_login(resident)
    url = reverse("budgets:vote", args=[envelope.pk])
    assert client.post(url, {"projects": [jardin.pk, velos.pk]}).status_code == 302
    # Closed by a bulk update (no save, no updated_at change): refused at once.
    Call.objects.filter(pk=call.pk).update(phase_override=Phase.RESULTS)
    assert envelope_for_ballot(envelope.pk).call.phase == Phase.RESULTS
    assert client.post(url, {"projects": [fresque.pk, bancs.pk]}).status_code == 403
    # Reopened by the dates (a save): accepted again.
    move_call(Call.objects.get(pk=call.pk), Phase.VOTE)
    assert client.post(url, {"projects": [fresque.pk, bancs.pk]}).status_code == 302
    assert Ballot.objects.get().choices == ids(fresque, bancs)
    # A change of the envelope itself (its amount) is seen too.
    Envelope.objects.filter(pk=envelope.pk).update(amount=Decimal(4000))
    envelope.refresh_from_db()
    envelope.save()  # updated_at moves
    assert envelope_for_ballot(envelope.pk).amount == Decimal(4000)
    # Unpublished: a 404 for residents; deleted: a 404 too.
    Call.objects.filter(pk=call.pk).update(is_published=False)
    assert client.post(url, {"projects": [bancs.pk]}).status_code == 404
    Envelope.objects.filter(pk=envelope.pk).delete()
    assert envelope_for_ballot(envelope.pk) is None
    assert client.post(url, {"projects": [bancs.pk]}).status_code == 404


# ---------------------------------------------------------------- results


def _vote_scenario(voting, marseille):
    call, envelope, (jardin, velos, fresque, bancs) = voting
    envelope.min_share_percent = 0
    envelope.save()
    voters = _voters(10, marseille)
    for v in voters[:6]:
        services.ballot_cast(voter=v, envelope=envelope, choices=ids(jardin, velos))
    for v in voters[6:]:
        services.ballot_cast(voter=v, envelope=envelope, choices=ids(fresque, bancs))
    return call, envelope, (jardin, velos, fresque, bancs)


def test_closing_the_vote_publishes_results_with_explanations(
    voting, marseille, personas, client, django_capture_on_commit_callbacks
):
    call, envelope, (jardin, velos, fresque, bancs) = _vote_scenario(voting, marseille)
    client.force_login(personas["metropolis_agent"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("budgets:close", args=[call.slug]))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.phase == Phase.RESULTS
    # The second click of a double click: "already closed", not a 403 page; closed once.
    again = client.post(reverse("budgets:close", args=[call.slug]), follow=True)
    assert again.status_code == 200 and "déjà clos" in again.content.decode()
    assert AuditLog.objects.filter(action="budgets.vote_closed").count() == 1
    client.force_login(personas["resident"])
    assert client.post(reverse("budgets:close", args=[call.slug])).status_code == 403
    client.force_login(personas["metropolis_agent"])
    result = Result.objects.get(envelope=envelope)
    assert result.ballot_count == 10 and result.rule == "mes-add1-greedy"
    # Equal shares: the 6 voters hold 6 000 €, the 4 others 4 000 €: each group gets a project.
    assert set(result.selected) >= {jardin.pk, fresque.pk}
    assert result.counts[str(jardin.pk)] == {"votes": 6, "points": 6}
    jardin.refresh_from_db()
    assert jardin.status == Submission.Status.SELECTED
    assert TrackedProject.objects.filter(submission=jardin).exists()
    page = client.get(reverse("budgets:results", args=[call.slug])).content.decode()
    assert "méthode des parts égales" in page
    assert "vote majoritaire" in page
    assert "habitante@example.org" not in page and "v1@example.org" not in page
    api = client.get(f"/api/v1/calls/{call.pk}/results/").json()
    env = api["envelopes"][0]
    assert env["rule"] == "mes-add1-greedy" and env["ballots"] == 10
    assert [p["id"] for p in env["projects"] if p["selected"]] == result.selected
    assert all(p["explanation"] for p in env["projects"])
    assert "greedy_selected" in env
    # The answer is what the schema says (the amount was a JSON number, not a decimal string).
    from renouveau.api.tests.schema_check import assert_matches_schema

    assert_matches_schema(client, "CallResults", api)
    assert env["amount"] == "10000.00"
    # Recomputing is idempotent.
    services.results_compute(call=call)
    assert Result.objects.count() == 1 and TrackedProject.objects.count() == len(result.selected)


def test_a_project_without_a_single_vote_is_never_funded(voting, marseille, client):
    """With money left after the supported projects, the greedy completion went on down to the
    projects nobody voted for: « Bancs », 0 vote, was declared a winner."""
    call, envelope, (jardin, velos, fresque, bancs) = voting
    for voter in _voters(3, marseille):
        services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, fresque))
    move_call(call, Phase.RESULTS)
    for rule in ("mes-add1-greedy", "greedy"):
        call.rule = rule
        call.save()
        (result,) = services.results_compute(call=call)
        assert set(result.selected) == {jardin.pk, fresque.pk}, rule  # 3 000 € left, Bancs 2 000
        entry = next(e for e in result.outcome["projects"] if e["project"] == str(bancs.pk))
        assert entry["selected"] is False and entry["reason"] == "no-support"
        assert result.outcome["total_cost"] == 7000
        assert bancs.pk not in [int(p) for p in result.greedy["selected"]]
        bancs.refresh_from_db()
        assert bancs.status == Submission.Status.NOT_SELECTED
        assert not TrackedProject.objects.filter(submission=bancs).exists()
    page = client.get(reverse("budgets:results", args=[call.slug])).content.decode()
    assert "Aucun vote pour ce projet" in page


def test_pabulib_export_is_anonymous_and_recomputes_the_outcome(voting, marseille, client):
    call, envelope, (jardin, *_rest) = _vote_scenario(voting, marseille)
    # A forged one-line title with a line break and a semicolon: the file must still read back.
    Submission.objects.filter(pk=jardin.pk).update(title="Jardin;\r\npartagé")
    url = reverse("budgets:pabulib", args=[envelope.pk])
    assert client.get(url).status_code == 403  # not before the vote closes
    move_call(call, Phase.RESULTS)
    services.results_compute(call=call)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "@" not in text
    voter_pks = {str(pk) for pk in Ballot.objects.values_list("voter_id", flat=True)}
    instance, profile = read_pabulib(text)
    assert len(profile.ballots) == 10
    assert [b.voter_id for b in profile.ballots] == [str(i) for i in range(1, 11)]
    assert voter_pks  # ids in the file are 1..n, not account ids
    outcome = solve(instance, profile, rule="mes-add1-greedy", sat="cost")
    assert [int(x) for x in outcome.selected] == Result.objects.get().selected
    assert {p.id: p.name for p in instance.projects}[str(jardin.pk)] == "Jardin; partagé"


def test_results_are_hidden_until_the_vote_closes(voting, client):
    call, _envelope, _projects = voting
    assert client.get(reverse("budgets:results", args=[call.slug])).status_code == 403
    assert client.get(f"/api/v1/calls/{call.pk}/results/").status_code == 403


def test_tracked_projects_are_public_and_updated_by_agents(voting, marseille, personas, client):
    call, envelope, _projects = _vote_scenario(voting, marseille)
    move_call(call, Phase.RESULTS)
    services.results_compute(call=call)
    project = TrackedProject.objects.first()
    assert client.get(reverse("budgets:index")).status_code == 200
    assert client.get(reverse("budgets:tracked", args=[project.pk])).status_code == 200
    url = reverse("budgets:tracked_edit", args=[project.pk])
    client.force_login(personas["resident"])
    assert (
        client.post(url, {"status": "in_progress", "progress": 30, "spent": 100}).status_code == 403
    )
    client.force_login(personas["metropolis_agent"])
    assert (
        client.post(url, {"status": "in_progress", "progress": 130, "spent": 100}).status_code
        == 400
    )
    response = client.post(
        url, {"status": "in_progress", "progress": 30, "spent": 1200, "note": "Travaux lancés"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.progress == 30 and project.spent == 1200
    assert project.updates.count() == 1
    assert (
        "Travaux lancés"
        in client.get(reverse("budgets:tracked", args=[project.pk])).content.decode()
    )


def test_commune_agents_act_only_where_they_are_agents(voting, marseille, personas, client):
    """An agent of Marseille used to edit the progress of a winner in Aix and type in paper
    ballots of the Pays d'Aix's envelope."""
    from renouveau.territories.models import Commune

    call, envelope, (jardin, velos, *_rest) = voting
    aix = Commune.objects.get(insee="13001")
    pays_aix = Envelope.objects.create(
        call=call, name="Pays d'Aix", territory=aix.territory, amount=Decimal(5000)
    )
    envelope.name, envelope.territory = "Marseille-Provence", marseille.territory
    envelope.save()
    arbres = make_submission(
        call, personas["resident"], commune=aix, cost=3000, status="accepted", title="Arbres"
    )
    agent = personas["commune_agent"]  # agent of Marseille
    client.force_login(agent)
    paper = {"reference": "P-1", "projects": [arbres.pk]}
    assert client.get(reverse("budgets:paper", args=[pays_aix.pk])).status_code == 403
    assert client.post(reverse("budgets:paper", args=[pays_aix.pk]), paper).status_code == 403
    assert not Ballot.objects.exists()
    own = {"reference": "P-1", "projects": [jardin.pk, velos.pk]}
    assert client.post(reverse("budgets:paper", args=[envelope.pk]), own).status_code == 302
    assert personas["metropolis_agent"].has_perm("budgets.record_paper", pays_aix)
    services.ballot_record_paper(
        agent=personas["metropolis_agent"], envelope=pays_aix, reference="A-1", choices=ids(arbres)
    )

    move_call(call, Phase.RESULTS)
    services.results_compute(call=call)
    in_aix = TrackedProject.objects.get(submission=arbres)
    in_marseille = TrackedProject.objects.get(submission=jardin)
    update = {"status": "in_progress", "progress": 30, "spent": 100}
    assert client.post(reverse("budgets:tracked_edit", args=[in_aix.pk]), update).status_code == 403
    page = client.get(reverse("budgets:tracked", args=[in_aix.pk])).content.decode()
    assert "Publier un point d" not in page
    response = client.post(reverse("budgets:tracked_edit", args=[in_marseille.pk]), update)
    assert response.status_code == 302
    in_aix.refresh_from_db()
    assert in_aix.progress == 0
    assert personas["metropolis_agent"].has_perm("budgets.track_project", in_aix)


def test_erasure_keeps_the_ballot_but_forgets_the_voter(voting, personas):
    from renouveau.accounts.services import user_erase, user_export_data

    call, envelope, (jardin, velos, *_rest) = voting
    voter = personas["resident"]
    voter.birth_year = 1990
    services.ballot_cast(voter=voter, envelope=envelope, choices=ids(jardin, velos))
    assert "budget_participatif" in str(user_export_data(user=voter))
    user_erase(user=voter)
    ballot = Ballot.objects.get()
    assert ballot.voter is None and ballot.choices == ids(jardin, velos)


def test_demo_dataset_loads_twice_with_an_open_vote_and_published_results(plan, client):
    from renouveau.budgets import demo
    from renouveau.calls.models import Call

    first = demo.load()
    assert demo.load() == first  # idempotent
    open_call = Call.objects.get(slug="reinventons-la-metropole-demo")
    done = Call.objects.get(slug="budget-participatif-2025-demo")
    assert open_call.is_demo and done.is_demo
    assert open_call.phase == Phase.VOTE and done.phase == Phase.IMPLEMENTATION
    assert Result.objects.get(envelope__call=done).ballot_count == 300
    assert TrackedProject.objects.filter(envelope__call=done, is_demo=True).exists()
    page = client.get(reverse("budgets:results", args=[done.slug])).content.decode()
    assert "Démonstration" in page
    assert client.get(open_call.get_absolute_url()).status_code == 200


def test_due_results_are_published_by_the_command_and_the_schema_lists_the_endpoint(
    voting, marseille, client
):
    import io

    from django.core.management import call_command

    call, envelope, _projects = _vote_scenario(voting, marseille)
    move_call(call, Phase.RESULTS)  # the vote closed by its dates, nobody pressed the button
    assert not Result.objects.exists()
    call_command("publish_due_results", stdout=io.StringIO())
    assert Result.objects.get(envelope=envelope).ballot_count == 10
    call_command("publish_due_results", stdout=io.StringIO())
    assert Result.objects.count() == 1
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/calls/{id}/results/" in schema and "/api/v1/calls/" in schema


def test_pabulib_export_is_made_once_and_refreshed_by_a_recompute(voting, marseille):
    call, envelope, _projects = _vote_scenario(voting, marseille)
    move_call(call, Phase.RESULTS)
    services.results_compute(call=call)
    first = services.pabulib_export(envelope=envelope)
    assert Result.objects.get().pabulib == first
    Ballot.objects.filter(pk=Ballot.objects.first().pk).delete()
    assert services.pabulib_export(envelope=envelope) == first  # stored, not recomputed
    services.results_compute(call=call)
    assert Result.objects.get().pabulib == ""
    assert "num_votes;9" in services.pabulib_export(envelope=envelope)


def test_the_call_amount_cannot_fall_below_its_envelopes(voting, personas, client):
    """Lowering a call's total amount below the sum of its envelopes was accepted."""
    from renouveau.calls import services as call_services

    call, envelope, _projects = voting  # envelope of 10 000 € in a call of 100 000 €
    agent = personas["metropolis_agent"]
    with pytest.raises(ValidationError, match="totalisent 10000"):
        call_services.call_update(actor=agent, call=call, data={"total_amount": Decimal(5000)})
    call.refresh_from_db()
    assert call.total_amount == Decimal(100000)
    fmt = "%Y-%m-%dT%H:%M"
    post = {
        "title": call.title,
        "slug": call.slug,
        "summary": call.summary,
        "total_amount": "5000",
        "minimum_voting_age": "16",
        "rule": call.rule,
        "submission_opens_at": call.submission_opens_at.strftime(fmt),
        "submission_closes_at": call.submission_closes_at.strftime(fmt),
        "vote_opens_at": call.vote_opens_at.strftime(fmt),
        "vote_closes_at": call.vote_closes_at.strftime(fmt),
        "is_published": "on",
    }
    client.force_login(agent)
    response = client.post(reverse("calls:edit", args=[call.slug]), post)
    assert response.status_code == 400 and "totalisent" in response.content.decode()
    post["total_amount"] = "10000"
    assert client.post(reverse("calls:edit", args=[call.slug]), post).status_code == 302
    call.refresh_from_db()
    assert call.total_amount == Decimal(10000)
