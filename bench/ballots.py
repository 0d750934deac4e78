"""Participatory-budget benchmark: 50 000 voters and 150 projects in PostgreSQL.

    .venv/bin/python bench/ballots.py [--voters 50000] [--projects 150] [--http-ballots 6000]
                                      [--processes 2] [--clients 6] [--workers 3]
                                      [--redis-url redis://127.0.0.1:6379/15]

Defaults are those of the figures in the README: on the 2-core benchmark machine, which also
runs the clients, PostgreSQL and Redis, three sync workers and 12 concurrent clients give the
best throughput (more workers or clients only add context switches).

1. Creates a fresh PostgreSQL database (``renouveau_bench_ballots`` on 127.0.0.1:5432 by default),
   migrates, loads the territories and the plan, then creates one call in its vote phase with one
   metropolitan envelope (approval ballot within the envelope, 30 % minimum share), ``--projects``
   accepted projects and ``--voters`` eligible voters (bulk inserts, not timed).
2. Starts gunicorn (production settings: DEBUG off) on a free loopback port and submits
   ``--http-ballots`` real ballots through the HTML form (session cookie + CSRF token, exactly what a
   browser posts; each answer must be the 302 of an accepted ballot), from ``--processes`` client
   processes x ``--clients`` threads (plain sockets, one connection per ballot, so that the load
   generator takes as little of the shared CPU as possible), with Redis as the deployment's
   shared cache (the sessions are in Redis as after a login; rate limits count there). Prints
   ballots/s, latency percentiles, how busy the machine's CPUs were and the server's CPU time
   per ballot. Then re-submits a
   share of them (voters changing their ballot) and checks there is still one ballot per voter.
3. Inserts the ballots of the remaining voters directly (bulk, not timed) so that the envelope
   holds one ballot per voter, then times "close the vote" -> results published: the ``vote_close``
   service followed by ``results_compute`` (what the task runs), broken down into loading the
   ballots, the engine (the call's rule, MES + Add1 + greedy completion, and greedy for comparison)
   and writing the results; and the pabulib export of the anonymised ballots.

Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import gunicorn, percentile, prepare_database  # noqa: E402


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return out


def server_cpu(master: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers and by the PostgreSQL backends serving
    this benchmark's database (the machine is shared: wall-clock rates depend on its load, CPU
    per ballot much less)."""
    import psycopg

    workers = sum(_cpu(p) for p in [master, *_children(master)])
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            )
        ]
    return workers, sum(_cpu(p) for p in pids)


# ---------------------------------------------------------------- data (in this process)


def make_choices(
    rng: random.Random, projects: list[tuple[int, int]], cum_weights, amount: int, minimum: int
):
    """An approval ballot: popular projects more often, total between the minimum and the limit."""
    target = rng.randint(minimum, amount)
    chosen, total = [], 0
    for _ in range(400):
        pid, cost = rng.choices(projects, cum_weights=cum_weights)[0]
        if pid in chosen or total + cost > amount:
            continue
        chosen.append(pid)
        total += cost
        if total >= target:
            break
    if total < minimum:  # top up with the cheapest projects that fit
        for pid, cost in sorted(projects, key=lambda p: p[1]):
            if pid not in chosen and total + cost <= amount:
                chosen.append(pid)
                total += cost
            if total >= minimum:
                break
    return chosen


