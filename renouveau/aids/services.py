"""Write side of the aids app. Every function is one transaction that writes the audit log;
the status workflow (draft → in review → published → archived) lives here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core import unsubscribe
from renouveau.core.emails import email_enqueue
from renouveau.core.services import changed_fields, log_action
from renouveau.core.slugs import free_slug, insert_with_free_slug

from .models import (
    LANGUAGES,
    Aid,
    AidAlert,
    AidAlertDelivery,
    AidType,
    Audience,
    Funder,
    SearchWord,
    alert_fingerprint,
)
from .search import index_text, lexicon_words

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_FILE = DATA_DIR / "amp2r_aids.json"

M2M_FIELDS = ("funders", "instructing_bodies", "territories", "communes", "workstreams",
              "imperatives", "guides")  # fmt: skip
SEARCH_WEIGHTS = (
    (("title",), "A"),
    (("promise", "keywords"), "B"),
    (("description", "eligibility", "examples"), "C"),
    (("search_extra",), "D"),
)
# The small "head" vector (title, promise, keywords): relevance groups (see selectors).
SEARCH_HEAD_WEIGHTS = (
    (("title",), "A"),
    (("promise", "keywords"), "B"),
)


# --- search index ------------------------------------------------------------------------


def _extra_text(aid: Aid) -> str:
    """Labels of the aid's vocabularies and related rows, indexed with the lowest weight."""
    parts = [*aid.audience_labels, *aid.aid_type_labels, aid.amount_text]
    parts += [f.name for f in aid.funders.all()] + [f.name for f in aid.instructing_bodies.all()]
    parts += [aid.owner.name] if aid.owner_id else []
    parts += [t.name for t in aid.territories.all()] + [c.name for c in aid.communes.all()]
    parts += [w.title for w in aid.workstreams.all()] + [i.title for i in aid.imperatives.all()]
    return " ".join(str(p) for p in parts if p)


def search_texts(aid: Aid, extra: str) -> str:
    return index_text(
        aid.title, aid.promise, aid.keywords, aid.description, aid.eligibility, aid.examples, extra
    )


def search_vector_expression(weights=SEARCH_WEIGHTS):
    """The weighted ``tsvector`` of an aid (PostgreSQL), computed in the database."""
    from django.contrib.postgres.search import SearchVector

    from .selectors import SEARCH_CONFIG

    vector = None
    for fields, weight in weights:
        part = SearchVector(*fields, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def search_vectors_update() -> dict:
    """``update()`` arguments that recompute both vectors of the aids (PostgreSQL)."""
    return {
        "search_vector": search_vector_expression(),
        "search_head": search_vector_expression(SEARCH_HEAD_WEIGHTS),
    }


def aids_reindex(*, queryset: QuerySet[Aid] | None = None) -> int:
    """Recompute ``search_text``/``search_extra`` and, on PostgreSQL, the weighted vector."""
    from .selectors import is_postgres

    queryset = queryset if queryset is not None else Aid.objects.all()
    aids = list(
        queryset.select_related("owner").prefetch_related(
            "funders",
            "instructing_bodies",
            "territories",
            "communes",
            "workstreams",
            "imperatives",
        )  # fmt: skip
    )
    for aid in aids:
        aid.search_extra = _extra_text(aid)
        aid.search_text = search_texts(aid, aid.search_extra)
    Aid.objects.bulk_update(aids, ["search_text", "search_extra"], batch_size=500)
    if is_postgres() and aids:
        lexicon: set[str] = set()
        for aid in aids:
            lexicon |= lexicon_words(aid.title, aid.promise, aid.keywords, aid.description,
                                     aid.eligibility, aid.examples, aid.search_extra)  # fmt: skip
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in sorted(lexicon)], ignore_conflicts=True, batch_size=1000
        )

        Aid.objects.filter(pk__in=[a.pk for a in aids]).update(**search_vectors_update())
    return len(aids)


