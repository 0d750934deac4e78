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
