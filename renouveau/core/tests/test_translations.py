"""The English translation is complete: every catalogue entry translated, none fuzzy, and the
compiled .mo matches its .po."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(ROOT.glob("renouveau/*/locale/en/LC_MESSAGES/django.po"))


def _entries(po: Path):
    """Yield (msgid, [msgstr...], fuzzy) from a .po file (enough of the format for our files)."""
    entry: dict = {}
    key = None
    fuzzy = False

    def flush():
        if "msgid" in entry and entry["msgid"]:
            strs = [v for k, v in sorted(entry.items()) if k.startswith("msgstr")]
            yield entry["msgid"], strs, fuzzy

    for raw in po.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            yield from flush()
            entry, key, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)


def test_there_are_catalogues():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "accounts", "plan", "territories"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_compiled(po):
    entries = list(_entries(po))
    untranslated = [msgid for msgid, strs, _ in entries if not all(strs)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"{po}: untranslated {untranslated[:5]}"
    assert not fuzzy, f"{po}: fuzzy {fuzzy[:5]}"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run msgfmt"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {k if isinstance(k, str) else k[0] for k in catalog if k}
    assert {msgid for msgid, _, _ in entries} <= compiled, f"{mo} is older than {po}: recompile"
