from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.mutualaid import selectors, services
from renouveau.mutualaid.models import (
    Block,
    HelpOffer,
    HelpRequest,
    Initiative,
    Match,
    Message,
    PostStatus,
    Report,
    slots_mask,
)

from .factories import later, make_initiative, make_offer, make_request

pytestmark = pytest.mark.django_db

SECRETS = ("06 11 22 33 44", "12 rue Secrète", "04 91 00 00 01", "3 impasse Cachée")


@pytest.fixture
def adults(personas):
    for name in ("resident", "association_member", "outsider", "commune_agent"):
        personas[name].birth_year = 1980
        personas[name].save(update_fields=["birth_year"])
    return personas


def post_form(**overrides):
    data = {
        "category": "shopping",
        "title": "Courses du samedi",
        "description": "Je peux porter vos courses.",
        "commune": "",
        "neighbourhood": "Belsunce",
        "frequency": "recurring",
        "date": "",
        "expires_on": later().isoformat(),
        "days": ["5"],
        "periods": ["0"],
        "address": "",
        "phone": "",
        "capacity": "2",
        "urgency": "normal",
        "helpers_needed": "1",
    }
    data.update(overrides)
    return data


# Creating offers and requests -------------------------------------------------------------


def test_offer_creation_records_slots_and_audit(client, adults, marseille):
    client.force_login(adults["resident"])
    response = client.post(reverse("mutualaid:offer_create"), post_form(commune=marseille.pk))
    offer = HelpOffer.objects.get()
    assert response.status_code == 302 and response.url == offer.get_absolute_url()
    assert offer.slots == slots_mask([5], [0]) and offer.days == [5] and offer.periods == [0]
    assert offer.capacity == 2 and offer.neighbourhood == "Belsunce"
    assert AuditLog.objects.filter(
        action="mutualaid.offer_created", object_id=str(offer.pk)
    ).exists()


