"""List pages of mutual aid and ideas under load, with 10 000 items of each kind.

    .venv/bin/python bench/lists.py [--items 10000] [--clients 8] [--seconds 6] [--workers 2]

Creates a fresh PostgreSQL database (``renouveau_bench_lists`` on 127.0.0.1:5432 by default),
migrates, loads the reference data (no demonstration dataset), inserts ``--items`` offers,
requests, initiatives and ideas spread over the 92 communes, starts gunicorn with production
settings on a loopback port (the helpers of ``bench/load.py``; the anonymous page cache is off,
so that every request renders its list, unless ``--page-cache SECONDS``), then hammers each page
(first page, a deep page, filters, sorts, and the API) with ``--clients`` threads for
``--seconds`` seconds and prints requests/s and p50/p95/p99 latency. Traffic stays on
127.0.0.1; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def fill(items: int) -> None:
    """Insert ``items`` rows of each kind (run in a child process with the bench settings)."""
    import datetime
    import random

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from renouveau.accounts.models import Organisation, User
    from renouveau.ideas.models import Category as IdeaCategory
    from renouveau.ideas.models import Idea, Status
    from renouveau.mutualaid.models import (
        Category,
        HelpOffer,
        HelpRequest,
        Initiative,
        Urgency,
        slots_mask,
    )
    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Commune

    rng = random.Random(2020)
    communes = list(Commune.objects.all())
    workstreams = list(Workstream.objects.all()) or [None]
    users = [
        User(email=f"bench{i}@bench.invalid", display_name=f"Habitant {i}", birth_year=1980)
        for i in range(200)
    ]
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__endswith="@bench.invalid"))
    organisation = Organisation.objects.create(
        name="Association du banc d'essai", kind="association", is_verified=True
    )
    today = timezone.localdate()
    categories = list(Category.values)

    def post(model, i, **extra):
        return model(
            author=rng.choice(users),
            category=rng.choice(categories),
            title=f"Annonce de test {i}",
            description="Texte de l'annonce de test, assez long pour ressembler à une vraie. " * 3,
            commune=rng.choice(communes),
            neighbourhood=rng.choice(["", "Centre", "Nord", "Sud"]),
            frequency=rng.choice(["one_off", "recurring"]),
            slots=slots_mask(rng.sample(range(7), 2), rng.sample(range(3), 1)),
            expires_on=today + datetime.timedelta(days=rng.randint(1, 90)),
            **extra,
        )

    HelpOffer.objects.bulk_create(
        (post(HelpOffer, i, capacity=rng.randint(1, 5)) for i in range(items)), batch_size=2000
    )
    HelpRequest.objects.bulk_create(
        (post(HelpRequest, i, urgency=rng.choice(list(Urgency.values))) for i in range(items)),
        batch_size=2000,
    )
    Initiative.objects.bulk_create(
        (
            Initiative(
                organisation=organisation,
                kind=rng.choice(list(Initiative.Kind.values)),
                title=f"Initiative de test {i}",
                description="Description de l'initiative de test.",
                commune=rng.choice(communes),
                place="Salle municipale",
                starts_on=today + datetime.timedelta(days=rng.randint(0, 60)),
                ends_on=today + datetime.timedelta(days=rng.randint(61, 200)),
                how_to_join="Sur place.",
            )
            for i in range(items)
        ),
        batch_size=2000,
    )
    Idea.objects.bulk_create(
        (
            Idea(
                author=rng.choice(users),
                kind=rng.choice(["problem", "solution"]),
                title=f"Idée de test {i}",
                description="Description de l'idée de test.",
                category=rng.choice(list(IdeaCategory.values)),
                workstream=rng.choice(workstreams),
                commune=rng.choice(communes),
                status=rng.choice(list(Status.values)),
                supports_count=rng.randint(0, 300),
            )
            for i in range(items)
        ),
        batch_size=2000,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="renouveau_bench_lists")
    parser.add_argument(
        "--page-cache",
        type=int,
        default=0,
        help="PAGE_CACHE_SECONDS for the server (default 0: every request renders the list)",
    )
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill:
        fill(args.fill)
        return 0

    import httpx
    from load import gunicorn, hammer, prepare_database

    var_dir = Path(tempfile.mkdtemp(prefix="renouveau-bench-lists-"))
    db_url = prepare_database(args.admin_url, args.database)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "1",
        "EMAIL_HOST": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "DEMO_DATA": "0",
        "LOG_LEVEL": "WARNING",
        "API_ANON_RATE": "1000000/minute",
        "PAGE_CACHE_SECONDS": str(args.page_cache),
    }
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "seed", "--no-demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    started = time.perf_counter()
    subprocess.run([python, __file__, "--fill", str(args.items)], env=env, check=True, cwd=ROOT)
    print(
        f"inserted {args.items} offers, requests, initiatives and ideas in {time.perf_counter() - started:.1f} s"
    )
    # What autovacuum would do shortly after such an import: up-to-date planner statistics.
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)

    deep_page = max(1, args.items // 20 // 2)
    pages = [
        "/entraide/offres/",
        f"/entraide/offres/?page={deep_page}",
        "/entraide/offres/?category=shopping&frequency=recurring",
        "/entraide/demandes/?sort=urgency",
        "/entraide/initiatives/",
        "/idees/",
        "/idees/?sort=support",
        f"/idees/?page={deep_page}",
        "/idees/?status=received&kind=problem",
        "/api/v1/mutualaid/offers/",
        "/api/v1/mutualaid/requests/",
        "/api/v1/initiatives/",
        "/api/v1/ideas/?sort=support",
    ]
    with gunicorn(env, args.workers) as (_server, base):
        for path in pages:  # warm-up, and every page must answer 200
            status = httpx.get(base + path, timeout=20).status_code
            if status != 200:
                print(f"{path}: HTTP {status}", file=sys.stderr)
                return 1
        print(f"{args.items} items per list, gunicorn {args.workers} workers, {args.clients} concurrent clients, "
              f"{args.seconds:.0f} s per page, PostgreSQL, {os.cpu_count()} CPU cores, "
              f"anonymous page cache {args.page_cache} s, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(
            f"{'page':52} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'err':>4}"
        )
        for path in pages:
            r = hammer(base, path, args.clients, args.seconds)
            print(
                f"{r['path']:52} {r['requests']:6d} {r['rps']:7.1f} {r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} {r['errors']:4d}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
