"""An invitation sent to an account's secondary (verified) address is written in that
account's language; commenting is refused by the service itself outside the comment window."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from renouveau.calls import services
from renouveau.calls.models import Comment, Phase
from renouveau.core.models import AuditLog

from .factories import make_call, make_submission, move_call

pytestmark = pytest.mark.django_db

ENGLISH_SUBJECT = 'Invitation to co-author the project "Jardin Belsunce"'
FRENCH_SUBJECT = "Invitation à co-porter le projet « Jardin Belsunce »"


@pytest.fixture
def project(plan, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    return make_submission(call, personas["resident"], commune=marseille, title="Jardin Belsunce")


def _invite(personas, project, email, capture):
    with capture(execute=True):
        services.coauthor_invite(actor=personas["resident"], submission=project, email=email)
    return mail.outbox[-1]


def test_an_invitation_to_a_secondary_address_is_in_the_accounts_language(
    project, personas, django_capture_on_commit_callbacks
):
    outsider = personas["outsider"]
    outsider.language = "en"
    outsider.save()
    EmailAddress.objects.create(
        user=outsider, email="Second@Example.org", verified=True, primary=False
    )
    message = _invite(personas, project, "second@example.org", django_capture_on_commit_callbacks)
    assert message.to == ["second@example.org"]
    assert message.subject == ENGLISH_SUBJECT


def test_an_unverified_secondary_address_or_none_gets_the_sites_language(
    project, personas, django_capture_on_commit_callbacks
):
    outsider = personas["outsider"]
    outsider.language = "en"
    outsider.save()
    # Anyone can add an address to their account without proving it: not theirs yet.
    EmailAddress.objects.create(user=outsider, email="pas-a-moi@example.org", verified=False)
    capture = django_capture_on_commit_callbacks
    assert _invite(personas, project, "pas-a-moi@example.org", capture).subject == FRENCH_SUBJECT
    assert _invite(personas, project, "inconnu@example.org", capture).subject == FRENCH_SUBJECT
    # The account's main address still decides by itself.
    assert _invite(personas, project, outsider.email, capture).subject == ENGLISH_SUBJECT


def test_the_comment_service_checks_the_permission_itself(project, personas):
    outsider = personas["outsider"]
    comment = services.comment_create(author=outsider, submission=project, body="Bravo")
    assert comment.pk
    for author in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.comment_create(author=author, submission=project, body="Anonyme")
    # An erased account cannot comment.
    outsider.erased_at = timezone.now()
    outsider.save()
    with pytest.raises(PermissionDenied):
        services.comment_create(author=outsider, submission=project, body="Encore")
    # Outside the comment window (before submissions open, after the vote): refused.
    resident = personas["resident"]
    for phase in (Phase.UPCOMING, Phase.RESULTS, Phase.IMPLEMENTATION):
        move_call(project.call, phase)
        project.refresh_from_db()
        with (
            translation.override("fr"),
            pytest.raises(PermissionDenied, match="Les commentaires sont fermés"),
        ):
            services.comment_create(author=resident, submission=project, body=f"Trop tard {phase}")
    assert list(Comment.objects.values_list("body", flat=True)) == ["Bravo"]
    assert AuditLog.objects.filter(action="calls.comment_created").count() == 1
