"""The query side of `jobsearch bench`: latency in process (per stage) and over HTTP, throughput
with 1 and 2 workers, and the memory of a serving process. Loopback only, bounded in time.

The in-process service is built as `jobsearch search` builds it (the configured embedder on the
index's backend, the configured ranking), and the HTTP figures come from the real app under
uvicorn, so both measure what a user gets.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.bench.paths import REPO
from scripts.bench.stats import mapped_file_mib, percentile, rss_mib, summarize

if TYPE_CHECKING:
    import httpx

    from index.embedding.base import Embedder
    from index.storage.manifest import Manifest
    from search.ranking import RankingConfig
    from search.service import SearchService

Case = tuple[str, Any]  # (query, Filters)
Scenario = tuple[str, list[Case]]
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
MEMORY_FIGURES = ("rss_mib", "pss_mib", "vectors_rss_mib", "vectors_pss_mib")


def bench_serving(
    root: Path, sections: list[str], repeat: int, seconds: float, queries_file: Path
) -> dict[str, Any]:
    """The query, http and memory sections (those in `sections`) on the index at `root`."""
    from index.storage.layout import current_build
    from index.storage.manifest import read_manifest

    root = root.resolve()  # the server runs in its own process: no relative paths
    manifest = read_manifest(current_build(root))
    short = load_queries(queries_file)
    out: dict[str, Any] = {}
    scenarios = None
    if "query" in sections:
        out["query"], scenarios = bench_in_process(root, manifest.backend, repeat, short)
    if "http" in sections or "memory" in sections:
        scenarios = scenarios or plain_scenarios(short)
        out.update(bench_http(root, manifest, sections, repeat, seconds, scenarios))
    return out


def load_queries(path: Path) -> list[str]:
    """The query texts of a `qid<TAB>query` file (the dev queries)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def plain_scenarios(short: list[str]) -> list[Scenario]:
    """Unfiltered short queries and long self-descriptions: the two shapes of input users send."""
    from search.filters import Filters

    return [
        ("short queries", [(q, Filters()) for q in short]),
        ("long descriptions", [(q, Filters()) for q in LONG]),
    ]


def pick_filters(service: SearchService) -> list[tuple[str, Any]]:
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


def open_service(root: Path, backend: str) -> tuple[SearchService, Embedder]:
    """The service as `jobsearch search` builds it, on the backend the index was built with."""
    from index.embedding.factory import configured_embedder
    from index.settings import get_settings
    from index.storage.loaded import open_index
    from search.ranking import RankingConfig
    from search.service import SearchService

    settings = get_settings().model_copy(update={"backend": backend})
    embedder = configured_embedder(settings)
    service = SearchService(
        embedder,
        open_index(root, settings.model, settings.backend),
        RankingConfig().with_overrides(**settings.ranking_overrides()),
    )
    return service, embedder


def time_search(
    service: SearchService, embedder: Embedder, case: Case, config: RankingConfig
) -> dict[str, float]:
    """One search's total and per-stage milliseconds; the vector search is timed again alone,
    as the service calls it, since the service's dense stage also groups chunks into postings."""
    from search.dense import MATCH_FETCH, MIN_FETCH
    from search.filters import facet_conditions
    from search.query import prepare_query
    from search.retrieve import calibrates
    from search.service import SearchRequest

    q, f = case
    store, catalog = service.index.store, service.index.catalog
    started = time.perf_counter()
    result = service.search(SearchRequest(q, f, limit=10), config)
    total = (time.perf_counter() - started) * 1000
    vector = prepare_query(q, embedder).vector
    pids = catalog.pids_matching(facet_conditions(f)) if f else None
    allowed = None if pids is None else catalog.chunk_ids(pids)
    started = time.perf_counter()
    if calibrates(config):  # the first fetch of the calibrated dense side (search.dense)
        store.best_with_bound(vector, MATCH_FETCH, allowed)
    elif config.min_score > 0:
        store.range_search(vector, service.config.min_score, allowed)
    else:  # the first top-k fetch of a search without a threshold
        store.search(vector, MIN_FETCH, allowed)
    vector_ms = (time.perf_counter() - started) * 1000
    st = result.stages_ms
    return {
        "total_ms": total,
        "embed_ms": st.get("embed_ms", 0.0),
        "vector_search_ms": vector_ms,
        "grouping_ms": max(0.0, st.get("vector_ms", 0.0) - vector_ms),
        "keyword_ms": st.get("keyword_ms", 0.0),
        "understand_ms": st.get("understand_ms", 0.0),
        "calibrate_ms": st.get("calibrate_ms", 0.0),
        "fuse_ms": st.get("fuse_ms", 0.0),
        "hydrate_ms": st.get("hydrate_ms", 0.0),
    }