def setup(args) -> dict:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from renouveau.accounts.models import User
    from renouveau.budgets.models import Envelope
    from renouveau.calls.models import Call, Submission
    from renouveau.plan.models import Workstream
    from renouveau.plan.services import plan_load
    from renouveau.territories.models import Commune
    from renouveau.territories.services import territories_load

    territories_load()
    plan_load()
    now = timezone.now()
    from datetime import timedelta

    day = timedelta(days=1)
    call = Call.objects.create(
        title="Banc d'essai du budget participatif",
        slug="banc-d-essai",
        summary="Benchmark",
        total_amount=Decimal(args.amount),
        is_published=True,
        submission_opens_at=now - 30 * day,
        submission_closes_at=now - 20 * day,
        vote_opens_at=now - day,
        vote_closes_at=now + 10 * day,
    )
    envelope = Envelope.objects.create(
        call=call, name="Métropole", amount=Decimal(args.amount), min_share_percent=30
    )
    rng = random.Random(42)  # noqa: S311 - benchmark data
    communes = list(Commune.objects.all())
    workstreams = list(Workstream.objects.all())
    author = User.objects.create_user(email="porteur@bench.localhost", password=None)
    Submission.objects.bulk_create(
        [
            Submission(
                call=call,
                author=author,
                title=f"Projet {i + 1}",
                description="Projet du banc d'essai.",
                beneficiaries="Les habitants",
                commune=rng.choice(communes),
                workstream=rng.choice(workstreams),
                estimated_cost=Decimal(rng.randrange(10_000, 200_000, 1000)),
                status=Submission.Status.ACCEPTED,
            )
            for i in range(args.projects)
        ]
    )
    projects = [
        (pk, int(cost))
        for pk, cost in Submission.objects.filter(call=call).values_list("pk", "estimated_cost")
    ]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(projects))]
    rng.shuffle(weights)
    t0 = time.perf_counter()
    users = []
    for i in range(args.voters):
        users.append(
            User(
                email=f"votant{i}@bench.localhost",
                password="!bench",  # noqa: S106 - an unusable password
                commune=communes[i % len(communes)],
                birth_year=1950 + i % 55,
            )
        )
    User.objects.bulk_create(users, batch_size=5000)
    voters = list(
        User.objects.filter(email__endswith="@bench.localhost", birth_year__isnull=False)
        .order_by("pk")
        .values_list("pk", "password")
    )
    # Sessions of the voters who vote over HTTP (what a login would have stored).
    backend = "renouveau.accounts.backends.AuthenticationBackend"  # what a login stores
    sessions = []
    http_voters = voters[: args.http_ballots]
    cookies = []
    for pk, _password in http_voters:
        user = User(pk=pk, password="!bench")  # noqa: S106
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=SessionStore().encode(data),
                expire_date=now + day,
            )
        )
        cookies.append(key)
    Session.objects.bulk_create(sessions, batch_size=5000)
    if settings.SESSION_ENGINE.endswith("cached_db"):
        # With Redis, a login writes the session to the cache too: read each one once so that
        # the cache holds it, as after a real login.
        engine = import_module(settings.SESSION_ENGINE)
        for key in cookies:
            engine.SessionStore(session_key=key).load()
    amount = int(args.amount)
    minimum = int(envelope.min_spend) + 1
    from itertools import accumulate

    cum = list(accumulate(weights))
    ballots = [make_choices(rng, projects, cum, amount, minimum) for _ in voters]
    print(
        f"setup: {len(voters)} voters, {len(projects)} projects, envelope {amount} EUR "
        f"(minimum {minimum}), {time.perf_counter() - t0:.1f} s"
    )
    return {
        "envelope": envelope.pk,
        "call": call.pk,
        "voters": [pk for pk, _ in voters],
        "cookies": cookies,
        "ballots": ballots,
        "projects": projects,
    }


# ---------------------------------------------------------------- HTTP load (client processes)


