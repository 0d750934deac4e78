from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_email


def email_enqueue(
    *,
    to: str | list[str],
    template: str,
    context: dict,
    language: str = "fr",
    headers: dict | None = None,
) -> None:
    """Render ``<template>_subject.txt`` / ``<template>_message.txt`` (and ``.html`` if present)
    and enqueue the sending task. Call it from services with ``transaction.on_commit``."""
    recipients = [to] if isinstance(to, str) else list(to)
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    send_email.enqueue(subject=subject, body=body, to=recipients, headers=headers or {})
