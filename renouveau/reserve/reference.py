"""Reference data loaded by ``manage.py seed`` on every instance (even with DEMO_DATA=0): the
reserve's list of skills (renouveau/reserve/data/skills.json)."""

from __future__ import annotations


def load() -> str:
    from .services import skills_load

    created, updated = skills_load()
    return f"{created} skills created, {updated} updated"
