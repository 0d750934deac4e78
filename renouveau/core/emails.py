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
