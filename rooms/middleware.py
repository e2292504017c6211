"""Starting this process's room sweeper: with the server, and again on any request."""

from __future__ import annotations

import sys
from typing import Any

from .sweeper import ensure_sweeper


def sweep_from_the_start() -> None:
    """Under daphne, start the sweeper as soon as the server runs, so that after a restart the
    rooms of the log go on (bots play, deadlines fire) before anybody comes back. daphne has no
    start-up hook (no ASGI lifespan), but it serves on Twisted's asyncio reactor, which can call
    us once it runs. Elsewhere (tests, other servers) ``SweeperMiddleware`` starts it."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or reactor.running:
        return
    # Startup triggers run before the asyncio loop does: start from the loop's first turn.
    reactor.callWhenRunning(reactor.callLater, 0, ensure_sweeper)


class SweeperMiddleware:
    """Make sure this process's room sweeper runs: a request or socket restarts it if it is not
    running (it also starts with the server under daphne: ``sweep_from_the_start``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] in ("http", "websocket"):
            ensure_sweeper()
        return await self.app(scope, receive, send)
