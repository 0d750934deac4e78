from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from renouveau.core.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: e-mails are rendered in the request, sent by a background task."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        send_email.enqueue(
            subject=message.subject, body=message.body, to=list(message.to), html=html
        )
