"""Co-authors by consent: invitations by e-mail that the invitee accepts or declines, the same
answer whatever the address, and merges restricted to the agent's communes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renouveau.calls import services
from renouveau.calls.models import CoauthorInvitation, Phase, Submission
from renouveau.core.models import AuditLog

from .factories import make_call, make_submission, move_call

pytestmark = pytest.mark.django_db

SENT = "Une invitation a été envoyée à cette adresse."


@pytest.fixture
def project(plan, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    return make_submission(call, personas["resident"], commune=marseille, title="Jardin Belsunce")


def _invite(client, submission, email):
    url = reverse("calls:submission_coauthor", args=[submission.call.slug, submission.pk])
    return client.post(url, {"email": email}, follow=True)


def _accept(client, invitation, **kwargs):
    return client.post(reverse("calls:invitation_accept", args=[invitation.token]), **kwargs)


def test_the_answer_is_the_same_whatever_the_address_and_nobody_is_added(
    project, client, personas, django_capture_on_commit_callbacks
):
    """The immediate add told anyone whether an address had an account ("Aucun compte...")
    and made that account a co-author without asking."""
    outsider = personas["outsider"]
    outsider.language = "en"
    outsider.save()
    client.force_login(personas["resident"])
    addresses = [
        "personne@example.org",  # no account
        "ailleurs@example.org",  # an account (English e-mails)
        "ASSO@example.org",  # an account, typed in capitals
    ]
    pages = []
    for address in addresses:
        with django_capture_on_commit_callbacks(execute=True):
            response = _invite(client, project, address)
        assert response.status_code == 200
        body = response.content.decode()
        assert SENT in body and "Aucun compte" not in body
        pages.append(body.count(SENT))
    assert pages == [1, 1, 1]
    assert list(project.coauthors.all()) == []  # nobody added without consent
    assert sorted(i.email for i in project.invitations.all()) == sorted(
        a.lower() for a in addresses
    )
    assert [m.to for m in mail.outbox] == [[a.lower()] for a in addresses]
    french, english, _member = mail.outbox
    assert "Invitation à co-porter le projet « Jardin Belsunce »" == french.subject
    assert english.subject == 'Invitation to co-author the project "Jardin Belsunce"'
    token = project.invitations.get(email="ailleurs@example.org").token
    assert f"/appels/invitations/{token}/" in english.body
    # The journal records the invitations, never the address (agents read it).
    lines = AuditLog.objects.filter(action="calls.coauthor_invited")
    assert lines.count() == 3
    assert not any("@" in (line.object_repr + str(line.data)) for line in lines)


def test_only_the_verified_owner_of_the_address_accepts_and_only_once(
    project, client, personas, django_capture_on_commit_callbacks
):
    from conftest import make_user

    services.coauthor_invite(
        actor=personas["resident"], submission=project, email="nouvelle@example.org"
    )
    invitation = CoauthorInvitation.objects.get()
    # Someone else signed in: refused, and the page does not say which address was invited.
    client.force_login(personas["outsider"])
    page = client.get(reverse("calls:invitation", args=[invitation.token]))
    assert page.status_code == 403 and "nouvelle@example.org" not in page.content.decode()
    assert _accept(client, invitation).status_code == 403
    # An account with that address that has not verified it: refused too.
    unverified = make_user("nouvelle@example.org", verified=False)
    client.force_login(unverified)
    assert _accept(client, invitation).status_code == 403
    assert (
        client.post(reverse("calls:invitation_decline", args=[invitation.token])).status_code == 403
    )
    invitation.refresh_from_db()
    assert invitation.status == CoauthorInvitation.Status.PENDING
    assert not project.coauthors.exists()
    # Verified: the page offers both answers; accepting twice (double click) adds once.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=unverified, email="nouvelle@example.org", verified=True, primary=True
    )
    page = client.get(reverse("calls:invitation", args=[invitation.token]))
    assert page.status_code == 200
    assert "Accepter l" in page.content.decode() and "Refuser l" in page.content.decode()
    assert _accept(client, invitation).status_code == 302
    again = _accept(client, invitation, follow=True)
    assert "déjà partie des auteurs" in again.content.decode()
    assert list(project.coauthors.all()) == [unverified]
    assert AuditLog.objects.filter(action="calls.coauthor_added").count() == 1
    assert AuditLog.objects.filter(action="calls.coauthor_invitation_accepted").count() == 1
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_by == unverified
    # An unknown token is a 404; the links need a POST (and so the CSRF token).
    assert client.get(reverse("calls:invitation", args=["inconnu"])).status_code == 404
    assert (
        client.get(reverse("calls:invitation_accept", args=[invitation.token])).status_code == 405
    )


def test_declining_or_an_expired_invitation_adds_nobody(project, client, personas):
    member = personas["association_member"]
    declined = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    client.force_login(member)
    response = client.post(reverse("calls:invitation_decline", args=[declined.token]), follow=True)
    assert "Vous avez refusé l&#x27;invitation" in response.content.decode()
    response = _accept(client, declined, follow=True)
    assert "plus valable" in response.content.decode()
    assert not project.coauthors.exists()
    assert AuditLog.objects.filter(action="calls.coauthor_invitation_declined").count() == 1
    # A new invitation to the same address, then left to expire.
    expired = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    assert expired.pk != declined.pk
    CoauthorInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = _accept(client, expired, follow=True)
    assert "a expiré" in response.content.decode()
    assert not project.coauthors.exists()


def test_acceptance_is_refused_once_the_project_can_no_longer_change(project, client, personas):
    member = personas["association_member"]
    invitation = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    move_call(project.call, Phase.REVIEW)
    client.force_login(member)
    page = client.get(reverse("calls:invitation", args=[invitation.token])).content.decode()
    assert "ne peut plus être acceptée" in page and "Accepter l" not in page
    response = _accept(client, invitation, follow=True)
    assert "ne peut plus être acceptée" in response.content.decode()
    assert not project.coauthors.exists()
    # And no invitation can be sent any more.
    client.force_login(personas["resident"])
    url = reverse("calls:submission_coauthor", args=[project.call.slug, project.pk])
    assert client.post(url, {"email": "x@example.org"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.coauthor_invite(
            actor=personas["resident"], submission=project, email="x@example.org"
        )
    # An analysed project, during the submission phase: the same.
    move_call(project.call, Phase.SUBMISSION)
    services.submission_accept(actor=personas["metropolis_agent"], submission=project)
    response = _accept(client, invitation, follow=True)
    assert response.status_code == 403  # signed in as the author, not the invitee
    client.force_login(member)
    response = _accept(client, invitation, follow=True)
    assert "ne peut plus être acceptée" in response.content.decode()


def test_the_authors_see_and_cancel_pending_invitations(project, client, personas):
    invitation = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    cancel = reverse("calls:invitation_cancel", args=[project.call.slug, project.pk, invitation.pk])
    client.force_login(personas["outsider"])
    assert "asso@example.org" not in client.get(project.get_absolute_url()).content.decode()
    assert client.post(cancel).status_code == 403
    client.force_login(personas["resident"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "asso@example.org" in page and "Annuler l" in page
    assert client.post(cancel).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    assert "déjà annulée" in client.post(cancel, follow=True).content.decode()
    assert AuditLog.objects.filter(action="calls.coauthor_invitation_cancelled").count() == 1
    client.force_login(personas["association_member"])
    assert "plus valable" in _accept(client, invitation, follow=True).content.decode()
    assert not project.coauthors.exists()


def test_pending_invitations_are_limited_and_an_address_again_renews_its_invitation(
    project, client, personas
):
    author = personas["resident"]
    for n in range(services.MAX_PENDING_INVITATIONS):
        services.coauthor_invite(actor=author, submission=project, email=f"p{n}@example.org")
    client.force_login(author)
    response = _invite(client, project, "une-de-trop@example.org")
    assert response.status_code == 400
    assert "10 invitations en attente" in response.content.decode()
    # The same address again: the same invitation, with a new expiry (not a new one).
    first = CoauthorInvitation.objects.get(email="p0@example.org")
    CoauthorInvitation.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    assert SENT in _invite(client, project, "p0@example.org").content.decode()
    renewed = CoauthorInvitation.objects.get(email="p0@example.org")
    assert renewed.pk == first.pk and renewed.token == first.token
    assert renewed.expires_at > timezone.now() + timedelta(days=13)
    # Expired invitations no longer count.
    CoauthorInvitation.objects.filter(email="p1@example.org").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert SENT in _invite(client, project, "une-de-trop@example.org").content.decode()
    # One's own address is not an invitation.
    response = _invite(client, project, "habitante@example.org")
    assert response.status_code == 400 and "votre propre adresse" in response.content.decode()


def test_a_coauthor_leaves_and_only_the_author_withdraws(project, client, personas):
    member = personas["association_member"]
    invitation = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    assert services.invitation_accept(user=member, invitation=invitation) is True
    withdraw = reverse("calls:submission_withdraw", args=[project.call.slug, project.pk])
    leave = reverse("calls:submission_leave", args=[project.call.slug, project.pk])
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Ne plus être co-auteur" in page and "Retirer mon projet" not in page
    # A co-author could withdraw the author's whole project.
    assert client.post(withdraw).status_code == 403
    project.refresh_from_db()
    assert project.status == Submission.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.submission_withdraw(actor=member, submission=project)
    # Leaving works in any phase, once.
    move_call(project.call, Phase.VOTE)
    assert client.post(leave).status_code == 302
    assert not project.coauthors.exists()
    assert "ne faites pas partie" in client.post(leave, follow=True).content.decode()
    assert AuditLog.objects.filter(action="calls.coauthor_left").count() == 1
    client.force_login(personas["resident"])
    assert client.post(leave).status_code == 403  # the author withdraws, never "leaves"


def test_a_coauthor_editing_keeps_the_authors_organisation(plan, client, personas, marseille):
    from renouveau.accounts.models import Organisation

    organisation = Organisation.objects.get()
    call = make_call(Phase.SUBMISSION)
    project = make_submission(
        call, personas["association_member"], commune=marseille, organisation=organisation
    )
    invitation = services.coauthor_invite(
        actor=personas["association_member"], submission=project, email="habitante@example.org"
    )
    services.invitation_accept(user=personas["resident"], invitation=invitation)
    client.force_login(personas["resident"])
    edit = reverse("calls:submission_edit", args=[call.slug, project.pk])
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        workstream=project.workstream_id,
        commune=marseille.pk,
        organisation=organisation.pk,
        title="Jardin modifié",
        address="",
    )
    assert client.post(edit, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "Jardin modifié" and project.organisation == organisation
    # Someone who is not an author cannot edit through the service either.
    with pytest.raises(PermissionDenied):
        services.submission_update(
            actor=personas["outsider"], submission=project, data={"title": "Pirate"}
        )


def test_my_participation_lists_the_invitations_waiting_for_me(project, client, personas):
    from renouveau.calls.home import my_section

    services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    section = my_section(personas["association_member"])
    assert [e.title for e in section.entries] == ["Jardin Belsunce"]
    assert section.entries[0].badge == "Invitation"
    assert my_section(personas["outsider"]).entries == []
    client.force_login(personas["association_member"])
    assert "Jardin Belsunce" in client.get("/compte/").content.decode()
    assert "Invitations à co-porter" in client.get(reverse("calls:mine")).content.decode()


def test_invitations_in_the_export_and_gone_on_erasure(project, personas):
    from renouveau.accounts.services import user_erase, user_export_data

    author, member = personas["resident"], personas["association_member"]
    accepted = services.coauthor_invite(actor=author, submission=project, email="asso@example.org")
    services.invitation_accept(user=member, invitation=accepted)
    services.coauthor_invite(actor=author, submission=project, email="ami@example.org")
    received = user_export_data(user=member)["appels_a_projets"]["invitations_recues"]
    assert [(r["projet"], r["statut"]) for r in received] == [("Jardin Belsunce", "accepted")]
    sent = user_export_data(user=author)["appels_a_projets"]["invitations_envoyees"]
    assert sorted(r["statut"] for r in sent) == ["accepted", "pending"]
    assert "ami@example.org" not in str(sent)  # the other person's address is theirs
    user_erase(user=member)
    assert not CoauthorInvitation.objects.filter(pk=accepted.pk).exists()
    assert not project.coauthors.exists()  # no tombstone among the co-authors
    user_erase(user=author)
    pending = CoauthorInvitation.objects.get()
    assert pending.invited_by is None and pending.email == "ami@example.org"


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_make_one_coauthor(plan, personas, marseille):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; this test runs on PostgreSQL.")
    call = make_call(Phase.SUBMISSION, slug="concurrence")
    project = make_submission(call, personas["resident"], commune=marseille)
    invitation = services.coauthor_invite(
        actor=personas["resident"], submission=project, email="asso@example.org"
    )
    member = personas["association_member"]
    barrier = Barrier(8)

    def accept(_):
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            return services.invitation_accept(user=member, invitation=invitation)
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(accept, range(8)))
    assert sorted(outcomes, key=str) == [False] * 7 + [True], outcomes
    assert list(project.coauthors.all()) == [member]
    assert AuditLog.objects.filter(action="calls.coauthor_added").count() == 1


# ---------------------------------------------------------------- merges within the agent's area


def test_a_commune_agent_merges_only_projects_of_their_communes(plan, client, personas, marseille):
    from renouveau.territories.models import Commune

    aix = Commune.objects.get(insee="13001")
    call = make_call(Phase.REVIEW)
    here = make_submission(call, personas["resident"], commune=marseille, title="Ici")
    here_too = make_submission(call, personas["outsider"], commune=marseille, title="Ici aussi")
    there = make_submission(call, personas["association_member"], commune=aix, title="Aix")
    agent = personas["commune_agent"]
    client.force_login(agent)
    url = reverse("calls:review", args=[call.slug, here.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["into"].queryset) == [here_too]  # Aix is not offered
    response = client.post(url, {"decision": "merge", "into": there.pk})
    assert response.status_code == 400
    here.refresh_from_db()
    assert here.status == Submission.Status.SUBMITTED and not there.coauthors.exists()
    with pytest.raises(PermissionDenied):
        services.submission_merge(actor=agent, submission=here, into=there)
    with pytest.raises(PermissionDenied):  # nor the other way round
        services.submission_merge(actor=agent, submission=there, into=here)
    assert client.get(reverse("calls:review", args=[call.slug, there.pk])).status_code == 403
    assert not AuditLog.objects.filter(action="calls.submission_merged").exists()
    # Within their commune: merged, and the merged project's author becomes a co-author.
    assert client.post(url, {"decision": "merge", "into": here_too.pk}).status_code == 302
    here.refresh_from_db()
    assert here.status == Submission.Status.MERGED and here.merged_into == here_too
    assert list(here_too.coauthors.all()) == [personas["resident"]]
    line = AuditLog.objects.get(action="calls.submission_merged")
    assert line.data == {"into": here_too.pk, "coauthors_added": [personas["resident"].pk]}
    # A Metropolis agent merges across communes.
    services.submission_merge(actor=personas["metropolis_agent"], submission=there, into=here_too)
    assert set(here_too.coauthors.all()) == {personas["resident"], personas["association_member"]}


def test_review_decisions_are_checked_by_the_services_too(plan, personas, marseille):
    from renouveau.territories.models import Commune

    call = make_call(Phase.REVIEW)
    there = make_submission(call, personas["resident"], commune=Commune.objects.get(insee="13001"))
    for decide in (
        lambda: services.submission_accept(actor=personas["commune_agent"], submission=there),
        lambda: services.submission_reject(
            actor=personas["commune_agent"], submission=there, reason="Non"
        ),
        lambda: services.submission_accept(actor=personas["resident"], submission=there),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    there.refresh_from_db()
    assert there.status == Submission.Status.SUBMITTED
    with pytest.raises(ValidationError):  # a merge into itself is still a form error
        services.submission_merge(actor=personas["metropolis_agent"], submission=there, into=there)


def test_the_review_email_gives_the_status_in_the_authors_language(
    plan, personas, marseille, django_capture_on_commit_callbacks
):
    """The status was rendered in the agent's language before the e-mail was translated."""
    from django.utils import translation

    author = personas["resident"]
    author.language = "en"
    author.save()
    project = make_submission(make_call(Phase.REVIEW), author, commune=marseille)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.submission_accept(actor=personas["metropolis_agent"], submission=project)
    assert len(mail.outbox) == 1
    assert "Feasible, put to the vote" in mail.outbox[0].subject
    assert "Recevable" not in mail.outbox[0].body


