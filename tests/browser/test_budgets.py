"""Browser tests of the participatory budget: each ballot type, an invalid ballot refused with a
clear message, changing a ballot, and the results page (axe-clean)."""

from decimal import Decimal

import pytest

from renouveau.budgets.models import Ballot, Envelope
from renouveau.budgets.services import results_compute
from renouveau.calls.models import Phase
from renouveau.calls.tests.factories import make_call, make_submission, move_call


@pytest.fixture
def open_vote(plan, personas, marseille):
    call = make_call(Phase.VOTE, slug="vote")
    projects = [
        make_submission(
            call,
            personas["association_member"],
            commune=marseille,
            cost=c,
            status="accepted",
            title=t,
        )
        for t, c in [("Jardin", 4000), ("Vélos", 5000), ("Fresque", 3000)]
    ]
    resident = personas["resident"]
    resident.birth_year = 1990
    resident.save()
    return call, projects, resident


def test_knapsack_ballot_refused_over_the_limit_then_cast_and_changed(browse, open_vote):
    call, (jardin, velos, fresque), resident = open_vote
    envelope = Envelope.objects.create(
        call=call, name="Métropole", amount=Decimal(10000), min_share_percent=50
    )
    page = browse.page
    browse.login(resident)
    browse.goto(f"/budget-participatif/enveloppes/{envelope.pk}/")
    for p in (jardin, velos, fresque):
        page.check(f"#project-{p.pk}")
    assert "Au-delà de l’enveloppe" in page.inner_text("#ballot-total")  # live total (JS)
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    error = page.inner_text("[role=alert]")
    assert "plus que l'enveloppe" in error and "retirez" in error
    browse.check()
    assert not Ballot.objects.exists()
    page.uncheck(f"#project-{fresque.pk}")
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    assert "Votre bulletin est enregistré" in page.content()
    browse.check()
    # Change the ballot.
    page.uncheck(f"#project-{velos.pk}")
    page.check(f"#project-{fresque.pk}")
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    ballot = Ballot.objects.get()
    assert set(ballot.choices) == {str(jardin.pk), str(fresque.pk)} and ballot.revision == 2


def test_count_and_cumulative_ballots_then_results(browse, open_vote, personas):
    call, (jardin, velos, fresque), resident = open_vote
    page = browse.page
    browse.login(resident)
    # One envelope per theme is not needed here: two calls' envelopes in turn.
    count = Envelope.objects.create(
        call=call,
        name="Métropole",
        amount=Decimal(10000),
        ballot_type="approval_count",
        max_projects=1,
    )
    browse.goto(f"/budget-participatif/enveloppes/{count.pk}/")
    page.check(f"#project-{jardin.pk}")
    page.check(f"#project-{velos.pk}")
    assert "Trop de projets" in page.inner_text("#ballot-total")
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    assert "1 au maximum" in page.inner_text("[role=alert]")
    browse.check()
    page.uncheck(f"#project-{velos.pk}")
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    assert Ballot.objects.filter(envelope=count).count() == 1

    other = make_call(Phase.VOTE, slug="points")
    a = make_submission(
        other,
        personas["association_member"],
        commune=jardin.commune,
        cost=2000,
        status="accepted",
        title="Bancs",
    )
    b = make_submission(
        other,
        personas["association_member"],
        commune=jardin.commune,
        cost=3000,
        status="accepted",
        title="Arbres",
    )
    points = Envelope.objects.create(
        call=other, name="Points", amount=Decimal(4000), ballot_type="cumulative", points_total=5
    )
    browse.goto(f"/budget-participatif/enveloppes/{points.pk}/")
    page.fill(f"#points-{a.pk}", "4")
    page.fill(f"#points-{b.pk}", "3")
    # The live total speaks of points, not of "beyond the envelope" (it did).
    total = page.inner_text("#ballot-total")
    assert "7 sur 5" in total and "Trop de points" in total and "enveloppe" not in total
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    assert "5 au maximum" in page.inner_text("[role=alert]")
    page.fill(f"#points-{b.pk}", "1")
    page.click("form.ballot button[type=submit]")
    page.wait_for_load_state()
    assert Ballot.objects.get(envelope=points).choices == {str(a.pk): 4, str(b.pk): 1}
    browse.check()

    # Results of the points vote, explained, with the greedy comparison.
    move_call(other, Phase.RESULTS)
    results_compute(call=other)
    browse.goto("/budget-participatif/appels/points/resultats/")
    content = page.content()
    assert "Résultats du vote" in content and "Bancs" in content
    assert "vote majoritaire" in content
    assert "bulletins anonymisés" in content
