"""Alerts drafted from the vigie's warning signals (reserve), the end of an alert for the
communes an Update drops, and exercise registrations once the exercise has started."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renouveau.alerts import services
from renouveau.alerts.models import Alert, AlertSignal, Notification
from renouveau.core.models import AuditLog
from renouveau.reserve.models import Signal
from renouveau.reserve.tests.factories import make_signal
from renouveau.territories.models import Commune

from .factories import alert_data, exercise, published_alert

pytestmark = pytest.mark.django_db

RESIDENT_WORDS = "L'eau de l'Huveaune passe par-dessus le muret derrière chez moi depuis une heure."


@pytest.fixture
def aubagne(territories):
    return Commune.objects.get(insee="13005")


@pytest.fixture
def aix(territories):
    return Commune.objects.get(insee="13001")


@pytest.fixture
def crisis(personas):
    return personas["crisis_agent"]


@pytest.fixture
def signal(personas, aubagne):
    return make_signal(
        personas["resident"],
        commune=aubagne,
        category="flood",
        description=RESIDENT_WORDS,
        place="12 impasse des Lilas",
    )


def _rewritten(communes, **overrides):
    texts = {
        "headline": "Débordement de l'Huveaune à Aubagne",
        "description": "L'Huveaune déborde dans le centre d'Aubagne.",
    }
    return alert_data(communes, **{**texts, **overrides})


# ----------------------------------------------------------------------------- from a signal


def test_the_draft_form_is_prefilled_from_the_signal_without_the_reporter(
    client, crisis, signal, aubagne
):
    client.force_login(crisis)
    page = client.get(reverse("alerts:create") + f"?signalement={signal.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["risk"] == "flood"
    assert form.initial["category"] == Alert.Category.MET
    assert form.initial["event"] == "Inondation"
    assert form.initial["communes"] == [aubagne]
    assert form.initial["description"] == RESIDENT_WORDS
    html = page.content.decode()
    assert f"signalement n° {signal.pk}" in html and "réécrivez-la" in html
    # Neither who reported it nor the exact place they gave.
    assert signal.reporter.email not in html and "Awa" not in html
    assert "impasse des Lilas" not in html


def test_a_draft_from_a_signal_must_rewrite_the_residents_words(client, crisis, signal, aubagne):
    client.force_login(crisis)
    url = reverse("alerts:create") + f"?signalement={signal.pk}"
    post = {
        "status": "Actual",
        "risk": "flood",
        "category": "Met",
        "event": "Inondation",
        "headline": "Débordement de l'Huveaune",
        "description": RESIDENT_WORDS,
        "instruction": "Évitez les berges.",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "communes": [aubagne.pk],
    }
    response = client.post(url, post)
    assert response.status_code == 400
    assert "Reformulez ce texte" in response.content.decode()
    assert not Alert.objects.exists()
    # Quoting the whole text inside a longer one is refused as well.
    response = client.post(url, {**post, "description": f"Un habitant écrit : {RESIDENT_WORDS}"})
    assert response.status_code == 400 and not Alert.objects.exists()
    response = client.post(url, {**post, "description": "L'Huveaune déborde à Aubagne."})
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert list(alert.signals.all()) == [signal]
    entry = AuditLog.objects.get(action="alerts.alert_drafted")
    assert entry.data["signals"] == [signal.pk]
    # Editing the draft back to the resident's words is refused too.
    with pytest.raises(ValidationError):
        services.alert_edit(
            actor=crisis, alert=alert, data=_rewritten([aubagne], description=RESIDENT_WORDS)
        )


def test_only_who_triages_signals_and_drafts_alerts_may_draft_from_a_signal(
    client, personas, signal, crisis
):
    url = reverse("alerts:create") + f"?signalement={signal.pk}"
    # A metropolis agent drafts alerts and reads signals, but does not triage them.
    for persona in ("metropolis_agent", "commune_agent", "resident"):
        client.force_login(personas[persona])
        assert client.get(url).status_code == 403, persona
    with pytest.raises(PermissionDenied):
        services.alert_create(
            actor=personas["metropolis_agent"],
            data=_rewritten([signal.commune]),
            signals=[signal],
        )
    client.force_login(personas["administrator"])
    assert client.get(url).status_code == 200
    client.force_login(crisis)
    assert client.get(reverse("alerts:create") + "?signalement=999999").status_code == 404
    # Malformed ids are a 400, not a 500 ("²".isdigit() is true, int("²") fails).
    for bad in ("²", "abc", "1" * 30):
        assert client.get(reverse("alerts:create") + f"?signalement={bad}").status_code == 400
        assert client.get(reverse("alerts:create") + f"?exercice={bad}").status_code == 400


def test_the_signal_page_offers_the_draft_and_lists_the_alerts(client, personas, crisis, signal):
    url = reverse("reserve:signal_detail", args=[signal.pk])
    create = reverse("alerts:create") + f"?signalement={signal.pk}"
    client.force_login(crisis)
    assert create in client.get(url).content.decode()
    client.force_login(personas["metropolis_agent"])  # reads signals, does not triage
    assert create not in client.get(url).content.decode()
    draft = services.alert_create(actor=crisis, data=_rewritten([signal.commune]), signals=[signal])
    # The reporter does not see the draft; once published, they see the alert it led to.
    client.force_login(personas["resident"])
    page = client.get(url).content.decode()
    assert escape(draft.headline) not in page and create not in page
    services.alert_publish(actor=crisis, alert=draft)
    page = client.get(url).content.decode()
    assert draft.get_absolute_url() in page and escape(draft.headline) in page


def test_publication_tells_the_reporters_once_with_the_public_link(
    client, personas, crisis, signal, aubagne
):
    resident, member = personas["resident"], personas["association_member"]
    second = make_signal(resident, commune=aubagne, description="Les caves sont inondées.")
    third = make_signal(member, commune=aubagne, description="La route est coupée.")
    draft = services.alert_create(
        actor=crisis, data=_rewritten([aubagne]), signals=[signal, second, third]
    )
    mail.outbox.clear()
    draft = services.alert_publish(actor=crisis, alert=draft)
    told = [m for m in mail.outbox if "a émis une alerte" in m.subject]
    # One e-mail per person, not per signal.
    assert sorted(m.to[0] for m in told) == sorted([resident.email, member.email])
    message = next(m for m in told if m.to == [resident.email])
    assert f"http://testserver{draft.get_absolute_url()}" in message.body or (
        draft.get_absolute_url() in message.body
    )
    assert RESIDENT_WORDS not in message.body
    assert AlertSignal.objects.filter(alert=draft, reporter_notified_at__isnull=True).count() == 0
    assert AuditLog.objects.get(action="alerts.alert_published").data["signal_reporters_told"] == 2
    # The dashboard and the back of the alert page count the signals (crisis cell only).
    client.force_login(crisis)
    assert (
        "Issue de 3 signalements de la vigie"
        in client.get(reverse("alerts:dashboard")).content.decode()
    )
    assert "Issue de 3 signalements" in client.get(draft.get_absolute_url()).content.decode()
    client.logout()
    public = client.get(draft.get_absolute_url()).content.decode()
    assert "Issue de" not in public and resident.email not in public
    # An update (prefilled from the alert) keeps the link but tells nobody again.
    mail.outbox.clear()
    update = services.update_draft_start(actor=crisis, alert=draft)
    assert update.signals.count() == 3
    services.alert_publish(actor=crisis, alert=update)
    assert not [m for m in mail.outbox if "a émis une alerte" in m.subject]


def test_exercise_and_test_messages_do_not_tell_the_reporter(crisis, signal):
    draft = services.alert_create(
        actor=crisis, data=_rewritten([signal.commune], status="Test"), signals=[signal]
    )
    mail.outbox.clear()
    services.alert_publish(actor=crisis, alert=draft)
    assert mail.outbox == []


def test_alerts_keep_working_when_the_reporter_is_erased_or_the_signal_deleted(
    client, personas, crisis, signal, aubagne
):
    from renouveau.accounts.services import user_erase

    draft = services.alert_create(actor=crisis, data=_rewritten([aubagne]), signals=[signal])
    user_erase(user=personas["resident"])
    signal.refresh_from_db()
    assert signal.reporter is None
    mail.outbox.clear()
    draft = services.alert_publish(actor=crisis, alert=draft)
    assert not [m for m in mail.outbox if "a émis une alerte" in m.subject]
    client.force_login(crisis)
    assert client.get(reverse("alerts:dashboard")).status_code == 200
    assert client.get(reverse("reserve:signal_detail", args=[signal.pk])).status_code == 200
    Signal.objects.filter(pk=signal.pk).delete()
    assert Alert.objects.filter(pk=draft.pk).exists()
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(reverse("alerts:dashboard")).status_code == 200
    services.update_draft_start(actor=crisis, alert=draft)


# ----------------------------------------------------------------------------- updates


def test_an_update_that_drops_a_commune_tells_its_subscribers_once(
    personas, crisis, marseille, aubagne, aix
):
    resident, member, elected = (
        personas["resident"],
        personas["association_member"],
        personas["elected"],
    )
    services.subscription_add(user=resident, commune=aubagne)  # dropped
    services.subscription_add(user=member, commune=marseille)  # kept
    services.subscription_add(user=elected, commune=aubagne)  # dropped, but also...
    services.subscription_add(user=elected, commune=marseille)  # ... kept: gets the update
    services.subscription_add(user=personas["outsider"], commune=aix)  # never concerned
    alert = published_alert(crisis, [marseille, aubagne], headline="Crue de l'Huveaune")
    mail.outbox.clear()
    update = services.update_draft_start(actor=crisis, alert=alert)
    data = alert_data([marseille], headline="Crue de l'Huveaune", area_desc="")
    services.alert_edit(actor=crisis, alert=update, data=data)
    services.alert_publish(actor=crisis, alert=update)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == sorted([resident.email, member.email, elected.email])
    ended = by_person[resident.email]
    assert ended.subject == "Fin d'alerte pour votre commune : Crue de l'Huveaune"
    assert "Aubagne" in ended.body and "/alertes/desabonnement/" in ended.body
    assert by_person[member.email].subject.startswith("Mise à jour d'alerte")
    assert by_person[elected.email].subject.startswith("Mise à jour d'alerte")
    assert Notification.objects.filter(alert=update).count() == 3
    # A re-run of the fan-out (retry, second worker) sends nothing twice.
    mail.outbox.clear()
    assert services.alert_notify(alert_id=update.pk) == 0
    assert mail.outbox == []


def test_an_exercise_update_dropping_a_commune_follows_the_exercise_opt_in(
    personas, crisis, marseille, aubagne
):
    resident, member = personas["resident"], personas["association_member"]
    services.subscription_add(user=resident, commune=aubagne)
    services.subscription_add(user=member, commune=aubagne, include_exercises=True)
    drill = exercise([marseille, aubagne])
    alert = published_alert(
        crisis, [marseille, aubagne], status="Exercise", exercise=drill, headline="Crue simulée"
    )
    mail.outbox.clear()
    update = services.update_draft_start(actor=crisis, alert=alert)
    services.alert_edit(
        actor=crisis,
        alert=update,
        data=alert_data([marseille], status="Exercise", exercise=drill, headline="Crue simulée"),
    )
    services.alert_publish(actor=crisis, alert=update)
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject.startswith("[EXERCICE] Fin d'alerte pour votre commune")


# ----------------------------------------------------------------------------- exercises


def test_no_registration_nor_unregistration_once_the_exercise_has_started(
    client, personas, marseille
):
    resident = personas["resident"]
    drill = exercise([marseille], days=1)
    services.exercise_register(user=resident, exercise=drill)
    started = timezone.now() - datetime.timedelta(minutes=5)
    type(drill).objects.filter(pk=drill.pk).update(starts_at=started)
    url = reverse("alerts:exercise_register", args=[drill.pk])
    client.force_login(resident)
    response = client.post(url, {"action": "cancel"}, follow=True)
    assert response.status_code == 200
    assert escape("L'exercice a commencé : votre inscription ne peut plus être annulée.") in (
        response.content.decode()
    )
    assert drill.registrations.filter(user=resident).exists()
    client.force_login(personas["association_member"])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert escape("L'exercice a commencé : les inscriptions sont closes.") in (
        response.content.decode()
    )
    assert not drill.registrations.filter(user=personas["association_member"]).exists()
    # Someone not registered who asks to unregister is told so, nothing breaks.
    response = client.post(url, {"action": "cancel"}, follow=True)
    assert escape("Vous n'êtes pas inscrit à cet exercice.") in response.content.decode()


def test_the_back_office_list_of_alerts_counts_their_signals(client, personas, crisis, signal):
    services.alert_create(actor=crisis, data=_rewritten([signal.commune]), signals=[signal])
    client.force_login(personas["administrator"])
    page = client.get("/back-office/alerts/alert/")
    assert page.status_code == 200
    assert 'class="field-signal_count">1<' in page.content.decode()
