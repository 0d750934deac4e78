"""The English translation is complete: every catalogue entry translated, none fuzzy, the
compiled .mo matches its .po, and every literal message of the Python code is in its app's
catalogue or another (Python gettext calls, and templates as ``makemessages`` reads them:
``{% translate %}`` tags and ``{% blocktranslate %}`` blocks, with their plural and context)."""

import ast
import gettext
import re
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


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext",
                 "ngettext_lazy", "npgettext", "npgettext_lazy"}  # fmt: skip


def _python_msgids(app: Path) -> set[str]:
    """The literal messages passed to gettext functions in an app's Python code (tests and
    migrations aside): what ``makemessages`` extracts from .py files."""
    found = set()
    for path in app.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(app).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_NAMES:
                continue
            strings = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if name.startswith("p") or name.startswith("np"):
                strings = strings[1:]  # the first literal is the context
            found.update(strings[:1])  # the singular: the catalogue's key (plural aside)
    return found


_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
# What Django's ``templatize`` (the template reader of ``makemessages``) writes for each message.
TEMPLATIZED_CALL = re.compile(rf"\b(n?p?gettext)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)")


def _template_msgids(app: Path) -> set[str]:
    """The messages of the app's templates, read as ``makemessages`` reads them (Django's
    ``templatize``): ``{% translate %}`` literals and ``{% blocktranslate %}`` blocks (their
    variables as ``%(name)s``, ``trimmed`` applied, the singular of a plural, context aside)."""
    from django.utils.translation.template import templatize

    found = set()
    for path in app.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        if "trans" not in source:
            continue
        for match in TEMPLATIZED_CALL.finditer(templatize(source, origin=str(path))):
            strings = [ast.literal_eval(s) for s in re.findall(_LITERAL, match.group(2))]
            if match.group(1).startswith(("p", "np")):
                strings = strings[1:]  # the first literal is the context
            found.add(strings[0])
    return found


def test_template_reader_sees_blocktranslate(tmp_path):
    """The reader above finds what makemessages would: a trimmed block with a variable, a
    plural's singular, a context's message, a plain tag."""
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "templates" / "x.html").write_text(
        "{% load i18n %}{% translate 'Simple' %}"
        "{% blocktranslate trimmed with name=user.name %}\n  Bonjour\n  {{ name }} !\n"
        "{% endblocktranslate %}"
        "{% blocktranslate count n=items|length %}un objet{% plural %}{{ n }} objets"
        "{% endblocktranslate %}"
        '{% translate "Ouvrir" context "verbe" %}',
        encoding="utf-8",
    )
    assert _template_msgids(app) == {"Simple", "Bonjour %(name)s !", "un objet", "Ouvrir"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_of_the_code_is_translated(po):
    """Django merges every app's catalogue at run time: a message counts as translated when
    some catalogue holds it."""
    app = po.parents[3]
    known = {msgid for catalogue in CATALOGUES for msgid, _, _ in _entries(catalogue)}
    missing = sorted((_python_msgids(app) | _template_msgids(app)) - known)
    assert not missing, f"{app.name}: not extracted (run `make messages`): {missing[:5]}"
