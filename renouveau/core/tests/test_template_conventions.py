"""Conventions of the templates that a browser test at one width cannot catch everywhere."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_scrolling_table_wrapper_takes_the_keyboard_focus():
    """``.table-wrap`` scrolls wide tables on phones: without ``tabindex="0"`` keyboard users
    cannot scroll it (axe: scrollable-region-focusable)."""
    wrapper = re.compile(r"<div[^>]*class=\"[^\"]*\btable-wrap\b[^\"]*\"[^>]*>")
    missing = []
    for path in ROOT.glob("renouveau/*/templates/**/*.html"):
        for tag in wrapper.findall(path.read_text(encoding="utf-8")):
            if 'tabindex="0"' not in tag:
                missing.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not missing, "\n".join(missing)
    assert list(ROOT.glob("renouveau/*/templates/**/*.html")), "templates found"


def test_every_email_template_is_plain_text_without_html_escaping():
    """E-mails are plain text: with Django's autoescaping on, « L'Abri » arrived as
    « L&#x27;Abri » in the subject and body (the calls' and aids' e-mails did)."""
    templates = list(ROOT.glob("renouveau/*/templates/**/emails/*.txt"))
    assert templates, "e-mail templates found"
    missing = [
        str(path.relative_to(ROOT))
        for path in templates
        if "{% autoescape off %}" not in path.read_text(encoding="utf-8")
    ]
    assert not missing, "\n".join(missing)


def test_an_apostrophe_reaches_an_email_unescaped():
    from django.template.loader import render_to_string

    text = render_to_string(
        "calls/emails/invitation_subject.txt", {"title": "Jardin de l'école <Saint-Just>"}
    )
    assert "Jardin de l'école <Saint-Just>" in text
