"""Logging helpers.

Django logs every 4xx answer on ``django.request`` at WARNING level and, when the answer comes
from an exception (``BadRequest``, ``PermissionDenied``...), with that exception's traceback:
a bad page number or a forged form would then print a stack trace per request, drowning the
real errors. :class:`ClientErrorTracebackFilter` keeps the one-line warning ("Bad Request:
/idees/") of client errors but drops their traceback; server errors (5xx) keep theirs.
"""

from __future__ import annotations

import logging


class ClientErrorTracebackFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
