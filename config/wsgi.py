import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve with an insecure production configuration (deploy checks, renouveau.E0xx).
from django.conf import settings  # noqa: E402

if not settings.DEBUG and not settings.TESTING:
    from django.core import checks  # noqa: E402
    from django.core.exceptions import ImproperlyConfigured  # noqa: E402

    _errors = [
        e
        for e in checks.run_checks(include_deployment_checks=True)
        if e.level >= checks.ERROR and (e.id or "").startswith("renouveau.")
    ]
    if _errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg}" for e in _errors))

# What start-up loads (settings, apps, the URLconf and every view module) lives as long as the
# process: move it out of the cyclic garbage collector's generations, so that collections only
# walk what requests create (measured with bench/ballots.py, see docs/calls-budgets.md). Forked
# workers also keep sharing these memory pages instead of touching them at each collection.
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports every view module now
gc.collect()
gc.freeze()
