"""Read side of the aids app: the public search, the detail page, the questionnaire, the
back-office lists. Every list selects/prefetches what its template shows, so the number of
queries does not depend on the number of rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, StrIndex
from django.utils import timezone

from renouveau.territories.models import Commune, Territory

from .models import Aid, AidAlert, AidType, Audience, Funder, FunderMembership
from .search import irregular_variants, number_variant, query_tokens, query_words

SEARCH_CONFIG = "french_unaccent"


class Sort:
    RELEVANCE = "pertinence"
    CLOSING = "cloture"
    RECENT = "recent"
    CHOICES = (RELEVANCE, CLOSING, RECENT)


@dataclass
class AidFilters:
    """A validated search (built by ``forms.AidSearchForm`` or from a saved alert)."""

    q: str = ""
    audiences: list[str] = field(default_factory=list)
    aid_types: list[str] = field(default_factory=list)
    workstream: Any = None  # plan.Workstream
    territory: Territory | None = None
    commune: Commune | None = None
    open_now: bool = False
    closes_before: dt.date | None = None
    sort: str = ""

    def is_empty(self) -> bool:
        return not (
            self.q
            or self.audiences
            or self.aid_types
            or self.workstream
            or self.territory
            or self.commune
            or self.open_now
            or self.closes_before
        )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _json_has(field_name: str, code: str) -> Q:
    if is_postgres():
        return Q(**{f"{field_name}__contains": [code]})  # jsonb @>, GIN-indexed
    return Q(**{f"{field_name}__icontains": f'"{code}"'})  # SQLite: the JSON text


def _any_json(field_name: str, codes: list[str]) -> Q:
    condition = Q()
    for code in codes:
        condition |= _json_has(field_name, code)
    return condition


def _places_condition(*, territory: Territory | None, commune: Commune | None) -> Q:
    """Aids available in a commune (or a Territoire): those of the whole metropolis, of its
    Territoire, or naming it (or one of the Territoire's communes)."""
    through_territories = Aid.territories.through
    through_communes = Aid.communes.through
    condition = Q(scope=Aid.Scope.METROPOLIS)
    if commune is not None:
        condition |= Q(
            Exists(through_communes.objects.filter(aid_id=OuterRef("pk"), commune_id=commune.pk))
        ) | Q(
            Exists(
                through_territories.objects.filter(
                    aid_id=OuterRef("pk"), territory_id=commune.territory_id
                )
            )
        )
    elif territory is not None:
        condition |= Q(
            Exists(
                through_territories.objects.filter(aid_id=OuterRef("pk"), territory_id=territory.pk)
            )
        ) | Q(
            Exists(
                through_communes.objects.filter(
                    aid_id=OuterRef("pk"), commune__territory_id=territory.pk
                )
            )
        )
    return condition


def open_on_condition(day: dt.date) -> Q:
    return (Q(opens_on__isnull=True) | Q(opens_on__lte=day)) & (
        Q(closes_on__isnull=True) | Q(closes_on__gte=day)
    )


def _text_search(queryset: QuerySet[Aid], q: str) -> tuple[QuerySet[Aid], list[Q] | None]:
    """Filter on the text; returns the queryset and the relevance groups, best first (a
    match of group ``n`` is in no earlier group), or ``None`` when there is no text.

    PostgreSQL: every word in the title, promise or keywords (the small ``search_head``
    vector), then every word anywhere (``search_vector``). SQLite: one group, ranked by a
    ``rank``/``position`` annotation (a match near the start of the text, the title, first).
    """
    words = query_tokens(q)
    if not words:
        return queryset, None
    if is_postgres():
        query = _corrected_query(q)
        if query is None:
            return queryset.none(), None
        # search_head is a part of search_vector: the groups need no negation, which keeps
        # the planner's estimates right (see AidResults._page_ids).
        return queryset.filter(search_vector=query), [Q(search_head=query), Q(search_vector=query)]
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=" " + word)
    first = " " + words[0]
    queryset = queryset.filter(condition).annotate(
        position=StrIndex("search_text", Value(first)),
        rank=Case(
            When(position__lte=120, then=Value(1.0)),
            default=Value(0.5),
            output_field=FloatField(),
        ),
    )
    return queryset, [condition]


CORRECTIONS_PER_WORD = 3
_CORRECTIONS_SQL = """
SELECT q.word, w.word
FROM (
    SELECT u.word FROM unnest(%s::text[]) AS u(word)
    WHERE NOT EXISTS (SELECT 1 FROM aids_searchword e WHERE e.word = u.word)
    OFFSET 0
) AS q
CROSS JOIN LATERAL (
    SELECT word FROM aids_searchword
    WHERE word %% q.word
    ORDER BY word <-> q.word
    LIMIT %s
) AS w
"""


