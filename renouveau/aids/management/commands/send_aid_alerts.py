from django.core.management.base import BaseCommand

from renouveau.aids.models import AidAlert
from renouveau.aids.tasks import aid_alerts_digest


class Command(BaseCommand):
    help = (
        "Send the saved-search alert digests that are due (run it daily; weekly alerts go "
        "out when their last digest is a week old). Each alert is one background task."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[*AidAlert.Frequency.values, "all"],
            default="all",
        )

    def handle(self, *args, frequency="all", **options):
        frequencies = AidAlert.Frequency.values if frequency == "all" else [frequency]
        for value in frequencies:
            aid_alerts_digest.enqueue(frequency=value)
            self.stdout.write(f"Alert digest ({value}) enqueued.")