# --- aids: create, edit, workflow ---------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    return free_slug(Aid, title, fallback="aide", max_length=120, exclude_pk=exclude_pk)


def _apply(aid: Aid, data: dict[str, Any]) -> dict[str, Any]:
    m2m = {name: data[name] for name in M2M_FIELDS if name in data}
    for name, value in data.items():
        if name not in M2M_FIELDS:
            setattr(aid, name, value)
    return m2m


def _save(aid: Aid, m2m: dict[str, Any]) -> None:
    aid.full_clean(exclude=["slug", "search_text", "search_extra", "search_vector", "search_head"])
    aid.save()
    for name, values in m2m.items():
        getattr(aid, name).set(values)
    if aid.owner_id and not m2m.get("funders") and not aid.funders.exists():
        aid.funders.add(aid.owner_id)
    aids_reindex(queryset=Aid.objects.filter(pk=aid.pk))


@transaction.atomic
def aid_create(*, actor, data: dict[str, Any]) -> Aid:
    aid = Aid(status=Aid.Status.DRAFT)
    m2m = _apply(aid, data)
    aid.slug = _unique_slug(aid.title)
    # Two agents creating the same aid at once: the second takes the next address.
    insert_with_free_slug(
        aid, next_slug=lambda: _unique_slug(aid.title), save=lambda: _save(aid, m2m)
    )
    log_action(actor=actor, action="aids.aid_created", obj=aid, data={"status": aid.status})
    return aid


@transaction.atomic
def aid_update(*, actor, aid: Aid, data: dict[str, Any]) -> Aid:
    if aid.status == Aid.Status.ARCHIVED:
        raise ValidationError(_("Une aide archivée ne se modifie plus : dupliquez-la."))
    before = Aid.objects.get(pk=aid.pk)
    diff = changed_fields(before, {k: v for k, v in data.items() if k not in M2M_FIELDS})
    m2m = _apply(aid, data)
    _save(aid, m2m)
    log_action(
        actor=actor,
        action="aids.aid_changed",
        obj=aid,
        data={"fields": sorted([*diff, *m2m]), "changes": diff},
    )
    return aid


def _transition(aid: Aid, *, allowed_from: tuple[str, ...], to: str) -> str:
    locked = Aid.objects.select_for_update().get(pk=aid.pk)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("Cette action n'est pas possible pour une aide « %(status)s ».")
            % {"status": locked.get_status_display()}
        )
    previous = locked.status
    aid.status = to
    return previous


@transaction.atomic
def aid_submit(*, actor, aid: Aid) -> Aid:
    previous = _transition(aid, allowed_from=(Aid.Status.DRAFT,), to=Aid.Status.IN_REVIEW)
    aid.submitted_at = timezone.now()
    aid.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(actor=actor, action="aids.aid_submitted", obj=aid, data={"from": previous})
    return aid


@transaction.atomic
def aid_return_to_draft(*, actor, aid: Aid, comment: str = "") -> Aid:
    previous = _transition(
        aid, allowed_from=(Aid.Status.IN_REVIEW, Aid.Status.PUBLISHED), to=Aid.Status.DRAFT
    )
    aid.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="aids.aid_returned",
        obj=aid,
        data={"from": previous, "comment": comment[:1000]},
    )
    return aid


@transaction.atomic
def aid_publish(*, actor, aid: Aid) -> Aid:
    previous = _transition(aid, allowed_from=(Aid.Status.IN_REVIEW,), to=Aid.Status.PUBLISHED)
    aid.published_at = aid.published_at or timezone.now()
    aid.archived_at = None
    aid.save(update_fields=["status", "published_at", "archived_at", "updated_at"])
    log_action(actor=actor, action="aids.aid_published", obj=aid, data={"from": previous})
    return aid


@transaction.atomic
def aid_archive(*, actor, aid: Aid) -> Aid:
    previous = _transition(
        aid,
        allowed_from=(Aid.Status.DRAFT, Aid.Status.IN_REVIEW, Aid.Status.PUBLISHED),
        to=Aid.Status.ARCHIVED,
    )
    aid.archived_at = timezone.now()
    aid.save(update_fields=["status", "archived_at", "updated_at"])
    log_action(actor=actor, action="aids.aid_archived", obj=aid, data={"from": previous})
    return aid


