"""The query side of `jobsearch bench`: latency in process (per stage) and over HTTP, throughput
with 1 and 2 workers, and the memory of a serving process. Loopback only, bounded in time."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from scripts.bench_stats import mapped_file_mib, percentile, rss_mib, summarize

REPO = Path(__file__).resolve().parents[1]
QUERIES = REPO.parent / "shared" / "eval" / "queries.tsv"
LONG = [
    (
        "I have spent eight years building backend services and data pipelines. I enjoy "
        "distributed systems, storage engines and making things fast. "
        * 6
        + "I would like a remote role in Europe where I own a service end to end, mentor "
        "others and work with Rust or Go. " * 6
    ),
    (
        "Experienced product designer with a background in research and front-end "
        "prototyping; I run interviews, build design systems in Figma and ship React "
        "components with engineers. " * 8
    ),
    (
        "Sales leader: ten years closing enterprise SaaS deals, building and coaching teams "
        "of account executives, forecasting, partnering with marketing on pipeline. " * 8
    ),
]


def bench_serving(root: Path, sections: list[str], repeat: int, seconds: float) -> dict[str, Any]:
    from index.storage.layout import current_build
    from index.storage.manifest import read_manifest

    manifest = read_manifest(current_build(root))
    out: dict[str, Any] = {}
    scenarios = None
    if "query" in sections:
        out["query"], scenarios = bench_in_process(root, manifest.backend, repeat)
    if "http" in sections or "memory" in sections:
        out.update(bench_http(root, manifest, sections, repeat, seconds, scenarios))
    return out


def queries() -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def pick_filters(service: Any) -> list[tuple[str, Any]]:
    """Filters leaving about 50%, 5%, 0.5% of the postings, and one leaving exactly 3."""
    from search.filters import Filters

    catalog = service.index.catalog
    n = catalog.posting_count
    candidates = []
    for field, param in (
        ("team", "teams"),
        ("language", "languages"),
        ("country", "locations"),
        ("workplace", "locations"),
    ):
        for value, label, count in catalog.facet_counts(field):
            candidates.append(
                (count / n, count, param, value.upper() if field == "country" else label)
            )
    picked = []
    for target in (0.5, 0.05, 0.005):
        share, count, param, value = min(candidates, key=lambda c: abs(c[0] - target))
        picked.append((f"filter {share:.1%} ({count} postings)", Filters(**{param: (value,)})))
    three = min((c for c in candidates if c[2] == "teams"), key=lambda c: abs(c[1] - 3))
    picked.append((f"filter {three[1]} postings", Filters(teams=(three[3],))))
    return picked


def bench_in_process(root: Path, backend: str, repeat: int) -> tuple[dict[str, Any], list[Any]]:
    from index.embedding.factory import load_embedder
    from index.settings import Settings
    from index.storage.loaded import open_index
    from search.dense import MIN_FETCH
    from search.filters import Filters
    from search.query import prepare_query
    from search.ranking import PRESETS, RankingConfig
    from search.service import SearchRequest, SearchService

    settings = Settings(backend=backend)
    embedder = load_embedder(settings.model, backend, settings.cache_dir, settings.torch_threads)
    service = SearchService(
        embedder,
        open_index(root, settings.model, backend),
        RankingConfig().with_overrides(**settings.ranking_overrides()),
    )
    config = service.config
    store, catalog = service.index.store, service.index.catalog
    short = queries()
    scenarios: list[tuple[str, list[tuple[str, Any]]]] = [
        ("short queries", [(q, Filters()) for q in short]),
        ("long descriptions", [(q, Filters()) for q in LONG]),
    ]
    scenarios += [(name, [(q, f) for q in short]) for name, f in pick_filters(service)]
    # What the keyword side and fusion cost: the same short queries ranked by the dense side alone.
    dense_only = "short queries, dense only (no BM25, no threshold)"
    configs = {dense_only: PRESETS["dense"]}
    timed = [*scenarios, (dense_only, scenarios[0][1])]
    for q, f in scenarios[0][1][:3]:
        service.search(SearchRequest(q, f))  # warm up
    rounds: dict[str, dict[str, list[float]]] = {}
    for _ in range(repeat):
        for name, cases in timed:
            samples: dict[str, list[float]] = {}
            for _ in range(max(1, 60 // len(cases))):
                for q, f in cases:
                    started = time.perf_counter()
                    result = service.search(
                        SearchRequest(q, f, limit=10), configs.get(name, config)
                    )
                    total = (time.perf_counter() - started) * 1000
                    # The vector search alone, as the service calls it; the rest of the dense
                    # stage is grouping chunks into postings.
                    vector = prepare_query(q, embedder).vector
                    pids = None
                    if f:
                        from search.filters import facet_conditions

                        pids = catalog.pids_matching(facet_conditions(f))
                    allowed = None if pids is None else catalog.chunk_ids(pids)
                    started = time.perf_counter()
                    if configs.get(name, config).min_score > 0:
                        store.range_search(vector, config.min_score, allowed)
                    else:  # the first top-k fetch of a search without a threshold
                        store.search(vector, MIN_FETCH, allowed)
                    vector_ms = (time.perf_counter() - started) * 1000
                    st = result.stages_ms
                    figures = {
                        "total_ms": total,
                        "embed_ms": st.get("embed_ms", 0.0),
                        "vector_search_ms": vector_ms,
                        "grouping_ms": max(0.0, st.get("vector_ms", 0.0) - vector_ms),
                        "keyword_ms": st.get("keyword_ms", 0.0),
                        "hydrate_ms": st.get("hydrate_ms", 0.0),
                    }
                    for key, value in figures.items():
                        samples.setdefault(key, []).append(value)
            for key, values in samples.items():
                for pq in (50, 95, 99):
                    rounds.setdefault(name, {}).setdefault(f"{key} p{pq}", []).append(
                        percentile(values, pq)
                    )
    report: dict[str, Any] = {
        name: {fig: summarize(v) for fig, v in figs.items()} for name, figs in rounds.items()
    }
    report["index"] = {
        "chunks": store.size,
        "backend": backend,
        "index_type": service.index.manifest.index_type,
    }
    return report, scenarios


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(root: Path, backend: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = free_port()
    env = dict(
        os.environ,
        JOBSEARCH_INDEX_DIR=str(root),
        JOBSEARCH_BACKEND=backend,
        JOBSEARCH_RATE_LIMIT_PER_MINUTE="0",
        JOBSEARCH_TORCH_THREADS=str(max(1, 2 // workers)),
        OMP_NUM_THREADS=str(max(1, 2 // workers)),
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    ready = 0
    while time.monotonic() < deadline and ready < workers * 4:
        try:
            ready += httpx.get(f"{url}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            time.sleep(0.5)
    if ready == 0:
        stop_server(process)
        raise RuntimeError("the server did not become ready in 180 s")
    return process, url


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def worker_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """The serving processes: uvicorn itself with one worker, else its children (the caller
    skips any small helper process among them by its size)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return [int(c) for c in children] or [process.pid]


