"""Alerts: CAP 1.2 documents, the crisis cell's workflow and permissions, crisis mode and its
banner, subscriptions, exercises, the API, RGPD and the demonstration data."""

from __future__ import annotations

import datetime
import time
from xml.etree import ElementTree as ET

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renouveau.alerts import selectors, services
from renouveau.alerts.cap import CAP_NS, alert_to_cap
from renouveau.alerts.models import Alert, CrisisMode, Exercise, Notification, Subscription
from renouveau.core.models import AuditLog
from renouveau.territories.models import Commune

from .factories import alert_data, exercise, published_alert
from .xsd import SchemaError, validate_cap

pytestmark = pytest.mark.django_db
CAP = f"{{{CAP_NS}}}"


@pytest.fixture
def aubagne(territories):
    return Commune.objects.get(insee="13005")


@pytest.fixture
def crisis(personas):
    return personas["crisis_agent"]


def _now():
    return timezone.now()


# ----------------------------------------------------------------------------- CAP 1.2


def test_cap_xml_is_valid_against_the_oasis_schema(client, crisis, marseille, aubagne):
    alert = published_alert(
        crisis,
        [marseille, aubagne],
        onset=_now(),
        effective=_now() - datetime.timedelta(minutes=1),
    )
    response = client.get(reverse("alerts:cap", args=[alert.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml"
    validate_cap(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{CAP}alert"
    assert [child.tag.removeprefix(CAP) for child in root] == [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "scope",
        "info",
    ]
    assert root.findtext(f"{CAP}status") == "Actual"
    assert root.findtext(f"{CAP}scope") == "Public"
    info = root.find(f"{CAP}info")
    assert [c.tag.removeprefix(CAP) for c in info] == [
        "language",
        "category",
        "event",
        "responseType",
        "urgency",
        "severity",
        "certainty",
        "effective",
        "onset",
        "expires",
        "senderName",
        "headline",
        "description",
        "instruction",
        "web",
        "contact",
        "area",
    ]
    assert info.findtext(f"{CAP}severity") == "Severe"
    assert info.findtext(f"{CAP}web").endswith(f"/alertes/{alert.pk}/")
    # CAP forbids "Z": a numeric offset.
    assert root.findtext(f"{CAP}sent")[-6] in "+-"
    geocodes = info.findall(f"{CAP}area/{CAP}geocode")
    assert [(g.findtext(f"{CAP}valueName"), g.findtext(f"{CAP}value")) for g in geocodes] == [
        ("INSEE", "13005"),
        ("INSEE", "13055"),
    ]


def test_cap_update_and_cancel_reference_the_previous_message(client, crisis, marseille):
    alert = published_alert(crisis, [marseille])
    draft = services.update_draft_start(actor=crisis, alert=alert)
    update = services.alert_publish(actor=crisis, alert=draft)
    cancel = services.alert_cancel(actor=crisis, alert=update, note="La crue est passée.")
    for message, kind in ((update, "Update"), (cancel, "Cancel")):
        body = client.get(reverse("alerts:cap", args=[message.pk])).content
        validate_cap(body)
        root = ET.fromstring(body)  # noqa: S314 (our own output)
        assert root.findtext(f"{CAP}msgType") == kind
        previous = message.references
        sender, identifier, sent = root.findtext(f"{CAP}references").split(",")
        assert (sender, identifier) == (previous.sender, previous.identifier)
        assert sent.startswith(timezone.localtime(previous.sent).strftime("%Y-%m-%dT%H:%M:%S"))


def test_exercise_messages_say_exercice_in_the_cap_file(crisis, marseille):
    drill = exercise([marseille])
    alert = published_alert(crisis, [marseille], status="Exercise", exercise=drill)
    body = alert_to_cap(alert)
    validate_cap(body)
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    assert root.findtext(f"{CAP}status") == "Exercise"
    assert "EXERCICE" in root.findtext(f"{CAP}note")
    assert root.findtext(f"{CAP}info/{CAP}headline").startswith("EXERCICE")


def test_the_schema_checker_rejects_a_misordered_or_invalid_document(crisis, marseille):
    body = alert_to_cap(published_alert(crisis, [marseille]))
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    status, msg_type = root[3], root[4]
    root.remove(status)
    root.insert(4, status)
    with pytest.raises(SchemaError, match="expected|misplaced|missing"):
        validate_cap(ET.tostring(root))
    root.remove(status)
    root.insert(3, status)
    validate_cap(ET.tostring(root))
    msg_type.text = "Alarm"
    with pytest.raises(SchemaError, match="Alarm"):
        validate_cap(ET.tostring(root))
    msg_type.text = "Alert"
    root.find(f"{CAP}sent").text = "2026-01-01T10:00:00Z"
    with pytest.raises(SchemaError, match="does not match"):
        validate_cap(ET.tostring(root))


def test_a_draft_has_no_public_cap_file_nor_page(client, crisis, marseille, personas):
    draft = services.alert_create(actor=crisis, data=alert_data([marseille]))
    assert client.get(reverse("alerts:cap", args=[draft.pk])).status_code == 404
    assert client.get(reverse("alerts:detail", args=[draft.pk])).status_code == 404
    client.force_login(personas["resident"])
    assert client.get(reverse("alerts:detail", args=[draft.pk])).status_code == 404
    client.force_login(personas["metropolis_agent"])
    assert client.get(reverse("alerts:detail", args=[draft.pk])).status_code == 200


def test_atom_feed_links_each_message_to_its_cap_file(client, crisis, marseille):
    drill = exercise([marseille])
    real = published_alert(crisis, [marseille], headline="Crue réelle")
    drill_alert = published_alert(crisis, [marseille], status="Exercise", exercise=drill)
    services.alert_create(actor=crisis, data=alert_data([marseille], headline="Brouillon secret"))
    response = client.get(reverse("alerts:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    entries = root.findall(f"{atom}entry")
    titles = [e.findtext(f"{atom}title") for e in entries]
    assert "Crue réelle" in titles
    assert any(t.startswith("EXERCICE") for t in titles)
    assert "Brouillon secret" not in response.content.decode()
    for entry, alert in zip(entries, [drill_alert, real], strict=True):
        cap_links = [
            link
            for link in entry.findall(f"{atom}link")
            if link.get("type") == "application/cap+xml"
        ]
        assert len(cap_links) == 1
        assert cap_links[0].get("href").endswith(f"/alertes/{alert.pk}/cap.xml")


# ----------------------------------------------------------------------------- permissions

PERMISSION_MATRIX = {
    # persona: (add_alert, publish draft, cancel published, crisis mode, exercises, dashboard)
    "resident": (False, False, False, False, False, False),
    "association_member": (False, False, False, False, False, False),
    "commune_agent": (False, False, False, False, False, False),
    "metropolis_agent": (True, False, False, False, False, True),
    "moderator": (False, False, False, False, False, False),
    "elected": (False, False, False, False, False, False),
    "administrator": (True, False, False, False, False, True),
    "crisis_agent": (True, True, True, True, True, True),
    "outsider": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("persona", PERMISSION_MATRIX)
def test_permission_matrix(persona, personas, crisis, marseille):
    user = personas[persona]
    draft = services.alert_create(actor=crisis, data=alert_data([marseille]))
    published = published_alert(crisis, [marseille])
    got = (
        user.has_perm("alerts.add_alert"),
        user.has_perm("alerts.publish_alert", draft),
        user.has_perm("alerts.cancel_alert", published),
        user.has_perm("alerts.switch_crisis_mode"),
        user.has_perm("alerts.manage_exercise"),
        user.has_perm("alerts.view_dashboard"),
    )
    assert got == PERMISSION_MATRIX[persona]
    # Nobody publishes a message twice or edits a published one.
    assert not user.has_perm("alerts.publish_alert", published)
    assert not user.has_perm("alerts.change_alert", published)


def test_views_refuse_people_outside_the_crisis_cell(client, personas, crisis, marseille):
    draft = services.alert_create(actor=crisis, data=alert_data([marseille]))
    published = published_alert(crisis, [marseille])
    assert client.get(reverse("alerts:dashboard")).status_code == 403
    client.force_login(personas["resident"])
    assert client.get(reverse("alerts:dashboard")).status_code == 403
    assert client.get(reverse("alerts:create")).status_code == 403
    assert client.post(reverse("alerts:publish", args=[draft.pk])).status_code == 403
    assert client.get(reverse("alerts:cancel", args=[published.pk])).status_code == 403
    assert client.post(reverse("alerts:crisis_mode"), {"headline": "x"}).status_code == 403
    assert client.get(reverse("alerts:exercise_create")).status_code == 403
    # A metropolis agent drafts but does not publish.
    client.force_login(personas["metropolis_agent"])
    assert client.get(reverse("alerts:dashboard")).status_code == 200
    assert client.post(reverse("alerts:publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


# ----------------------------------------------------------------------------- workflow


def _form_post(communes_list, **overrides):
    expires = (timezone.localtime() + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "status": "Actual",
        "risk": "fire",
        "category": "Fire",
        "event": "Feu de forêt",
        "headline": "Feu de forêt au Tholonet",
        "description": "Un feu progresse vers les habitations.",
        "instruction": "Fermez les volets, restez chez vous.",
        "response_type": "Shelter",
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Observed",
        "expires": expires,
        "communes": [c.pk for c in communes_list],
        "contact": "",
    }
    data.update(overrides)
    return data


def test_agent_drafts_and_crisis_cell_publishes_with_audit(client, personas, crisis, marseille):
    client.force_login(personas["metropolis_agent"])
    response = client.post(reverse("alerts:create"), _form_post([marseille]))
    assert response.status_code == 302
    draft = Alert.objects.get()
    assert draft.state == "draft" and draft.sent is None
    assert draft.area_desc == "Marseille"
    assert draft.created_by == personas["metropolis_agent"]
    client.force_login(crisis)
    response = client.post(reverse("alerts:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published" and draft.sent is not None
    assert draft.published_by == crisis
    log = AuditLog.objects.get(action="alerts.alert_published")
    assert log.actor == crisis and log.data["severity"] == "Extreme"
    # Publishing twice is refused with a message (was a bare 403 page), not a 500.
    response = client.post(reverse("alerts:publish", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "Cette alerte est déjà publiée." in response.content.decode()
    assert AuditLog.objects.filter(action="alerts.alert_published").count() == 1


def test_territory_selection_covers_all_its_communes(client, crisis, territories):
    from renouveau.territories.models import Territory

    territory = Territory.objects.get(communes__insee="13005")
    client.force_login(crisis)
    post = _form_post([], territories=[territory.pk])
    post.pop("communes")
    response = client.post(reverse("alerts:create"), post)
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert set(alert.communes.values_list("pk", flat=True)) == set(
        territory.communes.values_list("pk", flat=True)
    )
    assert alert.area_desc == territory.name


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"communes": []}, "communes", "au moins une commune"),  # tied to the field
        ({"headline": ""}, "headline", "obligatoire"),
        ({"instruction": ""}, "instruction", "ce qu'ils doivent faire"),
        ({"severity": "Apocalyptic"}, "severity", "valide"),
        ({"expires": "demain"}, "expires", "date et une heure valides"),
        ({"communes": ["999999"]}, "communes", "Métropole"),
        ({"effective": "2030-01-02T10:00", "expires": "2030-01-01T10:00"}, "expires", "suivre"),
    ],
)
def test_bad_alert_form_answers_400_with_french_errors(
    client, crisis, marseille, overrides, field, message
):
    client.force_login(crisis)
    response = client.post(reverse("alerts:create"), _form_post([marseille], **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors), form.errors
    assert not Alert.objects.exists()


def test_exercise_link_forces_the_exercise_status(client, crisis, marseille):
    drill = exercise([marseille])
    client.force_login(crisis)
    response = client.post(
        reverse("alerts:create"), _form_post([marseille], exercise=drill.pk, status="Actual")
    )
    assert response.status_code == 400
    assert "Exercice" in " ".join(response.context["form"].errors["status"])
    response = client.post(
        reverse("alerts:create"), _form_post([marseille], exercise=drill.pk, status="Exercise")
    )
    assert response.status_code == 302


def test_update_supersedes_and_cancel_ends_the_alert(client, crisis, marseille):
    alert = published_alert(crisis, [marseille])
    client.force_login(crisis)
    response = client.post(reverse("alerts:update", args=[alert.pk]))
    update = Alert.objects.get(msg_type="Update")
    assert response.url == reverse("alerts:edit", args=[update.pk])
    assert update.headline == alert.headline and update.state == "draft"
    assert list(update.communes.all()) == [marseille]
    # Asking again opens the same pending draft.
    client.post(reverse("alerts:update", args=[alert.pk]))
    assert Alert.objects.filter(msg_type="Update").count() == 1
    response = client.post(
        reverse("alerts:edit", args=[update.pk]),
        _form_post([marseille], headline="Crue : la décrue commence", severity="Moderate"),
    )
    assert response.status_code == 302
    client.post(reverse("alerts:publish", args=[update.pk]))
    alert.refresh_from_db()
    update.refresh_from_db()
    assert alert.state == "superseded"
    assert [a.pk for a in selectors.alerts_in_force()] == [update.pk]
    page = client.get(reverse("alerts:detail", args=[update.pk])).content.decode()
    assert "Historique des messages" in page
    response = client.post(reverse("alerts:cancel", args=[update.pk]), {"note": ""})
    assert response.status_code == 400
    response = client.post(reverse("alerts:cancel", args=[update.pk]), {"note": "Fin de crue."})
    cancel = Alert.objects.get(msg_type="Cancel")
    assert response.url == reverse("alerts:detail", args=[cancel.pk])
    update.refresh_from_db()
    assert update.state == "cancelled" and cancel.references == update
    assert selectors.alerts_in_force() == []
    # The superseded message cannot be updated any more, nor the cancelled one cancelled.
    with pytest.raises(ValidationError):
        services.update_draft_start(actor=crisis, alert=alert)
    with pytest.raises(ValidationError):
        services.alert_cancel(actor=crisis, alert=update, note="encore")


def test_publishing_an_update_of_a_replaced_message_is_refused(crisis, marseille):
    alert = published_alert(crisis, [marseille])
    first = services.alert_create(actor=crisis, data=alert_data([marseille]), references=alert)
    second = services.alert_create(actor=crisis, data=alert_data([marseille]), references=alert)
    services.alert_publish(actor=crisis, alert=first)
    with pytest.raises(ValidationError, match="déjà été remplacé"):
        services.alert_publish(actor=crisis, alert=second)


def test_an_alert_ends_at_its_expiry(client, crisis, marseille):
    alert = published_alert(crisis, [marseille])
    assert [a.pk for a in selectors.alerts_in_force()] == [alert.pk]
    Alert.objects.filter(pk=alert.pk).update(expires=_now() - datetime.timedelta(seconds=1))
    assert selectors.alerts_in_force() == []
    assert "Aucune alerte en vigueur" in client.get(reverse("alerts:index")).content.decode()
    from renouveau.alerts.tasks import alerts_expire

    assert alerts_expire.enqueue().return_value == 1  # the periodic job
    alert.refresh_from_db()
    assert alert.ended_at == alert.expires
    assert AuditLog.objects.filter(action="alerts.alert_expired").count() == 1
    assert services.alerts_expire() == 0  # recorded once
    with pytest.raises(ValidationError):
        draft = services.alert_create(
            actor=crisis,
            data=alert_data([marseille], effective=_now() - datetime.timedelta(hours=2)),
        )
        Alert.objects.filter(pk=draft.pk).update(expires=_now() - datetime.timedelta(hours=1))
        services.alert_publish(actor=crisis, alert=draft)


def test_an_alert_with_a_later_effective_date_is_announced_not_in_force(client, crisis, marseille):
    later = _now() + datetime.timedelta(hours=2)
    alert = published_alert(crisis, [marseille], effective=later)
    assert selectors.alerts_in_force() == []
    assert [a.pk for a in selectors.alerts_upcoming()] == [alert.pk]
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "entre en vigueur le" in page


# ----------------------------------------------------------------------------- public pages


def test_index_filters_by_commune_and_rejects_an_unknown_one(client, crisis, marseille, aubagne):
    published_alert(crisis, [marseille], headline="Crue à Marseille", severity="Minor")
    published_alert(crisis, [aubagne], headline="Crue à Aubagne", severity="Minor")
    page = client.get(reverse("alerts:index")).content.decode()
    assert "Crue à Marseille" in page and "Crue à Aubagne" in page
    page = client.get(reverse("alerts:index"), {"commune": "13005"}).content.decode()
    assert "Crue à Aubagne" in page and "Crue à Marseille" not in page
    response = client.get(reverse("alerts:index"), {"commune": "99999"})
    assert response.status_code == 400
    assert "Métropole" in response.content.decode()


def test_index_empty_state(client, territories):
    response = client.get(reverse("alerts:index"))
    assert response.status_code == 200
    assert "Aucune alerte en vigueur dans la Métropole." in response.content.decode()


def test_detail_shows_the_instructions_first(client, crisis, marseille):
    alert = published_alert(crisis, [marseille])
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert page.index("Ce qu'il faut faire") < page.index("La situation")
    assert "Montez à l&#x27;étage" in page and "Grave" in page


def test_archive_is_paginated_filtered_and_exported(
    client, crisis, marseille, django_assert_max_num_queries
):
    for number in range(23):
        published_alert(crisis, [marseille], headline=f"Alerte {number}", risk="heatwave")
    published_alert(crisis, [marseille], headline="Séisme", risk="earthquake")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("alerts:archive"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    assert client.get(reverse("alerts:archive"), {"page": "2"}).status_code == 200
    assert client.get(reverse("alerts:archive"), {"page": "x"}).status_code == 400
    assert client.get(reverse("alerts:archive"), {"page": "9"}).status_code == 404
    assert client.get(reverse("alerts:archive"), {"risk": "volcano"}).status_code == 400
    page = client.get(reverse("alerts:archive"), {"risk": "earthquake"})
    assert [a.headline for a in page.context["page"].object_list] == ["Séisme"]
    partial = client.get(
        reverse("alerts:archive"), {"risk": "earthquake"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert (
        partial.lstrip().startswith('<div id="results"')
        and "Séisme" in partial
        and "<h1" not in partial
    )
    csv = client.get(reverse("alerts:export_csv"))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 25 and lines[0].startswith("identifier,sent,status")
    assert "/cap.xml" in lines[1] and "13055" in lines[1]


# ----------------------------------------------------------------------------- crisis mode


def _banner(client, path="/"):
    page = client.get(path).content.decode()
    return "situation-danger" in page, page


def test_crisis_banner_appears_for_a_severe_real_alert_and_goes_on_cancel(
    client, crisis, marseille
):
    assert _banner(client)[0] is False
    published_alert(crisis, [marseille], severity="Moderate", headline="Pollen")
    assert _banner(client)[0] is False
    drill = exercise([marseille])
    published_alert(crisis, [marseille], status="Exercise", exercise=drill)
    assert _banner(client)[0] is False  # an exercise never switches the site to crisis mode
    alert = published_alert(crisis, [marseille], severity="Extreme", headline="Feu au Tholonet")
    shown, page = _banner(client, reverse("territories:index"))
    assert shown and "Feu au Tholonet" in page and reverse("alerts:detail", args=[alert.pk]) in page
    shown, home = _banner(client, "/")
    # The home page puts the alerts first, with their instructions.
    assert home.index("Feu au Tholonet") < home.index("<h1")
    assert "Montez à l&#x27;étage" in home
    services.alert_cancel(actor=crisis, alert=alert, note="Feu maîtrisé.")
    assert _banner(client)[0] is False


def test_crisis_banner_ends_and_starts_by_time_alone(client, crisis, marseille):
    soon = _now() + datetime.timedelta(seconds=2)
    published_alert(crisis, [marseille], headline="Fin prochaine", expires=soon)
    later = _now() + datetime.timedelta(seconds=2)
    published_alert(
        crisis,
        [marseille],
        headline="Début prochain",
        effective=later,
        expires=later + datetime.timedelta(hours=1),
    )
    shown, page = _banner(client)
    assert shown and "Fin prochaine" in page and "Début prochain" not in page
    time.sleep(2.3)  # no write, no cache clear: the banner's cache stops at the transition
    shown, page = _banner(client)
    assert shown and "Début prochain" in page and "Fin prochaine" not in page


def test_banner_cache_never_outlives_the_next_transition():
    now = _now()
    assert selectors.cache_seconds_until(now, None) == selectors.CRISIS_CACHE_SECONDS
    assert selectors.cache_seconds_until(now, now + datetime.timedelta(seconds=4.2)) == 5
    assert selectors.cache_seconds_until(now, now + datetime.timedelta(hours=1)) == 30
    assert selectors.cache_seconds_until(now, now) == 1


def test_crisis_mode_by_hand_is_audited_and_shown_everywhere(client, crisis, territories):
    client.force_login(crisis)
    response = client.post(reverse("alerts:crisis_mode"), {"headline": "", "message": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("alerts:crisis_mode"),
        {"headline": "Incendie majeur", "message": "Suivez les consignes des secours."},
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="alerts.crisis_mode_on", actor=crisis).exists()
    client.logout()
    shown, page = _banner(client, reverse("plan:index"))
    assert shown and "Incendie majeur" in page
    with pytest.raises(ValidationError):
        services.crisis_mode_start(actor=crisis, headline="Deux", message="fois")
    client.force_login(crisis)
    client.post(reverse("alerts:crisis_mode"), {"action": "off"})
    assert not CrisisMode.objects.filter(is_active=True).exists()
    assert AuditLog.objects.filter(action="alerts.crisis_mode_off").exists()
    client.logout()
    assert _banner(client)[0] is False


def test_crisis_banner_replaces_the_situation_banner(client, crisis, marseille):
    from renouveau.guides.models import SituationBanner

    SituationBanner.objects.create(
        title="Travaux sur le tram", text="Ligne T3 coupée.", level="info", starts_at=_now()
    )
    page = client.get("/").content.decode()
    assert "Travaux sur le tram" in page
    published_alert(crisis, [marseille], headline="Crue majeure")
    page = client.get("/").content.decode()
    assert "Crue majeure" in page and "Travaux sur le tram" not in page


def test_the_anonymous_page_cache_shows_a_published_alert_at_once(
    client, crisis, marseille, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    assert _banner(client)[0] is False
    assert _banner(client)[0] is False  # served from the page cache
    published_alert(crisis, [marseille], headline="Crue majeure")  # audited: bumps the cache
    shown, page = _banner(client)
    assert shown and "Crue majeure" in page


# ----------------------------------------------------------------------------- subscriptions


def test_subscription_defaults_to_the_residents_commune(client, personas, marseille, aubagne):
    resident = personas["resident"]
    assert client.get(reverse("alerts:subscriptions")).status_code == 302  # sign in first
    client.force_login(resident)
    response = client.get(reverse("alerts:subscriptions"))
    assert response.context["form"].initial["commune"] == marseille
    assert "aucune alerte" in response.content.decode()
    response = client.post(reverse("alerts:subscriptions"), {"commune": "nope"})
    assert response.status_code == 400
    assert "Métropole" in response.content.decode()
    client.post(reverse("alerts:subscriptions"), {"commune": marseille.pk})
    client.post(reverse("alerts:subscriptions"), {"commune": marseille.pk})  # idempotent
    client.post(reverse("alerts:subscriptions"), {"commune": aubagne.pk, "include_exercises": "on"})
    assert Subscription.objects.filter(user=resident).count() == 2
    subscription = Subscription.objects.get(user=resident, commune=aubagne)
    assert subscription.include_exercises
    other = personas["association_member"]
    client.force_login(other)
    assert (
        client.post(reverse("alerts:subscription_delete", args=[subscription.pk])).status_code
        == 404
    )
    client.force_login(resident)
    client.post(reverse("alerts:subscription_delete", args=[subscription.pk]))
    assert list(Subscription.objects.filter(user=resident).values_list("commune", flat=True)) == [
        marseille.pk
    ]


def test_publication_emails_each_concerned_subscriber_once(personas, crisis, marseille, aubagne):
    resident, member = personas["resident"], personas["association_member"]
    services.subscription_add(user=resident, commune=marseille)
    services.subscription_add(user=resident, commune=aubagne)  # two communes, one e-mail
    services.subscription_add(user=member, commune=aubagne, include_exercises=True)
    services.subscription_add(user=personas["elected"], commune=Commune.objects.get(insee="13001"))
    mail.outbox.clear()
    alert = published_alert(crisis, [marseille, aubagne], headline="Crue de l'Huveaune")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, member.email])
    message = next(m for m in mail.outbox if m.to == [resident.email])
    assert message.subject == "Alerte : Crue de l'Huveaune"
    assert "Montez à l'étage" in message.body
    assert "/alertes/desabonnement/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/alertes/desabonnement/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.filter(alert=alert).count() == 2
    # A re-run of the fan-out sends nothing twice.
    mail.outbox.clear()
    assert services.alert_notify(alert_id=alert.pk) == 0
    assert mail.outbox == []
    # A cancellation is a new message: sent once more.
    services.alert_cancel(actor=crisis, alert=alert, note="Fin de la crue.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, member.email])
    assert all(m.subject.startswith("Fin d'alerte") for m in mail.outbox)


def test_exercise_and_test_messages_reach_only_who_asked(personas, crisis, marseille):
    resident, member = personas["resident"], personas["association_member"]
    services.subscription_add(user=resident, commune=marseille)
    services.subscription_add(user=member, commune=marseille, include_exercises=True)
    mail.outbox.clear()
    drill = exercise([marseille])
    published_alert(crisis, [marseille], status="Exercise", exercise=drill)
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject.startswith("[EXERCICE]")
    assert "EXERCICE - CE N'EST PAS UNE ALERTE RÉELLE" in mail.outbox[0].body
    mail.outbox.clear()
    published_alert(crisis, [marseille], status="Test")
    assert mail.outbox == []


def test_unsubscribe_link_works_without_signing_in(client, personas, marseille):
    resident = personas["resident"]
    services.subscription_add(user=resident, commune=marseille)
    token = services.unsubscribe_token(resident)
    url = reverse("alerts:unsubscribe", args=[token])
    page = client.get(url).content.decode()
    assert "Marseille" in page
    response = client.post(url)
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=resident).exists()
    assert client.get(reverse("alerts:unsubscribe", args=[token + "x"])).status_code == 404


def test_unsubscribe_by_one_click_from_the_mail_client_and_csrf_on_the_form(personas, marseille):
    from django.test import Client

    resident = personas["resident"]
    services.subscription_add(user=resident, commune=marseille)
    url = reverse("alerts:unsubscribe", args=[services.unsubscribe_token(resident)])
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(url).status_code == 200  # a link preview changes nothing
    assert Subscription.objects.filter(user=resident).exists()
    # A forged form post (no CSRF token) from another site is refused...
    assert mail_client.post(url).status_code == 403
    assert Subscription.objects.filter(user=resident).exists()
    # ...the RFC 8058 one-click POST of a mail client (no cookie, no token) works.
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=resident).exists()


@pytest.mark.django_db(transaction=True)
def test_fan_out_through_the_database_queue_is_exactly_once(settings, personas, marseille):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from renouveau.alerts.tasks import alert_fan_out

    crisis = personas["crisis_agent"]
    for persona in ("resident", "association_member", "elected"):
        services.subscription_add(user=personas[persona], commune=marseille)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "emails"]}
    }
    mail.outbox.clear()
    alert = published_alert(crisis, [marseille])
    assert mail.outbox == []  # nothing sent inside the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    alert_fan_out.enqueue(alert_id=alert.pk)  # a duplicate run (retry, second scheduler...)
    call_command("db_worker", batch=True, queue_name="*", interval=0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        personas[p].email for p in ("resident", "association_member", "elected")
    )
    assert Notification.objects.filter(alert=alert).count() == 3
    alert_fan_out.enqueue(alert_id=alert.pk)
    call_command("db_worker", batch=True, queue_name="*", interval=0)
    assert len(mail.outbox) == 3


# ----------------------------------------------------------------------------- exercises


def test_registration_capacity_and_unregistration(client, personas, marseille):
    drill = exercise([marseille], capacity=1)
    url = reverse("alerts:exercise_register", args=[drill.pk])
    assert client.post(url).status_code == 302 and not drill.registrations.exists()
    client.force_login(personas["resident"])
    mail.outbox.clear()
    client.post(url)
    client.post(url)  # twice: one registration
    assert drill.registrations.count() == 1
    assert mail.outbox[0].subject == f"Inscription confirmée : {drill.title}"
    client.force_login(personas["association_member"])
    page = client.post(url, follow=True).content.decode()
    assert "complet" in page and drill.registrations.count() == 1
    client.force_login(personas["resident"])
    client.post(url, {"action": "cancel"})
    assert not drill.registrations.exists()
    assert AuditLog.objects.filter(action="alerts.exercise_unregistered").exists()


def test_registration_closes_when_the_exercise_starts(personas, marseille):
    drill = exercise([marseille], days=-0.01)
    with pytest.raises(ValidationError, match="closes"):
        services.exercise_register(user=personas["resident"], exercise=drill)


def test_crisis_cell_creates_an_exercise_and_bad_data_is_400(client, crisis, marseille):
    client.force_login(crisis)
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "Exercice séisme",
        "risk": "earthquake",
        "scenario": "Séisme de magnitude 5.",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Mairie",
        "communes": [marseille.pk],
        "organiser": "Cellule de crise",
        "capacity": "0",
    }
    response = client.post(reverse("alerts:exercise_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "suivre le début" in errors["ends_at"][0]
    assert errors["capacity"] == ["Ouvrez au moins une place."]
    data.update(
        ends_at=(start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), capacity="30"
    )
    response = client.post(reverse("alerts:exercise_create"), data)
    assert response.status_code == 302
    drill = Exercise.objects.get()
    assert list(drill.communes.all()) == [marseille]
    assert AuditLog.objects.filter(action="alerts.exercise_created").exists()
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "EXERCICE" in page and "0 inscrits sur 30 places" in page


def test_debrief_after_the_exercise_builds_the_risk_memory(client, crisis, marseille):
    drill = exercise([marseille], days=3, title="Exercice inondation du Jarret")
    client.force_login(crisis)
    url = reverse("alerts:exercise_debrief", args=[drill.pk])
    data = {"went_well": "Évacuation rapide.", "to_improve": "Consignes trop longues."}
    response = client.post(url, data)
    assert response.status_code == 400  # not before the end
    assert "une fois l'exercice terminé" in response.context["form"].non_field_errors()[0]
    Exercise.objects.filter(pk=drill.pk).update(
        starts_at=_now() - datetime.timedelta(days=2), ends_at=_now() - datetime.timedelta(days=1)
    )
    assert client.post(url, {"went_well": "", "to_improve": ""}).status_code == 400
    assert client.post(url, data).status_code == 302
    past_alert = published_alert(crisis, [marseille], headline="Crue passée", risk="flood")
    Alert.objects.filter(pk=past_alert.pk).update(expires=_now() - datetime.timedelta(hours=1))
    client.logout()
    page = client.get(reverse("alerts:memory")).content.decode()
    assert "Inondation" in page and "Exercice inondation du Jarret" in page
    assert "Consignes trop longues." in page and "Crue passée" in page
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "Évacuation rapide." in page
    assert client.get(reverse("alerts:exercise_list")).status_code == 200


def test_memory_empty_state(client, territories):
    assert "Aucune alerte passée" in client.get(reverse("alerts:memory")).content.decode()


# ----------------------------------------------------------------------------- dashboard


def test_dashboard_lists_drafts_alerts_exercises_and_subscribers(
    client, personas, crisis, marseille
):
    services.alert_create(actor=crisis, data=alert_data([marseille], headline="Brouillon crue"))
    published_alert(crisis, [marseille], headline="Canicule en cours", severity="Moderate")
    exercise([marseille], title="Exercice à venir")
    services.subscription_add(user=personas["resident"], commune=marseille)
    services.subscription_add(user=personas["association_member"], commune=marseille)
    client.force_login(crisis)
    response = client.get(reverse("alerts:dashboard"))
    page = response.content.decode()
    assert "Brouillon crue" in page and "Canicule en cours" in page
    assert "Exercice à venir" in page
    assert [(c.name, c.subscribers) for c in response.context["subscribers"]] == [("Marseille", 2)]


# ----------------------------------------------------------------------------- API


def test_api_lists_alerts_in_force_and_recent_with_their_cap_link(client, crisis, marseille):
    alert = published_alert(crisis, [marseille], headline="Crue")
    old = published_alert(crisis, [marseille], headline="Ancienne")
    Alert.objects.filter(pk=old.pk).update(
        sent=_now() - datetime.timedelta(days=90), expires=_now() - datetime.timedelta(days=89)
    )
    services.alert_create(actor=crisis, data=alert_data([marseille], headline="Brouillon"))
    published_alert(crisis, [marseille], status="Test", headline="Test technique")
    response = client.get("/api/v1/alerts/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["headline"] for r in results] == ["Crue"]
    row = results[0]
    assert row["cap_url"].endswith(f"/alertes/{alert.pk}/cap.xml")
    assert row["in_force"] is True and row["communes"] == ["13055"]
    assert client.get("/api/v1/alerts/", {"commune": "00000"}).status_code == 400
    assert client.get("/api/v1/alerts/", {"in_force": "peut-être"}).status_code == 400
    assert client.get("/api/v1/alerts/", {"commune": "13005"}).json()["results"] == []
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/alerts/" in schema


# ----------------------------------------------------------------------------- RGPD, demo


def test_personal_data_export_and_erasure(client, personas, crisis, marseille):
    from renouveau.accounts.services import user_erase

    resident = personas["resident"]
    services.subscription_add(user=resident, commune=marseille)
    drill = exercise([marseille])
    services.exercise_register(user=resident, exercise=drill)
    alert = published_alert(crisis, [marseille])
    data = services.personal_data(user=resident)
    assert data["subscriptions"][0]["insee"] == "13055"
    assert data["exercise_registrations"][0]["exercise"] == drill.title
    assert data["notifications"][0]["alert"] == alert.identifier
    client.force_login(resident)
    export = client.get(reverse("accounts:data_export"))
    assert "alerts" in export.json()
    user_erase(user=resident)
    assert not Subscription.objects.filter(user=resident).exists()
    assert not drill.registrations.exists()
    assert not Notification.objects.filter(user=resident).exists()
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_demo_data_is_idempotent_and_not_in_crisis_mode(client, territories, settings):
    from renouveau.alerts import demo

    demo.load()
    demo.load()
    assert Alert.objects.count() == 5 and Exercise.objects.count() == 2
    assert all(Alert.objects.values_list("is_demo", flat=True))
    assert selectors.alerts_in_force() == []
    settings.DEMO_DATA = True
    page = client.get(reverse("alerts:archive")).content.decode()
    assert "Démonstration" in page
    assert _banner(client)[0] is False
    for alert in Alert.objects.all():
        validate_cap(client.get(reverse("alerts:cap", args=[alert.pk])).content)
    assert client.get(reverse("alerts:memory")).status_code == 200


def test_editing_a_draft_keeps_its_dates(client, crisis, marseille):
    expires = timezone.localtime() + datetime.timedelta(hours=5)
    draft = services.alert_create(actor=crisis, data=alert_data([marseille], expires=expires))
    client.force_login(crisis)
    page = client.get(reverse("alerts:edit", args=[draft.pk])).content.decode()
    assert f'value="{expires:%Y-%m-%dT%H:%M}"' in page
    response = client.get(reverse("alerts:edit", args=[draft.pk]))
    assert response.context["form"].initial["communes"] == [marseille]
    published = services.alert_publish(actor=crisis, alert=draft)
    assert client.get(reverse("alerts:edit", args=[published.pk])).status_code == 403


def test_cancelling_an_exercise_tells_the_registered_people(client, personas, crisis, marseille):
    drill = exercise([marseille])
    services.exercise_register(user=personas["resident"], exercise=drill)
    mail.outbox.clear()
    client.force_login(personas["resident"])
    assert client.post(reverse("alerts:exercise_cancel", args=[drill.pk])).status_code == 403
    client.force_login(crisis)
    client.post(reverse("alerts:exercise_cancel", args=[drill.pk]))
    drill.refresh_from_db()
    assert drill.is_cancelled
    assert [m.to for m in mail.outbox] == [[personas["resident"].email]]
    assert mail.outbox[0].subject == f"Exercice annulé : {drill.title}"
    assert AuditLog.objects.filter(action="alerts.exercise_cancelled").exists()
    with pytest.raises(ValidationError, match="closes"):
        services.exercise_register(user=personas["association_member"], exercise=drill)
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "Cet exercice est annulé." in page


def test_pages_are_translated_to_english(client, territories, crisis, marseille, settings):
    from renouveau.alerts import demo

    demo.load()
    alert = published_alert(crisis, [marseille], headline="Crue")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("alerts:index")).content.decode()
    assert "Current alerts" in page and "Alertes en cours" not in page
    assert "Current alert" in page  # the crisis banner
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "What to do" in page and "Severity: Severe" in page
    drill = Exercise.objects.get(risk="flood")
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "EXERCISE" in page and "What to improve" in page


def test_list_pages_do_not_grow_their_queries(
    client, crisis, marseille, aubagne, django_assert_max_num_queries
):
    for number in range(15):
        published_alert(crisis, [marseille, aubagne], headline=f"Alerte {number}", severity="Minor")
        exercise([marseille, aubagne], title=f"Exercice {number}", days=number + 1)
        exercise([marseille], title=f"Passé {number}", days=-(number + 1))
    for url in (
        reverse("alerts:index"),
        reverse("alerts:exercise_list"),
        reverse("alerts:memory"),
        "/api/v1/alerts/",
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
    client.force_login(crisis)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("alerts:dashboard")).status_code == 200


# ----------------------------------------------------------------------------- review fixes


def test_api_rejects_a_malformed_commune_code_with_400(client, territories):
    # A NUL byte reached PostgreSQL and answered 500.
    for bad in ("%00", "13%0055", "x" * 300):
        response = client.get(f"/api/v1/alerts/?commune={bad}")
        assert response.status_code == 400
        assert response.json()["commune"] == "Commune inconnue de la Métropole."
    assert client.get("/api/v1/alerts/?commune=13055").status_code == 200


def test_an_absurd_date_is_refused_and_never_breaks_the_dashboard(client, crisis, marseille):
    # Year 0001 in Europe/Paris is before year 1 in UTC: stored, it made the dashboard 500.
    client.force_login(crisis)
    for value in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post(reverse("alerts:create"), _form_post([marseille], expires=value))
        assert response.status_code == 400
        assert response.context["form"].errors["expires"] == [
            "Indiquez une date comprise entre l'an 2000 et l'an 2099."
        ]
    assert not Alert.objects.exists()
    assert client.get(reverse("alerts:dashboard")).status_code == 200


def _exercise_post(marseille, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "Exercice séisme",
        "risk": "earthquake",
        "scenario": "Séisme de magnitude 5.",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Mairie",
        "communes": [marseille.pk],
        "organiser": "Cellule de crise",
        "capacity": "30",
    }
    data.update(overrides)
    return data


def test_exercise_capacity_too_large_is_a_400_not_a_500(client, crisis, marseille):
    client.force_login(crisis)
    response = client.post(
        reverse("alerts:exercise_create"), _exercise_post(marseille, capacity="99999999999999")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["capacity"] == ["Ouvrez au plus 100 000 places."]
    assert not Exercise.objects.exists()


def test_an_exercise_cannot_be_organised_in_the_past(client, crisis, marseille):
    client.force_login(crisis)
    start = timezone.localtime() - datetime.timedelta(days=2)
    data = _exercise_post(
        marseille,
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(reverse("alerts:exercise_create"), data)
    assert response.status_code == 400
    assert "choisissez un début à venir" in response.context["form"].errors["starts_at"][0]
    assert not Exercise.objects.exists()
    # Editing a past exercise without moving its start (e.g. fixing the place) still works.
    drill = exercise([marseille], days=-2)
    local_start = timezone.localtime(drill.starts_at)
    data = _exercise_post(
        marseille,
        starts_at=local_start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(drill.ends_at).strftime("%Y-%m-%dT%H:%M"),
        place="Gymnase Vallier",
    )
    response = client.post(reverse("alerts:exercise_edit", args=[drill.pk]), data)
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.place == "Gymnase Vallier"


def test_index_commune_filter_also_applies_to_announced_alerts(client, crisis, marseille, aubagne):
    published_alert(
        crisis,
        [aubagne],
        headline="Canicule annoncée à Aubagne",
        severity=Alert.Severity.MODERATE,
        effective=_now() + datetime.timedelta(days=1),
        expires=_now() + datetime.timedelta(days=2),
    )
    page = client.get(reverse("alerts:index"), {"commune": aubagne.insee}).content.decode()
    assert "Canicule annoncée à Aubagne" in page
    page = client.get(reverse("alerts:index"), {"commune": marseille.insee}).content.decode()
    assert "Canicule annoncée à Aubagne" not in page


def test_a_cancelled_exercise_gets_no_debrief(client, crisis, marseille):
    drill = exercise([marseille], days=3, title="Exercice annulé du Jarret")
    services.exercise_cancel(actor=crisis, exercise=drill)
    Exercise.objects.filter(pk=drill.pk).update(
        starts_at=_now() - datetime.timedelta(days=2), ends_at=_now() - datetime.timedelta(days=1)
    )
    client.force_login(crisis)
    response = client.post(
        reverse("alerts:exercise_debrief", args=[drill.pk]),
        {"went_well": "Tout.", "to_improve": "Rien."},
    )
    assert response.status_code == 400
    assert "annulé" in response.context["form"].non_field_errors()[0]
    drill.refresh_from_db()
    assert drill.debrief_published_at is None
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "Publier le retour d'expérience" not in page
    assert "Exercice annulé du Jarret" not in client.get(reverse("alerts:memory")).content.decode()


def test_an_expired_alert_cannot_be_lifted_again(client, personas, crisis, marseille):
    # Lifting an alert that already ended e-mailed every subscriber a late « Fin d'alerte ».
    services.subscription_add(user=personas["resident"], commune=marseille)
    alert = published_alert(crisis, [marseille])
    Alert.objects.filter(pk=alert.pk).update(expires=_now() - datetime.timedelta(minutes=5))
    alert.refresh_from_db()
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.alert_cancel(actor=crisis, alert=alert, note="Trop tard.")
    client.force_login(crisis)
    for method in (client.get, client.post):
        response = method(reverse("alerts:cancel", args=[alert.pk]), {"note": "x"}, follow=True)
        assert response.redirect_chain == [(alert.get_absolute_url(), 302)]
        assert "rien à annuler" in response.content.decode()
    assert "Lever l'alerte" not in client.get(alert.get_absolute_url()).content.decode()
    assert not Alert.objects.filter(msg_type=Alert.MsgType.CANCEL).exists()
    assert mail.outbox == []


def test_an_update_keeps_the_nature_of_the_message_it_replaces(client, crisis, marseille):
    # A real alert « updated » by an exercise message ended for every subscriber who did not
    # ask for exercises, without any e-mail.
    alert = published_alert(crisis, [marseille])
    client.force_login(crisis)
    response = client.post(reverse("alerts:update", args=[alert.pk]))
    draft = Alert.objects.get(references=alert)
    assert response.url == reverse("alerts:edit", args=[draft.pk])
    response = client.post(
        reverse("alerts:edit", args=[draft.pk]), _form_post([marseille], status="Exercise")
    )
    assert response.status_code == 400
    assert "garde la nature" in response.context["form"].errors["status"][0]
    draft.refresh_from_db()
    assert draft.status == Alert.Status.ACTUAL
    response = client.post(reverse("alerts:edit", args=[draft.pk]), _form_post([marseille]))
    assert response.status_code == 302


def test_a_cancelled_exercise_cannot_be_edited(client, crisis, marseille):
    drill = exercise([marseille], days=3)
    services.exercise_cancel(actor=crisis, exercise=drill)
    client.force_login(crisis)
    assert "Modifier l'exercice" not in client.get(drill.get_absolute_url()).content.decode()
    response = client.post(
        reverse("alerts:exercise_edit", args=[drill.pk]),
        _exercise_post(marseille, place="Ailleurs"),
    )
    assert response.status_code == 400
    assert "annulé" in response.context["form"].non_field_errors()[0]
    drill.refresh_from_db()
    assert drill.place == "Gymnase"


def test_control_characters_pasted_into_an_alert_keep_cap_and_atom_well_formed(
    client, crisis, marseille
):
    # A vertical tab (a line break pasted from a word processor) made both documents invalid
    # XML, so every feed reader lost the whole feed.
    alert = published_alert(
        crisis,
        [marseille],
        headline="Crue\x0cde l'Huveaune",
        description="Ligne 1\x0bLigne 2",
        instruction="Montez\x01 à l'étage.",
    )
    document = client.get(reverse("alerts:cap", args=[alert.pk])).content
    root = ET.fromstring(document)  # noqa: S314 (our own output)
    validate_cap(document)
    assert root.find(f"{CAP}info/{CAP}description").text == "Ligne 1 Ligne 2"
    feed = ET.fromstring(client.get(reverse("alerts:feed")).content)  # noqa: S314
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is not None


def test_publishing_or_lifting_twice_says_so_and_acts_once(client, personas, crisis, marseille):
    # A double click answered a bare 403 page to the crisis cell; it must act once and explain.
    services.subscription_add(user=personas["resident"], commune=marseille)
    draft = services.alert_create(actor=crisis, data=alert_data([marseille]))
    client.force_login(crisis)
    url = reverse("alerts:publish", args=[draft.pk])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "déjà publiée" in response.content.decode()
    assert AuditLog.objects.filter(action="alerts.alert_published").count() == 1
    assert Notification.objects.filter(alert=draft).count() == 1
    url = reverse("alerts:cancel", args=[draft.pk])
    assert client.post(url, {"note": "Fin de la crue."}).status_code == 302
    response = client.post(url, {"note": "Fin de la crue."}, follow=True)
    assert "rien à annuler" in response.content.decode()
    assert Alert.objects.filter(msg_type=Alert.MsgType.CANCEL).count() == 1
    # Outside the crisis cell it is still a 403.
    client.force_login(personas["metropolis_agent"])
    assert client.post(reverse("alerts:publish", args=[draft.pk])).status_code == 403
    assert client.post(url, {"note": "x"}).status_code == 403


def test_moving_an_exercise_tells_the_registered_people(client, personas, crisis, marseille):
    drill = exercise([marseille], days=10, title="Exercice feu de forêt")
    services.exercise_register(user=personas["resident"], exercise=drill)
    client.force_login(crisis)
    url = reverse("alerts:exercise_edit", args=[drill.pk])

    def post(**overrides):
        fields = {
            "title": drill.title,
            "starts_at": timezone.localtime(drill.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(drill.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "place": "Gymnase",
        }
        data = _exercise_post(marseille, **{**fields, **overrides})
        assert client.post(url, data).status_code == 302

    mail.outbox.clear()
    post(title="Exercice feu de forêt du Garlaban")  # same time and place: no e-mail
    assert mail.outbox == []
    post(title="Exercice feu de forêt du Garlaban", place="Parking de la Treille")
    assert [m.to for m in mail.outbox] == [[personas["resident"].email]]
    assert mail.outbox[0].subject == "Exercice modifié : Exercice feu de forêt du Garlaban"
    assert "Parking de la Treille" in mail.outbox[0].body