def post_form(host: str, port: int, path: str, cookie: str, body: bytes) -> tuple[int, str]:
    """One HTTP/1.1 POST on a new connection (gunicorn's sync workers close it after each
    answer), written and read with plain sockets: the load generator shares the machine's two
    cores with the server, so it must cost as little CPU as possible (httpx cost ~2.5 ms per
    request). Returns the status code and the Location header."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: {cookie}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    head = b"".join(chunks).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    location = next(
        (h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("location:")), ""
    )
    return status, location


def client_process(base, path, jobs, threads, out_queue):
    from urllib.parse import urlencode, urlsplit

    host, port = urlsplit(base).hostname, urlsplit(base).port
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    chunks = [jobs[i::threads] for i in range(threads)]

    def run(chunk):
        local, codes = [], {}
        csrf = secrets.token_hex(16)  # 32 characters: accepted as an unmasked secret
        for cookie, choices in chunk:
            body = urlencode(
                {"csrfmiddlewaretoken": csrf, "projects": [str(p) for p in choices]}, doseq=True
            ).encode()
            start = time.perf_counter()
            try:
                code, location = post_form(
                    host, port, path, f"sessionid={cookie}; csrftoken={csrf}", body
                )
                if code == 302 and location != path:  # an accepted ballot redirects to its page
                    code = -302
            except (OSError, ValueError, IndexError):
                code = -1
            local.append((time.perf_counter() - start) * 1000)
            codes[code] = codes.get(code, 0) + 1
        with lock:
            latencies.extend(local)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    ts = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    out_queue.put((latencies, statuses, usage.ru_utime + usage.ru_stime))


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all the machine's CPUs so far (Linux /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def hammer(base, path, jobs, processes, threads) -> dict:
    queue: mp.Queue = mp.Queue()
    slices = [jobs[i::processes] for i in range(processes)]
    procs = [
        mp.Process(target=client_process, args=(base, path, s, threads, queue)) for s in slices
    ]
    started, ticks = time.perf_counter(), _machine_ticks()
    for p in procs:
        p.start()
    results = [queue.get(timeout=1800) for _ in procs]
    elapsed = time.perf_counter() - started
    busy = (_machine_ticks()[0] - ticks[0]) / max(1, _machine_ticks()[1] - ticks[1])
    for p in procs:
        p.join(timeout=60)
    latencies = [x for lat, _, _ in results for x in lat]
    client_cpu = sum(cpu for _, _, cpu in results)
    statuses: dict[int, int] = {}
    for _, codes, _ in results:
        for k, v in codes.items():
            statuses[k] = statuses.get(k, 0) + v
    ok = statuses.get(302, 0)
    return {
        "requests": len(latencies),
        "ok": ok,
        "statuses": statuses,
        "elapsed": elapsed,
        "rate": ok / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "busy": busy,
        "client_cpu": client_cpu,
    }


def report(label, r):
    print(
        f"{label}: {r['ok']}/{r['requests']} accepted (302) in {r['elapsed']:.1f} s -> "
        f"{r['rate']:.0f} ballots/s; latency p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
        f"p99 {r['p99']:.0f} ms; statuses {r['statuses']}; machine CPU busy {100 * r['busy']:.0f} %, "
        f"load generator {1000 * r['client_cpu'] / max(1, r['requests']):.1f} ms CPU per request"
    )


# ---------------------------------------------------------------- closing the vote


def close_and_publish(data) -> None:
    from django.db import connection

    from renouveau.accounts.models import User
    from renouveau.budgets import engine, services
    from renouveau.budgets.models import Ballot, Envelope, Result
    from renouveau.calls.models import Call

    envelope = Envelope.objects.get(pk=data["envelope"])
    done = set(Ballot.objects.filter(envelope=envelope).values_list("voter_id", flat=True))
    t0 = time.perf_counter()
    rows = [
        Ballot(envelope=envelope, voter_id=pk, choices={str(p): 1 for p in choices})
        for pk, choices in zip(data["voters"], data["ballots"], strict=True)
        if pk not in done
    ]
    Ballot.objects.bulk_create(rows, batch_size=5000)
    total = Ballot.objects.filter(envelope=envelope).count()
    print(f"direct insert of the other voters' ballots: {len(rows)} in {time.perf_counter() - t0:.1f} s; "
          f"envelope holds {total} ballots")  # fmt: skip
    assert total == len(data["voters"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    agent = User.objects.create_user(email="agent@bench.localhost", password=None)
    call = Call.objects.get(pk=data["call"])

    # Instrument the three stages of results_compute.
    timings = {"load": 0.0, "engine": 0.0}
    real_data, real_compute = services.envelope_election_data, engine.compute

    def timed_data(env):
        s = time.perf_counter()
        out = real_data(env)
        timings["load"] += time.perf_counter() - s
        return out

    def timed_compute(**kw):
        s = time.perf_counter()
        out = real_compute(**kw)
        timings["engine"] += time.perf_counter() - s
        return out

    services.envelope_election_data, engine.compute = timed_data, timed_compute
    start, cpu_start = time.perf_counter(), time.process_time()
    services.vote_close(actor=agent, call=call)  # the task is enqueued on commit (database queue)
    call.refresh_from_db()
    services.results_compute(call=call)  # what results_compute_task runs
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    services.envelope_election_data, engine.compute = real_data, real_compute
    result = Result.objects.get(envelope=envelope)
    print(
        f"close the vote -> results published: {elapsed:.2f} s wall, {cpu:.2f} s CPU of this process "
        f"(load {result.ballot_count} ballots {timings['load']:.2f} s, engine {timings['engine']:.2f} s "
        f"[{result.rule} + greedy], write {elapsed - timings['load'] - timings['engine']:.2f} s); "
        f"{len(result.selected)} projects selected, greedy would select "
        f"{len(result.greedy.get('selected', []))}; MES runs {result.outcome.get('mes_runs')}"
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    text = services.pabulib_export(envelope=envelope)
    print(f"pabulib export of the anonymised ballots (first download, then stored): {len(text) / 1e6:.1f} MB "
          f"in {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu_start:.2f} s CPU")  # fmt: skip
    print(f"machine load average after the run: {os.getloadavg()[0]:.1f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=150)
    parser.add_argument("--amount", type=int, default=2_000_000)
    parser.add_argument("--http-ballots", type=int, default=6000)
    parser.add_argument("--changes", type=int, default=1000, help="ballots changed over HTTP")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--clients", type=int, default=6, help="threads per client process")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="renouveau_bench_ballots")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="the shared cache of a deployment (sessions, rate limits); its database is "
        "flushed before and after the run; '' for none (database sessions, local caches)",
    )
    args = parser.parse_args(argv)
    args.http_ballots = min(args.http_ballots, args.voters)

    db_url = prepare_database(args.admin_url, args.database)
    var_dir = Path(tempfile.mkdtemp(prefix="renouveau-bench-"))
    env = {
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "1",
        "EMAIL_HOST": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "DEMO_DATA": "0",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Persistent connections for the whole run (as in production), which also keeps the
        # PostgreSQL backends alive so that their CPU time can be read.
        "DATABASE_CONN_MAX_AGE": "900",
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "bench",
    }
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    print(
        f"machine load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    os.environ.update(env)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=os.environ, check=True, cwd=ROOT)
    collected = subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=os.environ, cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if collected.returncode:
        print("warning: collectstatic failed; the benchmark only posts ballots (302 answers)")
    data = setup(args)

    path = f"/budget-participatif/enveloppes/{data['envelope']}/"
    try:
        with gunicorn(os.environ, args.workers) as (server, base):
            print(
                f"gunicorn {args.workers} workers on loopback, {args.processes} client processes x "
                f"{args.clients} threads, PostgreSQL, "
                f"{'Redis cache and sessions' if args.redis_url else 'no Redis (database sessions)'}, "
                f"{os.cpu_count()} CPU cores (clients included)"
            )
            jobs = list(zip(data["cookies"], data["ballots"][: args.http_ballots], strict=True))
            # Warm every worker (imports, connections) with a few ballots that are counted apart.
            warm, jobs = jobs[: 4 * args.workers], jobs[4 * args.workers :]
            hammer(base, path, warm, 1, args.workers)
            before = server_cpu(server.pid, args.database)
            result = hammer(base, path, jobs, args.processes, args.clients)
            after = server_cpu(server.pid, args.database)
            report("new ballots", result)
            app_cpu, db_cpu = after[0] - before[0], after[1] - before[1]
            if result["ok"]:
                per = (app_cpu + db_cpu) / result["ok"]
                print(
                    f"server CPU per accepted ballot: {1000 * app_cpu / result['ok']:.1f} ms gunicorn "
                    f"+ {1000 * db_cpu / result['ok']:.1f} ms PostgreSQL backends = {1000 * per:.1f} ms; "
                    f"capacity of {os.cpu_count()} dedicated cores at that cost: "
                    f"{os.cpu_count() / per:.0f} ballots/s (derived, not measured)"
                )
            rng = random.Random(7)  # noqa: S311
            changes = [
                (cookie, data["ballots"][rng.randrange(len(data["ballots"]))])
                for cookie in data["cookies"][: args.changes]
            ]
            report("changed ballots", hammer(base, path, changes, args.processes, args.clients))
    finally:
        if args.redis_url:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
    from renouveau.budgets.models import Ballot

    count = Ballot.objects.filter(envelope_id=data["envelope"]).count()
    print(
        f"after HTTP: {count} ballots for {args.http_ballots} voters (one each: {count == args.http_ballots})"
    )
    close_and_publish(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
