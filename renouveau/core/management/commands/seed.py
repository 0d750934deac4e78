from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from renouveau.core.demo import demo_loaders, reference_loaders


class Command(BaseCommand):
    help = "Load the versioned reference data (territories, plan) and, unless DEMO_DATA=0, the demonstration dataset. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Skip the demonstration dataset."
        )

    def handle(self, *args, no_demo=False, **options):
        call_command("load_territories", stdout=self.stdout)
        call_command("load_plan", stdout=self.stdout)
        for app, load in reference_loaders():
            with transaction.atomic():
                summary = load()
            self.stdout.write(f"Reference data for {app}: {summary or 'loaded'}")
        if no_demo or not settings.DEMO_DATA:
            self.stdout.write("Demonstration dataset: skipped (DEMO_DATA=0).")
            return
        for app, load in demo_loaders():
            with transaction.atomic():
                summary = load()
            self.stdout.write(f"Demonstration data for {app}: {summary or 'loaded'}")
