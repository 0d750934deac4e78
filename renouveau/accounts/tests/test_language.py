"""The language a person chose is the language of the e-mails the platform sends them."""

import json

from django.conf import settings
from django.core import mail

from renouveau.accounts.models import User
from renouveau.accounts.services import user_erase
from renouveau.core.emails import email_enqueue
from renouveau.core.models import AuditLog

PASSWORD = "motdepasse-solide-2026"
CONTEXT = {"title": "Jardin partagé", "status": "recevable", "call": "Réinventons", "reason": ""}


def _review(to, **kwargs):
    email_enqueue(to=to, template="calls/emails/review", context=CONTEXT, **kwargs)


def test_language_choices_are_the_sites_languages():
    field = User._meta.get_field("language")
    assert [code for code, _label in field.choices] == [code for code, _ in settings.LANGUAGES]
    assert field.default == settings.LANGUAGE_CODE


def test_each_recipient_gets_the_email_in_the_language_of_their_account(personas):
    english = personas["resident"]
    english.language = "en"
    english.save()
    _review([english.email.upper(), personas["outsider"].email, "sans-compte@example.org"])
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    en = by_recipient[(english.email.upper(),)]
    assert en.subject == 'Your project "Jardin partagé": recevable'
    assert en.body.startswith("Hello,")
    assert "Thank you" in en.body
    fr = by_recipient[(personas["outsider"].email, "sans-compte@example.org")]
    assert fr.subject == "Votre projet « Jardin partagé » : recevable"
    assert fr.body.startswith("Bonjour,")


def test_an_explicit_language_wins_and_an_erased_account_gets_the_default(personas):
    resident = personas["resident"]
    resident.language = "en"
    resident.save()
    _review(resident.email, language="fr")
    assert mail.outbox[-1].subject.startswith("Votre projet")
    address = resident.email
    user_erase(user=User.objects.get(pk=resident.pk))
    assert User.objects.get(pk=resident.pk).language == settings.LANGUAGE_CODE
    _review(address)
    assert mail.outbox[-1].subject.startswith("Votre projet")


def test_the_header_switch_remembers_the_language_of_a_signed_in_person(client, personas):
    resident = personas["resident"]
    client.force_login(resident)
    response = client.get("/langue/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=resident.pk).language == "en"
    assert (
        AuditLog.objects.filter(
            action="accounts.profile_updated", object_id=str(resident.pk), data__fields=["language"]
        ).count()
        == 1
    )
    client.get("/langue/", {"language": "en", "next": "/"})  # unchanged: no second audit line
    assert (
        AuditLog.objects.filter(
            action="accounts.profile_updated", object_id=str(resident.pk)
        ).count()
        == 1
    )
    assert client.get("/langue/", {"language": "de"}).status_code == 400
    assert User.objects.get(pk=resident.pk).language == "en"


def test_the_header_switch_works_for_anonymous_visitors(client, territories):
    response = client.get("/langue/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_profile_sets_the_email_language_and_the_interface_follows(client, personas):
    resident = personas["resident"]
    client.force_login(resident)
    page = client.get("/compte/").content.decode()
    assert 'name="language"' in page and "langue des e-mails" in page.lower()
    response = client.post(
        "/compte/",
        {"display_name": "Awa", "commune": resident.commune_id, "language": "en"},
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=resident.pk).language == "en"
    bad = client.post(
        "/compte/",
        {"display_name": "Awa", "commune": resident.commune_id, "language": "xx"},
    )
    assert bad.status_code == 400
    assert User.objects.get(pk=resident.pk).language == "en"


def test_the_data_export_holds_the_language(client, personas):
    resident = personas["resident"]
    resident.language = "en"
    resident.save()
    client.force_login(resident)
    response = client.get("/compte/mes-donnees/")
    assert json.loads(response.content)["account"]["language"] == "en"


def test_signing_in_on_a_new_device_opens_the_interface_in_the_accounts_language(client, personas):
    resident = personas["resident"]
    resident.language = "en"
    resident.save()
    response = client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # A device that already chose keeps its choice.
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_choice_labels_follow_the_recipients_language():
    from django.utils import translation

    from renouveau.accounts.models import Membership
    from renouveau.core.emails import choice_label

    membership = Membership(role=Membership.Role.ADMIN)
    with translation.override("fr"):  # the agent whose action sends the e-mail works in French
        label = choice_label(membership, "role")
        frozen = membership.get_role_display()
    assert frozen == "Responsable"
    with translation.override("en"):  # the e-mail is rendered in the recipient's language
        assert str(label) != "Responsable" and str(label) == str(Membership.Role.ADMIN.label)
