"""The import contracts of pyproject.toml (docs/architecture.md, "Dependencies") fail the build
when broken: ``lint-imports`` (run by ``make test``) passes on a copy of the code and exits
non-zero, naming the import, once a forbidden import is added to the copy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("game", "eventlog", "rooms", "gameproject")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The packages' Python files and pyproject.toml, in a directory of their own."""
    root = tmp_path_factory.mktemp("contracts")
    shutil.copy(ROOT / "pyproject.toml", root)
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            target = root / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return root


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_the_contracts_hold_for_the_code(copy):
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


PURE = "game is the pure engine"
LOG = "eventlog (the log: model, append, read, replay) imports nothing of rooms"
LAYERS = "layers: rooms over eventlog over game"


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("game/rules.py", "import django.conf", {PURE}),
        ("game/scoring.py", "from rest_framework import serializers", {PURE}),
        ("game/views.py", "from eventlog import models", {PURE, LAYERS}),
        ("eventlog/selectors.py", "from rooms import errors", {LOG, LAYERS}),
        ("eventlog/admin.py", "import rooms.tokens", {LOG, LAYERS}),
    ],
)
def test_a_forbidden_import_breaks_the_build(copy, module, line, broken):
    path = copy / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}  # added by the test\n")
    try:
        result = lint_imports(copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    found = {
        name
        for name in (PURE, LOG, LAYERS)
        if re.search(f"{re.escape(name)}.* BROKEN", result.stdout)
    }
    assert found == broken, result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
