"""Download a company's public job board from its ATS into a file `jobsearch rebuild` reads.

One GET per board (Greenhouse, Lever, Ashby: their public, unauthenticated board APIs), retried
with backoff (tenacity) on what is worth retrying: connection failures, timeouts, 429 (honoring
Retry-After) and 5xx. A 404 means the board name is wrong, so it is not retried. The body is
checked to be the board's JSON shape and written as it came (temp file, fsync, rename), so a
failed fetch never leaves half a file nor replaces the previous download.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import quote

import httpx
import tenacity

from index.errors import FetchError

Provider = Literal["greenhouse", "lever", "ashby"]
PROVIDERS: tuple[str, ...] = get_args(Provider)
DEFAULT_BASE_URLS: dict[str, str] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "ashby": "https://api.ashbyhq.com",
}
USER_AGENT = "jobsearch-fetch/0.1"


@dataclass(frozen=True)
class FetchPolicy:
    """How patient a fetch is: per-request timeout, extra tries, and the backoff between them."""

    timeout: float = 30.0  # seconds for each of connect, read, write
    retries: int = 4  # tries after the first
    backoff: float = 1.0  # first wait in seconds; doubles each try, with jitter
    max_wait: float = 60.0  # no single wait is longer, whatever Retry-After asks


@dataclass(frozen=True)
class FetchReport:
    provider: str
    board: str
    url: str
    path: Path
    postings: int
    bytes: int
    attempts: int


class _Retryable(Exception):
    """A response worth asking for again (429 or 5xx)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


# Worth another try: the network, a slow server, a dropped connection. Not a bad URL.
RETRIED = (_Retryable, httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def board_url(provider: str, board: str, base_url: str | None = None) -> str:
    """The board's API address; `base_url` replaces the provider's host (a mirror, a test)."""
    if provider not in PROVIDERS:
        raise FetchError(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
    if not board.strip():
        raise FetchError("empty board name")
    base = (base_url or DEFAULT_BASE_URLS[provider]).rstrip("/")
    name = quote(board.strip(), safe="")
    if provider == "greenhouse":
        return f"{base}/v1/boards/{name}/jobs?content=true"
    if provider == "lever":
        return f"{base}/v0/postings/{name}?mode=json"
    return f"{base}/posting-api/job-board/{name}?includeCompensation=true"


def fetch_board(
    provider: str,
    board: str,
    out: Path,
    base_url: str | None = None,
    policy: FetchPolicy = FetchPolicy(),
) -> FetchReport:
    """Download one board to `out`, or raise FetchError saying what went wrong and where."""
    url = board_url(provider, board, base_url)
    response, attempts = _get(url, policy)
    if response.status_code == 404:
        raise FetchError(
            f"{provider} board {board!r} not found (HTTP 404 from {url}); check the board name"
        )
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code} from {url}: {_excerpt(response.content)}")
    postings = count_postings(provider, response.content, url)
    write_atomically(out, response.content)
    return FetchReport(provider, board, url, out, postings, len(response.content), attempts)


def _get(url: str, policy: FetchPolicy) -> tuple[httpx.Response, int]:
    """The response, after retrying what is worth retrying; FetchError once tries run out."""
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.retries + 1),
        wait=_wait(policy),
        retry=tenacity.retry_if_exception_type(RETRIED),
        reraise=True,
    )
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    with httpx.Client(timeout=policy.timeout, headers=headers, follow_redirects=True) as client:
        try:
            for attempt in retrying:
                with attempt:
                    response = client.get(url)
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _Retryable(response)
                    return response, attempt.retry_state.attempt_number
        except _Retryable as exc:
            tries = policy.retries + 1
            raise FetchError(
                f"HTTP {exc.response.status_code} from {url} after {tries} tries: "
                f"{_excerpt(exc.response.content)}"
            ) from None
        except httpx.TimeoutException:
            raise FetchError(
                f"{url} timed out (timeout {policy.timeout:g} s) after {policy.retries + 1} tries"
            ) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise FetchError(
                f"cannot reach {url} after {policy.retries + 1} tries: {exc or type(exc).__name__}"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"cannot fetch {url}: {exc or type(exc).__name__}") from None
    raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover


def _wait(policy: FetchPolicy) -> Callable[[tenacity.RetryCallState], float]:
    """Retry-After when the server sends it (capped at max_wait), else exponential with jitter."""
    backoff = tenacity.wait_exponential_jitter(
        multiplier=policy.backoff, jitter=policy.backoff, max=policy.max_wait
    )

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable):
            asked = retry_after_seconds(error.response.headers.get("Retry-After"))
            if asked is not None:
                return min(asked, policy.max_wait)
        return float(backoff(state))

    return wait


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def count_postings(provider: str, body: bytes, url: str) -> int:
    """The number of postings in a board response, or FetchError if it is not that board's JSON
    shape (a login page, an error page, a truncated body)."""
    try:
        document: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{url} did not return JSON ({exc}): {_excerpt(body)}") from None
    if provider == "lever":
        if not isinstance(document, list):
            raise FetchError(f"{url} returned JSON but not a Lever postings list: {_excerpt(body)}")
        return len(document)
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
        raise FetchError(
            f"{url} returned JSON but not a {provider.title()} job board "
            f"(expected an object with a 'jobs' list): {_excerpt(body)}"
        )
    return len(document["jobs"])


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path` in full, or `path` untouched: a temporary file beside it, flushed to
    disk, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _excerpt(body: bytes, limit: int = 120) -> str:
    text = " ".join(body[: limit * 2].decode("utf-8", errors="replace").split())
    return repr(text[:limit] + ("…" if len(text) > limit else "")) if text else "(empty body)"
