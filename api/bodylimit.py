"""A cap on request body size, so a huge POST is refused with 413 instead of read into memory.

Enforced where the body is read: a declared Content-Length over the cap is refused before any
of it is read, and a chunked body is counted as it arrives. Routes that take no body never
read one, so they are unaffected. The 413 goes through the app's error handlers (one shape).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send)

    def _too_large(self) -> HTTPException:
        return HTTPException(
            413, f"request body: at most {self.max_bytes} bytes (JOBSEARCH_MAX_BODY_BYTES)"
        )
