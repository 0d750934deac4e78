"""The home page: what a resident can do, and what is happening now (from each app's
``home.py``), with an empty state."""

import datetime

import pytest
from django.utils import timezone

from renouveau.core.demo import demo_loaders, reference_loaders


@pytest.fixture
def demo(plan, personas):
    wanted = {"renouveau.alerts", "renouveau.reserve", "renouveau.governance", "renouveau.budgets"}
    for _app, load in reference_loaders():
        load()
    for app, load in demo_loaders():
        if app in wanted or app == "renouveau.calls":
            load()


def test_home_without_anything_under_way_says_so(client, plan):
    body = client.get("/").content.decode()
    assert "Que voulez-vous faire ?" in body
    assert "Pas d'alerte, d'appel à projets, de mission ni de réunion publique" in body
    assert "Les huit chantiers du plan" in body


def test_home_shows_alerts_calls_missions_and_meetings_under_way(client, demo):
    from renouveau.alerts.selectors import alerts_in_force
    from renouveau.calls.models import Call, Phase
    from renouveau.governance.models import Meeting
    from renouveau.reserve.models import Mission, MissionStatus

    body = client.get("/").content.decode()
    assert "Pas d'alerte, d'appel à projets" not in body
    alerts = list(alerts_in_force())
    for alert in alerts[:3]:
        assert f'href="{alert.get_absolute_url()}"' in body
    missions = Mission.objects.filter(
        status=MissionStatus.OPEN, ends_at__gte=timezone.now()
    ).order_by("starts_at", "id")
    assert missions.exists()
    assert f'href="{missions[0].get_absolute_url()}"' in body
    draft = Mission.objects.filter(status=MissionStatus.DRAFT).first()
    if draft is not None:
        assert f'href="{draft.get_absolute_url()}"' not in body
    meetings = (
        Meeting.objects.filter(is_public=True, ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at", "id")
    )
    assert meetings.exists()
    assert f'href="{meetings[0].get_absolute_url()}"' in body
    calls = list(Call.objects.published())
    assert any(call.phase in (Phase.SUBMISSION, Phase.VOTE) for call in calls)
    assert any(call.phase not in (Phase.SUBMISSION, Phase.VOTE) for call in calls)
    for call in calls:
        shown = f'href="{call.get_absolute_url()}"' in body
        assert shown == (call.phase in (Phase.SUBMISSION, Phase.VOTE)), call.title


def test_a_cancelled_meeting_and_a_past_mission_are_not_shown(client, demo):
    from renouveau.governance.models import Meeting
    from renouveau.reserve.models import Mission, MissionStatus

    meeting = (
        Meeting.objects.filter(is_public=True, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    mission = Mission.objects.filter(status=MissionStatus.OPEN).order_by("starts_at").first()
    past = timezone.now() - datetime.timedelta(days=3)
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    body = client.get("/").content.decode()
    assert f'href="{meeting.get_absolute_url()}"' not in body
    assert f'href="{mission.get_absolute_url()}"' not in body


def test_a_failing_section_hides_only_itself(client, demo, monkeypatch, caplog):
    import renouveau.governance.home as governance_home

    def broken():
        raise RuntimeError("panne")

    monkeypatch.setattr(governance_home, "home_section", broken)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Prochaines réunions publiques" not in body
    assert "La réserve citoyenne cherche des bénévoles" in body
    assert "home section of renouveau.governance.home failed" in caplog.text


def test_home_is_translated(client, demo):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What would you like to do?" in body and "Right now" in body
    assert "Que voulez-vous faire" not in body


def test_what_is_under_way_is_cached_until_a_public_change(
    client, demo, personas, django_capture_on_commit_callbacks
):
    """Signed-in visitors get no page cache: the sections are cached (per language) and a public
    write (a new mission published) shows at once."""
    from renouveau.reserve.models import Mission, MissionStatus

    client.force_login(personas["resident"])
    client.get("/")
    mission = Mission.objects.filter(status=MissionStatus.OPEN).order_by("starts_at").first()
    Mission.objects.filter(pk=mission.pk).update(title="Titre changé sans service")
    assert "Titre changé sans service" not in client.get("/").content.decode()  # cached
    from renouveau.core.services import log_action

    with django_capture_on_commit_callbacks(execute=True):  # as a service's commit would
        Mission.objects.filter(pk=mission.pk).update(title="Titre publié")
        log_action(actor=personas["administrator"], action="reserve.mission_updated", obj=mission)
    assert "Titre publié" in client.get("/").content.decode()


def test_the_cached_sections_never_outlive_a_change_by_time():
    from renouveau.core.home import HOME_SECTIONS_SECONDS, Entry, Section, _changes_at

    now = timezone.now()
    soon = now + datetime.timedelta(seconds=5)
    nothing = Section(order=1, heading="x", entries=[Entry(title="a", url="/a/")])
    assert _changes_at([nothing], now) == now + datetime.timedelta(seconds=HOME_SECTIONS_SECONDS)
    ending = Section(order=1, heading="x", entries=[Entry(title="a", url="/a/", when=soon)])
    assert _changes_at([nothing, ending], now) == soon
    past = Entry(title="b", url="/b/", when=now - datetime.timedelta(days=1))
    day = Entry(title="c", url="/c/", when=now.date())  # a date, not a moment: ignored
    announced = Section(order=2, heading="y", entries=[past, day], changes_at=soon)
    assert _changes_at([announced], now) == soon


def test_open_calls_are_shown_however_many_past_calls_there_are(client, plan):
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import make_call

    for i in range(55):
        make_call(Phase.RESULTS, slug=f"ancien-{i}", title=f"Appel ancien {i}")
    voting = make_call(Phase.VOTE, slug="en-cours", title="Appel en cours de vote")
    by_hand = make_call(Phase.RESULTS, slug="rouvert", title="Rouvert", phase_override=Phase.VOTE)
    body = client.get("/").content.decode()
    assert f'href="{voting.get_absolute_url()}"' in body
    assert f'href="{by_hand.get_absolute_url()}"' in body
    assert "Appel ancien" not in body
