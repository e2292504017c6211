"""Real daphne processes for the integration tests (see ``tests/liveserver.py``): each on a
free port of 127.0.0.1, all on one SQLite file of the test's own, stopped when the test ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.liveserver import Servers


@pytest.fixture
def servers(tmp_path: Path):
    group = Servers(tmp_path)
    try:
        yield group
    finally:
        group.stop_all()
