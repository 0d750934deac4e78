"""UX audit on a phone (360 × 740): the main pages of every module, as an anonymous visitor, a
resident and agents, with the demonstration dataset.

On every page visited: no horizontal scrolling (``scrollWidth <= innerWidth``), every focusable
scroll box (``.table-wrap``) is a named region, and axe-core (WCAG 2.1 A/AA) finds nothing.
Screenshots go to ``$UX_SCREENSHOTS`` (default ``/tmp/ux/``) to be looked at by a person.

A template-level test checks the same naming rule on every template, including pages the
browser does not reach (back-office tables, empty states).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("UX_SCREENSHOTS") or Path(tempfile.gettempdir()) / "ux")
PASSWORD = "motdepasse-solide-2026"  # noqa: S105 - test personas' password

WRAPPER = re.compile(r"<div[^>]*class=\"[^\"]*\btable-wrap\b[^\"]*\"[^>]*>")


def test_every_focusable_table_wrapper_is_a_named_region_in_the_templates():
    """A focusable scroll box is announced by screen readers: without a role and a name it is
    an anonymous « groupe » (axe best practice, WCAG 4.1.2). Each ``.table-wrap`` with
    ``tabindex`` has ``role="region"`` and ``aria-labelledby`` pointing at an id written in the
    same template (its caption or the section's heading), or an ``aria-label``."""
    templates = list(ROOT.glob("renouveau/*/templates/**/*.html"))
    assert templates, "templates found"
    problems = []
    checked = 0
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for tag in WRAPPER.findall(text):
            if "tabindex" not in tag:
                continue
            checked += 1
            where = f"{path.relative_to(ROOT)}: {tag}"
            if 'role="region"' not in tag:
                problems.append(f'{where} — no role="region"')
            labelledby = re.search(r'aria-labelledby="([^"]+)"', tag)
            if labelledby:
                target = labelledby.group(1)
                if f'id="{target}"' not in text:
                    problems.append(f'{where} — no element with id="{target}" in the template')
            elif not re.search(r'aria-label="[^"]+"', tag):
                problems.append(f"{where} — neither aria-labelledby nor aria-label")
    assert checked >= 40, f"only {checked} table wrappers found"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/aides/?avant=pas-une-date&tri=nimporte&commune=999999&public=x&type=x",
            {
                "id_avant_error",
                "id_tri_error",
                "id_commune_error",
                "id_public_error",
                "id_type_error",
            },
        ),
        (
            "/aides/pour-moi/?commune=999999&besoin=nimporte",
            {"id_qui_error", "id_commune_error", "id_besoin_error"},
        ),
    ],
)
def test_a_field_error_is_next_to_its_field_and_tied_to_it(client, territories, path, expected):
    """Each error list under a field has an id that the field names in ``aria-describedby``
    (a screen reader reads the error when the field takes the focus), and no field points at an
    error list that is not there (Django adds ``<id>_error`` to fields with errors)."""
    response = client.get(path)
    assert response.status_code == 400
    html = response.content.decode()
    error_ids = re.findall(r'<ul class="errorlist" id="([^"]+)"', html)
    assert expected <= set(error_ids), f"field errors shown: {error_ids}"
    assert '<ul class="errorlist">' not in html, "an error list without an id"
    described = set()
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        for ident in value.split():
            described.add(ident)
            assert f'id="{ident}"' in html, f"aria-describedby points at a missing #{ident}"
    assert set(error_ids) <= described, f"errors no field refers to: {set(error_ids) - described}"


# --- in the browser -------------------------------------------------------------------------

