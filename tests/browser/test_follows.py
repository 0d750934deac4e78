"""Browser test of following a project of the plan: on a phone, a resident follows a project from
its page, finds it in « Mes suivis » and stops following it there (axe-clean at each step)."""

from renouveau.follows.models import Follow
from renouveau.monitoring.tests.factories import make_project


def test_a_resident_follows_a_project_and_stops_from_their_list(phone, plan, personas):
    project = make_project(title="Pôle d'échanges de Saint-Antoine", is_published=True)
    resident = personas["resident"]
    page = phone.page
    phone.goto(project.get_absolute_url())
    assert page.is_visible("text=Connectez-vous pour suivre ce projet")
    phone.login(resident)
    phone.goto(project.get_absolute_url())
    page.click("button:has-text('Suivre ce projet')")
    page.wait_for_load_state()
    assert "Vous suivez « Pôle d'échanges de Saint-Antoine »" in page.inner_text("main")
    assert page.is_visible("text=Vous suivez ce projet.")
    phone.check()
    assert Follow.objects.filter(user=resident, object_id=project.pk).count() == 1

    phone.goto("/suivis/")
    assert page.get_by_role("link", name=project.title).is_visible()
    phone.check()
    page.click("button:has-text('Ne plus suivre')")
    page.wait_for_load_state()
    assert "Vous ne suivez rien pour le moment" in page.inner_text("main")
    phone.check()
    assert not Follow.objects.exists()
