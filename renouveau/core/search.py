"""The global search (``/recherche/?q=...``): each app may provide a ``<app>.sitesearch``
module with a ``search_section(query, user)`` function returning a :class:`SearchSection` (or
``None`` when it has nothing public to search). Core discovers the modules as it discovers
URLs and home sections, so apps plug in without editing core. One provider's failure hides
its section only (logged).

The modules are called ``sitesearch`` and not ``search``: ``renouveau.aids.search`` already
holds the aids' own text normalisation.

Helpers for providers: :func:`text_filter` (every word of the query, accent- and
case-insensitive, in at least one of the given fields, on PostgreSQL and SQLite) and
:func:`first_results` (the first rows and the total count in one query)."""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import CharField, Count, F, Func, Q, QuerySet, Window
from django.db.models.lookups import Contains
from django.utils.translation import gettext as _

from .discovery import call_each

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
RESULTS_PER_GROUP = 5

# Short French words that say nothing about what is searched ("aide au logement").
STOPWORDS = frozenset(
    """a au aux avec ce ces d dans de des du elle en et eux il je l la le les leur lui ma
    mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses
    son sur ta te tes toi ton tu un une vos votre vous y c j m t est sont""".split()
)
_WORD = re.compile(r"[a-z0-9]+")


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    context: str = ""  # one line: where, what kind, status...
    when: datetime.datetime | datetime.date | None = None
    when_label: str = ""  # "Le", "Jusqu'au"...: what the date means
    badge: str = ""
    is_demo: bool = False  # shows the "Démonstration" badge


@dataclass(frozen=True)
class Group:
    """One kind of content of a module (offers, requests...), with its total count."""

    heading: str
    count: int
    results: list[Result] = field(default_factory=list)
    more_url: str = ""  # the module's list filtered by the query, or its plain list
    more_label: str = ""  # the link's text when the list is not filtered ("Toutes les ...")
    more_filtered: bool = False  # True: ``more_url`` lists the same results (``?q=``)


@dataclass(frozen=True)
class SearchSection:
    order: int
    heading: str  # the module
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def slug(self) -> str:
        return f"resultats-{self.order}"


# --- the query -----------------------------------------------------------------------------


def clean_query(raw: str) -> str:
    """The query, whitespace collapsed; ``ValidationError`` (French message) when it is too
    long or holds control characters (NUL included)."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("Votre recherche est trop longue : %(limit)d caractères au plus.")
            % {"limit": MAX_QUERY_LENGTH},
            code="too_long",
        )
    if any(unicodedata.category(char) == "Cc" for char in raw):
        raise ValidationError(
            _("Votre recherche contient des caractères invisibles non autorisés."),
            code="control",
        )
    return " ".join(raw.split())


def fold(text: str) -> str:
    """Lower-case, accent-free (``"Œuvre Énergie"`` → ``"oeuvre energie"``)."""
    text = (text or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _trim(word: str) -> str:
    """Cut the plural mark (and ``-aux``/``-ail``) so that a substring match finds singular and
    plural alike: ``jardins`` → ``jardin``, ``sociaux`` → ``soci`` (social), ``travail`` →
    ``trav`` (travaux)."""
    if len(word) > 4 and (word.endswith("aux") or word.endswith("ail")):
        return word[:-3]
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def query_words(query: str) -> list[str]:
    """The distinct words searched: folded, without stopwords nor single letters, plural
    trimmed, at most ``MAX_WORDS``."""
    words: list[str] = []
    for word in _WORD.findall(fold(query)):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        word = _trim(word)
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


# --- matching ------------------------------------------------------------------------------


def _sqlite_fold(value):
    return None if value is None else fold(str(value))


def _register_sqlite_fold(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function("renouveau_fold", 1, _sqlite_fold, deterministic=True)


connection_created.connect(_register_sqlite_fold, dispatch_uid="core_search_sqlite_fold")


class Fold(Func):
    """Lower-case, accent-free text in the database, as :func:`fold` does in Python.

    PostgreSQL: ``lower(unaccent('unaccent'::regdictionary, x))`` (the extension is created by
    the aids' migrations); the two-argument form skips the dictionary lookup of each call and
    measured twice as fast as ``unaccent(x)`` on 10 000 descriptions (``TRANSLATE`` of the
    accented letters was far slower: it scans its whole list for every character). SQLite:
    :func:`fold` itself, registered on each connection."""

    template = "LOWER(UNACCENT('unaccent'::regdictionary, %(expressions)s))"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="renouveau_fold(%(expressions)s)", **extra_context
        )


def text_filter(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """Rows where every word of ``query`` is in at least one of ``fields`` (accent- and
    case-insensitive, singular/plural alike); no row when the query has no word."""
    words = query_words(query)
    if not words:
        return queryset.none()
    if connection.vendor == "sqlite":
        connection.ensure_connection()  # the function is registered on each new connection
        _register_sqlite_fold(connection=connection)
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(Contains(Fold(F(name)), word))
        condition &= any_field
    return queryset.filter(condition)


def first_results(queryset: QuerySet, limit: int = RESULTS_PER_GROUP) -> tuple[list, int]:
    """The first ``limit`` rows (in the queryset's order) and the total number of rows, in one
    query (a window count computed before the limit)."""
    rows = list(queryset.annotate(search_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].search_total if rows else 0)


def one_line(text: str, length: int = 160) -> str:
    """A line of context: whitespace collapsed, Markdown marks dropped, cut on a word."""
    text = " ".join((text or "").replace("#", " ").replace("*", "").replace("_", " ").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


# --- discovery -----------------------------------------------------------------------------


def search_sections(query: str, user) -> list[SearchSection]:
    """Every app's section with at least one result, in the sections' order. One app's
    failure hides its section (logged), never the page."""
    sections = []
    for section in call_each("sitesearch", "search_section", query, user):
        groups = [group for group in section.groups if group.count]
        if groups:
            sections.append(
                SearchSection(order=section.order, heading=section.heading, groups=groups)
            )
    return sorted(sections, key=lambda section: section.order)
