"""The global search (``/recherche/``) with many offers and ideas, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renouveau_bench_search \\
        .venv/bin/python bench/search.py [--items 10000] [--repeat 5] [--keep]

Throws away and recreates the PostgreSQL database named by ``DATABASE_URL`` (its name must
contain ``bench``, so that a real database is never dropped), migrates it, loads the reference
data (no demonstration dataset), inserts ``--items`` offers and ``--items`` ideas (and a tenth
as many requests and initiatives) with titles and descriptions drawn from a small French
vocabulary over the 92 communes, runs ``ANALYZE`` (what autovacuum does soon after an import),
then runs each query of ``QUERIES`` through ``renouveau.core.search.search_sections`` as an
anonymous visitor (every module's provider, the aids' engine included; no page cache):
once cold, then ``--repeat`` times. Prints per query the number of results, the median and
the maximum in ms, then the median and maximum of all the timed runs, the same per module
(each ``sitesearch`` provider alone, over all the queries), and which plan
PostgreSQL chose for the ideas of a one-word query. The database is dropped at the end unless
``--keep`` (``--reuse`` then skips the set-up). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Words of 3 letters or more can use a trigram index; "co" (2 letters) cannot.
QUERIES = [
    "jardin",
    "Jardins partagés",
    "aubagne",
    "jardin aubagne",
    "vélo",
    "écoles",
    "courses personnes âgées",
    "zéphyrin",  # in no row
    "fuite d'eau",
    "bricolage martigues",
    "co",
    "13",
    "éclairage rue",
]

SUBJECTS = [
    "jardin partagé", "courses", "aide aux devoirs", "bricolage", "covoiturage", "vélo",
    "éclairage public", "trottoir", "fuite d'eau", "école", "personnes âgées", "repas",
    "garde d'animaux", "déménagement", "informatique", "ombre", "banc", "piste cyclable",
    "arrêt de bus", "déchets", "compost", "fontaine", "marché", "bibliothèque", "crèche",
]  # fmt: skip
FILLERS = [
    "dans le quartier", "près de la mairie", "le samedi matin", "pour les voisins",
    "en bas de chez moi", "avec l'association", "depuis plusieurs semaines", "à partir de juin",
    "c'est urgent", "toute l'année", "quand il pleut", "à côté de l'église", "au centre-ville",
]  # fmt: skip


def log(message: str) -> None:
    print(message, flush=True)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the bench's database name must contain 'bench'")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def text(rng: random.Random, sentences: int) -> str:
    return " ".join(
        f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(FILLERS)}." for _ in range(sentences)
    )


def fill(items: int) -> None:
    import datetime

    from django.utils import timezone

    from renouveau.accounts.models import Organisation, User
    from renouveau.ideas.models import Category as IdeaCategory
    from renouveau.ideas.models import Idea
    from renouveau.mutualaid.models import Category, HelpOffer, HelpRequest, Initiative, Urgency
    from renouveau.territories.models import Commune

    rng = random.Random(2020)
    communes = list(Commune.objects.all())
    User.objects.bulk_create(
        User(email=f"bench{i}@bench.invalid", display_name=f"Habitant {i}") for i in range(200)
    )
    users = list(User.objects.filter(email__endswith="@bench.invalid"))
    organisation = Organisation.objects.create(
        name="Association du banc d'essai", kind="association", is_verified=True
    )
    today = timezone.localdate()

    def post(model, i, **extra):
        return model(
            author=rng.choice(users),
            category=rng.choice(list(Category.values)),
            title=f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(FILLERS)}",
            description=text(rng, rng.randint(2, 8)),
            commune=rng.choice(communes),
            expires_on=today + datetime.timedelta(days=rng.randint(1, 90)),
            **extra,
        )

    HelpOffer.objects.bulk_create(
        (post(HelpOffer, i, capacity=rng.randint(1, 5)) for i in range(items)), batch_size=2000
    )
    HelpRequest.objects.bulk_create(
        (
            post(HelpRequest, i, urgency=rng.choice(list(Urgency.values)))
            for i in range(items // 10)
        ),
        batch_size=2000,
    )
    Initiative.objects.bulk_create(
        (
            Initiative(
                organisation=organisation,
                kind=rng.choice(list(Initiative.Kind.values)),
                title=f"{rng.choice(SUBJECTS).capitalize()} ensemble",
                description=text(rng, 3),
                commune=rng.choice(communes),
                place=rng.choice(["Salle municipale", "Place du marché", ""]),
                starts_on=today + datetime.timedelta(days=rng.randint(0, 60)),
                ends_on=today + datetime.timedelta(days=rng.randint(61, 200)),
                how_to_join="Sur place.",
            )
            for i in range(items // 10)
        ),
        batch_size=2000,
    )
    Idea.objects.bulk_create(
        (
            Idea(
                author=rng.choice(users),
                kind=rng.choice(["problem", "solution"]),
                title=f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(FILLERS)}",
                description=text(rng, rng.randint(2, 10)),
                category=rng.choice(list(IdeaCategory.values)),
                commune=rng.choice(communes),
                place=rng.choice(["", "", "Rue de la République", "Place de l'Hôtel de Ville"]),
            )
            for i in range(items)
        ),
        batch_size=2000,
    )


def ideas_plan(word: str) -> str:
    """The ideas provider's query as PostgreSQL plans it (its scan nodes)."""
    from django.db import connection

    from renouveau.core.search import first_results, text_filter
    from renouveau.ideas.selectors import idea_list

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        first_results(
            text_filter(idea_list(), ("title", "description", "place", "commune__name"), word)
        )
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    return "\n".join(line for line in plan if "Scan" in line or "Sort" in line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a throw-away PostgreSQL database")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEMO_DATA": "0",
            "LOG_LEVEL": "WARNING",
            "PAGE_CACHE_SECONDS": "0",
        }
    )
    if not args.reuse:
        recreate_database(url)

    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from renouveau.core.discovery import app_modules
    from renouveau.core.search import search_sections

    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", no_demo=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        fill(args.items)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(
            f"set-up: {args.items} offers, {args.items} ideas, {args.items // 10} requests and "
            f"{args.items // 10} initiatives in {time.perf_counter() - started:.1f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        log(cursor.fetchone()[0].split(" on ")[0])
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search_trgm'")
        log("search indexes: " + (", ".join(sorted(r[0] for r in cursor.fetchall())) or "none"))

    user = AnonymousUser()
    timed: list[float] = []
    log(f"{'query':<28} {'results':>7} {'cold':>8} {'median':>8} {'max':>8}  (ms)")
    for query in QUERIES:
        runs = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            sections = search_sections(query, user)
            runs.append((time.perf_counter() - started) * 1000)
        cold, warm = runs[0], runs[1:]
        timed.extend(warm)
        count = sum(section.count for section in sections)
        log(
            f"{query:<28} {count:>7} {cold:>8.1f} {statistics.median(warm):>8.1f} {max(warm):>8.1f}"
        )
    log(
        f"all {len(timed)} timed searches: median {statistics.median(timed):.1f} ms, "
        f"max {max(timed):.1f} ms"
    )
    log("per module, over all the queries (ms):")
    for app, module in app_modules("sitesearch"):
        runs = []
        for query in QUERIES:
            for _ in range(args.repeat):
                started = time.perf_counter()
                module.search_section(query, user)
                runs.append((time.perf_counter() - started) * 1000)
        log(
            f"  {app.rsplit('.', 1)[-1]:<12} median {statistics.median(runs):7.1f}  "
            f"max {max(runs):7.1f}"
        )
    log("ideas plan for 'jardin':\n" + ideas_plan("jardin"))
    log(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    if not args.keep:
        drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
