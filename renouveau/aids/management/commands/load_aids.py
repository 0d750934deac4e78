from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renouveau.aids.services import SEED_FILE, aids_load


class Command(BaseCommand):
    help = "Load the real aid measures of the seed documents (idempotent). Needs the plan."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")

    def handle(self, *args, path=None, **options):
        file = Path(path) if path else SEED_FILE
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            funders, aids = aids_load(path=file)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{file}: invalid aids file ({exc})") from exc
        self.stdout.write(f"Aids: {aids} aid measures and {funders} funders loaded.")
