from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renouveau.plan.services import plan_data_path, plan_load


class Command(BaseCommand):
    help = "Load the plan (imperatives, chantiers, targets, measures, deliberations, agreements)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")

    def handle(self, *args, path=None, **options):
        file = Path(path) if path else plan_data_path()
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            plan = plan_load(path=file)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{file}: invalid plan file ({exc})") from exc
        self.stdout.write(f"{plan.title}: {plan.workstreams.count()} chantiers.")
