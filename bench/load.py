"""Load benchmark: gunicorn on loopback against PostgreSQL, N concurrent clients per page.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 10] [--workers 4] [--signed-in] [PATH ...]

It creates a fresh PostgreSQL database (``renouveau_bench`` on 127.0.0.1:5432 by default),
migrates, loads the reference data and the demonstration dataset, collects static files,
starts gunicorn with production settings (DEBUG off, manifest static files) on a free loopback
port, then for each page runs ``--clients`` threads that request it in a loop for ``--seconds``
seconds, and prints requests/s and p50/p95/p99 latency. Traffic goes to 127.0.0.1 only; every
loop is bounded in time and count.

``--signed-in`` measures what a signed-in resident gets (no page cache): the clients send the
session cookie of a resident account made for the benchmark (``bench-resident@example.org``,
no role). Without it the clients are anonymous; ``PAGE_CACHE_SECONDS=0`` in the environment
switches the page cache off for them too.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = [
    "/",
    "/plan/",
    "/plan/chantiers/transports-alternatifs-voiture/",
    "/territoires/",
    "/api/v1/chantiers/",
    "/api/v1/territories/",
]
MAX_REQUESTS_PER_CLIENT = 100_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, workers: int, *options: str):
    """gunicorn (``config.wsgi``, the settings of ``env``) on a free loopback port, ``workers``
    sync workers; yields ``(process, base URL)`` once ``/healthz`` answers 200, and stops it on
    exit. Raises ``RuntimeError`` if it does not start within 30 s."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", *options],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield server, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def prepare_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def load_average() -> str:
    """The machine's 1/5/15-minute load averages, to read the figures by (shared machine)."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


SIGNED_IN_SESSION = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.module_loading import import_string
from importlib import import_module
user, _ = get_user_model().objects.get_or_create(
    email="bench-resident@example.org", defaults={"display_name": "Banc d'essai"}
)
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = next(
    path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
)
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.set_expiry(3600)
store.save()
print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
"""


def signed_in_cookie(manage: list[str], env) -> str:
    """The ``name=value`` session cookie of the benchmark's resident, signed in for an hour."""
    result = subprocess.run(
        [*manage, "shell", "-c", SIGNED_IN_SESSION],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def hammer(base: str, path: str, clients: int, seconds: float, cookie: str = "") -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        nonlocal errors
        local: list[float] = []
        local_errors = 0
        headers = {"Cookie": cookie} if cookie else {}
        with httpx.Client(base_url=base, timeout=10.0, headers=headers) as client:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.perf_counter() >= deadline:
                    break
                start = time.perf_counter()
                try:
                    response = client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                local.append((time.perf_counter() - start) * 1000)
                local_errors += 0 if ok else 1
        with lock:
            latencies.extend(local)
            errors += local_errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "path": path,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)  # best measured on 2 cores
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="renouveau_bench")
    parser.add_argument("--no-setup", action="store_true", help="reuse the database as it is")
    parser.add_argument(
        "--signed-in", action="store_true", help="request as a signed-in resident (no page cache)"
    )
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="renouveau-bench-"))
    db_url = (
        args.admin_url.rsplit("/", 1)[0] + f"/{args.database}"
        if args.no_setup
        else prepare_database(args.admin_url, args.database)
    )
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "1",  # anonymous GETs over loopback HTTP: cookies are not needed
        "EMAIL_HOST": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "DEMO_DATA": "1",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    if not args.no_setup:
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "seed"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    cookie = signed_in_cookie(manage, env) if args.signed_in else ""

    with gunicorn(env, args.workers, "--access-logfile", "-") as (_server, base):
        for path in args.pages:  # warm-up
            httpx.get(base + path, timeout=10, headers={"Cookie": cookie} if cookie else {})
        print(f"gunicorn {args.workers} workers, {args.clients} concurrent clients, {args.seconds:.0f} s per page, "
              f"PostgreSQL, {os.cpu_count()} CPU cores, "
              f"{'signed-in resident' if cookie else 'anonymous'}, "
              f"PAGE_CACHE_SECONDS={os.environ.get('PAGE_CACHE_SECONDS', 'default')}, "
              f"load average {load_average()}")  # fmt: skip
        print(
            f"{'page':55} {'req':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
        )
        for path in args.pages:
            r = hammer(base, path, args.clients, args.seconds, cookie)
            print(
                f"{r['path']:55} {r['requests']:7d} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['errors']:6d}"
            )
        print(
            f"load average at the end {load_average()} (the machine is shared: compare runs made together)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
