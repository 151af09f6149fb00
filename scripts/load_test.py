"""Bounded load against a running jobsearch server on this machine.

    python scripts/load_test.py --url http://127.0.0.1:8000 --requests 10000 --clients 16 \
        [--seconds 120] [--reload-every 10 --admin-key KEY [--swaps 3] [--rebuild "CMD"]]

Mixes short queries, long descriptions and filtered searches; optionally asks the server to
reload its index every few seconds (a hot swap under load), after running CMD (a rebuild into
the served index root) so that each reload really swaps in a new build. Stops by itself after
the request count or the time limit, whichever comes first, then prints throughput, latency,
errors and the index versions the responses came from. Exits 1 if any request failed.

Hot swaps under load, the whole procedure (the server must not rate limit this one client):

    jobsearch rebuild data/sample/postings.jsonl --index /tmp/lt/index
    JOBSEARCH_ADMIN_API_KEY=k JOBSEARCH_RATE_LIMIT= \
        jobsearch serve --index /tmp/lt/index --port 8765 &
    python scripts/load_test.py --url http://127.0.0.1:8765 --requests 10000 --clients 16 \
        --reload-every 5 --swaps 3 --admin-key k \
        --rebuild "jobsearch rebuild data/sample/postings.jsonl --index /tmp/lt/index"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter

import httpx

SHORT = [
    "rust storage engineer",
    "frontend react typescript",
    "data engineer kafka spark",
    "site reliability kubernetes on-call",
    "ios swift developer",
    "account executive saas",
    "machine learning recommendations",
    "customer support specialist",
    "go microservices grpc",
]
LONG = (
    "I have spent eight years building backend services and data pipelines. I enjoy distributed "
    "systems, storage engines and making things fast; I would like a remote role in Europe where "
    "I can own a service end to end, mentor others and work with Rust or Go. "
) * 3
FILTERS = [{}, {"location": "remote"}, {"language": "python"}, {"location": "US", "language": "go"}]


def pick(rng: random.Random) -> dict[str, str]:
    roll = rng.random()
    query = LONG if roll < 0.1 else rng.choice(SHORT)
    return {"q": query, **rng.choice(FILTERS)}


async def run(args: argparse.Namespace) -> dict[str, object]:
    latencies: list[float] = []
    statuses: Counter[int | str] = Counter()
    versions: set[str] = set()
    deadline = time.monotonic() + args.seconds
    remaining = args.requests
    reloads = 0
    lock = asyncio.Lock()
    swaps_done = asyncio.Event()  # set a moment after the last swap: the run is over

    async def client(seed: int) -> None:
        nonlocal remaining
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=args.url, timeout=30) as http:
            while time.monotonic() < deadline and not swaps_done.is_set():
                async with lock:
                    if remaining <= 0:
                        return
                    remaining -= 1
                started = time.perf_counter()
                try:
                    response = await http.get("/v1/search", params=pick(rng))
                    statuses[response.status_code] += 1
                    if response.status_code == 200:
                        versions.add(response.json()["index_version"])
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - started) * 1000)

    swap_errors: list[str] = []

    async def reloader() -> None:
        nonlocal reloads
        async with httpx.AsyncClient(base_url=args.url, timeout=60) as http:
            while time.monotonic() < deadline and remaining > 0 and reloads < args.swaps:
                await asyncio.sleep(args.reload_every)
                if args.rebuild:
                    done = await asyncio.to_thread(
                        subprocess.run, shlex.split(args.rebuild), capture_output=True, text=True
                    )
                    if done.returncode != 0:
                        swap_errors.append(
                            f"rebuild exited {done.returncode}: {done.stderr[-300:]}"
                        )
                        continue
                try:
                    response = await http.post(
                        "/v1/admin/reload", headers={"X-API-Key": args.admin_key}
                    )
                except httpx.HTTPError as exc:
                    swap_errors.append(f"reload failed: {exc!r}")
                    continue
                if response.status_code == 200:
                    reloads += 1
                else:
                    swap_errors.append(f"reload {response.status_code}: {response.text[:300]}")
        if reloads >= args.swaps:
            await asyncio.sleep(args.reload_every)  # load on the last build too, then stop
            swaps_done.set()

    started = time.monotonic()
    tasks = [client(n) for n in range(args.clients)]
    if args.reload_every and args.admin_key:
        tasks.append(reloader())
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    ok = statuses.get(200, 0)
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "ok": ok,
        "errors": {str(k): v for k, v in statuses.items() if k != 200},
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1) if ordered else None,
        "reloads": reloads,
        "swap_errors": swap_errors,
        "index_versions_seen": len(versions),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--seconds", type=float, default=300.0, help="stop after this long regardless"
    )
    parser.add_argument(
        "--reload-every", type=float, default=0.0, help="seconds between hot swaps (0: none)"
    )
    parser.add_argument("--admin-key", default=None)
    parser.add_argument(
        "--swaps",
        type=int,
        default=1_000_000,
        help="reload this many times, then stop the run --reload-every seconds later",
    )
    parser.add_argument(
        "--rebuild", default=None, help="command run before each reload (a rebuild)"
    )
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        print(
            "error: load tests only target this machine (127.0.0.0/8, localhost, [::1])",
            file=sys.stderr,
        )
        return 2
    report = asyncio.run(run(args))
    print(json.dumps(report, indent=2))
    return 0 if not report["errors"] and not report["swap_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
