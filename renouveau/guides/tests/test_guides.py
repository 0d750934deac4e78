from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.guides.models import Guide, GuideTag, SituationBanner
from renouveau.guides.selectors import situation_banner_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(db):
    tag = GuideTag.objects.create(slug="canicule", name="Canicule")
    guide = Guide.objects.create(
        slug="fortes-chaleurs",
        title="Fortes chaleurs",
        summary="Se protéger de la chaleur",
        body="## Boire\n- de l'eau, souvent",
        status=Guide.Status.PUBLISHED,
    )
    guide.tags.add(tag)
    return guide


def test_public_pages_and_tag_filter(client, guide):
    Guide.objects.create(slug="brouillon", title="Brouillon", summary="x", body="x")
    body = client.get("/bonnes-pratiques/").content.decode()
    assert "Fortes chaleurs" in body and "Brouillon" not in body
    assert "Fortes chaleurs" in client.get("/bonnes-pratiques/?etiquette=canicule").content.decode()
    assert client.get("/bonnes-pratiques/?etiquette=inconnue").status_code == 404
    detail = client.get("/bonnes-pratiques/fortes-chaleurs/")
    assert detail.status_code == 200 and "<h2>Boire</h2>" in detail.content.decode()
    assert client.get("/bonnes-pratiques/brouillon/").status_code == 404
    assert client.get("/bonnes-pratiques/?page=-1").status_code == 400


def test_guide_linked_from_an_aid(client, guide, territories):
    from renouveau.aids.models import Funder
    from renouveau.aids.services import aid_create, aid_publish, aid_submit

    owner = Funder.objects.create(slug="m", name="Métropole", kind="metropolis")
    aid = aid_create(
        actor=None,
        data={
            "title": "Brumisateurs",
            "promise": "x",
            "audiences": ["senior"],
            "aid_types": ["in_kind"],
            "owner": owner,
            "guides": [guide],
        },
    )
    aid_submit(actor=None, aid=aid)
    aid_publish(actor=None, aid=aid)
    assert "Fortes chaleurs" in client.get(aid.get_absolute_url()).content.decode()
    assert "Brumisateurs" in client.get(guide.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("resident", False),
        ("moderator", False),
        ("elected", False),
        ("commune_agent", True),
        ("metropolis_agent", True),
        ("administrator", True),
    ],
)
def test_manage_permissions(client, personas, persona, allowed):
    client.force_login(personas[persona])
    assert client.get("/bonnes-pratiques/gestion/").status_code == (200 if allowed else 403)
    response = client.post(
        "/bonnes-pratiques/gestion/bandeau/",
        {"level": "warning", "title": "Canicule", "text": "Buvez de l'eau."},
    )
    assert response.status_code == (302 if allowed else 403)
    assert SituationBanner.objects.exists() is allowed


def test_agent_writes_and_publishes_a_guide(client, metropolis_agent):
    client.force_login(metropolis_agent)
    response = client.post(
        "/bonnes-pratiques/gestion/nouvelle/",
        {"title": "Inondations", "summary": "Les bons réflexes", "body": "Montez à l'étage."},
    )
    assert response.status_code == 302
    guide = Guide.objects.get()
    assert guide.status == Guide.Status.DRAFT and guide.slug == "inondations"
    client.post(f"/bonnes-pratiques/gestion/{guide.pk}/publier/")
    guide.refresh_from_db()
    assert guide.status == Guide.Status.PUBLISHED
    assert set(
        AuditLog.objects.filter(object_id=str(guide.pk), action__startswith="guides.").values_list(
            "action", flat=True
        )
    ) == {"guides.guide_created", "guides.guide_published"}
    bad = client.post("/bonnes-pratiques/gestion/nouvelle/", {"title": ""})
    assert bad.status_code == 400 and "Ce champ est obligatoire" in bad.content.decode()


def test_banner_is_shown_on_every_page_and_cached(
    client, metropolis_agent, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert situation_banner_current() is None
    client.force_login(metropolis_agent)
    situation_banner_current()  # caches "no banner"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/bonnes-pratiques/gestion/bandeau/",
            {
                "level": "danger",
                "title": "Alerte crue",
                "text": "Évitez les berges.",
                "url": "/bonnes-pratiques/",
            },
        )
    client.logout()
    banner = situation_banner_current()
    assert (banner.level, banner.title, banner.url) == (
        "danger",
        "Alerte crue",
        "/bonnes-pratiques/",
    )
    with django_assert_num_queries(0):
        assert situation_banner_current() == banner
    body = client.get("/plan/").content.decode()
    assert "situation-danger" in body and "Alerte crue" in body


def test_ended_or_expired_banner_is_not_shown(db):
    from django.core.cache import cache

    now = timezone.now()
    SituationBanner.objects.create(
        level="info", title="Passé", text="x", starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    SituationBanner.objects.create(level="info", title="Retiré", text="x", is_active=False)
    cache.clear()
    assert situation_banner_current() is None


def test_banner_form_rejects_foreign_http_links(client, metropolis_agent):
    client.force_login(metropolis_agent)
    response = client.post(
        "/bonnes-pratiques/gestion/bandeau/",
        {"level": "info", "title": "T", "text": "x", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert not SituationBanner.objects.exists()


@pytest.mark.parametrize(
    "url", ["//phishing.example/alerte", "/\\phishing.example", "http://site.example/"]
)
def test_banner_link_cannot_lead_to_another_site(client, metropolis_agent, url):
    """ "//phishing.example" starts with "/" but is another site, on every page's banner."""
    client.force_login(metropolis_agent)
    response = client.post(
        "/bonnes-pratiques/gestion/bandeau/",
        {"level": "danger", "title": "Alerte crue", "text": "x", "url": url},
    )
    assert response.status_code == 400
    assert "Indiquez une adresse du site" in response.content.decode()
    assert not SituationBanner.objects.exists()


def test_banner_ending_in_the_past_is_a_clear_400(client, metropolis_agent):
    client.force_login(metropolis_agent)
    response = client.post(
        "/bonnes-pratiques/gestion/bandeau/",
        {"level": "info", "title": "T", "text": "x", "url": "", "ends_at": "2020-01-01T10:00"},
    )
    assert response.status_code == 400
    assert "déjà passée" in response.content.decode()
    assert not SituationBanner.objects.exists()


@pytest.mark.parametrize("tag", ["%00", "jardin%00", "jardin%0A", "x" * 300])
def test_tag_filter_with_junk_is_a_404(client, guide, tag):
    """``?etiquette=%00`` reached PostgreSQL, which refuses NUL bytes: a 500 (security crawl)."""
    response = client.get(f"/bonnes-pratiques/?etiquette={tag}")
    assert response.status_code == 404
