"""``make cluster N=2``: N daphne processes on consecutive ports behind nginx on one port.

    python -m deploy.cluster --processes N [--host H] [--port P]

nginx listens on ``H:P`` and balances over daphne processes on 127.0.0.1, ports P+1 … P+N.
Several processes share a room only through PostgreSQL and Redis, so ``DATABASE_URL`` and
``REDIS_URL`` must be set (the Makefile passes the same services as ``make test-services``).
Static files are collected into a directory of this run, which nginx serves. Ctrl-C (or
SIGTERM) stops every process.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy import nginx

ROOT = Path(__file__).resolve().parents[1]


def daphne_command(host: str, port: int) -> list[str]:
    """daphne serving the project, trusting the proxy's X-Forwarded-* headers."""
    daphne = Path(sys.executable).with_name("daphne")
    return [
        str(daphne),
        "--proxy-headers",
        "-b",
        host,
        "-p",
        str(port),
        "gameproject.asgi:application",
    ]


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", "-n", type=int, default=2)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.processes > 1 and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        parser.error("several processes need DATABASE_URL (PostgreSQL) and REDIS_URL")
    if nginx.nginx_binary() is None:
        parser.error("nginx is not installed (apt-get install nginx-light)")

    run_dir = Path(tempfile.mkdtemp(prefix="liaptui-cluster-"))
    static_root = run_dir / "static"
    env = {**os.environ, "DJANGO_STATIC_ROOT": str(static_root), "PYTHONUNBUFFERED": "1"}
    env.setdefault("DJANGO_ALLOWED_HOSTS", f"127.0.0.1,localhost,{args.host}")
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "-v", "0")

    ports = [args.port + n for n in range(1, args.processes + 1)]
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for port in ports:
            children.append(subprocess.Popen(daphne_command("127.0.0.1", port), cwd=ROOT, env=env))
        upstreams = [f"127.0.0.1:{port}" for port in ports]
        children.append(nginx.start(run_dir, f"{args.host}:{args.port}", upstreams, static_root))
        print(f"Liap Tui: {args.processes} daphne processes on ports {ports[0]}-{ports[-1]}")
        print(f"Open http://{args.host}:{args.port}/ (Ctrl-C stops them all; logs: {run_dir})")
        while not stopping:
            if any(child.poll() is not None for child in children):
                print("a process of the cluster exited: stopping the others", file=sys.stderr)
                break
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
