from django_tasks import task


@task()
def results_compute_task(*, call_id: int) -> int:
    """Compute the results of a call whose vote has closed; returns the number of envelopes."""
    from renouveau.calls.models import Call

    from .services import results_compute

    return len(results_compute(call=Call.objects.get(pk=call_id)))


@task()
def results_compute_due_task() -> int:
    """Compute the results of every call whose vote closed by its dates and has none yet."""
    from .services import results_compute_due

    return results_compute_due()
