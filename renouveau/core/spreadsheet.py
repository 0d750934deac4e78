"""CSV cells that a spreadsheet will not run as formulas (CSV injection, OWASP): text typed by a
resident or an agent, such as ``=HYPERLINK(...)``, is prefixed with an apostrophe when it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. Numbers, and text that is a plain
number (``-12.5``), are left as they are, so open data keeps its values."""

from __future__ import annotations

import re
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value[:1] in _TRIGGERS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
