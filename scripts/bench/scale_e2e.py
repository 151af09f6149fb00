"""`jobsearch bench --sections scale-e2e --postings N`: the whole pipeline at N postings.

synth (N postings recombined from the real ones, index.ingest.synth) → warm (a rebuild of the
real postings into the same root, so the embedding cache holds every chunk the synthetic ones
have; `--warm-cache FILE` seeds it from an existing cache first) → build (the synthetic corpus,
as `jobsearch rebuild` runs it, in a child process for its own peak RSS) → serve (the real app
under uvicorn, one worker: seconds until ready, RSS) → query (over HTTP, one client at a time:
short queries, filters, empty-query listings, similar postings, the facets endpoint; every
search counts facets, as the API does) → changed (the same corpus a day later, `changed` of
it closed and as many new postings opened, rebuilt into the same root: the nightly rebuild).
The model only embeds what the warm step finds missing, so the build measures everything but
the model.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.bench.rebuild import run_child
from scripts.bench.stats import peak_rss_mib, percentile, rss_mib, summarize

if TYPE_CHECKING:
    import httpx

SEED = 11


def bench_scale_e2e(
    work: Path,
    source: Path,
    postings: int,
    queries: list[str],
    repeat: int,
    warm_cache: Path | None = None,
    changed: float = 0.01,
) -> dict[str, Any]:
    """The section's figures: one synth, warm, build and serve, queries `repeat` times, then
    a rebuild with `changed` of the postings replaced (none when 0)."""
    from index.embedding.cache import CACHE_FILE
    from index.ingest.synth import synthesize

    root = work / f"scale-e2e-{postings}"
    corpus = work / f"synth-{postings}-seed{SEED}.jsonl.gz"
    out: dict[str, Any] = {"postings": postings, "source": str(source)}
    started = time.perf_counter()
    report = synthesize(postings, source, corpus, SEED)
    out["synth"] = {"seconds": round(time.perf_counter() - started, 1)}
    out["synth"]["input_mb"] = round(report.bytes / 1e6, 1)
    root.mkdir(parents=True, exist_ok=True)
    if warm_cache is not None and not (root / CACHE_FILE).exists():
        shutil.copyfile(warm_cache, root / CACHE_FILE)
    out["warm"] = run_child("scale-build", corpus=str(source), root=str(root))
    out["build"] = run_child("scale-build", corpus=str(corpus), root=str(root))
    out["build"]["catalog_vs_input"] = round(
        out["build"]["catalog_mb"] / out["synth"]["input_mb"], 2
    )
    out.update(serve_and_query(root, queries, repeat))
    if changed > 0:
        day2 = work / f"synth-{postings}-seed{SEED}-changed{changed:g}.jsonl.gz"
        synthesize(postings, source, day2, SEED, changed)
        out["changed"] = {
            "share": changed,
            **run_child("scale-build", corpus=str(day2), root=str(root)),
        }
        served = serve_and_query(root, queries, repeat)  # the updated build, as it serves
        out["changed"]["serve"], out["changed"]["query"] = served["serve"], served["query"]
    return out


def child_build(params: dict[str, Any]) -> dict[str, Any]:
    """A rebuild as `jobsearch rebuild` runs it (the child side): seconds per stage, peak RSS."""
    from index.build.rebuild import BuildOptions, rebuild
    from index.embedding.factory import configured_embedder
    from index.settings import get_settings
    from index.storage.catalog import CATALOG_FILE

    settings = get_settings()
    embedder = configured_embedder(settings)
    started = time.perf_counter()
    report = rebuild(
        [Path(params["corpus"])],
        Path(params["root"]),
        embedder,
        BuildOptions.from_settings(settings),
    )
    seconds = time.perf_counter() - started
    build, m = report.build, report.build.manifest
    return {
        "seconds": round(seconds, 1),
        "postings": m.postings,
        "records_read": report.read.records_read,
        "skipped": len(report.skipped),
        "chunks": m.chunks,
        "index_type": m.index_type,
        "postings_per_s": round(m.postings / seconds, 1),
        "understand_seconds": round(report.understand_seconds, 1),
        "understand_postings_per_s": round(m.postings / report.understand_seconds, 1),
        "workers": report.workers,
        "embedded": build.cache.misses,
        "from_embedding_cache": build.cache.hits,
        **{f"{k}_seconds": round(v, 1) for k, v in build.stages.items()},
        "catalog_mb": round((build.directory / CATALOG_FILE).stat().st_size / 1e6, 1),
        "peak_rss_mib": round(peak_rss_mib(), 0),
        "worker_peak_rss_mib": round(peak_rss_mib(children=True), 0),  # the largest worker
        "update": m.update,  # empty for a full build
        "full_because": report.full_because,
    }


def serve_and_query(root: Path, queries: list[str], repeat: int) -> dict[str, Any]:
    """Start one worker on the build, time it to ready, then the query scenarios over HTTP."""
    import httpx

    from index.storage.layout import current_build
    from index.storage.manifest import read_manifest
    from scripts.bench.serving import start_server, stop_server

    manifest = read_manifest(current_build(root))
    started = time.perf_counter()
    process, url = start_server(root.resolve(), manifest.backend, 1)
    out: dict[str, Any] = {"serve": {"load_seconds": round(time.perf_counter() - started, 1)}}
    try:
        with httpx.Client(base_url=url, timeout=60) as http:
            scenarios = http_scenarios(http, queries)
            for path, params in scenarios["short queries"][:4]:
                http.get(path, params=params)  # warm up
            out["query"] = time_scenarios(http, scenarios, repeat)
        out["serve"]["rss_mib"] = rss_mib(process.pid)["rss"]
    finally:
        stop_server(process)
    return out


Request = tuple[str, dict[str, Any]]


def http_scenarios(http: httpx.Client, queries: list[str]) -> dict[str, list[Request]]:
    """The requests of each scenario, filters picked from the index's own facet counts."""
    facets = http.get("/v1/facets").json()
    total = max(1, int(facets.get("total", 1)))
    search = "/v1/search"
    short = [(search, {"q": q, "limit": 10}) for q in queries]
    out: dict[str, list[Request]] = {"short queries": short}
    teams = sorted(facets.get("team", []), key=lambda v: -v["count"])
    for share in (0.05, 0.005):
        if teams:
            pick = min(teams, key=lambda v: abs(v["count"] / total - share))
            name = f"filter team {pick['count'] / total:.1%}"
            out[name] = [(search, {**p, "team": pick["value"]}) for _, p in short]
    out["empty query, newest first"] = [
        (search, {"q": "", "limit": 10, "offset": o}) for o in (0, 50, 500)
    ]
    out["empty query, location=remote"] = [(search, {"q": "", "location": "remote", "limit": 10})]
    ids = [
        h["id"] for h in http.get(search, params={"q": queries[0], "limit": 10}).json()["results"]
    ]
    out["similar postings"] = [(f"/v1/postings/{i}/similar", {"limit": 10}) for i in ids]
    out["facets endpoint"] = [("/v1/facets", {})]
    return out


