"""nginx in front of daphne processes: ``deploy/nginx.conf`` filled in, and nginx started on it.

Used by ``make cluster`` (``deploy.cluster``) and by the tests that go through the proxy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
#: The proxy settings every location that reaches daphne includes.
PROXY_HEADERS = Path(__file__).with_name("proxy_headers.conf")
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary() -> str | None:
    """The nginx executable (Debian: /usr/sbin/nginx), or None when it is not installed."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def render(
    run_dir: Path,
    listen: str,
    upstreams: Sequence[str],
    static_root: Path,
    mime_types: Path = MIME_TYPES,
) -> str:
    """``deploy/nginx.conf`` with its placeholders filled in."""
    servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=3s;" for u in upstreams)
    values = {
        "@RUN_DIR@": str(run_dir),
        "@LISTEN@": listen,
        "@UPSTREAM_SERVERS@": servers,
        "@STATIC_ROOT@": str(static_root).rstrip("/"),
        "@MIME_TYPES@": str(mime_types),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def start(
    run_dir: Path, listen: str, upstreams: Sequence[str], static_root: Path
) -> subprocess.Popen[bytes]:
    """Write the configuration into ``run_dir`` and start nginx on it in the foreground (the
    caller stops it: ``terminate`` is a fast shutdown). Raises when the configuration is bad."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(render(run_dir, listen, upstreams, static_root))
    shutil.copyfile(PROXY_HEADERS, run_dir / PROXY_HEADERS.name)
    test = [binary, "-p", str(run_dir), "-c", str(config)]
    checked = subprocess.run([*test, "-t"], capture_output=True, text=True, timeout=30)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refuses {config}:\n{checked.stderr}")
    # Started by root (a container, CI), nginx would run its workers as nobody, who may not read
    # a private run directory: for this development and test use, they stay root.
    directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    return subprocess.Popen(
        [*test, "-g", directives],
        stdout=subprocess.DEVNULL,
        stderr=(run_dir / "nginx.stderr").open("wb"),
    )
