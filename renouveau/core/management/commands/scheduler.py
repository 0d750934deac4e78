import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from renouveau.core import scheduler


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due (results of votes closed by their dates, expiry "
        "of mutual-aid posts, aid alert digests). Runs until stopped, checking every --interval "
        "seconds; --once checks once (for cron). Several schedulers may run: each run is "
        "enqueued once. The tasks themselves run in `manage.py db_worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args, once=False, interval=30.0, **options):
        if interval <= 0:
            interval = 30.0
        passes = 0
        while True:
            # A long-running process gets no request signals: drop a connection the database
            # closed (restart, idle timeout) before each pass, as db_worker does.
            close_old_connections()
            for name in scheduler.run_due():
                self.stdout.write(f"{name}: enqueued")
            passes += 1
            if passes % 2880 == 0:  # about daily at the default interval
                scheduler.prune()
            if once:
                return
            time.sleep(interval)