@transaction.atomic
def aid_duplicate(*, actor, aid: Aid) -> Aid:
    source = Aid.objects.prefetch_related(*M2M_FIELDS).get(pk=aid.pk)
    m2m = {name: list(getattr(source, name).all()) for name in M2M_FIELDS}
    copy = Aid.objects.get(pk=aid.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.external_id = None
    copy.title = (_("Copie de %(title)s") % {"title": source.title})[:200]
    copy.slug = _unique_slug(copy.title)
    copy.status = Aid.Status.DRAFT
    copy.submitted_at = copy.published_at = copy.archived_at = None
    copy.is_demo = False
    copy.search_vector = copy.search_head = None
    insert_with_free_slug(copy, next_slug=lambda: _unique_slug(copy.title))
    for name, values in m2m.items():
        getattr(copy, name).set(values)
    aids_reindex(queryset=Aid.objects.filter(pk=copy.pk))
    log_action(actor=actor, action="aids.aid_duplicated", obj=copy, data={"source": source.pk})
    return copy


# --- seed data ---------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def aids_load(*, path: Path | None = None, actor=None) -> tuple[int, int]:
    """Load the real aid measures from the versioned JSON file (idempotent on
    ``external_id``): returns ``(funders, aids)`` counts. Needs the plan and territories."""
    from renouveau.plan.models import Deliberation, Imperative, Workstream
    from renouveau.territories.models import Commune, Territory

    path = Path(path or SEED_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    funders: dict[str, Funder] = {}
    for item in data["funders"]:
        commune = (
            Commune.objects.filter(insee=item.get("commune")).first()
            if item.get("commune")
            else None
        )
        funders[item["slug"]], _created = Funder.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "siren": item.get("siren") or "",
                "website": item.get("website") or "",
                "commune": commune,
            },
        )
    valid_audiences = set(Audience.values)
    valid_types = set(AidType.values)
    count = 0
    for item in data["aids"]:
        unknown = (set(item.get("audiences", [])) - valid_audiences) | (
            set(item.get("aid_types", [])) - valid_types
        )
        if unknown:
            raise ValueError(f"{item['external_id']}: unknown codes {sorted(unknown)}")
        deliberation = None
        ref = item.get("deliberation")
        if ref:
            deliberation = Deliberation.objects.filter(
                body=ref["body"], number=ref["number"]
            ).first()
        aid = Aid.objects.filter(external_id=item["external_id"]).first()
        is_new = aid is None
        if is_new:
            # The file's slug when free, else the next free one (an agent's aid may hold it).
            wanted = item.get("slug") or item["title"]
            aid = Aid(
                external_id=item["external_id"],
                slug=_unique_slug(wanted),
                status=Aid.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        aid.title = item["title"]
        aid.promise = item["promise"]
        for name in ("description", "eligibility", "examples", "keywords", "amount_text",
                     "contact", "application_url", "source_note"):  # fmt: skip
            setattr(aid, name, item.get(name) or "")
        aid.audiences = item.get("audiences", [])
        aid.aid_types = item.get("aid_types", [])
        aid.scope = item.get("scope", Aid.Scope.METROPOLIS)
        aid.recurrence = item.get("recurrence", Aid.Recurrence.ONE_OFF)
        aid.opens_on = _date(item.get("opens_on"))
        aid.closes_on = _date(item.get("closes_on"))
        aid.owner = funders[item["owner"]]
        aid.deliberation = deliberation
        aid.deliberation_reference = item.get("deliberation_reference") or (
            deliberation.full_reference or deliberation.number if deliberation else ""
        )
        aid.full_clean(
            exclude=["slug", "search_text", "search_extra", "search_vector", "search_head"]
        )
        if is_new:
            # Another transaction may take the slug between the check and the insert.
            insert_with_free_slug(aid, next_slug=lambda wanted=wanted: _unique_slug(wanted))
        else:
            aid.save()
        aid.funders.set([funders[s] for s in item.get("funders", [item["owner"]])])
        aid.instructing_bodies.set([funders[s] for s in item.get("instructing_bodies", [])])
        aid.territories.set(Territory.objects.filter(code__in=item.get("territories", [])))
        aid.communes.set(Commune.objects.filter(insee__in=item.get("communes", [])))
        aid.workstreams.set(Workstream.objects.filter(slug__in=item.get("workstreams", [])))
        aid.imperatives.set(Imperative.objects.filter(code__in=item.get("imperatives", [])))
        count += 1
        if is_new:
            log_action(actor=actor, action="aids.aid_loaded", obj=aid, data={"file": path.name})
    aids_reindex(
        queryset=Aid.objects.filter(external_id__in=[i["external_id"] for i in data["aids"]])
    )
    return len(funders), count


# --- alerts ------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path


def alert_language(code: str | None) -> str:
    """A page's language as an alert's: one of ``settings.LANGUAGES``, the site's otherwise."""
    from django.conf import settings

    known = {value for value, _label in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def _alert_urls(alert: AidAlert) -> dict[str, str]:
    return {
        "confirm_url": _absolute(reverse("aids:alert_confirm", args=[alert.token])),
        "unsubscribe_url": _absolute(reverse("aids:alert_unsubscribe", args=[alert.token])),
    }


def alert_email_language(alert: AidAlert) -> str | None:
    """The language of an alert's e-mails: ``None`` when the address belongs to an account
    (``email_enqueue`` then uses the account's own language), the alert's otherwise."""
    from django.contrib.auth import get_user_model

    has_account = (
        get_user_model().objects.filter(email__iexact=alert.email, erased_at__isnull=True).exists()
    )
    return None if has_account else alert.language


def _alert_email_on_commit(alert: AidAlert, template: str, context: dict) -> None:
    """Queue one of an alert's e-mails once the transaction commits: in its language, with
    the RFC 8058 one-click unsubscribe headers (the link's token is the credential)."""
    language = alert_email_language(alert)
    headers = unsubscribe.headers(context["unsubscribe_url"])
    transaction.on_commit(
        lambda: email_enqueue(
            to=alert.email,
            template=f"aids/emails/{template}",
            context=context,
            language=language,
            headers=headers,
        )
    )


@transaction.atomic
def alert_subscribe(
    *,
    email: str,
    query: dict[str, Any],
    frequency: str,
    title: str = "",
    user=None,
    language: str | None = None,
) -> AidAlert:
    """Save a search; nothing is sent until the address is confirmed (double opt-in).

    Anyone can type any address, so the answer (and the e-mail's arrival) is the same whether
    the address already had this alert or not, and nothing of a confirmed alert changes here:
    a different frequency or language is stored as a pending change that the address's owner
    confirms from the e-mail's link (``alert_confirm``)."""
    email = email.strip().lower()
    language = alert_language(language)
    fingerprint = alert_fingerprint(email, query)
    in_force = AidAlert.objects.select_for_update().filter(
        fingerprint=fingerprint, unsubscribed_at__isnull=True
    )
    alert = in_force.first()
    created = False
    if alert is None:
        candidate = AidAlert(
            email=email,
            query=query,
            frequency=frequency,
            title=title[:200],
            language=language,
            # Linked to the account only when it is the account's own address: an alert for
            # someone else's address (confirmed by them) is theirs, not in this account's RGPD
            # export nor deleted with it.
            user=user
            if getattr(user, "is_authenticated", False) and user.email.lower() == email
            else None,
        )
        try:
            with transaction.atomic():
                candidate.save()
            alert, created = candidate, True
        except IntegrityError:
            # The same subscription sent at the same instant created it first (the unique
            # fingerprint): answer as that alert's second request would.
            alert = in_force.first()
            if alert is None:
                raise
    if created:
        log_action(
            actor=user,
            action="aids.alert_created",
            obj=alert,
            data={"frequency": frequency, "language": language},
        )
        template = "alert_confirm"
    elif alert.confirmed_at is None:
        # Not confirmed yet: the latest request wins; the confirmation page shows it.
        if (alert.frequency, alert.language) != (frequency, language):
            alert.frequency, alert.language = frequency, language
            alert.save(update_fields=["frequency", "language", "updated_at"])
        template = "alert_confirm"
    elif (alert.frequency, alert.language) == (frequency, language):
        # Already active as asked: a notice (so that an e-mail always arrives), and a change
        # still pending is dropped (the latest request wins).
        if alert.pending_requested_at is not None:
            _drop_pending(alert)
        template = "alert_active"
    else:
        alert.pending_frequency, alert.pending_language = frequency, language
        alert.pending_requested_at = timezone.now()
        alert.save(
            update_fields=[
                "pending_frequency",
                "pending_language",
                "pending_requested_at",
                "updated_at",
            ]
        )
        log_action(
            actor=user,
            action="aids.alert_change_requested",
            obj=alert,
            data={"frequency": frequency, "language": language},
        )
        template = "alert_change"
    context = {"alert": alert, **_alert_urls(alert)}
    if template == "alert_change":
        context.update(_pending_change_labels(alert))
    _alert_email_on_commit(alert, template, context)
    return alert


def _pending_change_labels(alert: AidAlert) -> dict[str, Any]:
    """The pending change as the "confirm the change" e-mail says it. Written in the alert's
    current language (the one its owner confirmed): the e-mail goes to the owner, who may not
    be the person who asked."""
    return {
        "pending_frequency": AidAlert.Frequency(alert.pending_frequency or alert.frequency).label,
        "pending_language": dict(LANGUAGES)[alert.pending_language or alert.language],
    }


def _locked_pending(alert: AidAlert) -> AidAlert:
    alert = AidAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError(_("Cette alerte a été désactivée. Créez-en une nouvelle."))
    if not alert.has_pending_change:
        raise ValidationError(_("Aucune modification de cette alerte n'attend de confirmation."))
    return alert


@transaction.atomic
def alert_pending_resend(*, alert: AidAlert) -> AidAlert:
    """Send again the e-mail that confirms the pending change (from the alert's page, reached
    by its token: the e-mail goes to the alert's own address, never elsewhere)."""
    alert = _locked_pending(alert)
    context = {"alert": alert, **_alert_urls(alert), **_pending_change_labels(alert)}
    _alert_email_on_commit(alert, "alert_change", context)
    log_action(actor=None, action="aids.alert_change_resent", obj=alert)
    return alert


@transaction.atomic
def alert_pending_cancel(*, alert: AidAlert) -> AidAlert:
    """Drop the pending change: the alert stays as it is."""
    alert = _locked_pending(alert)
    dropped = {"frequency": alert.pending_frequency, "language": alert.pending_language}
    _drop_pending(alert)
    log_action(actor=None, action="aids.alert_change_cancelled", obj=alert, data=dropped)
    return alert


def _drop_pending(alert: AidAlert, *, also: tuple[str, ...] = ()) -> None:
    """Forget the alert's pending change (saving ``also``, fields the caller changed too)."""
    alert.pending_frequency = alert.pending_language = ""
    alert.pending_requested_at = None
    alert.save(
        update_fields=[
            *also,
            "pending_frequency",
            "pending_language",
            "pending_requested_at",
            "updated_at",
        ]
    )


@transaction.atomic
def alert_confirm(*, alert: AidAlert) -> AidAlert:
    """The address's owner confirms the new alert, or the change asked for an active one."""
    alert = AidAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError(_("Cette alerte a été désactivée. Créez-en une nouvelle."))
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at", "updated_at"])
        log_action(actor=None, action="aids.alert_confirmed", obj=alert)
    elif alert.has_pending_change:
        before = {"frequency": alert.frequency, "language": alert.language}
        alert.frequency = alert.pending_frequency or alert.frequency
        alert.language = alert.pending_language or alert.language
        _drop_pending(alert, also=("frequency", "language"))
        log_action(
            actor=None,
            action="aids.alert_change_confirmed",
            obj=alert,
            data={
                "before": before,
                "after": {"frequency": alert.frequency, "language": alert.language},
            },
        )
    return alert


@transaction.atomic
def alert_update(*, alert: AidAlert, frequency: str, language: str) -> AidAlert:
    """Changed from the alert's own page, reached by the token of its e-mails (the token is
    the credential: whoever holds it reads the address's mail), so applied at once."""
    alert = AidAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError(_("Cette alerte a été désactivée. Créez-en une nouvelle."))
    language = alert_language(language)
    changed = [
        name
        for name, value in (("frequency", frequency), ("language", language))
        if getattr(alert, name) != value
    ]
    if changed:
        before = {name: getattr(alert, name) for name in changed}
        alert.frequency, alert.language = frequency, language
        alert.save(update_fields=[*changed, "updated_at"])
        log_action(
            actor=None,
            action="aids.alert_changed",
            obj=alert,
            data={"before": before, "after": {name: getattr(alert, name) for name in changed}},
        )
    return alert


@transaction.atomic
def alert_unsubscribe(*, alert: AidAlert) -> AidAlert:
    """Idempotent: a second call (a second click, a mail client's retry) changes nothing."""
    alert = AidAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at", "updated_at"])
        log_action(actor=None, action="aids.alert_unsubscribed", obj=alert)
    return alert


def alert_filters(alert: AidAlert):
    """The saved query string, validated again (a vocabulary may have changed since)."""
    from .forms import AidSearchForm

    form = AidSearchForm(data=alert.query)
    return form.filters() if form.is_valid() else None


MAX_AIDS_PER_DIGEST = 30


@transaction.atomic
def alert_digest_send(*, alert_id: int, now: dt.datetime | None = None) -> int:
    """E-mail the new published aids matching one alert; returns how many were sent.

    The alert row is locked, and each sent aid is written to ``AidAlertDelivery`` (unique on
    alert and aid) in the same transaction as the e-mail is queued: an aid never goes twice
    to the same alert, even when two digests overlap."""
    from .selectors import aid_search

    now = now or timezone.now()
    alert = AidAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None or not alert.is_active:
        return 0
    filters = alert_filters(alert)
    if filters is None:
        return 0
    filters.sort = "recent"
    already = AidAlertDelivery.objects.filter(alert=alert).values("aid_id")
    aids = list(
        aid_search(filters=filters)
        .filter(published_at__gte=alert.confirmed_at, is_synthetic=False)
        .exclude(pk__in=already)[:MAX_AIDS_PER_DIGEST]
    )
    alert.last_sent_at = now
    alert.save(update_fields=["last_sent_at", "updated_at"])
    if not aids:
        return 0
    AidAlertDelivery.objects.bulk_create(
        [AidAlertDelivery(alert=alert, aid=aid, sent_at=now) for aid in aids]
    )
    context = {
        "alert": alert,
        "aids": [
            {"title": a.title, "promise": a.promise, "url": _absolute(a.get_absolute_url())}
            for a in aids
        ],
        "search_url": _absolute(reverse("aids:index") + "?" + _querystring(alert.query)),
        **_alert_urls(alert),
    }
    _alert_email_on_commit(alert, "alert_digest", context)
    log_action(actor=None, action="aids.alert_sent", obj=alert, data={"aids": [a.pk for a in aids]})
    return len(aids)


def alert_querystring(alert: AidAlert) -> str:
    """The saved search as the query string of ``/aides/``."""
    return _querystring(alert.query)


def _querystring(query: dict[str, Any]) -> str:
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for key, value in query.items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        else:
            qd[key] = str(value)
    return qd.urlencode()