# ---------------------------------------------------------------- other permission checks


def test_a_project_is_filed_in_an_organisations_name_only_once_it_is_verified(
    plan, client, personas, marseille
):
    """Anyone may create an organisation called anything: filing in its name waited for
    nothing, where mutual aid waits for an agent's verification."""
    from renouveau.accounts.models import Organisation
    from renouveau.accounts.services import organisation_create
    from renouveau.plan.models import Workstream

    resident = personas["resident"]
    unverified = organisation_create(
        creator=resident,
        data={"name": "Mairie de Marseille", "kind": Organisation.Kind.COLLECTIVE},
    )
    call = make_call(Phase.SUBMISSION)
    data = {
        "title": "Au nom de la mairie",
        "description": "d",
        "beneficiaries": "b",
        "commune": marseille,
        "workstream": Workstream.objects.first(),
        "estimated_cost": 10,
        "organisation": unverified,
    }
    with pytest.raises(ValidationError, match="pas encore été vérifiée"):
        services.submission_create(author=resident, call=call, data=data)
    client.force_login(resident)
    form = client.get(reverse("calls:submit", args=[call.slug])).context["form"]
    assert unverified not in form.fields["organisation"].queryset
    unverified.is_verified = True
    unverified.save()
    assert services.submission_create(author=resident, call=call, data=data).organisation == (
        unverified
    )


