"""Django's PostgreSQL backend, whose per-request health check is skipped for a connection that
a request released healthy less than ``ALIVE_BYPASS_SECONDS`` ago.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` at the start of every request that uses
a persistent connection, so that a connection the server dropped (restart, idle timeout,
failover) is replaced instead of failing the request. Under load a connection is reused every
few milliseconds, and the check costs a round trip each time (0.24 ms of CPU of a 5 ms ballot,
``docs/calls-budgets.md``). As HikariCP does (``aliveBypassWindowMs``, 500 ms), a connection
released healthy by the previous request less than half a second ago is not checked again;
after any pause longer than that, it is. A request that used the connection and failed leaves it
checked again (Django closes it or resets ``errors_occurred`` at the end of the request).
"""

from __future__ import annotations

import time

from django.core.signals import request_finished
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoDatabaseWrapper

ALIVE_BYPASS_SECONDS = 0.5


class DatabaseWrapper(DjangoDatabaseWrapper):
    released_healthy_at: float | None = None

    def close_if_health_check_failed(self):
        recent = (
            self.released_healthy_at is not None
            and time.monotonic() - self.released_healthy_at < ALIVE_BYPASS_SECONDS
        )
        self.released_healthy_at = None  # one bypass per release
        if recent and self.connection is not None and self.health_check_enabled:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self):
        self.released_healthy_at = None
        super().close()


def _stamp_released_connections(**kwargs) -> None:
    """After Django's own end-of-request handling (``close_old_connections``, connected
    earlier), stamp the connections it kept open and error-free."""
    for connection in connections.all(initialized_only=True):
        if (
            isinstance(connection, DatabaseWrapper)
            and connection.connection is not None
            and not connection.errors_occurred
            and not connection.in_atomic_block
        ):
            connection.released_healthy_at = time.monotonic()


request_finished.connect(_stamp_released_connections, dispatch_uid="renouveau_pg_alive_bypass")
