from __future__ import annotations

from django_tasks import task


@task()
def send_follow_digests() -> int:
    """Daily (``manage.py scheduler``): the digest of what changed in what people follow."""
    from .services import digests_send

    return digests_send()