def test_call_and_moderation_services_check_the_permission(plan, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    project = make_submission(call, personas["resident"], commune=marseille)
    comment = services.comment_create(author=personas["outsider"], submission=project, body="x")
    services.comment_report(reporter=personas["resident"], comment=comment)
    resident = personas["resident"]
    for forbidden in (
        lambda: services.call_update(actor=resident, call=call, data={"title": "Piraté"}),
        lambda: services.call_phase_set(actor=resident, call=call, phase=Phase.VOTE),
        lambda: services.call_create(actor=personas["commune_agent"], data={}),
        lambda: services.comment_hide(actor=resident, comment=comment, reason="Je n'aime pas"),
        lambda: services.comment_restore(actor=resident, comment=comment),
        lambda: services.comment_reports_dismiss(actor=resident, comment=comment),
    ):
        with pytest.raises(PermissionDenied):
            forbidden()
    call.refresh_from_db()
    comment.refresh_from_db()
    assert call.title != "Piraté" and call.phase_override == "" and not comment.is_hidden
    services.comment_hide(actor=personas["moderator"], comment=comment, reason="Hors sujet")
    services.call_phase_set(actor=personas["metropolis_agent"], call=call, phase=Phase.REVIEW)


def test_ended_invitations_are_purged_after_a_month_accepted_ones_kept(project, personas):
    from renouveau.calls.tasks import purge_old_invitations

    author, member = personas["resident"], personas["association_member"]
    accepted = services.coauthor_invite(actor=author, submission=project, email="asso@example.org")
    services.invitation_accept(user=member, invitation=accepted)
    old_expired = services.coauthor_invite(actor=author, submission=project, email="a@example.org")
    old_declined = services.coauthor_invite(actor=author, submission=project, email="b@example.org")
    recent = services.coauthor_invite(actor=author, submission=project, email="c@example.org")
    long_ago = timezone.now() - timedelta(days=services.INVITATION_KEEP_DAYS + 1)
    CoauthorInvitation.objects.filter(pk=old_expired.pk).update(expires_at=long_ago)
    CoauthorInvitation.objects.filter(pk__in=[old_declined.pk, accepted.pk]).update(
        answered_at=long_ago
    )
    CoauthorInvitation.objects.filter(pk=old_declined.pk).update(status="declined")
    CoauthorInvitation.objects.filter(pk=recent.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    purge_old_invitations.enqueue()  # the immediate backend in tests
    assert set(CoauthorInvitation.objects.values_list("pk", flat=True)) == {accepted.pk, recent.pk}
    assert AuditLog.objects.get(action="calls.invitations_purged").data == {"count": 2}


def test_the_author_hears_that_the_invitee_joined(
    project, personas, django_capture_on_commit_callbacks
):
    author, member = personas["resident"], personas["association_member"]
    project.title = "Jardin de l'école"
    project.save()
    invitation = services.coauthor_invite(
        actor=author, submission=project, email="asso@example.org"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_accept(user=member, invitation=invitation) is True
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert (
        message.subject
        == f"{member.display_name} co-porte désormais le projet « Jardin de l'école »"
    )
    assert project.get_absolute_url() in message.body
    # A second click tells nobody again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_accept(user=member, invitation=invitation) is False
    assert mail.outbox == []