def _corrected_query(q: str):
    """The ``french_unaccent`` tsquery of ``q``: each word OR-ed with its other grammatical
    number (``search.number_variant``, ``search.irregular_variants``) and, when unknown to the lexicon, with its closest
    lexicon words (trigram distance): one query, whatever ``q``."""
    from django.contrib.postgres.search import SearchQuery

    words = query_words(q)
    if not words:
        return None
    corrections = _corrections(words)
    combined = None
    for word in words:
        alternatives = None
        variant = number_variant(word)
        candidates = [word, *([variant] if variant else []), *irregular_variants(word)]
        for candidate in [*candidates, *corrections.get(word, [])]:
            part = SearchQuery(candidate, config=SEARCH_CONFIG, search_type="plain")
            alternatives = part if alternatives is None else alternatives | part
        combined = alternatives if combined is None else combined & alternatives
    return combined


def _corrections(words: list[str]) -> dict[str, list[str]]:
    corrections: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_CORRECTIONS_SQL, [words, CORRECTIONS_PER_WORD])
        for word, correction in cursor.fetchall():
            corrections.setdefault(word, []).append(correction)
    return corrections


# Columns the result cards never show (large or search-only).
LIST_DEFERRED = (
    "search_vector",
    "search_head",
    "search_text",
    "search_extra",
    "description",
    "eligibility",
    "examples",
)


