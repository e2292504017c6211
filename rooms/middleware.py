"""ASGI middleware of the rooms app."""

from __future__ import annotations

from typing import Any

from . import services


class SweeperMiddleware:
    """Make sure this process's room sweeper runs: started by the first request or socket a
    process serves (daphne has no start-up hook), so rooms resume after a restart."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] in ("http", "websocket"):
            services.ensure_sweeper()
        return await self.app(scope, receive, send)
