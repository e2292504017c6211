"""The checked-in golden logs, and how to store one in the event log as it was written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from eventlog.models import Event

FILES = sorted(Path(__file__).parent.glob("*.json"))


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def stored_rows(recording: dict[str, Any]) -> list[Event]:
    """The recording's events as rows of the log, with the schema version they were written
    with: 1 for a version that did not record one."""
    at = timezone.now()
    rows = []
    for values in recording["events"]:
        fields = {"schema": 1, **dict(zip(recording["columns"], values, strict=True))}
        rows.append(Event(room_id=recording["room_id"], created_at=at, **fields))
    return rows


def assert_contains(recorded: Any, current: Any, path: str = "state") -> None:
    """``current`` has everything ``recorded`` has, equal: objects may have gained fields since
    (a newer state or view has more), lists have the same length and items."""
    if isinstance(recorded, dict):
        assert isinstance(current, dict), path
        for key, value in recorded.items():
            assert key in current, f"{path}.{key} is gone"
            assert_contains(value, current[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        assert isinstance(current, list), path
        assert len(current) == len(recorded), f"{path}: {len(current)} != {len(recorded)} items"
        for i, (old, new) in enumerate(zip(recorded, current, strict=True)):
            assert_contains(old, new, f"{path}[{i}]")
    else:
        assert current == recorded, f"{path}: {current!r} != {recorded!r}"
