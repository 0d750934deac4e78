from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

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

    def post_login(self, request, user, **kwargs):
        """On a device that has no language cookie yet, the interface opens in the language
        the person chose for their account."""
        response = super().post_login(request, user, **kwargs)
        if (
            response is not None
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            from renouveau.core.views import set_language_cookie

            set_language_cookie(response, user.language)
        return response
