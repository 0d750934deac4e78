"""Aid search benchmark: 20 000 aids in PostgreSQL, 50 realistic French queries.

    .venv/bin/python bench/aids_search.py [--aids 20000] [--rounds 10] [--clients 8]
                                          [--workers 2] [--seconds 10] [--no-setup]

1. Creates a fresh PostgreSQL database (``renouveau_aids_bench`` on 127.0.0.1:5432), migrates,
   loads the territories, the plan and the real seed aids, then 20 000 synthetic aids
   (``is_synthetic``, see renouveau/aids/synthetic.py) and runs VACUUM FULL ANALYZE.
2. Search query, server side, in this process: for each query, what the page runs for the
   results (lexicon correction + count + first page of 20), timed ``--rounds`` times.
3. Whole page, server side: Django's test client renders ``/aides/?q=…`` (no network).
4. Load: gunicorn (production settings, ``--workers`` processes) on loopback; for each search
   URL, ``--clients`` concurrent clients (requests/s and latency under load, which includes
   queueing when clients outnumber workers), then as many clients as workers (the latency
   of the whole page without queueing). The clients are threads of this process, on the
   same cores as gunicorn and PostgreSQL.

Prints p50/p95 (ms). Traffic stays on 127.0.0.1; every loop is bounded.
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import gunicorn, hammer, percentile, prepare_database  # noqa: E402

QUERIES = [
    {"q": "énergie"},
    {"q": "energie"},
    {"q": "ENERGIES"},
    {"q": "enrgie"},
    {"q": "rénovation énergétique"},
    {"q": "panneaux solaires"},
    {"q": "vélo électrique"},
    {"q": "abonnement transports"},
    {"q": "emploi"},
    {"q": "embauche premier salarié"},
    {"q": "formation numérique"},
    {"q": "loyer impayé"},
    {"q": "logement senior"},
    {"q": "circuits courts"},
    {"q": "jeunes agriculteurs"},
    {"q": "commerce centre-ville"},
    {"q": "artisan reprise"},
    {"q": "tourisme"},
    {"q": "spectacle vivant"},
    {"q": "sport jeunes"},
    {"q": "ordinateur famille"},
    {"q": "santé mentale"},
    {"q": "aide alimentaire"},
    {"q": "association"},
    {"q": "économie sociale et solidaire"},
    {"q": "recyclage déchets"},
    {"q": "eau de pluie"},
    {"q": "végétalisation"},
    {"q": "inondation"},
    {"q": "start-up innovation"},
    {"q": "relocalisation industrie"},
    {"q": "décrochage scolaire"},
    {"q": "permis de conduire"},
    {"q": "prêt d'honneur"},
    {"q": "piscine remboursement"},
    {"q": "terrasse redevance"},
    {"q": "subvention"},
    {"q": "exonération"},
    {"q": "accompagnement"},
    {"q": "renovation"},
    {"q": "tramway"},
    {"q": "chomage longue duree"},
    {"q": "accessibilite handicap"},
    {"q": "agriculture bio"},
    {"q": "énergie", "public": "low_income"},
    {"q": "emploi", "ouvert": "on"},
    {"q": "logement", "commune": "13055"},
    {"q": "vélo", "tri": "cloture"},
    {"public": "student", "type": "grant"},
    {"q": "aide", "public": "resident", "ouvert": "on"},
]
LOAD_PATHS = [
    "/aides/",
    "/aides/?q=%C3%A9nergie",
    "/aides/?q=accompagnement",
    "/aides/?q=logement&public=resident&ouvert=on",
]


def setup_env(args) -> tuple[dict, Path]:
    var_dir = Path(tempfile.mkdtemp(prefix="renouveau-aids-bench-"))
    db_url = (
        args.admin_url.rsplit("/", 1)[0] + f"/{args.database}"
        if args.no_setup
        else prepare_database(args.admin_url, args.database)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_COOKIES": "1",
        "EMAIL_HOST": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "DEMO_DATA": "0",
        "LOG_LEVEL": "WARNING",
        "RENOUVEAU_ALLOW_SYNTHETIC": "1",
    }
    return env, var_dir


def manage(env, *args, quiet=True):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--aids", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="renouveau_aids_bench")
    parser.add_argument("--no-setup", action="store_true", help="reuse the database as it is")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    args = parser.parse_args(argv)

    env, _var_dir = setup_env(args)
    started = time.perf_counter()
    if not args.no_setup:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_territories")
        manage(env, "load_plan")
        manage(env, "load_aids")
        manage(env, "generate_synthetic_aids", "--count", str(args.aids))
    manage(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from renouveau.aids.forms import AidSearchForm
    from renouveau.aids.models import Aid
    from renouveau.aids.selectors import aid_search_results
    from renouveau.aids.views import COUNT_CAP

    with connection.cursor() as cursor:  # the generator's UPDATE of the vectors left dead rows
        cursor.execute("VACUUM FULL ANALYZE aids_aid")
        cursor.execute("ANALYZE")
    total = Aid.objects.count()
    synthetic = Aid.objects.filter(is_synthetic=True).count()
    print(f"setup {time.perf_counter() - started:.0f} s: {total} aids ({synthetic} synthetic), "
          f"PostgreSQL {connection.pg_version}, {os.cpu_count()} CPU cores (shared)")  # fmt: skip

    def run_search(params: dict) -> tuple[float, int]:
        start = time.perf_counter()
        form = AidSearchForm(data=QueryDict(urlencode(params)))
        assert form.is_valid(), form.errors
        results = aid_search_results(filters=form.filters(), count_cap=COUNT_CAP)
        count = results.count()  # as the page counts (stops at 1 001)
        rows = list(results[:20])  # as the page reads its first page
        assert len(rows) <= 20
        return (time.perf_counter() - start) * 1000, count

    for params in QUERIES:  # warm-up, and the result counts
        run_search(params)
    samples: list[float] = []
    per_query: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for _ in range(args.rounds):
        for params in QUERIES:
            elapsed, count = run_search(params)
            key = urlencode(params)
            samples.append(elapsed)
            per_query.setdefault(key, []).append(elapsed)
            counts[key] = count
    print(
        f"\nsearch query (correction + capped count + first 20), {len(QUERIES)} queries x {args.rounds}:"
    )
    print(f"  p50 {percentile(samples, 50):.1f} ms   p95 {percentile(samples, 95):.1f} ms   "
          f"max {max(samples):.1f} ms")  # fmt: skip
    slowest = sorted(per_query.items(), key=lambda kv: -percentile(kv[1], 50))[:5]
    for key, values in slowest:
        print(f"  slowest: {key:45} p50 {percentile(values, 50):6.1f} ms  ({counts[key]} results)")
    zero = [k for k, c in counts.items() if c == 0]
    print(f"  queries with no result: {zero or 'none'}")

    client = Client()
    page_samples: list[float] = []
    for params in QUERIES:
        client.get("/aides/", params)
    for _ in range(max(1, args.rounds // 2)):
        for params in QUERIES:
            start = time.perf_counter()
            response = client.get("/aides/", params)
            page_samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (params, response.status_code)
    print(
        f"\nwhole page /aides/?… rendered in process (test client), {len(page_samples)} requests:"
    )
    print(
        f"  p50 {percentile(page_samples, 50):.1f} ms   p95 {percentile(page_samples, 95):.1f} ms"
    )

    if args.no_load:
        return 0
    import httpx

    with gunicorn(env, args.workers) as (_server, base):
        for path in LOAD_PATHS:
            httpx.get(base + path, timeout=10)
        for clients in dict.fromkeys([args.clients, args.workers]):
            print(f"\ngunicorn {args.workers} workers, {clients} concurrent clients, "
                  f"{args.seconds:.0f} s per URL:")  # fmt: skip
            print(f"  {'URL':46} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
            for path in LOAD_PATHS:
                r = hammer(base, path, clients, args.seconds)
                print(f"  {path:46} {r['requests']:6d} {r['rps']:7.1f} {r['p50']:7.1f} "
                      f"{r['p95']:7.1f} {r['errors']:6d}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
