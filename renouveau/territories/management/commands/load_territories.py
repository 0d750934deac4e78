from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from renouveau.territories.services import metropolis_data_path, territories_load


class Command(BaseCommand):
    help = "Load a metropolis, its Territoires and communes from a versioned JSON file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="JSON file (default: the METROPOLIS setting's file)"
        )

    def handle(self, *args, path=None, **options):
        file = Path(path) if path else metropolis_data_path()
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            metropolis = territories_load(path=file)
        except (ValidationError, KeyError, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        count = sum(t.communes.count() for t in metropolis.territories.all())
        self.stdout.write(
            f"{metropolis.name}: {metropolis.territories.count()} Territoires, {count} communes."
        )