PAGE_FACTS = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  // The elements sticking out on the right (not inside a scroll box): to say what overflows.
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, clipped = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
      p = p.parentElement;
    }
    if (!clipped) wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' → ' + Math.round(r.right) + 'px');
  }
  // Focusable scroll boxes must be named regions.
  const regions = [];
  for (const el of document.querySelectorAll('.table-wrap[tabindex]')) {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = ids.map(id => { const t = document.getElementById(id); return t ? t.textContent.trim() : ''; }).join(' ').trim()
      || (el.getAttribute('aria-label') || '').trim();
    const unique = ids.every(id => document.querySelectorAll('[id="' + CSS.escape(id) + '"]').length === 1);
    // and show a shadow where the table goes on (the only hint, on a phone, that it scrolls)
    const shadow = getComputedStyle(el).backgroundImage.includes('radial-gradient');
    if (el.getAttribute('role') !== 'region' || !name || !unique || !shadow) regions.push(el.outerHTML.slice(0, 160));
  }
  // Buttons, fields and boxes themselves 24 px or more (not only spaced out).
  const small = [];
  for (const el of document.querySelectorAll('button, select, input:not([type=hidden]), a.button, summary')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // visually hidden
    if (r.width < 24 || r.height < 24) small.push(el.outerHTML.slice(0, 120) + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
  }
  // A box's label starts on the box's line (not above it, not under it).
  const apart = [];
  for (const box of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    const b = box.getBoundingClientRect();
    if (b.width <= 1 || !box.labels || !box.labels.length || box.labels[0].contains(box)) continue;
    const l = box.labels[0].getBoundingClientRect();
    if (l.width <= 1) continue;
    if (!(l.top < b.bottom && l.bottom > b.top)) apart.push(box.labels[0].outerHTML.slice(0, 100));
  }
  const search = document.getElementById('site-search-q');
  return {scrollWidth: doc.scrollWidth, width, wide: wide.slice(0, 8), regions, small, apart,
          searchWidth: search ? Math.round(search.getBoundingClientRect().width) : null,
          tableWraps: document.querySelectorAll('.table-wrap[tabindex]').length};
}"""


def _load_world():
    """Reference data and the demonstration dataset; the prioritisation's scoring is replaced by
    the monitoring's projects (as the security crawl does: its full run takes 18 s)."""
    from renouveau.core.demo import demo_loaders, reference_loaders
    from renouveau.plan.services import plan_load

    plan_load()
    for _app, load in reference_loaders():
        load()
    for app, load in demo_loaders():
        if app == "renouveau.portfolio":
            from renouveau.monitoring import demo as monitoring_demo

            monitoring_demo.load()
            continue
        load()
    from renouveau.portfolio.services import grid_ensure_default

    grid_ensure_default()


def _first(model, **filters):
    obj = model.objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"demonstration {model.__name__} {filters}"
    return obj.get_absolute_url()


def _public_pages() -> list[str]:
    from renouveau.aids.models import Aid
    from renouveau.alerts.models import Exercise
    from renouveau.calls.models import Call
    from renouveau.governance.models import Body, ComparisonIndicator, Draw, Meeting, Recommendation
    from renouveau.guides.models import Guide
    from renouveau.ideas.models import Idea
    from renouveau.monitoring.models import Project
    from renouveau.mutualaid.models import HelpOffer, HelpRequest
    from renouveau.plan.models import Workstream
    from renouveau.reserve.models import Mission

    return [
        "/",
        "/plan/",
        _first(Workstream),
        "/plan/deliberations/",
        "/territoires/",
        "/aides/",
        "/aides/?q=commerce",
        _first(Aid, status="published"),
        "/aides/pour-moi/",
        "/bonnes-pratiques/",
        _first(Guide, status="published"),
        "/entraide/",
        "/entraide/offres/",
        _first(HelpOffer, status="open", is_hidden=False),
        "/entraide/demandes/",
        _first(HelpRequest, status="open", is_hidden=False),
        "/entraide/initiatives/",
        "/idees/",
        _first(Idea, is_hidden=False),
        "/appels/",
        _first(Call),
        "/budget-participatif/",
        "/suivi/",
        "/suivi/projets/",
        _first(Project),
        "/suivi/chantiers/" + Workstream.objects.order_by("pk").first().slug + "/",
        "/reserve-citoyenne/",
        "/reserve-citoyenne/missions/",
        _first(Mission),
        "/reserve-citoyenne/vigie/",
        "/reserve-citoyenne/citoyens-exemplaires/",
        "/alertes/",
        "/alertes/archives/",
        "/alertes/memoire-du-risque/",
        "/alertes/exercices/",
        _first(Exercise),
        "/gouvernance/",
        _first(Body),
        "/gouvernance/reunions/",
        _first(Meeting),
        "/gouvernance/tirages/",
        _first(Draw),
        "/gouvernance/recommandations/",
        _first(Recommendation),
        "/gouvernance/lieux/",
        "/gouvernance/partenaires/",
        "/gouvernance/comparaisons/",
        _first(ComparisonIndicator),
        "/recherche/?q=jardin",
        "/compte/login/",
        "/compte/signup/",
        "/accessibilite/",
    ]


