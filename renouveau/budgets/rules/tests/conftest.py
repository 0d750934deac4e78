"""Shared helpers for the rules tests (no Django needed)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from renouveau.budgets.rules import read_pabulib

SHARED = Path(
    os.environ.get("RENOUVEAU_PABULIB_DIR")
    or Path(__file__).resolve().parents[5] / "shared" / "pabulib"
)
DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def shared_election(name: str):
    return read_pabulib(SHARED / name)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared pabulib instances not found in {SHARED}")
    return SHARED
