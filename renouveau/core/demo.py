"""The demonstration dataset: every app may provide ``<app>/demo.py`` with a ``load()``
function creating clearly labelled rows (``is_demo=True``). ``manage.py seed`` calls them in
``RENOUVEAU_APPS`` order when ``DEMO_DATA`` is on. ``load()`` must be idempotent."""

from __future__ import annotations

from .discovery import app_modules


def reference_loaders():
    """``<app>/reference.py`` with ``load()``: versioned reference data every instance needs
    (e.g. the aid schemes named in the plan). Always loaded by ``manage.py seed``."""
    for app, module in app_modules("reference"):
        if hasattr(module, "load"):
            yield app, module.load


def demo_loaders():
    for app, module in app_modules("demo"):
        if hasattr(module, "load"):
            yield app, module.load
