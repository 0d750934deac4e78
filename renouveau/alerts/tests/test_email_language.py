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
