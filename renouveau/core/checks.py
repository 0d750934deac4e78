"""System checks with stable ids. Deployment checks (``check --deploy``, and the WSGI start-up
through ``config.wsgi``) refuse an insecure production configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    errors = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        errors.append(
            Error(
                "SECRET_KEY is missing, the development key, or shorter than 50 characters.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="renouveau.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG must be off in production.", id="renouveau.E002"))
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS must list the public host names (no wildcard).",
                id="renouveau.E003",
            )
        )
    if not settings.SESSION_COOKIE_SECURE:
        errors.append(
            Error("Cookies must be secure in production (SECURE_COOKIES=1).", id="renouveau.E004")
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        errors.append(
            Error(
                "E-mails would only be printed: set EMAIL_HOST (and credentials).",
                id="renouveau.E005",
            )
        )
    if not settings.IS_POSTGRES:
        errors.append(
            Warning(
                "SQLite is the embedded default; production should use PostgreSQL (DATABASE_URL).",
                id="renouveau.W001",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            Warning(
                "Without REDIS_URL, cache and rate limits are per process: set it when several "
                "application servers run.",
                id="renouveau.W002",
            )
        )
    return errors
