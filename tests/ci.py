"""Whether this run is CI, where a missing service or browser is a failure, never a skip."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """``CI`` set to a true value (``true``, ``1``, ``yes`` in any case), as CI systems do."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
