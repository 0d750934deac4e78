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

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, connections
from django.db.backends.ddl_references import Statement
from django.db.backends.signals import connection_created
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    Lookup,
    OrderBy,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
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
#
# The folding is the SQL function ``renouveau_fold(text)`` on both databases: on PostgreSQL an
# IMMUTABLE SQL function, ``lower(unaccent('<schema>.unaccent'::regdictionary, $1))``, created by
# ``core/migrations/0003_search_fold.py`` (``unaccent`` itself is only STABLE, so it cannot appear
# in an index); on SQLite :func:`fold`, registered on each connection. The fields of a row are
# folded together, joined by a space: a query word is letters and digits only
# (:func:`query_words`), so it matches the joined text exactly when it matches one of the fields,
# and the large tables have a trigram GIN index on that very expression
# (:class:`TrigramSearchIndex`), which PostgreSQL uses for ``LIKE '%word%'`` (words of 3
# characters or more; shorter ones are read in full, as before).


def _sqlite_fold(value):
    return None if value is None else fold(str(value))


def _register_sqlite_fold(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function("renouveau_fold", 1, _sqlite_fold, deterministic=True)


connection_created.connect(_register_sqlite_fold, dispatch_uid="core_search_sqlite_fold")


class Fold(Func):
    """Lower-case, accent-free text in the database, as :func:`fold` does in Python:
    ``renouveau_fold(x)`` (see above)."""

    function = "renouveau_fold"
    output_field = CharField()


class FoldedText(Func):
    """The folded text of several fields of the same row, joined by a space:
    ``renouveau_fold(title || ' ' || description)``; a nullable field counts as empty
    (``COALESCE``). The SQL is the same in a query and in :class:`TrigramSearchIndex`, so that
    PostgreSQL recognises the indexed expression."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            field = getattr(expression, "target", None)
            if field is None or field.null:
                sql = f"COALESCE({sql}, '')"
            parts.append(sql)
            params.extend(expression_params)
        joined = " || ' ' || ".join(parts)
        return f"renouveau_fold({joined})", params


class TrigramSearchIndex(GinIndex):
    """A trigram GIN index on :class:`FoldedText` of ``fields`` (in this order, the order
    :func:`text_filter` then uses), for the ``LIKE '%word%'`` of the search. PostgreSQL only:
    on another database it is not created (a SQL comment stands for it), so that SQLite, which
    would not understand the operator class, migrates and rebuilds its tables as before."""

    def __init__(self, *fields: str, name: str):
        self.searched_fields = tuple(fields)
        super().__init__(OpClass(FoldedText(*fields), name="gin_trgm_ops"), name=name)

    def deconstruct(self):
        path = f"{self.__class__.__module__}.{self.__class__.__name__}"
        return path, self.searched_fields, {"name": self.name}

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("-- %(name)s: PostgreSQL only", name=self.name)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("-- %(name)s: PostgreSQL only", name=self.name)
        return super().remove_sql(model, schema_editor, **kwargs)


class _InSubquery(Lookup):
    """``lhs`` among the values of a one-column subquery. PostgreSQL:
    ``lhs = ANY(ARRAY(SELECT ...))`` — the array is computed once, and the condition can be
    an index scan of ``lhs``, inside an ``OR`` with the trigram index (``IN (SELECT ...)``
    inside an ``OR`` cannot); elsewhere ``lhs IN (SELECT ...)``."""

    lookup_name = "renouveau_in_subquery"  # never registered: used as an expression
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


def _field_order(model, names: list[str]) -> list[str]:
    """``names`` in the order of the model's :class:`TrigramSearchIndex` on the same fields,
    if it has one (the expression must be the indexed one to the letter)."""
    for index in model._meta.indexes:
        if isinstance(index, TrigramSearchIndex) and set(index.searched_fields) == set(names):
            return list(index.searched_fields)
    return names


def _related_condition(model, name: str, word: str) -> Q:
    """``word`` in the field of a related row (``commune__name``): through the foreign key's
    value when the relation is a foreign key of ``model`` (see :class:`_InSubquery`), through
    a join otherwise."""
    relation, _, field_name = name.partition("__")
    try:
        field = model._meta.get_field(relation)
    except FieldDoesNotExist:
        field = None
    if field is None or not field.many_to_one or "__" in field_name:
        return Q(Contains(Fold(F(name)), word))
    related = (
        field.related_model._default_manager.filter(Contains(FoldedText(field_name), word))
        .order_by()
        .values(field.target_field.name)
    )
    return Q(_InSubquery(F(relation), Subquery(related)))


def text_filter(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """Rows where every word of ``query`` is in at least one of ``fields`` (accent- and
    case-insensitive, singular/plural alike); no row when the query has no word. The row's own
    fields are matched together (:class:`FoldedText`), a related row's field (``commune__name``)
    through its key."""
    words = query_words(query)
    if not words:
        return queryset.none()
    if connection.vendor == "sqlite":
        connection.ensure_connection()  # the function is registered on each new connection
        _register_sqlite_fold(connection=connection)
    model = queryset.model
    own = _field_order(model, [name for name in fields if "__" not in name])
    related = [name for name in fields if "__" in name]
    condition = Q()
    for word in words:
        any_field = Q(Contains(FoldedText(*own), word)) if own else Q()
        for name in related:
            any_field |= _related_condition(model, name, word)
        condition &= any_field
    return queryset.filter(condition)


def _sorted_after_filtering(queryset: QuerySet) -> QuerySet:
    """On PostgreSQL, the queryset with its first sort key wrapped in a no-op
    (``COALESCE(created_at, created_at) DESC``), so that no index can give that order.

    PostgreSQL before 16 costs ``LIMIT 5`` above ``COUNT(*) OVER ()`` as if the scan could stop
    after 5 matching rows, although the count reads them all: it then walks the whole table in
    the index's order (``created_at``), folding every row, instead of finding the matching rows
    through the trigram index and sorting them. Same rows, same order."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset
    query = queryset.query
    ordering = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    if not ordering or query.extra_order_by:
        return queryset
    first = ordering[0]
    if isinstance(first, str):
        name = first.lstrip("-")
        if name != "pk":
            try:
                field = queryset.model._meta.get_field(name)
            except FieldDoesNotExist:
                return queryset  # an annotation, a relation's field...
            if field.is_relation or not field.concrete:
                return queryset  # ordered by the related model's ordering
        expression = F(name)
        first = OrderBy(Coalesce(expression, expression), descending=first.startswith("-"))
    elif isinstance(first, OrderBy) and isinstance(first.expression, F):
        first = first.copy()
        first.expression = Coalesce(first.expression, first.expression)
    else:
        return queryset
    return queryset.order_by(first, *ordering[1:])


def first_results(queryset: QuerySet, limit: int = RESULTS_PER_GROUP) -> tuple[list, int]:
    """The first ``limit`` rows (in the queryset's order) and the total number of rows, in one
    query (a window count computed before the limit)."""
    queryset = _sorted_after_filtering(queryset)
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
