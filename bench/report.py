"""What every benchmark shares: the machine it ran on, and its own section of docs/benchmarks.md
(between its ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers, rewritten on each run)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
INTRO = """# Benchmarks

Figures measured on the project's own machine, not tests: nothing fails when a figure is low, and
a busy machine gives lower figures (the load average at the start is recorded with each run).
Each benchmark rewrites only its own section, between its `<!-- NAME:start -->` and
`<!-- NAME:end -->` markers; a new benchmark adds a new pair of markers.
"""


def machine() -> dict[str, str]:
    """The figures that say which machine, and how busy, a run was made on."""
    cpus = os.cpu_count() or 1
    return {
        "CPUs (nproc)": f"{cpus} ({_cpu_model()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": platform.platform(terse=True),
        "load average at start": f"{os.getloadavg()[0]:.2f}",
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_table(info: dict[str, str], **more: object) -> list[str]:
    """The machine as a Markdown table, with a benchmark's own settings as further rows."""
    rows = [*info.items(), *((name.replace("_", " "), value) for name, value in more.items())]
    return ["| machine | |", "|---|---|", *(f"| {key} | {value} |" for key, value in rows)]


def table(rows: list[dict[str, str]]) -> list[str]:
    """Rows of the same keys as a Markdown table: the keys are the header, the first column is
    left-aligned and the others right-aligned."""
    header = list(rows[0])
    return [
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
        *("| " + " | ".join(row.values()) + " |" for row in rows),
    ]


def written_by(command: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Written by `{command}` on {now}; rerun it rather than editing this section."


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(name: str, text: str, doc: Path = DOC) -> None:
    """Replace section ``name`` of ``doc`` with ``text`` (which carries its markers), or add it
    at the end, creating the file if needed."""
    start, end = markers(name)
    current = doc.read_text() if doc.exists() else INTRO
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        updated = before + text + after
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(updated)


def publish(name: str, text: str, *, print_only: bool) -> None:
    """Print section ``name`` (``--no-write``), or write it into docs/benchmarks.md."""
    if print_only:
        print(text)
        return
    write_section(name, text)
    print(f"wrote the {name} section of {DOC.relative_to(ROOT)}")
