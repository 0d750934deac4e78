"""Addresses (slugs) made from titles, unique even when two people create at the same moment.

Looking for a free slug and then inserting is a race: two agents creating « Fonds vert » at
once both find ``fonds-vert`` free, and the second insert breaks the unique constraint (a 500).
:func:`insert_with_free_slug` lets the insert decide: it runs in a savepoint and, when it is
the slug that collided, retries with the next free suffix, a bounded number of times."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

#: How many inserts a creation tries before giving up (each loses only to a concurrent one).
SLUG_ATTEMPTS = 8


def free_slug(
    model: type[models.Model], title: str, *, fallback: str, max_length: int, exclude_pk=None
) -> str:
    """The first free slug among ``<title>``, ``<title>-2``, ``<title>-3``... when asked. Only
    a hint: another transaction may take it before our insert."""
    base = (slugify(title) or fallback)[:max_length]
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def insert_with_free_slug(
    obj: models.Model,
    *,
    next_slug: Callable[[], str],
    save: Callable[[], None] | None = None,
    busy_error: ValidationError | None = None,
) -> None:
    """Insert ``obj`` (its ``slug`` already chosen) with ``save`` (default ``obj.save()``) in a
    savepoint; if another transaction took the slug meanwhile, take ``next_slug()`` and try
    again, at most ``SLUG_ATTEMPTS`` times. Any other integrity error is raised as it is."""
    model = type(obj)
    for attempt in range(SLUG_ATTEMPTS):
        if attempt:
            obj.slug = next_slug()
        try:
            with transaction.atomic():
                (save or obj.save)()
            return
        except IntegrityError:
            # Ours to handle only if the slug is what collided; anything else is a real error.
            if not model._default_manager.filter(slug=obj.slug).exists():
                raise
            obj.pk = None
            obj._state.adding = True
    raise busy_error or ValidationError(
        {
            "title": _(
                "Trop d'éléments portant cet intitulé sont créés en ce moment : "
                "réessayez dans un instant."
            )
        }
    )
