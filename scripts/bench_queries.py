"""In-process query latency on a built index: p50/p95/p99 per scenario and per search stage.

    python scripts/bench_queries.py --index var/eval-index --queries ../shared/eval/queries.tsv [--repeat 5]

Scenarios: the judged queries as typed, a long description (split into parts), and filters that
leave about 50%, 5%, 0.5% of the postings and exactly a handful. A benchmark, not a test: it
prints figures (medians over repeats on a noisy 2-core machine) and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from index.embedder import load_embedder  # noqa: E402
from index.loaded import open_index  # noqa: E402
from index.settings import get_settings  # noqa: E402
from search.evaluation import load_queries  # noqa: E402
from search.filters import Filters  # noqa: E402
from search.ranking import PRESETS, RankingConfig  # noqa: E402
from search.service import SearchRequest, SearchService  # noqa: E402

LONG = (
    "I have spent eight years building backend services and data pipelines. I enjoy distributed "
    "systems, storage engines and making things fast, and I would like a role where I own a service "
    "end to end, mentor others and work with Rust or Go. " * 4
)


def selective_filters(service: SearchService) -> list[tuple[str, Filters]]:
    """Facet values whose share of postings is nearest 50%, 5%, 0.5%, and a team of 1-3."""
    catalog = service.index.catalog
    n = catalog.posting_count
    candidates = []
    for field, param in (
        ("team", "teams"),
        ("language", "languages"),
        ("workplace", "locations"),
        ("country", "locations"),
    ):
        for value, label, count in catalog.facet_counts(field):
            candidates.append(
                (count / n, count, param, value.upper() if field == "country" else label)
            )
    picked = []
    for target in (0.5, 0.05, 0.005):
        share, count, param, value = min(candidates, key=lambda c: abs(c[0] - target))
        picked.append((f"filter ~{target:.1%} ({value}: {count})", Filters(**{param: (value,)})))
    few = next((c for c in candidates if c[2] == "teams" and 1 <= c[1] <= 3), None)
    if few:
        picked.append((f"filter leaving {few[1]} ({few[3]})", Filters(teams=(few[3],))))
    return picked


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=get_settings().index_dir)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = get_settings()
    embedder = load_embedder(
        settings.model, settings.backend, settings.cache_dir, settings.torch_threads
    )
    service = SearchService(
        embedder,
        open_index(args.index, settings.model, settings.backend),
        RankingConfig.from_settings(settings),
    )
    queries = list(load_queries(args.queries).values())
    service.search(SearchRequest("warm up", facets=True))
    scenarios: list[tuple[str, list[str], Filters, RankingConfig]] = [
        ("dense only, short queries", queries, Filters(), PRESETS["dense"]),
        ("default, short queries", queries, Filters(), service.config),
        ("default, long description", [LONG], Filters(), service.config),
    ]
    scenarios += [
        (name, queries, filters, service.config) for name, filters in selective_filters(service)
    ]
    report = {}
    print(f"{'scenario':44} {'p50':>7} {'p95':>7} {'p99':>7}  stages p50 (ms)")
    for name, texts, filters, config in scenarios:
        totals: list[float] = []
        stages: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for text in texts:
                started = time.perf_counter()
                result = service.search(SearchRequest(text, filters, limit=10, facets=True), config)
                totals.append((time.perf_counter() - started) * 1000)
                for stage, ms in result.stages_ms.items():
                    stages.setdefault(stage.removesuffix("_ms"), []).append(ms)
        p50, p95, p99 = (float(np.percentile(totals, q)) for q in (50, 95, 99))
        medians = {stage: round(statistics.median(values), 2) for stage, values in stages.items()}
        report[name] = {
            "p50_ms": p50,
            "p95_ms": p95,
            "p99_ms": p99,
            "stages_p50_ms": medians,
            "n": len(totals),
        }
        print(f"{name:44} {p50:7.1f} {p95:7.1f} {p99:7.1f}  {medians}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
