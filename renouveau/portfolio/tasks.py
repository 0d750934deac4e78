from django_tasks import task


@task()
def programme_compute_task(programme_id: int) -> None:
    """Compute a queued programme (large portfolios take longer than a web request)."""
    from .models import Programme
    from .services import programme_compute

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        programme_compute(programme=programme)
