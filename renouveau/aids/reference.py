"""Reference data loaded by ``manage.py seed`` on every instance (even with DEMO_DATA=0):
the real aid measures named in the plan's deliberations (renouveau/aids/data/)."""

from __future__ import annotations


def load() -> str:
    from .services import aids_load

    funders, aids = aids_load()
    return f"{aids} aid measures, {funders} funders"
