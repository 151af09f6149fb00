"""A real HTTP server on 127.0.0.1 that plays the three ATS board APIs for `jobsearch fetch`.

Board "acme" of each provider answers with the shared corpus's recorded response
(../shared/corpus/ats/, read in place, never copied); other boards answer from a script of
responses, one per request, the last repeated; any other board is a 404 as the real APIs say.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.paths import shared_file

RECORDED = {
    "greenhouse": "corpus/ats/greenhouse-jobs.json",
    "lever": "corpus/ats/lever-postings.json",
    "ashby": "corpus/ats/ashby-jobs.json",
}
ROUTES = {  # path pattern -> provider; the board is the one group
    "greenhouse": re.compile(r"^/v1/boards/([^/]+)/jobs$"),
    "lever": re.compile(r"^/v0/postings/([^/]+)$"),
    "ashby": re.compile(r"^/posting-api/job-board/([^/]+)$"),
}


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    content_type: str = "application/json"


def recorded(provider: str) -> bytes:
    """The recorded response of `provider`'s board, or skip the test saying it is missing."""
    return Path(shared_file(RECORDED[provider])).read_bytes()


@dataclass
class Replay:
    base_url: str
    scripts: dict[str, list[Reply]]
    requests: list[tuple[str, float]] = field(default_factory=list)  # (path with query, time)
    recorded: dict[str, bytes] = field(default_factory=dict)  # each provider's recorded board

    def reply_for(self, provider: str, board: str) -> Reply:
        script = self.scripts.get(board)
        if script:
            return script.pop(0) if len(script) > 1 else script[0]
        if board == "acme":
            return Reply(body=self.recorded[provider])
        return Reply(404, b'{"status":404,"error":"Job board not found"}')


@contextmanager
def ats_server(scripts: dict[str, list[Reply]] | None = None) -> Iterator[Replay]:
    replay = Replay("", dict(scripts or {}))
    if "acme" not in replay.scripts:  # read here: a missing file skips the test, not a request
        replay.recorded = {provider: recorded(provider) for provider in RECORDED}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            replay.requests.append((self.path, time.monotonic()))
            path = self.path.split("?", 1)[0]
            for provider, pattern in ROUTES.items():
                if match := pattern.match(path):
                    reply = replay.reply_for(provider, match.group(1))
                    break
            else:
                reply = Reply(404, b"no such API")
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    replay.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
