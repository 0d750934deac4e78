import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renouveau.aids.synthetic import aids_delete_synthetic, aids_generate_synthetic


class Command(BaseCommand):
    help = (
        "Create (or --delete) synthetic aids for load tests. They are flagged is_synthetic, "
        "badged on every page, never exported nor e-mailed. Refused outside DEBUG unless "
        "RENOUVEAU_ALLOW_SYNTHETIC=1 (set by bench/aids_search.py on its own database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--delete", action="store_true", help="Delete every synthetic aid.")

    def handle(self, *args, count=20000, seed=2020, delete=False, **options):
        if delete:
            self.stdout.write(f"Deleted {aids_delete_synthetic()} synthetic rows.")
            return
        if not (settings.DEBUG or os.environ.get("RENOUVEAU_ALLOW_SYNTHETIC") == "1"):
            raise CommandError(
                "Synthetic aids are for load tests only: run with DEBUG=1 or "
                "RENOUVEAU_ALLOW_SYNTHETIC=1 on a database that is not production."
            )
        if not 1 <= count <= 200_000:
            raise CommandError("--count must be between 1 and 200000.")
        created = aids_generate_synthetic(count=count, seed=seed)
        self.stdout.write(f"Created {created} synthetic aids.")
