"""Browser tests of the calls: a resident submits a project, an agent reviews it (axe-clean)."""

from decimal import Decimal

from renouveau.calls.models import Phase, Submission
from renouveau.calls.tests.factories import make_call
from renouveau.plan.models import Workstream


def test_resident_submits_a_project_and_an_agent_reviews_it(browse, plan, personas):
    call = make_call(Phase.SUBMISSION, slug="reinventons")
    call.themes.set(Workstream.objects.filter(number__in=[4, 7]))
    page = browse.page
    browse.goto("/appels/")
    page.click(f"a:has-text('{call.title}')")
    page.wait_for_url("**/appels/reinventons/")
    browse.check()

    browse.login(personas["resident"])
    browse.goto("/appels/reinventons/projets/deposer/")
    page.fill("input[name=title]", "Jardin partagé de la Belle de Mai")
    page.fill("textarea[name=description]", "Transformer la friche en jardin partagé.")
    page.select_option("select[name=workstream]", index=1)
    page.fill("input[name=estimated_cost]", "12000")
    page.click("main form button[type=submit]")  # beneficiaries missing
    page.wait_for_load_state()
    assert "Ce champ est obligatoire" in page.content()  # a clear French error, not a 500
    browse.check()
    page.fill("input[name=beneficiaries]", "Les familles du quartier")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Votre projet est déposé" in page.content()
    browse.check()
    submission = Submission.objects.get()
    assert submission.commune.name == "Marseille"  # the resident's commune by default

    # The agent reviews after the deadline: accepts with an adjusted cost and a reason.
    call.phase_override = Phase.REVIEW
    call.save()
    page.context.clear_cookies()  # sign out
    browse.login(personas["metropolis_agent"])
    browse.goto(f"/appels/reinventons/projets/{submission.pk}/")
    page.click("text=Analyser ce projet")
    page.wait_for_url("**/analyse/")
    browse.check()
    page.check("input[name=decision][value=accept]")
    page.fill("input[name=adjusted_cost]", "15000")
    page.fill("textarea[name=reason]", "Clôture et arrivée d'eau ajoutées.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Recevable" in page.content() and "Clôture et arrivée" in page.content()
    browse.check()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.cost == Decimal("15000")
    browse.goto("/appels/reinventons/projets/")
    assert "Jardin partagé" in page.content()
    browse.goto("/appels/reinventons/")  # with the agents' management panel
    assert "Gestion de l'appel" in page.content()


def test_a_moderator_handles_reported_comments_from_the_queue(browse, plan, personas, marseille):
    from renouveau.calls import services
    from renouveau.calls.models import Comment
    from renouveau.calls.tests.factories import make_submission

    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    for body, reporters in (
        ("Achetez mes montres pas chères", ["resident", "outsider"]),
        ("Je ne suis pas d'accord avec ce projet", ["outsider"]),
    ):
        comment = services.comment_create(
            author=personas["association_member"], submission=submission, body=body
        )
        for name in reporters:
            services.comment_report(reporter=personas[name], comment=comment)
    page = browse.page
    browse.login(personas["moderator"])
    browse.goto("/compte/")
    page.click("text=Modération : les signalements à traiter")
    page.wait_for_url("**/moderation/")
    browse.check()
    assert "1 à traiter" not in page.inner_text("main")  # two reported comments
    assert "2 à traiter" in page.inner_text("main")
    page.click("text=Commentaires des projets déposés")
    page.wait_for_url("**/appels/moderation/commentaires/")
    browse.check()
    first = page.locator("main li.card").first
    assert "2 signalements" in first.inner_text() and "montres" in first.inner_text()
    first.get_by_label("Motif public du masquage").fill("Publicité")
    first.get_by_role("button", name="Masquer").click()
    page.wait_for_url("**/appels/moderation/commentaires/")
    assert "Le commentaire est masqué" in page.content()
    browse.check()
    page.locator("main li.card").first.get_by_role("button", name="Classer sans suite").click()
    page.wait_for_load_state()
    assert "Aucun commentaire signalé à traiter" in page.content()
    browse.check()
    hidden, kept = Comment.objects.order_by("pk")
    assert hidden.is_hidden and hidden.hidden_reason == "Publicité" and not kept.is_hidden


def test_an_author_invites_a_coauthor_who_accepts_from_their_account(browse, plan, personas):
    """The invitation flow (axe-clean): the author invites by e-mail, sees it pending; the
    invitee finds it in « Ma participation » and accepts it."""
    from django.core import mail

    from renouveau.calls.tests.factories import make_submission

    call = make_call(Phase.SUBMISSION, slug="invitations-test")
    marseille = personas["resident"].commune
    submission = make_submission(call, personas["resident"], commune=marseille, title="Jardin")
    page = browse.page
    browse.login(personas["resident"])
    browse.goto(f"/appels/{call.slug}/projets/{submission.pk}/")
    page.fill("input[name=email]", "asso@example.org")
    page.click("text=Envoyer l'invitation")
    page.wait_for_load_state()
    assert "Une invitation a été envoyée à cette adresse" in page.content()
    assert "Invitations en attente de réponse" in page.content()
    browse.check()
    assert [m.to for m in mail.outbox] == [["asso@example.org"]]

    page.context.clear_cookies()  # sign out
    browse.login(personas["association_member"])
    browse.goto("/compte/")
    page.click("main a:has-text('Jardin')")
    page.wait_for_url("**/appels/invitations/**")
    browse.check()
    page.click("text=Accepter l'invitation")
    page.wait_for_load_state()
    assert "Vous êtes maintenant co-autrice ou co-auteur" in page.content()
    assert "Ne plus être co-auteur de ce projet" in page.content()
    browse.check()
    assert list(submission.coauthors.all()) == [personas["association_member"]]
