from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_email


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """The language each address's account chose for its e-mails (``User.language``); an
    address without an account gets the site's language (callers that know better pass
    ``language=`` to :func:`email_enqueue`: an aid alert, say, keeps the language of the page
    where it was saved)."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    default = settings.LANGUAGE_CODE
    known = dict(settings.LANGUAGES)
    wanted = sorted({address.lower() for address in addresses})
    chosen: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = (
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=wanted[start : start + 500], erased_at__isnull=True)
            .values_list("email_lower", "language")
        )
        for email, language in rows:
            chosen[email] = language if language in known else default
    return {address: chosen.get(address.lower(), default) for address in addresses}


def email_enqueue(
    *,
    to: str | list[str],
    template: str,
    context: dict,
    language: str | None = None,
    headers: dict | None = None,
) -> None:
    """Render ``<template>_subject.txt`` / ``<template>_message.txt`` and enqueue the sending
    task, once per language: in ``language`` when given, otherwise in the language each
    recipient's account chose (``User.language``). Call it from services with
    ``transaction.on_commit``."""
    recipients = [to] if isinstance(to, str) else list(to)
    if language is not None:
        groups = {language: recipients}
    else:
        groups = {}
        for address, chosen in recipient_languages(recipients).items():
            groups.setdefault(chosen, []).append(address)
    for code, addresses in groups.items():
        with translation.override(code):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}_message.txt", context)
        send_email.enqueue(subject=subject, body=body, to=addresses, headers=headers or {})


def choice_label(obj, field: str):
    """The label of a choice field as a lazy string, for an e-mail's context: rendered in the
    recipient's language, where ``get_<field>_display()`` would freeze the language of the
    person whose action sends the e-mail."""
    value = getattr(obj, field)
    return dict(obj._meta.get_field(field).flatchoices).get(value, value)


def email_enqueue_many(messages: list[dict]) -> int:
    """Enqueue many ready-made e-mails at once: each message is the keyword arguments of the
    ``send_email`` task (``subject``, ``body``, ``to``, optionally ``headers``). Call it
    inside the transaction that decided to send them (the alerts' fan-out calls it with the
    ``Notification`` rows of a chunk of subscribers).

    With the database task backend (``django_tasks_db``, production) the tasks are inserted
    with one multi-row ``INSERT`` per 500 messages **in the caller's transaction**: they are
    committed, or rolled back, together with the rows that decided to send them, so a crash
    can never leave one without the other. With any other backend (``immediate`` in
    development and tests) each task is enqueued when the transaction commits, as
    :func:`email_enqueue` callers do with ``transaction.on_commit``: nothing is sent for work
    that is rolled back. Returns the number of messages."""
    from functools import partial

    from django.db import transaction

    backend = send_email.get_backend()
    try:
        from django_tasks_db import DatabaseBackend
    except ImportError:  # pragma: no cover - the package is a dependency
        DatabaseBackend = None  # noqa: N806
    if DatabaseBackend is not None and isinstance(backend, DatabaseBackend):
        from django_tasks_db.compat import normalize_json
        from django_tasks_db.models import DBTaskResult, get_date_max

        backend.validate_task(send_email)
        run_after = send_email.run_after or get_date_max()  # what its pre_save signal sets
        rows = [
            DBTaskResult(
                id=backend._get_id(),
                args_kwargs=normalize_json(
                    {
                        "args": [],
                        "kwargs": {
                            "subject": message["subject"],
                            "body": message["body"],
                            "to": list(message["to"]),
                            "headers": message.get("headers") or {},
                        },
                    }
                ),
                priority=send_email.priority,
                task_path=send_email.module_path,
                queue_name=send_email.queue_name,
                run_after=run_after,
                backend_name=backend.alias,
            )
            for message in messages
        ]
        DBTaskResult.objects.bulk_create(rows, batch_size=500)
        return len(rows)
    for message in messages:
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=message["subject"],
                body=message["body"],
                to=list(message["to"]),
                headers=message.get("headers") or {},
            )
        )
    return len(messages)
