"""Which values of CI make a run a CI run (a missing service or browser then fails it)."""

from __future__ import annotations

import pytest

from tests.ci import in_ci


@pytest.mark.parametrize(
    ("value", "ci"),
    [
        ("true", True),
        ("1", True),
        ("YES", True),
        (" True ", True),
        ("false", False),
        ("0", False),
        ("", False),
        (None, False),
    ],
)
def test_in_ci(monkeypatch, value, ci):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is ci
