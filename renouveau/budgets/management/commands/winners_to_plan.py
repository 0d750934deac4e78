from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Enter in the plan's monitoring every winner of the participatory budget that is not "
        "there yet (winners followed before the link existed; new results do it themselves). "
        "Idempotent."
    )

    def handle(self, *args, **options):
        from renouveau.budgets.services import winners_to_plan

        count = winners_to_plan()
        self.stdout.write(f"{count} winner(s) entered in the plan's monitoring.")
