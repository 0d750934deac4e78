import pytest


@pytest.fixture(autouse=True)
def _on_commit_runs_at_once(request, monkeypatch):
    """Tests run inside a transaction that is rolled back, so ``transaction.on_commit`` hooks
    (cache refresh, fan-out task, e-mails) would never run: in these tests they run at once.
    Tests marked ``transaction=True`` keep Django's real behaviour (real commits)."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