def test_request_on_behalf_of_someone(client, adults, marseille):
    client.force_login(adults["association_member"])
    response = client.post(
        reverse("mutualaid:request_create"),
        post_form(
            commune=marseille.pk, on_behalf="on", beneficiary_name="Mme Martin", urgency="high"
        ),
    )
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.on_behalf and request.beneficiary_name == "Mme Martin"
    page = client.get(request.get_absolute_url()).content.decode()
    assert "une autre personne" in page
    # The beneficiary's name is private, even on the public page of the author.
    client.logout()
    assert "Mme Martin" not in client.get(request.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"expires_on": "2001-01-01"}, "La date est déjà passée"),
        ({"date": "2001-01-01", "frequency": "one_off"}, "La date est déjà passée"),
        ({"commune": "999999"}, "ne fait pas partie de la Métropole"),
        ({"commune": "not-a-number"}, "ne fait pas partie de la Métropole"),
        ({"title": ""}, "Ce champ est obligatoire"),
        ({"capacity": "500"}, "inférieure ou égale à 50"),
        ({"expires_on": "demain"}, "Saisissez une date valide"),
    ],
)
def test_bad_input_gives_a_clear_400(client, adults, marseille, overrides, message):
    client.force_login(adults["resident"])
    data = post_form(commune=marseille.pk)
    data.update(overrides)
    response = client.post(reverse("mutualaid:offer_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HelpOffer.objects.exists()


def test_text_is_escaped(client, adults, marseille):
    client.force_login(adults["resident"])
    client.post(
        reverse("mutualaid:request_create"),
        post_form(
            commune=marseille.pk,
            title="<script>alert(1)</script>",
            description='<img src=x onerror="alert(2)">',
        ),
    )
    request = HelpRequest.objects.get()
    for url in (request.get_absolute_url(), reverse("mutualaid:request_list")):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html


def test_birth_year_is_asked_when_missing_and_age_16_enforced(client, personas, marseille):
    resident = personas["resident"]
    assert resident.birth_year is None
    client.force_login(resident)
    form_page = client.get(reverse("mutualaid:offer_create")).content.decode()
    assert 'name="birth_year"' in form_page
    too_young = timezone.localdate().year - 14
    response = client.post(
        reverse("mutualaid:offer_create"), post_form(commune=marseille.pk, birth_year=too_young)
    )
    assert response.status_code == 400
    assert "à partir de 16 ans" in response.content.decode()
    assert not HelpOffer.objects.exists()
    response = client.post(
        reverse("mutualaid:offer_create"), post_form(commune=marseille.pk, birth_year=1990)
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.birth_year == 1990
    assert 'name="birth_year"' not in client.get(reverse("mutualaid:offer_create")).content.decode()


def test_service_refuses_a_minor_even_without_the_form(personas, marseille):
    from django.core.exceptions import ValidationError

    user = personas["resident"]
    user.birth_year = timezone.localdate().year - 15
    with pytest.raises(ValidationError):
        services.offer_create(
            author=user,
            data={
                "category": "meals",
                "title": "x",
                "description": "y",
                "commune": marseille,
                "expires_on": later(),
            },
        )


def test_anonymous_is_sent_to_login(client, territories):
    response = client.get(reverse("mutualaid:request_create"))
    assert response.status_code == 302 and "/compte/login/" in response.url


# Lists ------------------------------------------------------------------------------------


def _bulk(model, author, count, **fields):
    from renouveau.territories.models import Commune

    communes = list(Commune.objects.all()[:10])
    model.objects.bulk_create(
        model(
            author=author,
            category=["shopping", "meals", "school"][i % 3],
            title=f"Annonce {i}",
            description="…",
            commune=communes[i % len(communes)],
            expires_on=later(),
            **fields,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("url_name", ["mutualaid:offer_list", "mutualaid:request_list"])
def test_lists_paginate_with_a_constant_number_of_queries(
    client, adults, url_name, django_assert_max_num_queries
):
    model = HelpOffer if "offer" in url_name else HelpRequest
    _bulk(model, adults["resident"], 30)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _bulk(model, adults["resident"], 600)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url_name), {"page": "3"})
    assert response.status_code == 200
    assert "Page 3 sur 32" in response.content.decode()


def test_list_filters_and_htmx_partial(client, adults, marseille):
    make_offer(adults["resident"], category="meals", title="Repas chauds")
    make_offer(adults["resident"], insee="13001", category="meals", title="Repas à Aix")
    make_offer(adults["resident"], category="school", title="Maths collège")
    response = client.get(
        reverse("mutualaid:offer_list"), {"category": "meals", "commune": marseille.pk}
    )
    html = response.content.decode()
    assert "Repas chauds" in html and "Repas à Aix" not in html and "Maths collège" not in html
    partial = client.get(
        reverse("mutualaid:offer_list"), {"category": "school"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Maths collège" in partial and "<html" not in partial
    assert client.get(reverse("mutualaid:offer_list"), {"commune": "abc"}).status_code == 400
    assert client.get(reverse("mutualaid:offer_list"), {"page": "x"}).status_code == 400
    assert client.get(reverse("mutualaid:offer_list"), {"page": "99"}).status_code == 404


def test_requests_sorted_by_urgency(adults):
    make_request(adults["resident"], urgency="low", title="Pas pressé")
    make_request(adults["resident"], urgency="high", title="Très urgent")
    titles = [r.title for r in selectors.request_list(filters={"sort": "urgency"})]
    assert titles[0] == "Très urgent"


def test_expired_hidden_and_closed_posts_are_not_listed(client, adults):
    make_offer(adults["resident"], title="Visible")
    make_offer(adults["resident"], title="Masquée", is_hidden=True)
    make_offer(adults["resident"], title="Retirée", status=PostStatus.CLOSED)
    make_offer(
        adults["resident"],
        title="Périmée",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = client.get(reverse("mutualaid:offer_list")).content.decode()
    assert "Visible" in html
    assert "Masquée" not in html and "Retirée" not in html and "Périmée" not in html


# Matching ---------------------------------------------------------------------------------


def test_offers_for_a_request_are_ranked_by_distance_and_compatible(adults):
    helper, other = adults["association_member"], adults["outsider"]
    request = make_request(adults["resident"], slots=slots_mask([5], [0, 1]))
    aix = make_offer(helper, insee="13001", title="Aix")
    allauch = make_offer(other, insee="13002", title="Allauch")
    marseille = make_offer(helper, insee="13055", title="Marseille", slots=slots_mask([5], [0]))
    make_offer(helper, insee="13055", title="Autre catégorie", category="meals")
    make_offer(helper, insee="13055", title="Pas le samedi", slots=slots_mask([0], [0]))
    make_offer(helper, insee="13003", title="Trop loin (Alleins)")
    make_offer(adults["resident"], title="La sienne")
    make_offer(helper, title="Masquée", is_hidden=True)
    ranked = selectors.offers_for_request(request, user=adults["resident"])
    assert [c.post.title for c in ranked] == ["Marseille", "Allauch", "Aix"]
    assert ranked[0].distance_km == 0 and 5 < ranked[1].distance_km < 20
    # And the reverse: the requests an offer could serve.
    assert [c.post for c in selectors.requests_for_offer(marseille, user=helper)] == [request]
    assert aix and allauch


def test_blocked_people_do_not_see_each_other_in_matching(adults):
    request = make_request(adults["resident"])
    offer = make_offer(adults["association_member"])
    services.block_create(blocker=adults["resident"], blocked=adults["association_member"])
    assert selectors.offers_for_request(request, user=adults["resident"]) == []
    assert selectors.requests_for_offer(offer, user=adults["association_member"]) == []
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.match_propose(actor=adults["association_member"], offer=offer, request=request)


def _secrets_absent(text: str) -> None:
    for secret in (*SECRETS, "habitante@example.org", "asso@example.org"):
        assert secret not in text, secret


def test_full_flow_contact_details_hidden_until_both_accept(
    client, adults, django_capture_on_commit_callbacks
):
    resident, helper = adults["resident"], adults["association_member"]
    request = make_request(resident)
    offer = make_offer(helper)
    # The helper proposes their offer from the request page.
    client.force_login(helper)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request.get_absolute_url(), {"post": offer.pk, "note": "Bonjour !"})
    match = Match.objects.get()
    assert response.status_code == 302 and response.url == match.get_absolute_url()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["habitante@example.org"]
    # Until the requester accepts, no page shows anyone's contact details.
    for user in (helper, resident, None):
        if user:
            client.force_login(user)
        else:
            client.logout()
        urls = [
            request.get_absolute_url(),
            offer.get_absolute_url(),
            reverse("mutualaid:request_list"),
            reverse("mutualaid:offer_list"),
            "/api/v1/mutualaid/offers/",
            "/api/v1/mutualaid/requests/",
        ]
        if user:
            urls.append(match.get_absolute_url())
        for url in urls:
            response = client.get(url)
            text = response.content.decode()
            if user is not None and url in (request.get_absolute_url(), offer.get_absolute_url()):
                # The author sees their own private fields on their own post, not the other's.
                own = request if user == resident else offer
                if own.get_absolute_url() == url:
                    continue
            _secrets_absent(text)
    # Only the answerer may answer.
    client.force_login(helper)
    client.post(reverse("mutualaid:match_answer", args=[match.pk]), {"decision": "accept"})
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    client.force_login(resident)
    client.post(reverse("mutualaid:match_answer", args=[match.pk]), {"decision": "accept"})
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED
    request.refresh_from_db()
    assert request.status == PostStatus.MATCHED
    html = client.get(match.get_absolute_url()).content.decode()
    assert "asso@example.org" in html and "06 11 22 33 44" in html and "12 rue Secrète" in html
    client.force_login(helper)
    html = client.get(match.get_absolute_url()).content.decode()
    assert "habitante@example.org" in html and "3 impasse Cachée" in html
    # Messages, with an e-mail notification to the other person.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(match.get_absolute_url(), {"body": "Samedi 10 h, ça vous va ?"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["habitante@example.org"]]
    assert "Samedi 10 h" not in mail.outbox[0].body  # the content stays on the platform
    client.force_login(resident)
    assert "Samedi 10 h, ça vous va ?" in client.get(match.get_absolute_url()).content.decode()
    # Done, then a testimony each at most.
    client.post(reverse("mutualaid:match_done", args=[match.pk]))
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == Match.Status.DONE and request.status == PostStatus.DONE
    client.post(reverse("mutualaid:testimony_add", args=[match.pk]), {"text": "Merci Bruno !"})
    response = client.post(reverse("mutualaid:testimony_add", args=[match.pk]), {"text": "Encore"})
    assert response.status_code == 400
    assert match.testimonies.count() == 1
    assert "Merci Bruno !" in client.get(reverse("mutualaid:index")).content.decode()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "mutualaid.match_proposed",
        "mutualaid.match_accepted",
        "mutualaid.message_sent",
        "mutualaid.match_done",
        "mutualaid.testimony_added",
    } <= actions


def test_requester_asks_an_offer_and_offerer_declines(client, adults):
    resident, helper = adults["resident"], adults["association_member"]
    request = make_request(resident)
    offer = make_offer(helper)
    client.force_login(resident)
    response = client.post(
        reverse("mutualaid:propose_to", args=["request", request.pk]), {"target": offer.pk}
    )
    match = Match.objects.get()
    assert response.status_code == 302
    assert match.answerer_id() == helper.pk
    # Messages are closed before acceptance.
    response = client.post(match.get_absolute_url(), {"body": "Allô ?"})
    assert response.status_code == 400 and not Message.objects.exists()
    client.force_login(helper)
    client.post(reverse("mutualaid:match_answer", args=[match.pk]), {"decision": "decline"})
    match.refresh_from_db()
    assert match.status == Match.Status.DECLINED
    # Declined: the contact details stay hidden from both.
    client.force_login(resident)
    _secrets_absent(client.get(match.get_absolute_url()).content.decode())
    # A second proposal between the same pair is refused with a message, not a 500.
    response = client.post(
        reverse("mutualaid:propose_to", args=["request", request.pk]), {"target": offer.pk}
    )
    assert response.status_code == 302
    assert Match.objects.count() == 1


def test_strangers_cannot_see_a_match(client, adults):
    match = services.match_propose(
        actor=adults["association_member"],
        offer=make_offer(adults["association_member"]),
        request=make_request(adults["resident"]),
    )
    client.force_login(adults["outsider"])
    assert client.get(match.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("mutualaid:match_answer", args=[match.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )


def test_propose_with_bad_target_is_400(client, adults):
    request = make_request(adults["resident"])
    client.force_login(adults["resident"])
    response = client.post(
        reverse("mutualaid:propose_to", args=["request", request.pk]), {"target": "x"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["²", "١٢", "9" * 30, "-1", " 1"])
def test_propose_with_a_non_ascii_or_huge_target_is_400_not_500(client, adults, target):
    """ "²".isdigit() is true but int("²") fails: it was a 500."""
    request = make_request(adults["resident"])
    client.force_login(adults["resident"])
    response = client.post(
        reverse("mutualaid:propose_to", args=["request", request.pk]), {"target": target}
    )
    assert response.status_code == 400
    assert not Match.objects.exists()


@pytest.mark.parametrize("change", ["hidden", "expired", "blocked"])
def test_accepting_does_not_share_contacts_once_a_post_is_hidden_or_expired_or_blocked(
    client, adults, change
):
    """Between the proposal and the answer, the proposer's offer may be hidden by the
    moderation (a scam reported), expire, or its author be blocked: accepting then would
    give the answerer's address and phone to that person."""
    resident, helper = adults["resident"], adults["association_member"]
    request = make_request(resident)
    offer = make_offer(helper)
    match = services.match_propose(actor=helper, offer=offer, request=request)
    if change == "hidden":
        HelpOffer.objects.filter(pk=offer.pk).update(is_hidden=True, hidden_reason="Arnaque")
    elif change == "expired":
        HelpOffer.objects.filter(pk=offer.pk).update(
            expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    else:
        Block.objects.create(blocker=helper, blocked=resident)  # a block without cancelling
    client.force_login(resident)
    response = client.post(
        reverse("mutualaid:match_answer", args=[match.pk]), {"decision": "accept"}, follow=True
    )
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    client.force_login(helper)
    _secrets_absent(client.get(match.get_absolute_url()).content.decode())


def test_a_request_for_two_helpers_stays_open_when_the_first_is_done(adults):
    resident = adults["resident"]
    request = make_request(resident, helpers_needed=2)
    first = services.match_propose(
        actor=adults["association_member"],
        offer=make_offer(adults["association_member"]),
        request=request,
    )
    services.match_answer(actor=resident, match=first, accept=True)
    services.match_done(actor=resident, match=first)
    request.refresh_from_db()
    assert request.status == PostStatus.OPEN  # still looking for a second helper
    second = services.match_propose(
        actor=adults["outsider"], offer=make_offer(adults["outsider"]), request=request
    )
    services.match_answer(actor=resident, match=second, accept=True)
    request.refresh_from_db()
    assert request.status == PostStatus.MATCHED
    services.match_done(actor=resident, match=second)
    request.refresh_from_db()
    assert request.status == PostStatus.DONE


def test_a_double_tap_publishes_one_post_and_sends_one_message(
    client, adults, marseille, django_capture_on_commit_callbacks
):
    """A slow phone, a double tap: the same form arrives twice. One offer is published, and
    a message sent twice is one message and one e-mail to the other person."""
    client.force_login(adults["resident"])
    data = post_form(commune=marseille.pk)
    first = client.post(reverse("mutualaid:offer_create"), data)
    second = client.post(reverse("mutualaid:offer_create"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert HelpOffer.objects.count() == 1
    assert AuditLog.objects.filter(action="mutualaid.offer_created").count() == 1
    # A different offer is still published.
    client.post(reverse("mutualaid:offer_create"), {**data, "title": "Courses du dimanche"})
    assert HelpOffer.objects.count() == 2

    helper = adults["association_member"]
    match = services.match_propose(
        actor=helper, offer=make_offer(helper), request=make_request(adults["resident"])
    )
    services.match_answer(actor=adults["resident"], match=match, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(match.get_absolute_url(), {"body": "J'arrive à 10 h."})
    assert Message.objects.filter(match=match).count() == 1
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(match.get_absolute_url(), {"body": "Finalement 11 h."})
    assert Message.objects.filter(match=match).count() == 2


# Expiry -----------------------------------------------------------------------------------


def test_expiry_command_and_task(adults):
    old = make_request(adults["resident"])
    HelpRequest.objects.filter(pk=old.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    past_date = make_request(adults["resident"])
    HelpRequest.objects.filter(pk=past_date.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=2)
    )
    fresh = make_request(adults["resident"])
    out = io.StringIO()
    call_command("expire_help_requests", stdout=out)
    assert "2 offer(s) or request(s) expired" in out.getvalue()
    statuses = dict(HelpRequest.objects.values_list("pk", "status"))
    assert statuses[old.pk] == statuses[past_date.pk] == PostStatus.EXPIRED
    assert statuses[fresh.pk] == PostStatus.OPEN
    from renouveau.mutualaid.tasks import expire_help_requests

    HelpRequest.objects.filter(pk=fresh.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    result = expire_help_requests.enqueue()
    assert result.return_value == 1


# Safety -----------------------------------------------------------------------------------


def test_report_moderate_hide_and_restore(client, adults):
    offer = make_offer(adults["association_member"], title="Vends des trucs, payez d'avance")
    client.force_login(adults["resident"])
    response = client.post(
        reverse("mutualaid:report", args=["offer", offer.pk]),
        {"reason": "scam", "details": "Arnaque"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.target == offer
    # Residents cannot open the queue; moderators can.
    assert client.get(reverse("mutualaid:moderation")).status_code == 403
    client.force_login(adults["moderator"])
    html = client.get(reverse("mutualaid:moderation")).content.decode()
    assert "payez d&#x27;avance" in html or "payez d'avance" in html
    # A decision needs a reason.
    client.post(
        reverse("mutualaid:report_decide", args=[report.pk]), {"decision": "hide", "reason": ""}
    )
    offer.refresh_from_db()
    assert not offer.is_hidden
    client.post(
        reverse("mutualaid:report_decide", args=[report.pk]),
        {"decision": "hide", "reason": "Demande d'argent"},
    )
    offer.refresh_from_db()
    report.refresh_from_db()
    assert offer.is_hidden and offer.hidden_reason == "Demande d'argent"
    assert report.status == Report.Status.HIDDEN and report.handled_by == adults["moderator"]
    client.logout()
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert "payez" not in client.get(reverse("mutualaid:offer_list")).content.decode()
    client.force_login(adults["moderator"])
    client.post(
        reverse("mutualaid:content_restore", args=["offer", offer.pk]), {"reason": "Erreur"}
    )
    offer.refresh_from_db()
    assert not offer.is_hidden
    log = AuditLog.objects.filter(object_id=str(offer.pk)).values_list("action", flat=True)
    assert {"mutualaid.content_hidden", "mutualaid.content_restored"} <= set(log)


def test_report_of_a_message_only_by_participants(client, adults):
    match = services.match_propose(
        actor=adults["association_member"],
        offer=make_offer(adults["association_member"]),
        request=make_request(adults["resident"]),
    )
    services.match_answer(actor=adults["resident"], match=match, accept=True)
    message = services.message_send(
        sender=adults["association_member"], match=match, body="Insulte"
    )
    client.force_login(adults["outsider"])
    assert client.get(reverse("mutualaid:report", args=["message", message.pk])).status_code == 404
    client.force_login(adults["resident"])
    url = reverse("mutualaid:report", args=["message", message.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "abuse"}).status_code == 302
    assert client.post(url, {"reason": "nonsense"}).status_code == 400
    user_url = reverse("mutualaid:report", args=["user", adults["association_member"].pk])
    assert client.post(user_url, {"reason": "danger"}).status_code == 302
    assert Report.objects.count() == 2


def test_blocking_stops_messages_and_proposals(client, adults):
    resident, helper = adults["resident"], adults["association_member"]
    match = services.match_propose(
        actor=helper, offer=make_offer(helper), request=make_request(resident)
    )
    services.match_answer(actor=resident, match=match, accept=True)
    client.force_login(resident)
    client.post(reverse("mutualaid:block_other", args=[match.pk]))
    assert Block.objects.filter(blocker=resident, blocked=helper).exists()
    client.force_login(helper)
    response = client.post(match.get_absolute_url(), {"body": "Pourquoi ?"})
    assert response.status_code == 400 and not Message.objects.exists()
    # The blocked person no longer sees the blocker's requests, in the list nor on their page.
    other_request = make_request(resident, title="Demande de la personne qui bloque")
    assert client.get(other_request.get_absolute_url()).status_code == 404
    assert other_request.title not in client.get(reverse("mutualaid:request_list")).content.decode()
    client.force_login(resident)
    block = Block.objects.get()
    client.post(reverse("mutualaid:block_delete", args=[block.pk]))
    assert not Block.objects.exists()


# Initiatives ------------------------------------------------------------------------------


def test_initiatives_of_verified_organisations_only(client, adults):
    from renouveau.accounts.models import Organisation

    verified = adults["association_member"].organisations.get()
    unverified = Organisation.objects.create(name="Collectif inconnu", kind="collective")
    make_initiative(verified, title="Paniers solidaires")
    make_initiative(unverified, title="Pas encore vérifiée")
    html = client.get(reverse("mutualaid:initiative_list")).content.decode()
    assert "Paniers solidaires" in html and "Pas encore vérifiée" not in html
    data = client.get("/api/v1/initiatives/").json()
    assert [i["title"] for i in data["results"]] == ["Paniers solidaires"]
    assert data["results"][0]["latitude"] is not None


def test_initiative_creation_by_members(client, adults, marseille):
    url = reverse("mutualaid:initiative_create")
    client.force_login(adults["resident"])
    assert client.get(url).status_code == 403
    client.force_login(adults["association_member"])
    organisation = adults["association_member"].organisations.get()
    data = {
        "organisation": organisation.pk,
        "kind": "repair",
        "title": "Café réparation",
        "description": "Réparons ensemble.",
        "commune": marseille.pk,
        "place": "Maison pour tous",
        "starts_on": later(3).isoformat(),
        "ends_on": later(1).isoformat(),
        "schedule": "samedi 14 h",
        "how_to_join": "Venez avec vos objets.",
    }
    response = client.post(url, data)
    assert (
        response.status_code == 400 and "La fin doit suivre le début" in response.content.decode()
    )
    data["ends_on"] = later(30).isoformat()
    data.update(latitude="48.85", longitude="2.35")
    response = client.post(url, data)
    assert response.status_code == 400 and "en dehors de la Métropole" in response.content.decode()
    data.update(latitude="43.2965", longitude="5.3698")
    assert client.post(url, data).status_code == 302
    assert Initiative.objects.get().point == (43.2965, 5.3698)
    assert "Café réparation" in client.get(reverse("mutualaid:initiative_list")).content.decode()


def test_initiative_map_only_with_tiles(client, adults, settings):
    make_initiative(adults["association_member"].organisations.get())
    settings.TILE_URL = ""
    html = client.get(reverse("mutualaid:initiative_list")).content.decode()
    assert 'id="map"' not in html and "leaflet.js" not in html and "data-lat=" in html
    settings.TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    html = client.get(reverse("mutualaid:initiative_list")).content.decode()
    assert 'id="map"' in html and "vendor/leaflet/leaflet.js" in html


# API --------------------------------------------------------------------------------------


def test_api_lists_public_fields_only(client, adults):
    offer = make_offer(adults["association_member"])
    make_request(adults["resident"], on_behalf=True, beneficiary_name="Mme Secret")
    offers = client.get("/api/v1/mutualaid/offers/").json()
    requests = client.get("/api/v1/mutualaid/requests/").json()
    assert offers["count"] == 1 and requests["count"] == 1
    assert offers["results"][0]["commune"]["insee"] == "13055"
    for payload in (offers, requests):
        text = json.dumps(payload, ensure_ascii=False)
        _secrets_absent(text)
        assert "Mme Secret" not in text and "author" not in text and "email" not in text
    assert client.get("/api/v1/mutualaid/offers/", {"category": "nope"}).status_code == 400
    assert client.get("/api/v1/mutualaid/offers/", {"commune": "99999"}).status_code == 400
    assert client.get(f"/api/v1/mutualaid/offers/{offer.pk}/").status_code == 200
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    for path in (
        b"/api/v1/mutualaid/offers/",
        b"/api/v1/mutualaid/requests/",
        b"/api/v1/initiatives/",
    ):
        assert path in schema


# RGPD -------------------------------------------------------------------------------------


def test_personal_data_export_and_erasure(client, adults):
    from renouveau.accounts.services import user_erase, user_export_data

    resident, helper = adults["resident"], adults["association_member"]
    request = make_request(resident, beneficiary_name="Mme Martin", on_behalf=True)
    match = services.match_propose(actor=helper, offer=make_offer(helper), request=request)
    services.match_answer(actor=resident, match=match, accept=True)
    services.message_send(sender=resident, match=match, body="Mon code est 1234")
    services.block_create(blocker=resident, blocked=adults["outsider"])
    asked = services.match_propose(
        actor=resident,
        offer=make_offer(helper),
        request=request,
        note="Je suis Mme Durand, au 3e étage, digicode 4521",
    )
    export = user_export_data(user=resident)
    assert export["mutual_aid"]["requests"][0]["address"] == "3 impasse Cachée"
    assert export["mutual_aid"]["messages_sent"][0]["body"] == "Mon code est 1234"
    assert export["mutual_aid"]["proposals_sent"] == [
        {
            "match": asked.pk,
            "date": asked.created_at.isoformat(),
            "note": "Je suis Mme Durand, au 3e étage, digicode 4521",
        }
    ]
    user_erase(user=resident)
    request.refresh_from_db()
    match.refresh_from_db()
    asked.refresh_from_db()
    assert asked.note == ""  # the helper no longer reads it on the proposal
    assert request.address == request.phone == request.beneficiary_name == ""
    assert request.status == PostStatus.CLOSED and match.status == Match.Status.CANCELLED
    assert not Message.objects.exists() and not Block.objects.exists()


# Permissions matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "moderate", "add_initiative"),
    [
        ("resident", False, False),
        ("association_member", False, True),
        ("commune_agent", False, False),
        ("metropolis_agent", False, False),
        ("moderator", True, False),
        ("elected", False, False),
        ("administrator", True, False),
        ("outsider", False, False),
    ],
)
def test_permission_matrix(personas, persona, moderate, add_initiative):
    user = personas[persona]
    assert user.has_perm("mutualaid.moderate") is moderate
    assert user.has_perm("mutualaid.add_initiative") is add_initiative
    offer = make_offer(personas["resident"])
    request = make_request(personas["association_member"])
    match = Match.objects.create(offer=offer, request=request, proposed_by=personas["resident"])
    assert user.has_perm("mutualaid.close_post", offer) is (persona == "resident")
    assert user.has_perm("mutualaid.view_match", match) is (
        persona in ("resident", "association_member")
    )
    assert user.has_perm("mutualaid.answer_match", match) is (persona == "association_member")


def test_anonymous_permissions(db):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not anonymous.has_perm("mutualaid.moderate")
    assert not anonymous.has_perm("mutualaid.report")
    assert not anonymous.has_perm("mutualaid.add_post")


def test_demo_data_is_labelled_and_idempotent(client, territories):
    from renouveau.mutualaid import demo

    first = demo.load()
    assert demo.load() == first
    assert HelpOffer.objects.count() == 3 and HelpRequest.objects.count() == 3
    assert all(o.is_demo and "exemple" in o.title for o in HelpOffer.objects.all())
    html = client.get(reverse("mutualaid:index")).content.decode()
    assert "Démonstration" in html and "(exemple)" in html
    assert client.get("/api/v1/initiatives/").json()["count"] == 2


def test_back_office_pages_load_without_private_fields(client, adults):
    from renouveau.accounts.models import User

    offer = make_offer(adults["resident"])
    make_request(adults["resident"])
    make_initiative(adults["association_member"].organisations.get())
    admin = User.objects.create_superuser(email="super@example.org", password="x-long-password-1")
    client.force_login(admin)
    for model in ("helpoffer", "helprequest", "initiative", "report"):
        assert client.get(f"/back-office/mutualaid/{model}/").status_code == 200
    html = client.get(f"/back-office/mutualaid/helpoffer/{offer.pk}/change/").content.decode()
    assert "12 rue Secrète" not in html and "06 11 22 33 44" not in html
    for path in ("/back-office/ideas/idea/", "/back-office/ideas/routingrule/"):
        assert client.get(path).status_code == 200


def test_fast_select_renders_like_djangos_select(territories):
    import re

    from django import forms

    from renouveau.core.widgets import FastSelect
    from renouveau.territories.models import Commune

    class Both(forms.Form):
        slow = forms.ModelChoiceField(Commune.objects.order_by("name"), help_text="h")
        fast = forms.ModelChoiceField(
            Commune.objects.order_by("name"), help_text="h", widget=FastSelect
        )

    pk = Commune.objects.get(insee="13055").pk
    form = Both({"slow": pk, "fast": pk})

    def options(html):
        return re.findall(r"<option[^>]*>[^<]*</option>", html)

    assert options(str(form["slow"])) == options(str(form["fast"]))
    assert len(options(str(form["fast"]))) == 93
    assert "selected>Marseille</option>" in str(form["fast"])
    for attribute in (
        'name="fast"',
        'id="id_fast"',
        "required",
        'aria-describedby="id_fast_helptext"',
    ):
        assert attribute in str(form["fast"])


def test_selects_open_on_a_french_choice_not_dashes(client, adults, marseille):
    client.force_login(adults["resident"])
    for url in (
        reverse("mutualaid:offer_create"),
        reverse("mutualaid:request_create"),
        "/idees/nouvelle/",
    ):
        body = client.get(url).content.decode()
        assert "---------" not in body, url
        assert "— Choisir —" in body, url
