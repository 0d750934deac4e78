"""The real components behind the settings: Redis cache, the database task queue and worker."""

import io
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command


def test_redis_cache_when_redis_url_is_set():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.core.cache import cache, caches; from django.conf import settings;"
        "assert settings.CACHES['default']['BACKEND'].endswith('RedisCache');"
        "assert settings.SESSION_ENGINE.endswith('cached_db');"
        "cache.set('renouveau-test', 42, 10); assert cache.get('renouveau-test') == 42;"
        "cache.delete('renouveau-test');"
        # one client object per pool, reused by every call
        "b = caches['default']._cache; assert b.get_client() is b.get_client(write=True);"
        # the rate limiter counts in one round trip, with an expiry, readable by the cache API
        "import time; from renouveau.core.ratelimit import hit;"
        "k = f'rl-test-{time.time()}';"
        # (a window of 10^9 s: the hits cannot straddle two windows)
        "assert [hit(k, limit=2, period=10**9) for _ in range(3)] == [True, True, False];"
        "w = f'rl:{k}:{int(time.time() // 10**9)}'; assert cache.get(w) == 3, cache.get(w);"
        "ttl = b.get_client().ttl(caches['default'].make_key(w)); assert 10**9 - 60 < ttl <= 10**9 + 1, ttl;"
        "cache.delete(w); print('ok')"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CACHE_KEY_PREFIX": "renouveau-test",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


@pytest.mark.django_db(transaction=True)
def test_emails_go_through_the_database_queue_and_the_worker(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "emails"]}
    }
    from django_tasks_db.models import DBTaskResult

    from renouveau.core.tasks import send_email

    result = send_email.enqueue(subject="Bienvenue", body="Bonjour", to=["a@example.org"])
    assert len(mail.outbox) == 0  # nothing sent inside the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, queue_name="*", interval=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Bienvenue"
    result.refresh()
    assert result.status == "SUCCESSFUL"


def test_seed_loads_reference_data_and_is_idempotent(db, settings):
    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Commune

    out = io.StringIO()
    call_command("seed", "--no-demo", stdout=out)
    call_command("seed", "--no-demo", stdout=out)
    assert "92 communes" in out.getvalue()
    assert Commune.objects.count() == 92
    assert Workstream.objects.count() == 8
