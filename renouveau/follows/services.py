"""Following public objects and the daily digest of what changed."""

from __future__ import annotations

import json
import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from renouveau.core.services import log_action

from .models import Follow
from .registry import followable_for, followables

logger = logging.getLogger(__name__)

#: Nobody needs more; a bound keeps the digest's work per person small.
MAX_FOLLOWS = 200


def _as_json(state: dict) -> dict:
    """The state as it will read back from the database (JSON: tuples become lists...)."""
    return json.loads(json.dumps(state, cls=DjangoJSONEncoder))


@transaction.atomic
def follow_add(*, user, obj) -> Follow:
    """Follow ``obj`` (a public object of a followable model); idempotent."""
    followable = followable_for(obj)
    if followable is None or not followable.public().filter(pk=obj.pk).exists():
        raise ValidationError(_("Cet élément ne peut pas être suivi."))
    content_type = ContentType.objects.get_for_model(obj)
    existing = Follow.objects.filter(user=user, content_type=content_type, object_id=obj.pk)
    if existing.exists():
        return existing.get()
    # One person's follows are counted one request at a time (the row lock serialises them).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise ValidationError(
            _(
                "Vous suivez déjà %(max)s éléments : cessez d'en suivre un avant d'en ajouter "
                "un autre."
            )
            % {"max": MAX_FOLLOWS}
        )
    try:
        with transaction.atomic():
            follow = Follow.objects.create(
                user=user,
                content_type=content_type,
                object_id=obj.pk,
                state=_as_json(followable.state(obj)),
            )
    except IntegrityError:  # a double click: the other request created it
        return existing.get()
    log_action(
        actor=user,
        action="follows.added",
        obj=obj,
        data={"follow": follow.pk},
        public_change=False,
    )
    return follow


@transaction.atomic
def follow_remove(*, user, content_type: ContentType, object_id: int) -> bool:
    deleted, _rows = Follow.objects.filter(
        user=user, content_type=content_type, object_id=object_id
    ).delete()
    if deleted:
        log_action(
            actor=user,
            action="follows.removed",
            obj=None,
            data={"model": ".".join(content_type.natural_key()), "object_id": object_id},
            public_change=False,
        )
    return bool(deleted)


def _user_ids_with_follows() -> list[int]:
    return list(Follow.objects.values_list("user_id", flat=True).distinct().order_by("user_id"))


def digests_send(*, now=None) -> int:
    """Daily: e-mail each follower what changed in what they follow since they last heard
    (one e-mail per person, only public changes of public objects). The known state moves on
    in the same transaction as the e-mail is enqueued, with the rows locked: run by two
    workers at once, each change is told once. Returns the number of e-mails."""
    now = now or timezone.now()
    sent = 0
    registry = followables()
    # An object's public state is read once per run, however many people follow it.
    states: dict[tuple[str, int], dict] = {}
    for user_id in _user_ids_with_follows():
        try:
            sent += _digest_one(user_id, registry=registry, now=now, states=states)
        except Exception:  # noqa: BLE001 - one person's failure must not stop the others
            logger.exception("follow digest of user %s failed", user_id)
    return sent


@transaction.atomic
def _digest_one(user_id: int, *, registry, now, states: dict | None = None) -> int:
    from renouveau.core.emails import email_enqueue

    states = {} if states is None else states
    follows = list(
        Follow.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(user_id=user_id)
        .select_related("content_type", "user")
        .order_by("created_at", "id")
    )
    if not follows:
        return 0
    user = follows[0].user
    if not user.is_active or getattr(user, "erased_at", None):
        return 0
    by_model: dict[str, list[Follow]] = {}
    for follow in follows:
        label = f"{follow.content_type.app_label}.{follow.content_type.model}"
        by_model.setdefault(label, []).append(follow)
    language = user.language if user.language in dict(settings.LANGUAGES) else None
    items = []
    with translation.override(language or settings.LANGUAGE_CODE):
        for label, rows in by_model.items():
            followable = registry.get(label)
            if followable is None:
                continue
            model = rows[0].content_type.model_class()
            ids = [f.object_id for f in rows]
            public = followable.public().in_bulk(ids)
            gone = set(ids) - set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            for follow in rows:
                if follow.object_id in gone:
                    follow.delete()  # the object was deleted: nothing more will happen to it
                    continue
                obj = public.get(follow.object_id)
                if obj is None:
                    continue  # unpublished for now: its changes are told once it is back
                key = (label, obj.pk)
                if key not in states:
                    states[key] = _as_json(followable.state(obj))
                state = states[key]
                if state == follow.state:
                    continue
                changes = followable.changes(follow.state, state)
                follow.state = state
                follow.notified_at = now if changes else follow.notified_at
                follow.save(update_fields=["state", "notified_at"])
                if changes:
                    items.append(
                        {
                            "title": str(obj),
                            "kind": str(followable.kind),
                            "url": _absolute(obj.get_absolute_url()),
                            "changes": [str(c) for c in changes],
                        }
                    )
    if not items:
        return 0
    from django.urls import reverse

    transaction.on_commit(
        partial(
            email_enqueue,
            to=user.email,
            template="follows/emails/digest",
            context={"items": items, "manage_url": _absolute(reverse("follows:list"))},
            language=language,
        )
    )
    return 1


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
