"""« Ma participation » on the account page: each app's ``my_section(user)`` shows the signed-in
person's own ideas, mutual aid, projects, votes, meetings, reserve missions and alert
subscriptions — theirs only."""

import pytest

from renouveau.core.demo import demo_loaders, reference_loaders


@pytest.fixture
def demo(plan, personas):
    for _app, load in reference_loaders():
        load()
    for _app, load in demo_loaders():
        load()


def _participations(resident):
    """(user, url that must be on their page) for one example of each kind in the demo data;
    what the demonstration has no example of is created for ``resident``."""
    from django.utils import timezone

    from renouveau.alerts.models import Subscription
    from renouveau.alerts.services import subscription_add
    from renouveau.budgets.models import Ballot, Envelope
    from renouveau.calls.models import Submission
    from renouveau.governance.models import Meeting, Registration
    from renouveau.governance.services import registration_create
    from renouveau.ideas.models import Idea
    from renouveau.mutualaid.models import HelpOffer, PostStatus
    from renouveau.reserve.models import Signup

    idea = Idea.objects.filter(author__isnull=False).first()
    offer = HelpOffer.objects.filter(status=PostStatus.OPEN).first()
    submission = Submission.objects.filter(author__isnull=False).first()
    ballot = Ballot.objects.filter(voter__isnull=False).select_related("envelope").first()
    registration = Registration.objects.select_related("meeting").order_by("-meeting__starts_at")
    registration = registration.first()
    signup = (
        Signup.objects.select_related("mission", "volunteer__user")
        .order_by("-mission__starts_at")
        .first()
    )
    subscription = Subscription.objects.first()
    if ballot is None:
        ballot = Ballot.objects.create(
            envelope=Envelope.objects.first(), voter=resident, choices={}
        )
    if registration is None:
        meeting = Meeting.objects.filter(
            is_public=True, starts_at__gt=timezone.now(), status=Meeting.Status.SCHEDULED
        ).first()
        registration = registration_create(user=resident, meeting=meeting)
    if subscription is None:
        subscription = subscription_add(user=resident, commune=resident.commune)
    found = {
        "idea": idea and (idea.author, idea.get_absolute_url()),
        "offer": offer and (offer.author, offer.get_absolute_url()),
        "submission": submission and (submission.author, submission.get_absolute_url()),
        "ballot": ballot and (ballot.voter, ballot.envelope.get_absolute_url()),
        "registration": registration
        and (registration.user, registration.meeting.get_absolute_url()),
        "signup": signup and (signup.volunteer.user, signup.mission.get_absolute_url()),
        "subscription": subscription and (subscription.user, "/alertes/abonnements/"),
    }
    return found


def test_a_new_account_is_told_where_to_start(client, personas):
    client.force_login(personas["outsider"])
    body = client.get("/compte/").content.decode()
    assert "Ma participation" in body
    assert "Vous n'avez encore rien proposé, demandé ni réservé." in body


def test_each_person_sees_their_own_participation_only(client, demo, personas):
    from django.utils import timezone

    found = _participations(personas["resident"])
    missing = [kind for kind, value in found.items() if value is None]
    assert not missing, f"the demonstration data has no {missing}"
    stranger = personas["outsider"]
    for kind, (user, url) in found.items():
        if kind in ("registration", "signup"):
            continue  # checked below: only upcoming ones are listed
        client.force_login(user)
        body = client.get("/compte/").content.decode()
        assert f'href="{url}"' in body, kind
        client.force_login(stranger)
        body = client.get("/compte/").content.decode()
        if kind != "subscription":
            assert f'href="{url}"' not in body, kind
    from renouveau.governance.models import Registration
    from renouveau.reserve.models import Signup

    upcoming = Registration.objects.filter(meeting__ends_at__gte=timezone.now()).first()
    past = Registration.objects.filter(meeting__ends_at__lt=timezone.now()).first()
    client.force_login(upcoming.user)
    body = client.get("/compte/").content.decode()
    assert f'href="{upcoming.meeting.get_absolute_url()}"' in body
    if past is not None and past.user_id == upcoming.user_id:
        assert f'href="{past.meeting.get_absolute_url()}"' not in body
    signup = Signup.objects.filter(mission__ends_at__gte=timezone.now()).first()
    client.force_login(signup.volunteer.user)
    body = client.get("/compte/").content.decode()
    assert f'href="{signup.mission.get_absolute_url()}"' in body


def test_a_hidden_idea_shows_its_moderation_reason_to_its_author(client, demo):
    from renouveau.ideas.models import Idea

    idea = Idea.objects.filter(author__isnull=False).first()
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True, hidden_reason="propos injurieux")
    client.force_login(idea.author)
    body = client.get("/compte/").content.decode()
    assert "Masqué par la modération : propos injurieux" in body


def test_a_bad_profile_post_keeps_the_page_whole(client, personas):
    """A 400 on the profile form used to lose the person's organisations from the page."""
    member = personas["association_member"]
    client.force_login(member)
    response = client.post("/compte/", {"display_name": "x" * 500, "language": "fr"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Entraide Belsunce" in body
    assert "Ma participation" in body
