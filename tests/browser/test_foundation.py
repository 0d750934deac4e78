import json
import re

from django.core import mail

from renouveau.accounts.models import User

PASSWORD = "motdepasse-solide-2026"


def test_plan_pages_and_language_switch(browse, plan):
    browse.goto("/")
    assert "AMP 2R" in browse.page.inner_text("h1")
    browse.page.click("text=Lire le plan")
    browse.page.wait_for_url("**/plan/")
    browse.check()
    browse.page.click("a:has-text('5. Viser 350')")
    browse.page.wait_for_url("**/plan/chantiers/**")
    browse.check()
    assert "350" in browse.page.inner_text(".targets")
    browse.goto("/plan/deliberations/")
    assert "15336" in browse.page.content()
    browse.goto("/territoires/")
    browse.goto("/accessibilite/")
    # Language switch, without JavaScript needed: a form with a button.
    browse.page.select_option("#language-select", "en")
    browse.page.click(".lang-switch button")
    browse.page.wait_for_load_state()
    assert browse.page.get_attribute("html", "lang") == "en"
    assert "Skip to content" in browse.page.content()
    browse.check()


def test_signup_with_email_verification_then_login(browse, territories):
    browse.goto("/compte/signup/")
    page = browse.page
    page.fill("input[name=email]", "lea@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=display_name]", "Léa")
    page.select_option("select[name=commune]", label="Aubagne")
    page.check("input[name=accept_terms]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://testserver", browse.base_url))
    browse.check()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    user = User.objects.get(email="lea@example.org")
    assert user.emailaddress_set.get().verified
    assert user.commune.name == "Aubagne"
    # Logged in after confirmation; log out and in again.
    page.click(".main-nav button:has-text('Se déconnecter')")
    page.wait_for_load_state()
    browse.login(user)
    browse.goto("/compte/")
    assert "lea@example.org" in page.content()


def test_wrong_login_shows_a_french_error(browse, resident):
    browse.goto("/compte/login/")
    browse.page.fill("input[name=login]", resident.email)
    browse.page.fill("input[name=password]", "pas-le-bon")
    browse.page.click("main form button[type=submit]")
    browse.page.wait_for_load_state()
    assert "incorrect" in browse.page.content()
    browse.check()