def time_scenarios(
    http: httpx.Client, scenarios: dict[str, list[Request]], repeat: int
) -> dict[str, Any]:
    """p50/p95/p99 per scenario (about 40 requests a round), as medians over the rounds."""
    rounds: dict[str, dict[str, list[float]]] = {}
    for _ in range(repeat):
        for name, requests in scenarios.items():
            samples = []
            for _ in range(max(1, 40 // len(requests))):
                for path, params in requests:
                    started = time.perf_counter()
                    response = http.get(path, params=params)
                    samples.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(
                            f"{path} {params}: {response.status_code} {response.text[:200]}"
                        )
            for q in (50, 95, 99):
                rounds.setdefault(name, {}).setdefault(f"p{q}_ms", []).append(
                    percentile(samples, q)
                )
    return {name: {k: summarize(v) for k, v in figs.items()} for name, figs in rounds.items()}


def render_scale_e2e(result: dict[str, Any]) -> str:
    """The section as the Markdown table the README quotes."""
    b, w = result["build"], result["warm"]
    rows = [
        f"| scale-e2e, {result['postings']:,} postings | figure | value |",
        "|---|---|---|",
        f"| synth | seconds, input MB | {result['synth']['seconds']} s, {result['synth']['input_mb']} MB |",
        f"| warm (real postings) | seconds, embedded, from cache | {w['seconds']} s, {w['embedded']}, {w['from_embedding_cache']} |",
        f"| build | seconds, postings/s, peak RSS | {b['seconds']} s, {b['postings_per_s']}, {b['peak_rss_mib']:.0f} MiB (largest worker {b.get('worker_peak_rss_mib', 0):.0f} MiB) |",
        f"| build | read + understand | {b['understand_seconds']} s ({b['understand_postings_per_s']} postings/s, {b['workers']} processes) |",
        "| build | stages (s) | "
        + ", ".join(
            f"{k[:-8]} {v}"
            for k, v in b.items()
            if k.endswith("_seconds") and k != "understand_seconds"
        )
        + " |",
        f"| build | chunks, index, catalog | {b['chunks']:,}, {b['index_type']}, {b['catalog_mb']} MB ({b['catalog_vs_input']}× the input) |",
        f"| serve | load, RSS | {result['serve']['load_seconds']} s, {result['serve'].get('rss_mib', 0):.0f} MiB |",
    ]
    if c := result.get("changed"):
        u = c.get("update") or {}
        how = (
            f"an update: {u['kept']:,} kept, {u['added']:,} added, {u['dead']:,} dead"
            if u
            else f"a full build ({c.get('full_because')})"
        )
        rows.append(
            f"| rebuild, {c['share']:.0%} changed | seconds, peak RSS | {c['seconds']} s, {c['peak_rss_mib']:.0f} MiB, {how} |"
        )
        rows.append(
            "| rebuild, changed | stages (s) | "
            + ", ".join(
                f"{k[:-8]} {v}"
                for k, v in c.items()
                if k.endswith("_seconds") and k != "understand_seconds"
            )
            + " |"
        )
        if "serve" in c:
            rows.append(
                f"| serve the updated build | load, RSS | {c['serve']['load_seconds']} s, {c['serve'].get('rss_mib', 0):.0f} MiB |"
            )
            for name, figures in c.get("query", {}).items():
                p50, p95, p99 = (figures[f"p{q}_ms"]["median"] for q in (50, 95, 99))
                rows.append(
                    f"| HTTP {name}, updated build | p50 / p95 / p99 ms | {p50:.1f} / {p95:.1f} / {p99:.1f} |"
                )
    for name, figures in result.get("query", {}).items():
        p50, p95, p99 = (figures[f"p{q}_ms"]["median"] for q in (50, 95, 99))
        rows.append(f"| HTTP {name} | p50 / p95 / p99 ms | {p50:.1f} / {p95:.1f} / {p99:.1f} |")
    return "\n".join(rows)
