from django_tasks import task


@task()
def expire_help_requests() -> int:
    """Daily: offers and requests past their date become "expirée"."""
    from .services import help_posts_expire

    return help_posts_expire()
