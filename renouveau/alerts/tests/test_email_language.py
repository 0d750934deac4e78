"""Alert e-mails go out in each subscriber's language (``User.language``): the platform's
words and the severity label translated, the crisis cell's own text as written."""

from django.core import mail

from renouveau.alerts import services

from .factories import published_alert


def test_each_subscriber_gets_the_alert_in_their_language(personas, marseille):
    crisis = personas["crisis_agent"]
    english, french = personas["resident"], personas["association_member"]
    english.language = "en"
    english.save()
    for user in (english, french):
        services.subscription_add(user=user, commune=marseille)
    mail.outbox.clear()
    published_alert(crisis, [marseille], headline="Crue de l'Huveaune", severity="Severe")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[french.email].subject == "Alerte : Crue de l'Huveaune"
    assert by_recipient[english.email].subject == "Alert: Crue de l'Huveaune"
    assert "Gravité : Grave" in by_recipient[french.email].body
    assert "Severity: Severe" in by_recipient[english.email].body
    assert "Montez à l'étage" in by_recipient[english.email].body  # the cell's words, as written


def test_the_fan_out_does_not_look_up_each_subscribers_language(
    personas, marseille, django_user_model
):
    crisis = personas["crisis_agent"]
    for n in range(6):
        user = django_user_model.objects.create_user(
            email=f"abonne{n}@example.org", password="motdepasse-solide-2026"
        )
        user.language = "en" if n % 2 else "fr"
        user.save()
        services.subscription_add(user=user, commune=marseille)
    mail.outbox.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        published_alert(crisis, [marseille], headline="Canicule", severity="Severe")
    lookups = [q["sql"] for q in queries.captured_queries if "email_lower" in q["sql"]]
    assert lookups == []
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["abonne1@example.org"] == "Alert: Canicule"
    assert subjects["abonne2@example.org"] == "Alerte : Canicule"