def bench_in_process(
    root: Path, backend: str, repeat: int, short: list[str]
) -> tuple[dict[str, Any], list[Scenario]]:
    """Per-stage percentiles of searches in this process, per scenario (plain, long, filtered,
    and the dense side alone, which shows what the keyword side and fusion cost)."""
    from search.ranking import PRESETS
    from search.service import SearchRequest

    service, embedder = open_service(root, backend)
    scenarios = plain_scenarios(short)
    scenarios += [(name, [(q, f) for q in short]) for name, f in pick_filters(service)]
    dense_only = "short queries, dense only (no BM25, no threshold)"
    configs = {dense_only: PRESETS["dense"]}
    timed = [*scenarios, (dense_only, scenarios[0][1])]
    for q, f in scenarios[0][1][:3]:
        service.search(SearchRequest(q, f))  # warm up
    rounds: dict[str, dict[str, list[float]]] = {}
    for _ in range(repeat):
        for name, cases in timed:
            config = configs.get(name, service.config)
            samples: dict[str, list[float]] = {}
            for _ in range(max(1, 60 // len(cases))):
                for case in cases:
                    for key, value in time_search(service, embedder, case, config).items():
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
        "chunks": service.index.store.size,
        "backend": backend,
        "index_type": service.index.manifest.index_type,
    }
    return report, scenarios


def free_port() -> int:
    """A loopback port nobody listens on, so two benches never collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(root: Path, backend: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """`jobsearch serve --workers N` on a free loopback port, once every worker answers /readyz;
    it gives each worker its share of the cores (model, BLAS and FAISS threads)."""
    import httpx

    port = free_port()
    env = dict(os.environ, JOBSEARCH_BACKEND=backend, JOBSEARCH_RATE_LIMIT="")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "scripts.cli", "serve", "--index", str(root)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--no-access-log"]
    process = subprocess.Popen(
        command,
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
    """Stop uvicorn and its workers (its own process group), forcefully if it lingers."""
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
    """The /v1/search query string for a query and its Filters."""
    params: dict[str, Any] = {"q": q, "limit": 10}
    for field, key in (("teams", "team"), ("locations", "location"), ("languages", "language")):
        if getattr(f, field):
            params[key] = list(getattr(f, field))
    return params


async def throughput(url: str, cases: list[Case], clients: int, seconds: float) -> dict[str, float]:
    """Searches per second with `clients` concurrent clients for `seconds`."""
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


def http_latency(http: httpx.Client, scenarios: list[Scenario], repeat: int) -> dict[str, Any]:
    """Sequential request percentiles per scenario (one client: latency, not throughput)."""
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
    return {name: {k: summarize(v) for k, v in figs.items()} for name, figs in rounds.items()}


def measure_memory(pids: list[int], chunks: int, entry: dict[str, list[float]]) -> None:
    """Add each serving process's RSS, PSS and vector-file share to `entry`."""
    per_100k = chunks / 100_000
    for pid in pids:
        try:
            total = rss_mib(pid)
            vectors = mapped_file_mib(pid, "vectors.npy")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if total["rss"] < 100:  # not a serving process (a tracker or the master)
            continue
        values = (total["rss"], total["pss"], vectors["rss"], vectors["pss"])
        for key, value in zip(MEMORY_FIGURES, values, strict=True):
            entry.setdefault(key, []).append(value)
        entry.setdefault("rss_mib_per_100k_chunks", []).append(total["rss"] / per_100k)


def bench_http(
    root: Path,
    manifest: Manifest,
    sections: list[str],
    repeat: int,
    seconds: float,
    scenarios: list[Scenario],
) -> dict[str, Any]:
    """Over HTTP with 1 then 2 workers: latency (1 worker), throughput, and memory."""
    import httpx

    out: dict[str, Any] = {}
    for workers in (1, 2):
        process, url = start_server(root, manifest.backend, workers)
        try:
            with httpx.Client(base_url=url, timeout=30) as http:
                for q, f in scenarios[0][1][:8]:
                    http.get("/v1/search", params=params_for(q, f))  # warm up every worker
                if "http" in sections and workers == 1:
                    out["http"] = http_latency(http, scenarios, repeat)
            if "http" in sections:
                short = scenarios[0][1]
                runs = [asyncio.run(throughput(url, short, 8, seconds)) for _ in range(repeat)]
                out.setdefault("http", {})[f"throughput, {workers} worker(s), 8 clients"] = {
                    k: summarize([r[k] for r in runs]) for k in runs[0]
                }
            if "memory" in sections:
                pids = worker_pids(process) if workers > 1 else [process.pid]
                entry = out.setdefault("memory", {}).setdefault(f"{workers} worker(s)", {})
                measure_memory(pids, manifest.chunks, entry)
        finally:
            stop_server(process)
    for entry in out.get("memory", {}).values():
        for key in list(entry):
            entry[key] = summarize(entry[key], 1)
    return out
