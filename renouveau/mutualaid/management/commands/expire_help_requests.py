from django.core.management.base import BaseCommand

from renouveau.mutualaid.services import help_posts_expire


class Command(BaseCommand):
    help = "Expire the mutual aid offers and requests whose date has passed (run daily)."

    def handle(self, *args, **options):
        count = help_posts_expire()
        self.stdout.write(f"{count} offer(s) or request(s) expired.")
