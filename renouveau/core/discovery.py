"""The optional modules apps provide by name (``home``, ``sitesearch``, ``demo``,
``reference``), found the way core mounts their ``urls.py``: core imports no app."""

from __future__ import annotations

import functools
import logging
from importlib import import_module, util

from django.conf import settings

logger = logging.getLogger(__name__)


@functools.cache
def app_modules(name: str) -> tuple:
    """``(app, module)`` for each app of ``RENOUVEAU_APPS`` (core aside) that has ``<app>.<name>``,
    in the apps' order. Looked up once per process."""
    found = []
    for app in settings.RENOUVEAU_APPS:
        if app == "renouveau.core" or util.find_spec(f"{app}.{name}") is None:
            continue
        found.append((app, import_module(f"{app}.{name}")))
    return tuple(found)


def call_each(name: str, function: str, *args) -> list:
    """What ``<app>.<name>.<function>(*args)`` returns, for every app that has it (``None``
    answers left out). One app's failure is logged and skipped, never the caller's page."""
    answers = []
    for _app, module in app_modules(name):
        provider = getattr(module, function, None)
        if provider is None:
            continue
        try:
            answer = provider(*args)
        except Exception:  # noqa: BLE001 - a broken provider must not take the page down
            logger.exception("%s of %s failed", function.replace("_", " "), module.__name__)
            continue
        if answer is not None:
            answers.append(answer)
    return answers