class AidResults:
    """The ordered results of a search, for a paginator: ``count()`` (stopped at
    ``count_cap + 1`` when given: "plus de 1 000 aides") and slicing.

    Relevance on PostgreSQL is by groups (see ``aid_search_results``). Ordering every match
    by group would read every matching row (6 000 for a common word); a page is instead read
    in one query whose sub-query takes, from each group, only its ``stop`` most recent
    matches (``_page_ids_sql``), then orders these few rows. When the count (asked first by
    the paginator) is below ``plain_below``, ordering every match is cheap and the plain
    queryset is read instead (one query either way). ``queryset`` is the same order as a
    plain queryset (API filters, alerts, tests)."""

    ordered = True
    model = Aid
    plain_below = 200

    def __init__(self, queryset, *, base=None, groups=None, relevance=None, count_cap=None):
        self.queryset = queryset
        self.base = base
        self.groups = groups
        self.relevance = relevance
        self.count_cap = count_cap
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            queryset = self.queryset.order_by()
            if self.count_cap is not None:
                queryset = queryset.values("pk")[: self.count_cap + 1]
            self._count = queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self.queryset)

    def __getitem__(self, key):
        few = self._count is not None and self._count < self.plain_below
        if few or self.groups is None or not isinstance(key, slice) or key.step is not None:
            return self.queryset[key]
        start = max(key.start or 0, 0)
        if key.stop is None or key.stop <= start:
            return self.queryset[key]
        page = (
            Aid.objects.select_related("owner")
            .defer(*LIST_DEFERRED)
            .filter(pk__in=RawSQL(*self._page_ids_sql(start, key.stop)))  # noqa: S611
            .order_by(self.relevance, "-published_at", "-id")
        )
        return list(page)

    def _page_ids_sql(self, start: int, stop: int) -> tuple[str, list]:
        """SQL of the ids of the rows ``start:stop``. Group ``n`` is read as its ``stop``
        most recent matches: enough, since the groups only add rows (an aid of group 0 is
        also in group 1, and keeps its best group). Each part is a plain "newest first"
        query that PostgreSQL runs by walking the recent-aids index (frequent words: it stops
        after ``stop`` rows) or through the GIN index of its vector (rare words)."""
        parts, params = [], []
        for number, condition in enumerate(self.groups):
            branch = (
                self.base.filter(condition)
                .order_by("-published_at", "-id")
                .annotate(relevance_group=Value(number, output_field=IntegerField()))
                .values_list("pk", "published_at", "relevance_group")[:stop]
            )
            sql, branch_params = branch.query.sql_with_params()
            parts.append(f"({sql})")
            params.extend(branch_params)
        # The parts are SQL compiled by Django; every value is a parameter.
        sql = (
            "SELECT id FROM ("  # noqa: S608
            + " UNION ALL ".join(parts)
            + ") AS results (id, published_at, relevance_group) GROUP BY id, published_at "
            "ORDER BY MIN(relevance_group), published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        return sql, [*params, stop - start, start]


def aid_search(
    *, filters: AidFilters, queryset: QuerySet[Aid] | None = None, today: dt.date | None = None
) -> QuerySet[Aid]:
    """Published aids matching ``filters``, ordered as asked, as a queryset (see
    ``aid_search_results``)."""
    return aid_search_results(filters=filters, queryset=queryset, today=today).queryset


def aid_search_results(
    *,
    filters: AidFilters,
    queryset: QuerySet[Aid] | None = None,
    today: dt.date | None = None,
    count_cap: int | None = None,
) -> AidResults:
    """Published aids matching ``filters``, ordered as asked (relevance, closing date,
    novelty). Ready for a list: owner selected, nothing else needed by the cards.

    Relevance (PostgreSQL): first the aids with every word of the query in their title,
    then those with every word in their title, promise or keywords, then the other matches
    (description, eligibility, examples, funders, places, chantiers); the most recent first
    within each group. On SQLite: a match near the start of the indexed text (the title)
    first, then the most recent."""
    today = today or timezone.localdate()
    queryset = Aid.objects.published() if queryset is None else queryset
    if filters.audiences:
        queryset = queryset.filter(_any_json("audiences", filters.audiences))
    if filters.aid_types:
        queryset = queryset.filter(_any_json("aid_types", filters.aid_types))
    if filters.workstream is not None:
        queryset = queryset.filter(
            Exists(
                Aid.workstreams.through.objects.filter(
                    aid_id=OuterRef("pk"), workstream_id=filters.workstream.pk
                )
            )
        )
    if filters.territory is not None or filters.commune is not None:
        queryset = queryset.filter(
            _places_condition(territory=filters.territory, commune=filters.commune)
        )
    if filters.open_now:
        queryset = queryset.filter(open_on_condition(today))
    if filters.closes_before:
        queryset = queryset.filter(closes_on__isnull=False, closes_on__lte=filters.closes_before)
    base = queryset  # without the text: each relevance group adds its own condition
    queryset, groups = _text_search(queryset, filters.q)
    ranked = groups is not None
    sort = filters.sort or (Sort.RELEVANCE if ranked else Sort.RECENT)
    fast_groups = relevance = None
    if sort == Sort.RELEVANCE and ranked:
        if is_postgres():
            fast_groups = groups
            relevance = Case(
                *(When(condition, then=Value(n)) for n, condition in enumerate(groups[:-1])),
                default=Value(len(groups) - 1),
                output_field=IntegerField(),
            )
            queryset = queryset.order_by(relevance, "-published_at", "-id")
        else:
            queryset = queryset.order_by("-rank", "position", "-published_at", "-id")
    elif sort == Sort.CLOSING:
        queryset = queryset.annotate(
            closing_known=Case(
                When(closes_on__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("closing_known", "closes_on", "-published_at", "-id")
    else:
        queryset = queryset.order_by(Coalesce("published_at", "created_at").desc(), "-id")
    queryset = queryset.select_related("owner").defer(*LIST_DEFERRED)
    return AidResults(
        queryset, base=base, groups=fast_groups, relevance=relevance, count_cap=count_cap
    )


def aid_detail_queryset() -> QuerySet[Aid]:
    return Aid.objects.select_related("owner", "deliberation").prefetch_related(
        "funders",
        "instructing_bodies",
        "territories",
        Prefetch("communes", queryset=Commune.objects.order_by("sort_name")),
        "workstreams",
        "imperatives",
        Prefetch("guides", queryset=_published_guides()),
    )


def _published_guides():
    from renouveau.guides.models import Guide

    return Guide.objects.published().order_by("title")


def aid_export_queryset() -> QuerySet[Aid]:
    """Published, real aids with everything an export writes."""
    return (
        aid_detail_queryset()
        .filter(status=Aid.Status.PUBLISHED, is_synthetic=False)
        .order_by("title", "id")
    )


# --- questionnaire -----------------------------------------------------------------------

NEEDS = {
    # need code: (label, aid types that answer it)
    "financer": [
        AidType.GRANT,
        AidType.LOAN,
        AidType.HONOUR_LOAN,
        AidType.RECOVERABLE_ADVANCE,
        AidType.GUARANTEE,
    ],
    "payer_moins": [AidType.FEE_EXEMPTION, AidType.TARIFF_REDUCTION, AidType.REFUND],
    "accompagnement": [AidType.TECHNICAL_SUPPORT, AidType.IN_KIND],
}


@dataclass
class Match:
    aid: Aid
    reasons: list[str]
    score: int


def aid_matches_for(
    *,
    audiences: list[str],
    commune: Commune | None,
    need: str | None,
    primary: str | None = None,
    today: dt.date | None = None,
    limit: int = 50,
) -> list[Match]:
    """Published aids open today for this profile, with the reasons each one matches; aids
    for the ``primary`` audience (what the person said they are) come first."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    queryset = Aid.objects.published().filter(open_on_condition(today))
    if audiences:
        queryset = queryset.filter(_any_json("audiences", audiences))
    if commune is not None:
        queryset = queryset.filter(_places_condition(territory=None, commune=commune))
    wanted_types = [str(t) for t in NEEDS.get(need or "", [])]
    if wanted_types:
        queryset = queryset.filter(_any_json("aid_types", wanted_types))
    queryset = (
        queryset.select_related("owner")
        .prefetch_related("territories", "communes")
        .order_by(Coalesce("published_at", "created_at").desc(), "-id")[:limit]
    )
    audience_labels = dict(Audience.choices)
    type_labels = dict(AidType.choices)
    matches = []
    for aid in queryset:
        reasons = []
        score = 0
        common = [a for a in aid.audiences if a in audiences]
        if common:
            reasons.append(
                _("Elle s'adresse à votre profil : %(labels)s.")
                % {"labels": ", ".join(str(audience_labels[a]) for a in common)}
            )
            score += 3 if primary in common else 1
        if commune is not None:
            if aid.scope == Aid.Scope.METROPOLIS:
                reasons.append(
                    _("Elle couvre toute la Métropole, dont %(commune)s.")
                    % {"commune": commune.name}
                )
            elif any(c.pk == commune.pk for c in aid.communes.all()):
                reasons.append(_("Elle est proposée à %(commune)s.") % {"commune": commune.name})
                score += 1
            else:
                reasons.append(
                    _("Elle couvre votre Territoire, dont %(commune)s fait partie.")
                    % {"commune": commune.name}
                )
                score += 1
        matching_types = [t for t in aid.aid_types if t in wanted_types]
        if matching_types:
            reasons.append(
                _("Elle répond à votre besoin : %(labels)s.")
                % {"labels": ", ".join(str(type_labels[t]) for t in matching_types).lower()}
            )
            score += 1
        if aid.closes_on:
            reasons.append(
                _("Candidatures ouvertes jusqu'au %(date)s.")
                % {"date": aid.closes_on.strftime("%d/%m/%Y")}
            )
        matches.append(Match(aid=aid, reasons=reasons, score=score))
    matches.sort(key=lambda m: -m.score)
    return matches


# --- back office -------------------------------------------------------------------------


def funders_of(user) -> QuerySet[Funder]:
    """The funders whose aids ``user`` manages (all of them for administrators)."""
    from renouveau.core.rules import is_administrator

    if is_administrator(user):
        return Funder.objects.order_by("name")
    return Funder.objects.filter(memberships__user=user).order_by("name").distinct()


def reviewer_funder_ids(user) -> set[int]:
    return set(
        FunderMembership.objects.filter(user=user, role=FunderMembership.Role.REVIEWER).values_list(
            "funder_id", flat=True
        )
    )


def backoffice_aid_list(*, user, status: str | None = None, q: str = "") -> QuerySet[Aid]:
    from renouveau.core.rules import is_administrator

    queryset = (
        Aid.objects.real()
        .select_related("owner")
        .defer("search_vector", "search_head", "description", "eligibility", "examples")
    )
    if not is_administrator(user):
        queryset = queryset.filter(owner__memberships__user=user)
    if status:
        queryset = queryset.filter(status=status)
    if q:
        for word in query_tokens(q):
            queryset = queryset.filter(search_text__contains=" " + word)
    return queryset.order_by("-updated_at", "-id")


TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def alert_by_token(token: str) -> AidAlert | None:
    """``None`` for anything that cannot be a token (``secrets.token_urlsafe``): a NUL byte
    or other junk never reaches the database, which refuses NUL (a 500 before)."""
    if not token or not TOKEN_RE.fullmatch(token):
        return None
    return AidAlert.objects.filter(token=token).first()


def alerts_due(*, frequency: str, now: dt.datetime | None = None) -> QuerySet[AidAlert]:
    """Confirmed, subscribed alerts of a frequency whose last digest is old enough."""
    now = now or timezone.now()
    gap = (
        dt.timedelta(hours=23)
        if frequency == AidAlert.Frequency.DAILY
        else dt.timedelta(days=6, hours=23)
    )
    return AidAlert.objects.filter(
        frequency=frequency, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - gap))
