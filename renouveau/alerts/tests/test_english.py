"""The optional English version of an alert's texts: the form and the services' rule (the
English headline with any English text), a second CAP <info> in English, the pages, the list
and the Atom feed in the reader's language (French marked lang="fr" otherwise), and the
e-mails in each subscriber's language, updates and cancellations included."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renouveau.alerts import services
from renouveau.alerts.cap import CAP_NS, alert_to_cap
from renouveau.alerts.forms import AlertForm
from renouveau.alerts.models import Alert

from .factories import alert_data, exercise, published_alert
from .xsd import validate_cap

pytestmark = pytest.mark.django_db
CAP = f"{{{CAP_NS}}}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENGLISH = {
    "event_en": "Huveaune river flood",
    "headline_en": "Huveaune river flood",
    "description_en": "The Huveaune is overflowing downstream of Aubagne.",
    "instruction_en": "Go upstairs. Do not take your car.",
}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def crisis(personas):
    return personas["crisis_agent"]


def _form_post(communes, **overrides):
    expires = (timezone.localtime() + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "status": "Actual",
        "risk": "flood",
        "category": "Met",
        "event": "Crue de l'Huveaune",
        "headline": "Crue de l'Huveaune",
        "description": "L'Huveaune déborde en aval d'Aubagne.",
        "instruction": "Montez à l'étage.",
        "response_type": "Evacuate",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "expires": expires,
        "communes": [c.pk for c in communes],
        "contact": "",
    }
    data.update(overrides)
    return data


# ----------------------------------------------------------------------------- form, services


def test_the_form_shows_the_english_fieldset_and_saves_the_english_texts(client, crisis, marseille):
    client.force_login(crisis)
    page = client.get(reverse("alerts:create")).content.decode()
    assert "<legend>Version anglaise (facultative)</legend>" in page
    assert 'name="headline_en"' in page and 'lang="en"' in page
    response = client.post(reverse("alerts:create"), _form_post([marseille], **ENGLISH))
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.headline_en == "Huveaune river flood"
    assert alert.instruction_en == "Go upstairs. Do not take your car."
    assert alert.has_english


def test_an_english_text_requires_the_english_headline_with_a_french_error(
    client, crisis, marseille
):
    client.force_login(crisis)
    response = client.post(
        reverse("alerts:create"),
        _form_post([marseille], description_en="The Huveaune is overflowing."),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["headline_en"]
    assert "Donnez aussi le titre en anglais" in errors["headline_en"][0]
    assert Alert.objects.count() == 0


def test_the_french_texts_stay_required_when_english_ones_are_given(marseille):
    form = AlertForm(
        data=_form_post([marseille], headline="", description="", instruction="", **ENGLISH)
    )
    assert not form.is_valid()
    assert {"headline", "description", "instruction"} <= set(form.errors)
    assert "headline_en" not in form.errors


def test_no_english_text_needs_no_english_headline(marseille):
    assert AlertForm(data=_form_post([marseille])).is_valid()


def test_the_services_enforce_the_english_headline_too(crisis, marseille):
    with pytest.raises(ValidationError) as caught:
        services.alert_create(
            actor=crisis, data=alert_data([marseille], instruction_en="Go upstairs.")
        )
    assert "headline_en" in caught.value.error_dict
    draft = services.alert_create(actor=crisis, data=alert_data([marseille], **ENGLISH))
    with pytest.raises(ValidationError) as caught:
        services.alert_edit(
            actor=crisis,
            alert=draft,
            data=alert_data([marseille], **{**ENGLISH, "headline_en": " "}),
        )
    assert "headline_en" in caught.value.error_dict


# ----------------------------------------------------------------------------- CAP


def test_cap_has_a_french_and_an_english_info_block(client, crisis, marseille):
    alert = published_alert(crisis, [marseille], **ENGLISH)
    body = client.get(reverse("alerts:cap", args=[alert.pk])).content
    validate_cap(body)
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    infos = root.findall(f"{CAP}info")
    assert [info.findtext(f"{CAP}language") for info in infos] == ["fr-FR", "en-GB"]
    french, english = infos
    assert french.findtext(f"{CAP}headline") == "Crue de l'Huveaune"
    assert french.findtext(f"{CAP}instruction") == "Montez à l'étage. Ne prenez pas votre voiture."
    assert english.findtext(f"{CAP}event") == "Huveaune river flood"
    assert english.findtext(f"{CAP}headline") == "Huveaune river flood"
    assert english.findtext(f"{CAP}description") == ENGLISH["description_en"]
    assert english.findtext(f"{CAP}instruction") == ENGLISH["instruction_en"]
    for name in ("category", "responseType", "urgency", "severity", "certainty", "expires"):
        assert english.findtext(f"{CAP}{name}") == french.findtext(f"{CAP}{name}"), name
    assert ET.tostring(english.find(f"{CAP}area")) == ET.tostring(french.find(f"{CAP}area"))


def test_cap_without_english_texts_has_one_french_info_block(crisis, marseille):
    body = alert_to_cap(published_alert(crisis, [marseille]))
    validate_cap(body)
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    assert [i.findtext(f"{CAP}language") for i in root.findall(f"{CAP}info")] == ["fr-FR"]


def test_cap_english_block_with_only_a_headline_has_no_french_text_in_it(crisis, marseille):
    drill = exercise([marseille])
    alert = published_alert(
        crisis,
        [marseille],
        status="Exercise",
        exercise=drill,
        headline_en="Flood drill",
    )
    body = alert_to_cap(alert)
    validate_cap(body)
    english = ET.fromstring(body).findall(f"{CAP}info")[1]  # noqa: S314 (our own output)
    assert english.findtext(f"{CAP}headline") == "EXERCISE - Flood drill"
    assert english.find(f"{CAP}description") is None
    assert english.find(f"{CAP}instruction") is None
    # The event is required by CAP: the French one when none was written in English.
    assert english.findtext(f"{CAP}event") == "Crue de l'Huveaune"


def test_update_and_cancel_keep_the_english_version(client, crisis, marseille):
    alert = published_alert(crisis, [marseille], **ENGLISH)
    draft = services.update_draft_start(actor=crisis, alert=alert)
    assert draft.headline_en == ENGLISH["headline_en"]
    assert draft.instruction_en == ENGLISH["instruction_en"]
    client.force_login(crisis)
    form_page = client.get(reverse("alerts:edit", args=[draft.pk])).content.decode()
    assert 'value="Huveaune river flood"' in form_page
    services.alert_edit(
        actor=crisis,
        alert=draft,
        data=alert_data([marseille], **{**ENGLISH, "instruction_en": "Stay upstairs."}),
    )
    update = services.alert_publish(actor=crisis, alert=draft)
    assert update.instruction_en == "Stay upstairs."
    response = client.post(
        reverse("alerts:cancel", args=[update.pk]),
        {"note": "La crue est passée.", "note_en": "The flood is over."},
    )
    assert response.status_code == 302
    cancel = Alert.objects.get(msg_type="Cancel")
    assert (cancel.headline_en, cancel.description_en) == (
        "Huveaune river flood",
        "The flood is over.",
    )
    for message in (update, cancel):
        body = alert_to_cap(message)
        validate_cap(body)
        root = ET.fromstring(body)  # noqa: S314 (our own output)
        assert len(root.findall(f"{CAP}info")) == 2


def test_an_english_cancellation_reason_needs_an_english_version(client, crisis, marseille):
    alert = published_alert(crisis, [marseille])
    client.force_login(crisis)
    assert (
        'name="note_en"'
        not in client.get(reverse("alerts:cancel", args=[alert.pk])).content.decode()
    )
    with pytest.raises(ValidationError) as caught:
        services.alert_cancel(actor=crisis, alert=alert, note="Fini.", note_en="Over.")
    assert "note_en" in caught.value.error_dict


# ----------------------------------------------------------------------------- pages, feed


def test_the_alert_page_in_english_shows_the_english_texts(client, crisis, marseille):
    alert = published_alert(crisis, [marseille], **ENGLISH)
    page = client.get(alert.get_absolute_url(), **EN).content.decode()
    assert "Go upstairs. Do not take your car." in page
    assert "The Huveaune is overflowing downstream of Aubagne." in page
    assert "Montez à l&#x27;étage" not in page
    french = client.get(alert.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Montez à l&#x27;étage. Ne prenez pas votre voiture." in french
    assert "Go upstairs" not in french
    assert ' lang="fr"' not in french.split("<main", 1)[1].split("Émetteur")[0].replace(
        '<dd lang="fr">', ""
    )


def test_the_alert_page_in_english_without_english_texts_marks_the_french_ones(
    client, crisis, marseille
):
    alert = published_alert(crisis, [marseille])
    page = client.get(alert.get_absolute_url(), **EN).content.decode()
    assert '<p class="pre-line" lang="fr">Montez à l&#x27;étage.' in page
    assert '<p class="pre-line" lang="fr">L&#x27;Huveaune déborde' in page
    assert '<span lang="fr">Crue de l&#x27;Huveaune</span></h1>' in page


def test_the_list_shows_english_headlines_in_english(client, crisis, marseille):
    published_alert(crisis, [marseille], **ENGLISH)
    published_alert(crisis, [marseille], headline="Canicule à Marseille")
    page = client.get(reverse("alerts:index"), **EN).content.decode()
    assert "Huveaune river flood" in page
    assert "Go upstairs. Do not take your car." in page
    assert '<span lang="fr">Canicule à Marseille</span>' in page
    french = client.get(reverse("alerts:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Huveaune river flood" not in french
    assert "Crue de l&#x27;Huveaune" in french


def _feed(client, **kwargs):
    response = client.get(reverse("alerts:feed"), **kwargs)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def test_the_atom_feed_in_english_by_parameter_or_request_language(client, crisis, marseille):
    published_alert(crisis, [marseille], headline="Canicule")
    published_alert(crisis, [marseille], **ENGLISH)
    for root in (_feed(client, data={"lang": "en"}), _feed(client, **EN)):
        assert root.get(XML_LANG) == "en"
        assert root.findtext(f"{ATOM}title") == "Alerts of the Metropolis"
        english, french = root.findall(f"{ATOM}entry")
        assert english.findtext(f"{ATOM}title") == "Huveaune river flood"
        assert english.find(f"{ATOM}title").get(XML_LANG) is None
        assert english.findtext(f"{ATOM}summary") == ENGLISH["description_en"]
        assert french.findtext(f"{ATOM}title") == "Canicule"
        assert french.find(f"{ATOM}title").get(XML_LANG) == "fr"
        assert french.find(f"{ATOM}summary").get(XML_LANG) == "fr"
    root = _feed(client, data={"lang": "fr"}, **EN)
    assert root.get(XML_LANG) == "fr"
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Crue de l'Huveaune",
        "Canicule",
    ]


def test_the_atom_feed_refuses_an_unknown_language_with_400(client):
    response = client.get(reverse("alerts:feed"), {"lang": "de"})
    assert response.status_code == 400


# ----------------------------------------------------------------------------- e-mails


def test_english_subscribers_get_the_english_texts_updates_and_cancellations_too(
    personas, crisis, marseille
):
    english, french = personas["resident"], personas["association_member"]
    english.language = "en"
    english.save()
    for user in (english, french):
        services.subscription_add(user=user, commune=marseille)
    mail.outbox.clear()
    alert = published_alert(crisis, [marseille], **ENGLISH)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[english.email].subject == "Alert: Huveaune river flood"
    assert "Go upstairs. Do not take your car." in by_recipient[english.email].body
    assert "Montez à l'étage" not in by_recipient[english.email].body
    assert by_recipient[french.email].subject == "Alerte : Crue de l'Huveaune"
    assert "Montez à l'étage" in by_recipient[french.email].body
    assert "Go upstairs" not in by_recipient[french.email].body

    mail.outbox.clear()
    draft = services.update_draft_start(actor=crisis, alert=alert)
    update = services.alert_publish(actor=crisis, alert=draft)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[english.email].subject == "Alert update: Huveaune river flood"
    assert "Go upstairs. Do not take your car." in by_recipient[english.email].body

    mail.outbox.clear()
    services.alert_cancel(
        actor=crisis, alert=update, note="La crue est passée.", note_en="The flood is over."
    )
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "Huveaune river flood" in by_recipient[english.email].subject
    assert "The flood is over." in by_recipient[english.email].body
    assert "La crue est passée." not in by_recipient[english.email].body
    assert "La crue est passée." in by_recipient[french.email].body


def test_an_update_dropping_a_commune_tells_english_subscribers_in_english(
    personas, crisis, marseille, territories
):
    from renouveau.territories.models import Commune

    aubagne = Commune.objects.get(insee="13005")
    english = personas["resident"]
    english.language = "en"
    english.save()
    services.subscription_add(user=english, commune=aubagne)
    alert = published_alert(crisis, [marseille, aubagne], **ENGLISH)
    draft = services.update_draft_start(actor=crisis, alert=alert)
    services.alert_edit(actor=crisis, alert=draft, data=alert_data([marseille], **ENGLISH))
    mail.outbox.clear()
    services.alert_publish(actor=crisis, alert=draft)
    (message,) = [m for m in mail.outbox if m.to == [english.email]]
    assert "Huveaune river flood" in message.subject
    assert "Crue de l'Huveaune" not in message.subject


# ----------------------------------------------------------------------------- banner, reporters


def test_the_crisis_banner_shows_the_english_texts_in_english(client, crisis, marseille):
    published_alert(crisis, [marseille], severity="Extreme", **ENGLISH)
    published_alert(crisis, [marseille], severity="Severe", headline="Canicule")
    home = client.get("/", **EN).content.decode()
    banner = home.split('class="situation-banner', 1)[1].split("</div>", 1)[0]
    assert ">Huveaune river flood</a>" in banner
    assert "Go upstairs. Do not take your car." in banner
    assert '<a href="' in banner and 'lang="fr">Canicule</a>' in banner
    other = client.get(reverse("alerts:exercise_list"), **EN).content.decode()
    assert "Huveaune river flood</strong>" in other.split('class="situation-banner', 1)[1]
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    banner = french.split('class="situation-banner', 1)[1].split("</div>", 1)[0]
    assert "Crue de l&#x27;Huveaune</a>" in banner and "Huveaune river flood" not in banner


def test_the_home_pages_alerts_mark_a_french_headline_on_an_english_page(client, crisis, marseille):
    published_alert(crisis, [marseille], severity="Moderate", **ENGLISH)
    published_alert(crisis, [marseille], severity="Moderate", headline="Canicule")
    home = client.get("/", **EN).content.decode()
    assert 'lang="fr">Canicule</a>' in home
    assert '">Huveaune river flood</a>' in home
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '">Canicule</a>' in french and 'lang="fr">Canicule' not in french


def test_an_english_speaking_reporter_is_told_with_the_english_headline(
    personas, crisis, marseille
):
    from renouveau.reserve.tests.factories import make_signal
    from renouveau.territories.models import Commune

    aubagne = Commune.objects.get(insee="13005")
    reporter = personas["resident"]
    reporter.language = "en"
    reporter.save()
    signal = make_signal(reporter, commune=aubagne, category="flood", description="Ça déborde.")
    draft = services.alert_create(
        actor=crisis, data=alert_data([aubagne], **ENGLISH), signals=[signal]
    )
    mail.outbox.clear()
    services.alert_publish(actor=crisis, alert=draft)
    (message,) = [m for m in mail.outbox if m.to == [reporter.email] and "alert" in m.subject]
    assert "Huveaune river flood" in message.body


def test_the_api_gives_the_english_version(client, crisis, marseille):
    published_alert(crisis, [marseille], **ENGLISH)
    published_alert(crisis, [marseille], headline="Canicule")
    rows = {r["headline"]: r for r in client.get("/api/v1/alerts/").json()["results"]}
    assert rows["Crue de l'Huveaune"]["headline_en"] == "Huveaune river flood"
    assert rows["Crue de l'Huveaune"]["instruction_en"] == ENGLISH["instruction_en"]
    assert rows["Canicule"]["headline_en"] == ""


def test_the_demo_storm_alerts_have_an_english_version(client, territories):
    from renouveau.alerts import demo

    demo.load()
    storm = Alert.objects.get(identifier="demo-alerte-orages-maj")
    body = client.get(reverse("alerts:cap", args=[storm.pk])).content
    validate_cap(body)
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    assert [i.findtext(f"{CAP}language") for i in root.findall(f"{CAP}info")] == [
        "fr-FR",
        "en-GB",
    ]


def test_the_english_list_links_the_english_feed(client):
    english = client.get(reverse("alerts:index"), **EN).content.decode()
    assert f'href="{reverse("alerts:feed")}?lang=en"' in english
    french = client.get(reverse("alerts:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="{reverse("alerts:feed")}"' in french
