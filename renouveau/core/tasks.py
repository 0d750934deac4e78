from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="emails")
def send_email(
    *, subject: str, body: str, to: list[str], html: str | None = None, headers: dict | None = None
) -> int:
    """Send one e-mail; enqueued by services so that requests never wait on SMTP."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