def params_for(q: str, f: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"q": q, "limit": 10}
    for field, key in (("teams", "team"), ("locations", "location"), ("languages", "language")):
        if getattr(f, field):
            params[key] = list(getattr(f, field))
    return params


async def throughput(
    url: str, cases: list[tuple[str, Any]], clients: int, seconds: float
) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client(n: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            i = n
            while time.monotonic() < deadline:
                q, f = cases[i % len(cases)]
                i += clients
                started = time.perf_counter()
                response = await http.get("/v1/search", params=params_for(q, f))
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.monotonic() - started
    return {
        "searches_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "errors": float(errors),
    }


def bench_http(
    root: Path,
    manifest: Any,
    sections: list[str],
    repeat: int,
    seconds: float,
    scenarios: list[Any] | None,
) -> dict[str, Any]:
    import httpx

    from search.filters import Filters

    if scenarios is None:
        scenarios = [
            ("short queries", [(q, Filters()) for q in queries()]),
            ("long descriptions", [(q, Filters()) for q in LONG]),
        ]
    out: dict[str, Any] = {}
    per_100k = manifest.chunks / 100_000
    for workers in (1, 2):
        process, url = start_server(root, manifest.backend, workers)
        try:
            with httpx.Client(base_url=url, timeout=30) as http:
                for q, f in scenarios[0][1][:8]:
                    http.get("/v1/search", params=params_for(q, f))  # warm up every worker
                if "http" in sections and workers == 1:
                    rounds: dict[str, dict[str, list[float]]] = {}
                    for _ in range(repeat):
                        for name, cases in scenarios:
                            samples = []
                            for _ in range(max(1, 40 // len(cases))):
                                for q, f in cases:
                                    started = time.perf_counter()
                                    response = http.get("/v1/search", params=params_for(q, f))
                                    samples.append((time.perf_counter() - started) * 1000)
                                    assert response.status_code == 200, response.text
                            for pq in (50, 95, 99):
                                rounds.setdefault(name, {}).setdefault(f"p{pq}_ms", []).append(
                                    percentile(samples, pq)
                                )
                    out["http"] = {
                        name: {k: summarize(v) for k, v in figs.items()}
                        for name, figs in rounds.items()
                    }
            if "http" in sections:
                short = scenarios[0][1]
                runs = [asyncio.run(throughput(url, short, 8, seconds)) for _ in range(repeat)]
                out.setdefault("http", {})[f"throughput, {workers} worker(s), 8 clients"] = {
                    k: summarize([r[k] for r in runs]) for k in runs[0]
                }
            if "memory" in sections:
                pids = worker_pids(process) if workers > 1 else [process.pid]
                out.setdefault("memory", {}).setdefault(f"{workers} worker(s)", {})
                for pid in pids:
                    try:
                        total = rss_mib(pid)
                        vectors = mapped_file_mib(pid, "vectors.npy")
                    except (FileNotFoundError, ProcessLookupError):
                        continue
                    if total["rss"] < 100:  # not a serving process (a tracker or the master)
                        continue
                    entry = out.setdefault("memory", {}).setdefault(f"{workers} worker(s)", {})
                    for key, value in (
                        ("rss_mib", total["rss"]),
                        ("pss_mib", total["pss"]),
                        ("vectors_rss_mib", vectors["rss"]),
                        ("vectors_pss_mib", vectors["pss"]),
                    ):
                        entry.setdefault(key, []).append(value)
                    entry.setdefault("rss_mib_per_100k_chunks", []).append(total["rss"] / per_100k)
        finally:
            stop_server(process)
    for entry in out.get("memory", {}).values():
        for key in list(entry):
            entry[key] = summarize(entry[key], 1)
    return out
