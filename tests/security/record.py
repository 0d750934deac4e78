"""The list of the checks the crawl makes, to prove that a change to the crawl checks no less.

``CRAWL_RECORD=/tmp/after.tsv pytest tests/security`` writes one line per check (test, persona,
method, URL, expectation); run the same before the change, mask the ids (sequences go on between
runs) and compare the two files as multisets, e.g.::

    python3 -c 'import re,sys,collections as c; f=lambda p: c.Counter(re.sub(r"\\d+","N",l)
    for l in open(p)); print(f(sys.argv[1]) == f(sys.argv[2]))' /tmp/before.tsv /tmp/after.tsv
"""

from __future__ import annotations

import os

_RECORD = os.environ.get("CRAWL_RECORD")


def record(test: str, persona: str, method: str, url: str, expectation: str) -> None:
    """Append the check to ``$CRAWL_RECORD``, when set."""
    if _RECORD:
        with open(_RECORD, "a", encoding="utf-8") as out:
            out.write(f"{test}\t{persona}\t{method}\t{url}\t{expectation}\n")
