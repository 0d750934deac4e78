"""Browser tests of ideas and field reports: a resident reports a problem with a photo, an
agent answers publicly, the author sees the answer; a comment is reported. axe-core runs on
every page."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from renouveau.ideas.models import Flag, Idea, RoutingRule


def _photo(tmp_path) -> str:
    path = tmp_path / "trottoir.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 120, 120)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_report_problem_agent_answers_author_sees_it(
    browse, personas, marseille, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    RoutingRule.objects.create(category="roads", commune=marseille, service="Voirie de Marseille")
    page = browse.page
    browse.login(personas["resident"])
    browse.goto("/idees/")
    browse.goto("/idees/nouvelle/")
    page.check("input[name=kind][value=problem]")
    page.fill("#id_title", "Trottoir défoncé rue d'Aubagne")
    page.fill("#id_description", "Une dalle manque, une poussette s'y est coincée.")
    page.select_option("#id_category", "roads")
    page.select_option("#id_commune", str(marseille.pk))
    page.fill("#id_place", "Devant le n° 40")
    page.set_input_files("#id_photo", _photo(tmp_path))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Voirie de Marseille" in page.content()
    assert page.locator(".idea-photo img").count() == 1
    browse.check()
    idea = Idea.objects.get()

    browse.page.context.clear_cookies()
    browse.login(personas["commune_agent"])
    browse.goto("/idees/a-traiter/")
    page.click("text=Trottoir défoncé rue d'Aubagne")
    page.wait_for_load_state()
    browse.check()
    page.select_option("#id_status", "planned")
    page.fill("#id_answer", "La dalle sera remplacée la semaine prochaine.")
    page.click("text=Publier la réponse")
    page.wait_for_load_state()
    browse.check()

    browse.page.context.clear_cookies()
    browse.login(personas["resident"])
    browse.goto(f"/idees/{idea.pk}/")
    assert "Programmée" in page.inner_text("#idea-status")
    assert "La dalle sera remplacée la semaine prochaine." in page.inner_text("#public-answer")


def test_comment_reported_by_a_resident(browse, personas, marseille):
    from renouveau.ideas import services

    idea = services.idea_create(
        author=personas["resident"],
        data={
            "kind": "solution",
            "title": "Composteurs partagés",
            "description": "…",
            "category": "green",
            "commune": marseille,
        },
    )
    services.comment_add(
        author=personas["association_member"], idea=idea, body="Idée stupide, comme vous."
    )
    page = browse.page
    browse.login(personas["resident"])
    browse.goto(f"/idees/{idea.pk}/")
    page.click(".comments >> text=Signaler")
    page.wait_for_load_state()
    browse.check()
    page.check("input[name=reason][value=abuse]")
    page.click("text=Envoyer le signalement")
    page.wait_for_load_state()
    assert Flag.objects.filter(comment__idea=idea).exists()
    browse.check()


def test_list_with_demo_data_filters_in_place(browse, plan):
    from renouveau.ideas import demo

    demo.load()
    page = browse.page
    browse.goto("/idees/")
    assert "Démonstration" in page.content()
    page.select_option("#id_sort", "support")
    page.wait_for_url("**sort=support**")
    expect(page.locator("#idea-results h3").first).to_contain_text("Ateliers vélo")
    browse.check()


def test_location_picker_fills_the_fields(browse, personas, settings):
    settings.TILE_URL = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    browse.login(personas["resident"])
    browse.goto("/idees/nouvelle/", check=False)
    page = browse.page
    page.wait_for_selector("#location-map.leaflet-container")
    browse.check()
    page.locator("#location-map").click(position={"x": 150, "y": 120})
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    assert 43.0 < float(page.input_value("#id_latitude")) < 44.0
