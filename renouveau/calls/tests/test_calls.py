from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from renouveau.calls import services
from renouveau.calls.models import Call, Comment, Phase, Submission
from renouveau.core.models import AuditLog
from renouveau.plan.models import Workstream

from .factories import make_call, make_submission, move_call

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


def _user(personas, name):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if name == "anonymous" else personas[name]


# ---------------------------------------------------------------- phases


def test_phase_follows_the_dates_and_the_agents_override(plan):
    for phase in Phase:
        call = make_call(phase, slug=f"c-{phase}")
        assert call.phase == phase
    call = Call.objects.get(slug="c-submission")
    call.phase_override = Phase.VOTE
    assert call.phase == Phase.VOTE
    steps = call.timeline()
    assert [s["phase"] for s in steps] == [
        Phase.SUBMISSION,
        Phase.REVIEW,
        Phase.VOTE,
        Phase.RESULTS,
        Phase.IMPLEMENTATION,
    ]
    assert [s["current"] for s in steps] == [False, False, True, False, False]


def test_database_refuses_dates_out_of_order(plan):
    call = make_call(Phase.SUBMISSION)
    call.vote_closes_at = call.vote_opens_at
    with pytest.raises(IntegrityError), transaction.atomic():
        call.save()


def test_phase_set_by_agent_is_audited(plan, metropolis_agent, client):
    call = make_call(Phase.SUBMISSION)
    client.force_login(metropolis_agent)
    response = client.post(reverse("calls:phase", args=[call.slug]), {"phase": "review"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.phase == Phase.REVIEW
    assert AuditLog.objects.filter(action="calls.phase_set", object_id=str(call.pk)).exists()


# ---------------------------------------------------------------- permissions matrix

EXPECTED = {
    # permission -> {phase: set of personas allowed}
    "calls.submit_project": {
        Phase.SUBMISSION: set(PERSONAS) - {"anonymous"},
    },
    "calls.change_submission": {Phase.SUBMISSION: {"resident"}},  # the author
    "calls.withdraw_submission": {
        Phase.SUBMISSION: {"resident"},
        Phase.REVIEW: {"resident"},
    },
    "calls.invite_coauthor": {Phase.SUBMISSION: {"resident"}},  # the author
    "calls.leave_submission": {},  # co-authors only: nobody here, never the author
    "calls.review_submission": {
        Phase.SUBMISSION: {"commune_agent", "metropolis_agent", "administrator"},
        Phase.REVIEW: {"commune_agent", "metropolis_agent", "administrator"},
    },
    "calls.comment": {
        p: set(PERSONAS) - {"anonymous"} for p in (Phase.SUBMISSION, Phase.REVIEW, Phase.VOTE)
    },
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_permission_matrix_persona_by_phase(plan, personas, marseille, perm):
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    for phase in Phase:
        move_call(call, phase)
        submission.call = call
        obj = call if perm == "calls.submit_project" else submission
        allowed = EXPECTED[perm].get(phase, set())
        for name in PERSONAS:
            user = _user(personas, name)
            assert user.has_perm(perm, obj) == (name in allowed), (perm, phase, name)


def test_commune_agent_reviews_only_in_their_commune(plan, personas, marseille):
    from renouveau.territories.models import Commune

    call = make_call(Phase.REVIEW)
    aix = Commune.objects.get(insee="13001")
    elsewhere = make_submission(call, personas["resident"], commune=aix)
    assert not personas["commune_agent"].has_perm("calls.review_submission", elsewhere)
    assert personas["metropolis_agent"].has_perm("calls.review_submission", elsewhere)


def test_manage_and_moderate_are_role_based(plan, personas):
    for name in PERSONAS:
        user = _user(personas, name)
        assert user.has_perm("calls.manage_call") == (name in {"metropolis_agent", "administrator"})
        assert user.has_perm("calls.moderate_comment") == (
            name in {"moderator", "metropolis_agent", "administrator"}
        )


def test_reviewed_project_can_no_longer_be_edited(plan, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    services.submission_accept(actor=personas["metropolis_agent"], submission=submission)
    submission.refresh_from_db()
    assert not personas["resident"].has_perm("calls.change_submission", submission)


# ---------------------------------------------------------------- submissions


def _submission_post(workstream, commune, **over):
    data = {
        "title": "Un jardin partagé à Belsunce",
        "description": "Transformer la friche en jardin partagé.",
        "beneficiaries": "Les familles du quartier",
        "workstream": workstream.pk,
        "commune": commune.pk,
        "address": "",
        "estimated_cost": "12000",
        "organisation": "",
    }
    data.update(over)
    return data


def test_resident_submits_edits_and_sees_status(plan, client, resident, marseille):
    call = make_call(Phase.SUBMISSION)
    workstream = Workstream.objects.get(number=7)
    call.themes.add(workstream)
    client.force_login(resident)
    url = reverse("calls:submit", args=[call.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, _submission_post(workstream, marseille))
    assert response.status_code == 302
    # A double click on « Déposer » (or the form sent again) used to create a second project.
    again = client.post(url, _submission_post(workstream, marseille))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    submission = Submission.objects.get()
    assert submission.author == resident and submission.status == Submission.Status.SUBMITTED
    assert AuditLog.objects.filter(action="calls.submission_created").count() == 1
    edit = reverse("calls:submission_edit", args=[call.slug, submission.pk])
    response = client.post(edit, _submission_post(workstream, marseille, estimated_cost="15000"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.estimated_cost == Decimal("15000")
    mine = client.get(reverse("calls:mine")).content.decode()
    assert "Un jardin partagé à Belsunce" in mine and "attente d&#x27;analyse" in mine
    # After the deadline: no more edits.
    move_call(call, Phase.REVIEW)
    assert client.get(edit).status_code == 403
    assert client.post(edit, _submission_post(workstream, marseille)).status_code == 403


def test_invalid_submission_is_a_400_in_french(plan, client, resident, marseille):
    call = make_call(Phase.SUBMISSION)
    workstream = Workstream.objects.get(number=1)
    call.themes.add(Workstream.objects.get(number=7))
    client.force_login(resident)
    response = client.post(
        reverse("calls:submit", args=[call.slug]),
        _submission_post(workstream, marseille, estimated_cost="-3", title=""),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce champ est obligatoire" in body
    assert not Submission.objects.exists()


def test_submission_outside_the_phase_is_refused(plan, client, resident, marseille):
    call = make_call(Phase.REVIEW)
    client.force_login(resident)
    response = client.post(
        reverse("calls:submit", args=[call.slug]),
        _submission_post(Workstream.objects.first(), marseille),
    )
    assert response.status_code == 403
    with pytest.raises(Exception, match="pas ouvert"):
        services.submission_create(author=resident, call=call, data={"title": "x"})


def test_an_accepted_invitation_lets_the_coauthor_edit(plan, client, personas, marseille):
    """Co-authors used to be added at once by e-mail; now they accept an invitation first."""
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    client.force_login(personas["resident"])
    url = reverse("calls:submission_coauthor", args=[call.slug, submission.pk])
    assert client.post(url, {"email": "asso@example.org"}).status_code == 302
    member = personas["association_member"]
    assert not member.has_perm("calls.change_submission", submission)  # not before accepting
    invitation = submission.invitations.get()
    client.force_login(member)
    assert (
        client.post(reverse("calls:invitation_accept", args=[invitation.token])).status_code == 302
    )
    submission = Submission.objects.get(pk=submission.pk)
    assert member.has_perm("calls.change_submission", submission)


def test_organisation_must_be_one_of_the_authors(plan, personas, marseille):
    from renouveau.accounts.models import Organisation

    call = make_call(Phase.SUBMISSION)
    organisation = Organisation.objects.get()
    with pytest.raises(ValidationError):
        services.submission_create(
            author=personas["resident"],
            call=call,
            data={
                "title": "x",
                "description": "y",
                "beneficiaries": "z",
                "commune": marseille,
                "workstream": Workstream.objects.first(),
                "estimated_cost": Decimal(10),
                "organisation": organisation,
            },
        )


# ---------------------------------------------------------------- review


def test_agent_accepts_with_an_adjusted_cost_and_a_public_reason(
    plan, client, personas, marseille, django_capture_on_commit_callbacks
):
    call = make_call(Phase.REVIEW)
    submission = make_submission(call, personas["resident"], commune=marseille, cost=10000)
    client.force_login(personas["commune_agent"])
    url = reverse("calls:review", args=[call.slug, submission.pk])
    response = client.post(url, {"decision": "accept", "adjusted_cost": "14000", "reason": ""})
    assert response.status_code == 400
    assert "pourquoi le coût est ajusté" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"decision": "accept", "adjusted_cost": "14000", "reason": "Normes d'accessibilité."},
        )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.cost == Decimal("14000")
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Normes d&#x27;accessibilité." in page
    log = AuditLog.objects.get(action="calls.submission_accepted")
    assert Decimal(log.data["cost"]) == 14000 and Decimal(log.data["cost_before"]) == 10000
    assert len(mail.outbox) == 1 and "Recevable" in mail.outbox[0].subject


def test_reject_needs_a_public_reason_and_merge_moves_the_authors(
    plan, client, personas, marseille
):
    call = make_call(Phase.REVIEW)
    a = make_submission(call, personas["resident"], commune=marseille, title="Jardin A")
    b = make_submission(call, personas["association_member"], commune=marseille, title="Jardin B")
    client.force_login(personas["metropolis_agent"])
    url = reverse("calls:review", args=[call.slug, a.pk])
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "merge", "into": b.pk}).status_code == 302
    a.refresh_from_db()
    assert a.status == Submission.Status.MERGED and a.merged_into == b
    assert personas["resident"] in b.coauthors.all()
    url_b = reverse("calls:review", args=[call.slug, b.pk])
    response = client.post(url_b, {"decision": "reject", "reason": "Hors compétence."})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Submission.Status.REJECTED and b.public_reason == "Hors compétence."
    # The database refuses a rejection without a reason whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=b.pk).update(public_reason="")


def test_resident_cannot_review(plan, client, personas, marseille):
    call = make_call(Phase.REVIEW)
    submission = make_submission(call, personas["resident"], commune=marseille)
    client.force_login(personas["resident"])
    url = reverse("calls:review", args=[call.slug, submission.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403


# ---------------------------------------------------------------- comments


def test_comments_reports_and_moderation(plan, client, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    client.force_login(personas["association_member"])
    url = reverse("calls:comment", args=[call.slug, submission.pk])
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "Bonne idée, nous pouvons aider."}).status_code == 302
    # Sent twice (double click): published once.
    assert client.post(url, {"body": "Bonne idée, nous pouvons aider. "}).status_code == 302
    comment = Comment.objects.get()
    assert AuditLog.objects.filter(action="calls.comment_created").count() == 1
    report = reverse("calls:comment_report", args=[call.slug, submission.pk, comment.pk])
    client.force_login(personas["resident"])
    client.post(report)
    client.post(report)
    assert comment.reports.count() == 1
    moderate = reverse("calls:comment_moderate", args=[call.slug, submission.pk, comment.pk])
    assert client.post(moderate, {"action": "hide", "reason": "spam"}).status_code == 403
    client.force_login(personas["moderator"])
    hide = {"action": "hide", "reason": "Propos hors sujet"}
    client.post(moderate, hide)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Propos hors sujet"
    # A second click on « Masquer » (double click, second tab) used to restore the comment.
    response = client.post(moderate, hide, follow=True)
    assert "déjà masqué" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_hidden
    assert AuditLog.objects.filter(action="calls.comment_restored").count() == 0
    assert client.post(moderate, {"action": "restore"}).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    response = client.post(moderate, {"action": "restore"}, follow=True)
    assert "déjà visible" in response.content.decode()
    response = client.post(moderate, {"reason": "x"}, follow=True)  # no action: nothing done
    assert "Action de modération inconnue" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden
    client.post(moderate, hide)
    comment.refresh_from_db()
    assert comment.is_hidden
    client.logout()
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Bonne idée" not in page and "Propos hors sujet" in page
    assert AuditLog.objects.filter(action="calls.comment_hidden").exists()


def _reported_comment(call, submission, author, reporters, body):
    comment = services.comment_create(author=author, submission=submission, body=body)
    for reporter in reporters:
        services.comment_report(reporter=reporter, comment=comment)
    return comment


def test_the_moderators_queue_lists_reported_comments_and_handles_them(
    plan, client, personas, marseille
):
    from renouveau.calls.models import CommentReport

    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    resident, member, outsider = (
        personas[k] for k in ("resident", "association_member", "outsider")
    )
    once = _reported_comment(call, submission, member, [resident], "Signalé une fois")
    twice = _reported_comment(call, submission, resident, [member, outsider], "Signalé deux fois")
    _reported_comment(call, submission, member, [], "Jamais signalé")
    queue = reverse("calls:moderation")
    assert client.get(queue).status_code == 302  # login first
    client.force_login(resident)
    assert client.get(queue).status_code == 403
    assert client.post(reverse("calls:comment_dismiss", args=[once.pk])).status_code == 403
    client.force_login(personas["moderator"])
    assert "Commentaires signalés" in client.get(reverse("calls:index")).content.decode()
    page = client.get(queue)
    assert page.status_code == 200
    listed = [c.pk for c in page.context["page"].object_list]
    assert listed == [twice.pk, once.pk]  # most reported first; never-reported comments absent
    assert page.context["page"].object_list[0].report_count == 2
    # Hide from the queue: back to the queue, the comment leaves it, its reports are closed.
    hide = reverse("calls:comment_moderate", args=[call.slug, submission.pk, twice.pk])
    response = client.post(hide, {"action": "hide", "reason": "  ", "from": "queue"}, follow=True)
    assert "Indiquez le motif de la modération" in response.content.decode()
    assert response.redirect_chain[-1][0] == queue  # back to the queue, nothing hidden
    assert not Comment.objects.get(pk=twice.pk).is_hidden
    response = client.post(hide, {"action": "hide", "reason": "Propos injurieux", "from": "queue"})
    assert response.status_code == 302 and response["Location"] == queue
    assert CommentReport.objects.filter(comment=twice, handled_at__isnull=True).count() == 0
    # Dismiss: the comment stays visible and leaves the queue; the decision is in the journal.
    response = client.post(reverse("calls:comment_dismiss", args=[once.pk]), follow=True)
    assert "classé sans suite" in response.content.decode()
    assert [c.pk for c in client.get(queue).context["page"].object_list] == []
    once.refresh_from_db()
    assert not once.is_hidden
    line = AuditLog.objects.get(action="calls.comment_reports_dismissed")
    assert line.data == {"reports": 1} and line.actor == personas["moderator"]
    # Dismissing again: a clear message, nothing changes.
    response = client.post(reverse("calls:comment_dismiss", args=[once.pk]), follow=True)
    assert "pas de signalement à traiter" in response.content.decode()
    # A new reporter brings it back; the project page counts only the open report.
    services.comment_report(reporter=personas["elected"], comment=once)
    assert [c.pk for c in client.get(queue).context["page"].object_list] == [once.pk]
    detail = client.get(submission.get_absolute_url())
    counts = {c.pk: c.report_count for c in detail.context["comments"]}
    assert counts[once.pk] == 1 and counts[twice.pk] == 0


# ---------------------------------------------------------------- lists and visibility


def test_project_list_of_300_projects_has_a_constant_query_count(
    plan, client, personas, marseille, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = make_call(Phase.VOTE)
    workstream = Workstream.objects.first()
    Submission.objects.bulk_create(
        [
            Submission(
                call=call,
                author=personas["resident"] if i % 2 else personas["association_member"],
                organisation=None,
                commune=marseille,
                workstream=workstream,
                title=f"Projet {i}",
                description="d",
                beneficiaries="b",
                estimated_cost=Decimal(1000 + i),
                status=Submission.Status.ACCEPTED,
            )
            for i in range(300)
        ]
    )
    url = reverse("calls:projects", args=[call.slug])

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)  # warm the per-process caches (content types, translations)
    small = count(url + "?q=Projet 299")
    full = count(url)
    page6 = count(url + "?page=6")
    assert full == small == page6, (small, full, page6)
    with django_assert_max_num_queries(12):
        client.get(url)
    partial = client.get(url + "?statut=accepted", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="resultats"' in partial and "<html" not in partial
    assert client.get(url + "?page=7").status_code == 404
    assert client.get(url + "?page=x").status_code == 400


def test_draft_calls_are_hidden_from_the_public(plan, client, personas):
    call = make_call(Phase.SUBMISSION, is_published=False)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert call.title not in client.get(reverse("calls:index")).content.decode()
    client.force_login(personas["metropolis_agent"])
    assert client.get(call.get_absolute_url()).status_code == 200


def test_agent_creates_a_call_with_themes(plan, client, personas):
    client.force_login(personas["metropolis_agent"])
    themes = Workstream.objects.filter(number__in=[4, 7])
    data = {
        "title": "Réinventons la Métropole",
        "slug": "reinventons",
        "summary": "Appel à projets",
        "description": "",
        "eligibility": "",
        "themes": [t.pk for t in themes],
        "total_amount": "500000",
        "minimum_voting_age": "16",
        "rule": "mes-add1-greedy",
        "submission_opens_at": "2026-01-01T09:00",
        "submission_closes_at": "2026-02-01T09:00",
        "vote_opens_at": "2026-01-15T09:00",
        "vote_closes_at": "2026-04-01T09:00",
        "implementation_starts_at": "",
        "is_published": "on",
    }
    response = client.post(reverse("calls:create"), data)
    assert response.status_code == 400
    assert (
        "Le vote ne peut pas s&#x27;ouvrir avant la clôture du dépôt." in response.content.decode()
    )
    data["vote_opens_at"] = "2026-03-01T09:00"
    assert client.post(reverse("calls:create"), data).status_code == 302
    call = Call.objects.get(slug="reinventons")
    assert set(call.themes.all()) == set(themes)
    assert AuditLog.objects.filter(action="calls.call_created").exists()
    client.force_login(personas["resident"])
    assert client.post(reverse("calls:create"), data).status_code == 403


def test_personal_data_export_and_erasure(plan, personas, marseille):
    from renouveau.accounts.services import user_erase, user_export_data
    from renouveau.calls.models import CommentReport

    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille, title="Mon jardin")
    comment = services.comment_create(
        author=personas["association_member"], submission=submission, body="Pub déguisée"
    )
    services.comment_report(reporter=personas["resident"], comment=comment)
    data = user_export_data(user=personas["resident"])
    assert "Mon jardin" in str(data)
    calls_data = data["appels_a_projets"]
    assert [r["commentaire"] for r in calls_data["signalements"]] == ["Pub déguisée"]
    assert calls_data["signalements"][0]["traite_le"] is None
    user_erase(user=personas["resident"])
    assert not CommentReport.objects.exists()  # private reports go with the account


def test_api_lists_calls_and_projects(plan, client, personas, marseille):
    call = make_call(Phase.VOTE)
    make_submission(call, personas["resident"], commune=marseille, status="accepted", title="Vélo")
    make_call(Phase.VOTE, slug="brouillon", is_published=False)
    data = client.get("/api/v1/calls/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [c["slug"] for c in rows] == ["appel"]
    assert rows[0]["phase"] == "vote"
    projects = client.get(f"/api/v1/calls/{call.pk}/projects/").json()
    items = projects["results"] if isinstance(projects, dict) else projects
    assert items[0]["title"] == "Vélo" and items[0]["cost"] == "1000.00"
    assert "author" not in items[0] or "email" not in str(items[0])
    # Links are absolute, as in the other endpoints (they were bare paths typed format: uri).
    assert rows[0]["url"] == f"http://testserver/appels/{call.slug}/"
    assert items[0]["url"].startswith(f"http://testserver/appels/{call.slug}/projets/")
    from renouveau.api.tests.schema_check import assert_matches_schema

    assert_matches_schema(client, "PaginatedCallList", data)
    assert_matches_schema(client, "PaginatedProjectList", projects)
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/calls/{id}/projects/" in schema


def test_optional_location_is_both_coordinates_in_range(plan, client, resident, marseille):
    call = make_call(Phase.SUBMISSION)
    workstream = Workstream.objects.first()
    client.force_login(resident)
    url = reverse("calls:submit", args=[call.slug])
    response = client.post(url, _submission_post(workstream, marseille, latitude="43.3"))
    assert response.status_code == 400
    assert "ou aucune des deux" in response.content.decode()
    response = client.post(
        url, _submission_post(workstream, marseille, latitude="143", longitude="5")
    )
    assert response.status_code == 400
    response = client.post(
        url, _submission_post(workstream, marseille, latitude="43.3", longitude="5.37")
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.latitude == 43.3
    assert (
        "openstreetmap.org/?mlat=43.300000"
        in client.get(submission.get_absolute_url()).content.decode()
    )


def test_project_list_filters_ignore_junk_ids_instead_of_failing(plan, client, personas, marseille):
    call = make_call(Phase.VOTE)
    make_submission(call, personas["resident"], commune=marseille, title="Jardin partagé")
    url = reverse("calls:projects", args=[call.slug])
    # "²" passes str.isdigit() but not int(): the filter was a 500.
    for junk in ("²", "٣", "9" * 40, "-1", "abc", "\x00"):
        for param in ("commune", "chantier"):
            response = client.get(url, {param: junk})
            assert response.status_code == 200, (param, junk)
            assert "Jardin partagé" in response.content.decode()
    assert client.get(url, {"commune": str(marseille.pk)}).status_code == 200


def test_withdrawing_twice_says_it_is_done_instead_of_a_403(plan, client, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    url = reverse("calls:submission_withdraw", args=[call.slug, submission.pk])
    client.force_login(personas["association_member"])
    assert client.post(url).status_code == 403
    client.force_login(personas["resident"])
    assert client.post(url).status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.WITHDRAWN
    response = client.post(url, follow=True)  # the second click of a double click
    assert response.status_code == 200 and "déjà retiré" in response.content.decode()
    assert AuditLog.objects.filter(action="calls.submission_withdrawn").count() == 1


def test_a_nul_byte_in_a_search_or_filter_is_not_a_500(plan, client, personas, marseille):
    """PostgreSQL refuses a NUL byte in a query parameter: '?q=%00' on the project list, '?s='
    on the scenario comparison and '?territoire=' on the projects API were 500s there."""
    call = make_call(Phase.VOTE)
    make_submission(call, personas["resident"], commune=marseille, title="Jardin partagé")
    response = client.get(reverse("calls:projects", args=[call.slug]), {"q": "Jard\x00in"})
    assert response.status_code == 200 and "Jardin partagé" in response.content.decode()
    assert client.get("/priorisation/scenarios/comparer/", {"s": "a\x00b"}).status_code == 404
    assert client.get("/api/v1/projects/", {"territoire": "pays\x00"}).status_code == 400
    assert client.get("/api/v1/projects/", {"territoire": "pays-d-aix"}).status_code == 200
