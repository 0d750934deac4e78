from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compute and publish the results of every call whose vote has closed by its dates and "
        "that has no results yet (run it from cron every few minutes, or enqueue "
        "budgets.tasks.results_compute_due_task). Idempotent."
    )

    def handle(self, *args, **options):
        from renouveau.budgets.services import results_compute_due

        count = results_compute_due()
        self.stdout.write(f"Results published for {count} call(s).")
