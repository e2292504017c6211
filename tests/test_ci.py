"""Which values of CI make a run a CI run (a missing service or browser then fails it), and
which tests the service-backed run runs."""

from __future__ import annotations

import re
from pathlib import Path

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


#: A module marked for the service-backed run, or one of its tests.
SERVICES_MARK = re.compile(r"^(pytestmark = |\s*@)pytest\.mark\.services\b", re.M)


def test_every_service_backed_test_is_in_the_service_backed_run():
    """A test marked ``services`` is deselected from the embedded run (``-m "not services"``):
    it runs only if ``make test-services`` names it (its file, or itself), or it never runs."""
    root = Path(__file__).resolve().parents[1]
    makefile = (root / "Makefile").read_text()
    recipe = makefile.split("\ntest-services:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    named = recipe.split()
    marked = [
        path.relative_to(root).as_posix()
        for path in sorted(root.glob("**/test_*.py"))
        if ".venv" not in path.parts and SERVICES_MARK.search(path.read_text())
    ]
    assert marked
    for path in marked:
        assert any(
            name == path or name.startswith(path + "::") or path.startswith(name.rstrip("/") + "/")
            for name in named
        ), f"{path} is marked services but make test-services does not run it"
