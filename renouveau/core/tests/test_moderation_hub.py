"""The moderators' hub: the queues a user may handle, with their open counts."""

from __future__ import annotations

from django.urls import reverse

from renouveau.calls import services as calls_services
from renouveau.calls.models import Phase
from renouveau.calls.tests.factories import make_call, make_submission


def _queues(response):
    return {queue.key: count for queue, count in response.context["queues"]}


def test_a_moderator_sees_every_queue_with_its_open_count(client, plan, personas, marseille):
    call = make_call(Phase.SUBMISSION)
    submission = make_submission(call, personas["resident"], commune=marseille)
    comment = calls_services.comment_create(
        author=personas["association_member"], submission=submission, body="Hors sujet"
    )
    calls_services.comment_report(reporter=personas["resident"], comment=comment)
    client.force_login(personas["moderator"])
    response = client.get(reverse("core:moderation"))
    assert response.status_code == 200
    assert _queues(response) == {"ideas": 0, "mutualaid": 0, "calls": 1}
    page = response.content.decode()
    for name in ("ideas:moderation", "mutualaid:moderation", "calls:moderation"):
        assert reverse(name) in page
    assert "1 à traiter" in page and "Rien à traiter" in page
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("core:moderation") in profile


def test_an_agent_sees_only_the_queues_of_their_role(client, plan, personas):
    client.force_login(personas["metropolis_agent"])  # manages calls: moderates their comments
    response = client.get(reverse("core:moderation"))
    assert response.status_code == 200
    assert set(_queues(response)) == {"calls"}


def test_residents_and_visitors_have_no_hub(client, personas):
    url = reverse("core:moderation")
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("accounts:profile")).content.decode()
