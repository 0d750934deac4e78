from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from renouveau.core.models import AuditLog
from renouveau.ideas import services
from renouveau.ideas.models import Comment, Flag, Idea, RoutingRule, Status, Support

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_idea(author, commune, **fields) -> Idea:
    values = {
        "kind": "problem",
        "title": "Nid-de-poule rue de la République",
        "description": "Dangereux pour les vélos.",
        "category": "roads",
        "commune": commune,
    }
    values.update(fields)
    return services.idea_create(author=author, data=values)


def jpeg_with_gps(size=(800, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 17.0, 52.0)}  # GPS info
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def form_data(commune, **overrides):
    data = {
        "kind": "problem",
        "title": "Lampadaire en panne",
        "description": "Depuis une semaine, la rue est noire.",
        "category": "roads",
        "workstream": "",
        "commune": commune.pk,
        "place": "Angle rue Paradis",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


# Creating and routing ------------------------------------------------------------------------


def test_routing_picks_the_most_specific_rule(territories, marseille, personas):
    RoutingRule.objects.create(service="Métropole — accueil")
    RoutingRule.objects.create(category="roads", service="Métropole — voirie")
    RoutingRule.objects.create(
        territory=marseille.territory, service="Territoire Marseille-Provence"
    )
    rule = RoutingRule.objects.create(
        category="roads", commune=marseille, service="Ville de Marseille — voirie"
    )
    rule.agents.add(personas["commune_agent"])
    assert (
        services.routing_for(category="roads", commune=marseille).service
        == "Ville de Marseille — voirie"
    )
    assert (
        services.routing_for(category="green", commune=marseille).service
        == "Territoire Marseille-Provence"
    )
    from renouveau.territories.models import Commune

    aix = Commune.objects.get(insee="13001")
    assert services.routing_for(category="roads", commune=aix).service == "Métropole — voirie"
    assert services.routing_for(category="green", commune=aix).service == "Métropole — accueil"


def test_create_with_photo_strips_metadata_and_routes(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    rule = RoutingRule.objects.create(
        category="roads", commune=marseille, service="Voirie Marseille", email="voirie@example.org"
    )
    client.force_login(personas["resident"])
    photo = SimpleUploadedFile("rue.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:create"), {**form_data(marseille), "photo": photo})
    idea = Idea.objects.get()
    assert response.status_code == 302 and response.url == idea.get_absolute_url()
    assert idea.routing_rule == rule and idea.routed_service == "Voirie Marseille"
    assert AuditLog.objects.filter(action="ideas.idea_created").exists()
    assert mail.outbox[0].to == ["voirie@example.org"]
    with Image.open(idea.photo.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # no Make, no GPS
        assert stored.size == (800, 600)
    served = client.get(reverse("ideas:photo", args=[idea.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    served.close()


def test_big_photos_are_downscaled(personas, marseille):
    photo = SimpleUploadedFile("big.png", _png((3000, 2000)), content_type="image/png")
    idea = services.idea_create(author=personas["resident"], data=_data(marseille), photo=photo)
    with Image.open(idea.photo.path) as stored:
        assert max(stored.size) == 1600


def _png(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def _data(commune) -> dict:
    return {
        "kind": "solution",
        "title": "Jardin partagé",
        "description": "…",
        "category": "green",
        "commune": commune,
    }


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<?php echo 'hello'; ?>", "photo.jpg", "pas une photo lisible"),
        (b"GIF89a" + b"\x00" * 100, "photo.gif", "pas une photo lisible"),
        (jpeg_with_gps()[:200], "cut.jpg", "pas une photo lisible"),
        (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10), "huge.jpg", "trop lourde"),
    ],
)
def test_fake_or_oversized_images_are_refused_clearly(
    client, personas, marseille, content, name, message
):
    client.force_login(personas["resident"])
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = client.post(reverse("ideas:create"), {**form_data(marseille), "photo": photo})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Idea.objects.exists()


def test_decompression_bomb_is_refused(personas, marseille):
    from django.core.exceptions import ValidationError

    photo = SimpleUploadedFile("bomb.png", _png((9000, 9000)), content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        services.idea_create(author=personas["resident"], data=_data(marseille), photo=photo)
    assert "trop grande" in str(excinfo.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"commune": "99999"}, "ne fait pas partie de la Métropole"),
        ({"latitude": "48.85", "longitude": "2.35"}, "en dehors de la Métropole"),
        ({"latitude": "43.3"}, "la latitude et la longitude"),
        ({"kind": "rumour"}, "Sélectionnez un choix valide"),
        ({"title": ""}, "Ce champ est obligatoire"),
    ],
)
def test_bad_input_is_a_clear_400(client, personas, marseille, overrides, message):
    client.force_login(personas["resident"])
    data = form_data(marseille)
    data.update(overrides)
    response = client.post(reverse("ideas:create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_text_is_escaped(client, personas, marseille):
    idea = make_idea(
        personas["resident"],
        marseille,
        title="<script>alert('x')</script>",
        description="<b>gras</b>",
    )
    for url in (idea.get_absolute_url(), reverse("ideas:index")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>gras</b>" not in html
        assert "&lt;script&gt;" in html


# Support and comments ---------------------------------------------------------------------


def test_support_once_per_user_with_database_constraint(client, personas, marseille):
    idea = make_idea(personas["resident"], marseille)
    client.force_login(personas["association_member"])
    client.post(reverse("ideas:support", args=[idea.pk]))
    client.post(reverse("ideas:support", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.supports_count == 1 and Support.objects.count() == 1
    with pytest.raises(IntegrityError):
        Support.objects.create(idea=idea, user=personas["association_member"])


def test_support_can_be_withdrawn_and_author_cannot_support(client, personas, marseille):
    idea = make_idea(personas["resident"], marseille)
    client.force_login(personas["resident"])
    client.post(reverse("ideas:support", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.supports_count == 0
    client.force_login(personas["outsider"])
    client.post(reverse("ideas:support", args=[idea.pk]))
    client.post(reverse("ideas:support", args=[idea.pk]), {"action": "remove"})
    idea.refresh_from_db()
    assert idea.supports_count == 0 and not Support.objects.exists()


def test_comments_and_moderation(client, personas, marseille):
    idea = make_idea(personas["resident"], marseille)
    client.force_login(personas["association_member"])
    assert client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "   "}).status_code == 400
    client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Bande de nuls"})
    comment = Comment.objects.get()
    client.force_login(personas["resident"])
    client.post(reverse("ideas:flag", args=["comment", comment.pk]), {"reason": "abuse"})
    flag = Flag.objects.get()
    assert client.get(reverse("ideas:moderation")).status_code == 403
    client.force_login(personas["moderator"])
    assert "Bande de nuls" in client.get(reverse("ideas:moderation")).content.decode()
    client.post(
        reverse("ideas:flag_decide", args=[flag.pk]), {"decision": "hide", "reason": "Insulte"}
    )
    comment.refresh_from_db()
    flag.refresh_from_db()
    assert comment.is_hidden and flag.state == Flag.State.HIDDEN
    client.logout()
    assert "Bande de nuls" not in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(personas["moderator"])
    client.post(
        reverse("ideas:content_restore", args=["comment", comment.pk]),
        {"reason": "Relu : acceptable"},
    )
    comment.refresh_from_db()
    assert not comment.is_hidden
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"ideas.flag_created", "ideas.content_hidden", "ideas.content_restored"} <= actions


# Status changes by agents -----------------------------------------------------------------


def test_agent_answers_and_author_is_notified(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    idea = make_idea(personas["resident"], marseille)
    url = reverse("ideas:status", args=[idea.pk])
    client.force_login(personas["association_member"])
    assert client.post(url, {"status": "planned", "answer": "x"}).status_code == 403
    client.force_login(personas["commune_agent"])
    response = client.post(url, {"status": "planned", "answer": ""})
    assert response.status_code == 400 and "réponse publique" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "planned", "answer": "Réparation prévue en mars."})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.PLANNED and idea.public_answer == "Réparation prévue en mars."
    assert mail.outbox[-1].to == ["habitante@example.org"]
    assert "Réparation prévue en mars." in mail.outbox[-1].body
    assert "&#x27;" not in mail.outbox[-1].subject + mail.outbox[-1].body
    client.logout()
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Réparation prévue en mars." in html and "Programmée" in html
    assert [c.status for c in idea.status_changes.all()] == ["received", "planned"]


def test_commune_agent_only_for_their_commune(personas, territories):
    from renouveau.territories.models import Commune

    aix = Commune.objects.get(insee="13001")
    idea = make_idea(personas["resident"], aix)
    assert not personas["commune_agent"].has_perm("ideas.answer_idea", idea)
    assert personas["metropolis_agent"].has_perm("ideas.answer_idea", idea)
    rule = RoutingRule.objects.create(commune=aix, service="Aix")
    rule.agents.add(personas["commune_agent"])
    idea = make_idea(personas["resident"], aix, title="Autre nid-de-poule")
    assert personas["commune_agent"].has_perm("ideas.answer_idea", idea)


def test_duplicate_and_promotion_rules(client, personas, marseille, settings):
    settings.IDEAS_PROMOTION_THRESHOLD = 2
    original = make_idea(personas["resident"], marseille)
    copy = make_idea(personas["association_member"], marseille)
    client.force_login(personas["metropolis_agent"])
    url = reverse("ideas:status", args=[copy.pk])
    response = client.post(url, {"status": "duplicate", "answer": "Déjà signalé."})
    assert response.status_code == 400 and "doublon" in response.content.decode()
    response = client.post(
        url, {"status": "duplicate", "answer": "Déjà signalé.", "duplicate_of": 999999}
    )
    assert response.status_code == 400 and "Aucune contribution" in response.content.decode()
    client.post(
        url, {"status": "duplicate", "answer": "Déjà signalé.", "duplicate_of": original.pk}
    )
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    promote = {
        "status": "promoted",
        "answer": "Retenue !",
        "promoted_to": "Appel « Réinventons la Métropole »",
    }
    response = client.post(reverse("ideas:status", args=[original.pk]), promote)
    assert response.status_code == 400 and "à partir de 2 soutiens" in response.content.decode()
    for name in ("outsider", "elected"):
        services.idea_support(user=personas[name], idea=original)
    original.refresh_from_db()
    response = client.post(
        reverse("ideas:status", args=[original.pk]),
        {**promote, "promoted_url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    client.post(
        reverse("ideas:status", args=[original.pk]), {**promote, "promoted_url": "/appels/1/"}
    )
    original.refresh_from_db()
    assert original.status == Status.PROMOTED and original.promoted_to.startswith("Appel")
    # A closed idea takes no more support.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.idea_support(user=personas["moderator"], idea=original)


def test_answer_queue_for_agents(client, personas, marseille, territories):
    from renouveau.territories.models import Commune

    make_idea(personas["resident"], marseille, title="À Marseille")
    make_idea(personas["resident"], Commune.objects.get(insee="13001"), title="À Aix")
    client.force_login(personas["commune_agent"])
    html = client.get(reverse("ideas:answer_queue")).content.decode()
    assert "À Marseille" in html and "À Aix" not in html
    client.force_login(personas["metropolis_agent"])
    html = client.get(reverse("ideas:answer_queue")).content.decode()
    assert "À Marseille" in html and "À Aix" in html
    client.force_login(personas["resident"])
    assert client.get(reverse("ideas:answer_queue")).status_code == 403


# Lists ------------------------------------------------------------------------------------


def test_list_filters_sort_and_htmx(client, personas, plan, marseille):
    from renouveau.plan.models import Workstream

    workstream = Workstream.objects.order_by("number").first()
    popular = make_idea(personas["resident"], marseille, title="Populaire")
    make_idea(personas["resident"], marseille, title="Récente", workstream=workstream)
    Idea.objects.filter(pk=popular.pk).update(supports_count=50)
    html = client.get(reverse("ideas:index"), {"sort": "support"}).content.decode()
    assert html.index("Populaire") < html.index("Récente")
    html = client.get(reverse("ideas:index")).content.decode()
    assert html.index("Récente") < html.index("Populaire")
    html = client.get(reverse("ideas:index"), {"workstream": workstream.pk}).content.decode()
    assert "Récente" in html and "Populaire" not in html
    html = client.get(
        reverse("ideas:index"),
        {"territory": marseille.territory_id, "status": "received"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Populaire" in html and "<html" not in html
    assert client.get(reverse("ideas:index"), {"status": "bogus"}).status_code == 400
    csv_text = client.get(reverse("ideas:export_csv"), {"sort": "support"}).content.decode()
    assert csv_text.splitlines()[1].split(",")[2] == "Populaire"


def test_list_query_count_is_constant(client, personas, marseille, django_assert_max_num_queries):
    def bulk(n):
        Idea.objects.bulk_create(
            Idea(
                author=personas["resident"],
                kind="problem",
                title=f"Idée {i}",
                description="…",
                category="roads",
                commune=marseille,
            )
            for i in range(n)
        )

    bulk(25)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("ideas:index"))
    bulk(600)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("ideas:index"), {"page": "20", "sort": "support"})
    assert response.status_code == 200


def test_map_only_with_tiles(client, personas, marseille, settings):
    make_idea(personas["resident"], marseille, latitude=43.3, longitude=5.38)
    settings.TILE_URL = ""
    html = client.get(reverse("ideas:index")).content.decode()
    assert 'id="map"' not in html and 'data-lat="43.300000"' in html
    settings.TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    assert 'id="map"' in client.get(reverse("ideas:index")).content.decode()


# API --------------------------------------------------------------------------------------


def test_api_public_fields_only(client, personas, marseille):
    make_idea(personas["resident"], marseille)
    hidden = make_idea(personas["resident"], marseille, title="Cachée")
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)
    data = client.get("/api/v1/ideas/").json()
    assert data["count"] == 1
    text = json.dumps(data, ensure_ascii=False)
    assert "habitante@example.org" not in text and "Awa" not in text and "author" not in text
    assert data["results"][0]["commune"]["insee"] == "13055"
    assert client.get("/api/v1/ideas/", {"status": "bogus"}).status_code == 400
    assert client.get("/api/v1/ideas/", {"chantier": "nope"}).status_code == 400
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    assert b"/api/v1/ideas/" in schema


# RGPD and permissions ---------------------------------------------------------------------


def test_export_and_erasure(personas, marseille):
    from renouveau.accounts.services import user_erase, user_export_data

    photo = SimpleUploadedFile("rue.jpg", jpeg_with_gps(), content_type="image/jpeg")
    idea = services.idea_create(
        author=personas["resident"],
        data={**_data(marseille), "place": "devant chez moi", "latitude": 43.3, "longitude": 5.4},
        photo=photo,
    )
    services.comment_add(author=personas["resident"], idea=idea, body="Je précise")
    export = user_export_data(user=personas["resident"])
    assert export["ideas"]["ideas"][0]["place"] == "devant chez moi"
    exported = export["ideas"]["ideas"][0]
    assert (exported["latitude"], exported["longitude"]) == (43.3, 5.4)
    assert exported["photo"].endswith(f"/idees/{idea.pk}/photo/")
    json.dumps(export, default=str)
    assert export["ideas"]["comments"][0]["body"] == "Je précise"
    path = idea.photo.path
    user_erase(user=personas["resident"])
    idea.refresh_from_db()
    assert not idea.photo and idea.place == ""
    import os

    assert not os.path.exists(path)
    assert idea.title == "Jardin partagé"  # the public contribution stays, anonymously


@pytest.mark.parametrize(
    ("persona", "answer", "moderate"),
    [
        ("resident", False, False),
        ("association_member", False, False),
        ("commune_agent", True, False),
        ("metropolis_agent", True, False),
        ("moderator", False, True),
        ("elected", False, False),
        ("administrator", True, True),
        ("outsider", False, False),
    ],
)
def test_permission_matrix(personas, marseille, persona, answer, moderate):
    idea = make_idea(personas["resident"], marseille)
    user = personas[persona]
    assert user.has_perm("ideas.answer_idea", idea) is answer
    assert user.has_perm("ideas.moderate") is moderate
    assert user.has_perm("ideas.support_idea", idea) is (persona != "resident")


def test_demo_data_is_labelled_and_idempotent(client, plan):
    from renouveau.ideas import demo

    first = demo.load()
    assert demo.load() == first
    assert Idea.objects.count() == 4 and all(i.is_demo for i in Idea.objects.all())
    html = client.get(reverse("ideas:index")).content.decode()
    assert "Démonstration" in html
    assert client.get("/api/v1/ideas/").json()["count"] == 4


def test_csv_export_does_not_run_formulas(client, personas, marseille):
    """A title typed as a spreadsheet formula is exported as text (CSV injection)."""
    import csv
    import io

    make_idea(personas["resident"], marseille, title='=HYPERLINK("http://x";"clic")')
    rows = list(csv.reader(io.StringIO(client.get(reverse("ideas:export_csv")).content.decode())))
    assert rows[1][2] == '\'=HYPERLINK("http://x";"clic")'


def test_the_same_answer_posted_twice_emails_the_author_once(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    """A double click on « Publier la réponse » (or the form posted again) must not e-mail
    the author twice nor write two identical steps in the idea's history."""
    idea = make_idea(personas["resident"], marseille)
    url = reverse("ideas:status", args=[idea.pk])
    client.force_login(personas["commune_agent"])
    data = {"status": "planned", "answer": "Réparation prévue en mars."}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
        assert client.post(url, data).status_code == 302
    assert len(mail.outbox) == 1
    assert [c.status for c in idea.status_changes.all()] == ["received", "planned"]
    assert AuditLog.objects.filter(action="ideas.status_changed").count() == 1
    # A different answer is a new step, e-mailed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": "planned", "answer": "Réparation décalée en avril."})
    assert len(mail.outbox) == 2
    assert [c.status for c in idea.status_changes.all()] == ["received", "planned", "planned"]


def test_photo_of_a_hidden_idea_is_not_publicly_cacheable(client, personas, marseille):
    photo = SimpleUploadedFile("rue.jpg", jpeg_with_gps(), content_type="image/jpeg")
    idea = services.idea_create(author=personas["resident"], data=_data(marseille), photo=photo)
    url = reverse("ideas:photo", args=[idea.pk])
    public = client.get(url)
    assert public.status_code == 200 and "public" in public["Cache-Control"]
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True, hidden_reason="Visage reconnaissable")
    assert client.get(url).status_code == 404
    client.force_login(personas["moderator"])
    private = client.get(url)
    assert private.status_code == 200
    assert "public" not in private["Cache-Control"] and "no-store" in private["Cache-Control"]
    public.close()  # closes the files (and, as the end of a request, the connection)
    private.close()


def test_a_routed_agent_whose_role_was_withdrawn_no_longer_answers_nor_gets_emails(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    from renouveau.accounts.roles import Role

    agent = personas["commune_agent"]
    rule = RoutingRule.objects.create(category="roads", service="Voirie")
    rule.agents.add(agent)
    idea = make_idea(personas["resident"], marseille)
    assert agent.has_perm("ideas.answer_idea", idea)
    agent.groups.remove(*agent.groups.filter(name=Role.COMMUNE_AGENT.value))
    agent = type(agent).objects.get(pk=agent.pk)  # fresh role cache
    assert not agent.has_perm("ideas.answer_idea", idea)
    client.force_login(agent)
    response = client.post(
        reverse("ideas:status", args=[idea.pk]), {"status": "planned", "answer": "Je réponds."}
    )
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        make_idea(personas["resident"], marseille, title="Autre trou")
    assert not [m for m in mail.outbox if agent.email in m.to]


def test_a_comment_of_a_hidden_idea_cannot_be_reported_nor_read_there(client, personas, marseille):
    idea = make_idea(personas["resident"], marseille)
    comment = services.comment_add(
        author=personas["association_member"], idea=idea, body="Mon voisin du 3e, M. Durand"
    )
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True, hidden_reason="Données personnelles")
    client.force_login(personas["outsider"])
    url = reverse("ideas:flag", args=["comment", comment.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Durand" not in response.content.decode()
    assert client.post(url, {"reason": "spam", "details": ""}).status_code == 404
    assert not Flag.objects.exists()


def test_a_double_tap_creates_one_idea_one_comment_and_one_email(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    rule = RoutingRule.objects.create(
        category="roads", service="Voirie", email="voirie@example.org"
    )
    client.force_login(personas["resident"])
    data = form_data(marseille)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("ideas:create"), data)
        second = client.post(reverse("ideas:create"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Idea.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[rule.email]]
    idea = Idea.objects.get()
    for _ in range(2):
        client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Toujours en panne."})
    assert Comment.objects.filter(idea=idea).count() == 1
    client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Réparé ce matin."})
    assert Comment.objects.filter(idea=idea).count() == 2
    # Another idea of the same person is still created.
    client.post(reverse("ideas:create"), form_data(marseille, title="Banc cassé"))
    assert Idea.objects.count() == 2