RESIDENT_PAGES = [
    "/compte/",
    "/suivis/",
    "/entraide/mon-entraide/",
    "/entraide/offres/nouvelle/",
    "/idees/nouvelle/",
    "/reserve-citoyenne/inscription/",
    "/reserve-citoyenne/vigie/signaler/",
    "/alertes/abonnements/",
    "/appels/mes-projets/",
    "/gouvernance/ma-participation/",
]

AGENT_PAGES = {
    "metropolis_agent": [
        "/compte/",
        "/aides/gestion/",
        "/bonnes-pratiques/gestion/",
        "/idees/a-traiter/",
        "/reserve-citoyenne/reservistes/",
        "/reserve-citoyenne/missions/gestion/",
        "/suivi/projets/nouveau/",
        "/priorisation/",
        "/priorisation/projets/",
    ],
    "crisis_agent": [
        "/alertes/cellule/",
        "/reserve-citoyenne/vigie/traitement/",
        "/moderation/",
    ],
    "moderator": ["/moderation/"],
}


def _sign_in(phone, user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    phone.page.context.clear_cookies()
    phone.goto("/compte/login/", check=False)
    phone.page.fill("input[name=login]", user.email)
    phone.page.fill("input[name=password]", PASSWORD)
    phone.page.click("main form button[type=submit]")
    phone.page.wait_for_load_state()


def _audit(phone, who: str, path: str, problems: list[str], counts: dict) -> None:
    try:
        response = phone.page.goto(phone.url(path))
    except Exception as error:  # noqa: BLE001 - reported with the others
        problems.append(f"[{who}] {path}: {error}")
        return
    status = response.status if response else None
    if status != 200:
        problems.append(f"[{who}] {path}: HTTP {status}")
        return
    name = re.sub(r"[^a-z0-9]+", "-", f"{who}{path}".lower()).strip("-")
    phone.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    facts = phone.page.evaluate(PAGE_FACTS)
    if facts["scrollWidth"] > facts["width"]:
        problems.append(
            f"[{who}] {path}: {facts['scrollWidth']} px wide on a {facts['width']} px screen"
            f" ({', '.join(facts['wide'])})"
        )
    for control in facts["small"]:
        problems.append(f"[{who}] {path}: control under 24 × 24 px: {control}")
    for label in facts["apart"]:
        problems.append(f"[{who}] {path}: a label away from its box: {label}")
    if facts["searchWidth"] is not None and facts["searchWidth"] < 150:
        problems.append(f"[{who}] {path}: the header's search field is {facts['searchWidth']} px")
    counts["table_wraps"] += facts["tableWraps"]
    for region in facts["regions"]:
        problems.append(f"[{who}] {path}: scroll box without a unique name or a shadow: {region}")
    # Tap targets of at least 24 × 24 px, or spaced enough (WCAG 2.2 2.5.8, axe « target-size »).
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(phone.page, options={"runOnly": {"type": "rule", "values": ["target-size"]}})
    for violation in found.response["violations"]:
        for node in violation["nodes"]:
            problems.append(f"[{who}] {path}: tap target under 24 px: {node['html'][:160]}")
    try:
        phone.check()  # axe-core, WCAG 2.1 A/AA, and no CSP error
    except AssertionError as error:
        problems.append(f"[{who}] {path}: {error}")


def test_main_pages_on_a_phone_as_anonymous_resident_and_agents(phone, plan, personas):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _load_world()
    problems: list[str] = []
    counts = {"table_wraps": 0}
    visited = 0
    for path in _public_pages():
        _audit(phone, "anonyme", path, problems, counts)
        visited += 1
    _sign_in(phone, personas["resident"])
    for path in RESIDENT_PAGES:
        _audit(phone, "habitante", path, problems, counts)
        visited += 1
    # An empty « Mes projets déposés » says where to find a call, not only that there is none.
    phone.goto("/appels/mes-projets/", check=False)
    assert phone.page.locator("td.empty a[href='/appels/']").count() == 1
    for who, paths in AGENT_PAGES.items():
        _sign_in(phone, personas[who])
        for path in paths:
            _audit(phone, who, path, problems, counts)
            visited += 1
    assert visited >= 70
    assert counts["table_wraps"] >= 8, "the pages visited do show wide tables"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