def test_personal_data_export_and_account_deletion(browse, resident):
    browse.login(resident)
    browse.goto("/compte/")
    with browse.page.expect_download() as download_info:
        browse.page.click("text=Télécharger toutes mes données")
    with open(download_info.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["account"]["email"] == resident.email
    browse.page.click("text=Supprimer mon compte")
    browse.page.wait_for_url("**/compte/supprimer/")
    browse.check()
    browse.page.fill("input[name=password]", PASSWORD)
    browse.page.check("input[name=confirm]")
    browse.page.click("button:has-text('Supprimer définitivement')")
    browse.page.wait_for_load_state()
    browse.check()
    assert "Votre compte a été supprimé" in browse.page.content()
    resident.refresh_from_db()
    assert resident.erased_at is not None and not resident.is_active


def test_phone_layout_of_a_chantier(phone, plan):
    phone.goto("/plan/chantiers/transports-alternatifs-voiture/")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, "no horizontal scrolling on a phone"


def test_account_pages_and_errors_are_accessible(browse, territories):
    for path in [
        "/compte/login/",
        "/compte/signup/",
        "/compte/password/reset/",
        "/confidentialite/",
        "/mentions-legales/",
    ]:
        browse.goto(path)
    browse.goto("/nulle-part/", expect_status=404)
    # A bad sign-up shows French errors, still accessible.
    browse.goto("/compte/signup/")
    browse.page.fill("input[name=email]", "lea@example.org")
    browse.page.fill("input[name=password1]", "motdepasse-solide-2026")
    browse.page.fill("input[name=password2]", "un-autre-mot-de-passe")
    browse.page.check("input[name=accept_terms]")
    with browse.page.expect_response(lambda r: r.request.method == "POST") as response_info:
        browse.page.click("main form button[type=submit]")
    assert response_info.value.status == 400
    browse.page.wait_for_load_state()
    assert "même mot de passe" in browse.page.inner_text("main")
    browse.check()


def test_home_page_with_what_is_under_way(browse, plan, personas):
    from renouveau.core.demo import demo_loaders, reference_loaders

    for _app, load in reference_loaders():
        load()
    for app, load in demo_loaders():
        if app in {"renouveau.alerts", "renouveau.reserve", "renouveau.governance"}:
            load()
    browse.goto("/")  # axe-checked
    page = browse.page
    assert page.locator("#actions-titre + ul a").count() == 8
    page.click("text=Rejoindre la réserve citoyenne")
    page.wait_for_url("**/reserve-citoyenne/")
    browse.goto("/")
    page.click("text=Toutes les réunions")
    page.wait_for_url("**/gouvernance/reunions/")


def test_home_page_on_a_phone(phone, plan):
    phone.goto("/")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, "no horizontal scrolling on a phone"
    assert phone.page.locator("text=Pas d'alerte, d'appel à projets").count() == 1


def test_my_participation_on_the_account_page(browse, plan, personas):
    from renouveau.core.demo import demo_loaders, reference_loaders
    from renouveau.reserve.models import Signup

    for _app, load in reference_loaders():
        load()
    for app, load in demo_loaders():
        if app == "renouveau.reserve":
            load()
    signup = Signup.objects.select_related("volunteer__user", "mission").order_by(
        "-mission__starts_at"
    )[0]
    user = signup.volunteer.user
    user.set_password(PASSWORD)
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    browse.login(user)
    browse.goto("/compte/")  # axe-checked, with the participation cards
    page = browse.page
    assert page.locator("#participation-titre").count() == 1
    page.click(f"a[href='{signup.mission.get_absolute_url()}']")
    page.wait_for_url(f"**{signup.mission.get_absolute_url()}")


def test_wide_tables_scroll_with_the_keyboard_on_a_phone(phone, plan):
    """At phone width a wide table scrolls inside its wrapper: the wrapper must take the focus
    (axe: scrollable-region-focusable), or keyboard users cannot read its right-hand columns."""
    from renouveau.core.demo import demo_loaders, reference_loaders

    for app, load in [*reference_loaders(), *demo_loaders()]:
        if app == "renouveau.governance":
            load()
    phone.goto("/gouvernance/instances/comite-gouvernance-renouvelee/")  # axe, phone width
    wrapper = phone.page.locator(".table-wrap").first
    assert wrapper.evaluate("e => e.scrollWidth > e.clientWidth"), "the table does scroll"
    assert wrapper.get_attribute("tabindex") == "0"


def test_main_navigation_folds_under_menu_on_a_phone_only(phone, browse, plan):
    """On a phone the thirteen links fold under « Menu » (a <details>, no JavaScript), so the
    page's content starts near the top; on a wider screen they are all shown, no « Menu »."""
    phone.goto("/")
    page = phone.page
    menu = page.locator(".main-nav summary")
    assert menu.is_visible() and menu.inner_text().strip() == "Menu"
    box = menu.bounding_box()
    assert box is not None and box["height"] >= 44, "a tap target of at least 44 px"
    plan_link = page.locator(".main-nav a", has_text="Le plan")
    assert not plan_link.is_visible()
    nav = page.locator(".main-nav").bounding_box()
    assert nav is not None and nav["height"] < 60, "the folded navigation takes one line"
    menu.click()
    assert plan_link.is_visible()
    phone.check()  # axe-clean with the menu open
    plan_link.click()
    page.wait_for_load_state()
    assert "/plan/" in page.url
    # Keyboard: Tab reaches « Menu », Enter opens it.
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    focused = ""
    for _ in range(10):
        focused = page.evaluate("document.activeElement.tagName")
        if focused == "SUMMARY":
            break
        page.keyboard.press("Tab")
    assert focused == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator(".main-nav a", has_text="Le plan").is_visible()

    browse.goto("/")
    assert not browse.page.locator(".main-nav summary").is_visible()
    for label in ("Le plan", "Se connecter"):
        assert browse.page.locator(".main-nav a", has_text=label).is_visible()
