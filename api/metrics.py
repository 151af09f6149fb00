"""Prometheus metrics with prometheus-client, added up across the server's worker processes.

Request counts and latency per route template (not raw path, so ids don't explode the label
space) and status, per search stage, searches and the empty ones (and their ratio), and the
index version being served. Requests are recorded by the middleware in api/observe.py, searches
by the search routes, the version by the app state; GET /metrics serves `render()`.

With several workers, `jobsearch serve` sets PROMETHEUS_MULTIPROC_DIR before they start: each
worker then writes its values to files there and a scrape, whichever worker answers it, reads
them all (prometheus-client's multiprocess mode): counters and histograms are summed over the
workers, dead ones included, and the index version is 1 for any version a live worker serves.
Without it (one process, tests) the values live in this object's own registry.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Iterator

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
SEARCHES, EMPTY = "jobsearch_searches_total", "jobsearch_empty_searches_total"
CONTENT_TYPE = prometheus_client.CONTENT_TYPE_PLAIN_0_0_4

# Counters and histograms carry no `_created` series: a multiprocess scrape has none either, so
# both modes expose the same series.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "jobsearch_requests",
            "HTTP responses by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jobsearch_request_duration_seconds",
            "Time from a request's arrival to its response, by method and route template.",
            ["method", "route"],
            buckets=BUCKETS_SECONDS,
            registry=self.registry,
        )
        self.stages = Histogram(
            "jobsearch_search_stage_duration_seconds",
            "Time in each stage of the search pipeline.",
            ["stage"],
            buckets=BUCKETS_SECONDS,
            registry=self.registry,
        )
        self.searches = Counter("jobsearch_searches", "Searches answered.", registry=self.registry)
        self.empty_searches = Counter(
            "jobsearch_empty_searches", "Searches that found nothing.", registry=self.registry
        )
        self.index_info = Gauge(
            "jobsearch_index_info",
            "1 for each index version a (live) worker serves.",
            ["version"],
            multiprocess_mode="livemax",
            registry=self.registry,
        )
        self.index_version = ""

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def record_search(self, stages_ms: dict[str, float], results: int) -> None:
        self.searches.inc()
        if results == 0:
            self.empty_searches.inc()
        for stage, ms in stages_ms.items():
            self.stages.labels(stage.removesuffix("_ms")).observe(ms / 1000)

    def set_index_version(self, version: str) -> None:
        """The previous version goes to 0 (a multiprocess series cannot be removed)."""
        if self.index_version and self.index_version != version:
            self.index_info.labels(self.index_version).set(0)
        self.index_info.labels(version).set(1)
        self.index_version = version

    def render(self) -> bytes:
        """The text exposition: every worker's values when in multiprocess mode."""
        path = multiprocess_dir()
        source = MultiProcessCollector(None, path) if path else self.registry  # type: ignore[no-untyped-call]
        return prometheus_client.generate_latest(WithEmptyRatio(source))


class WithEmptyRatio:
    """The collected families plus jobsearch_empty_result_ratio, computed from the (summed)
    search counters at scrape time: a ratio cannot be added up across workers."""

    def __init__(self, source: CollectorRegistry | MultiProcessCollector) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        families: Iterable[Metric] = list(self.source.collect())
        totals = {s.name: s.value for f in families for s in f.samples}
        yield from families
        searches = totals.get(SEARCHES, 0.0)
        ratio = totals.get(EMPTY, 0.0) / searches if searches else 0.0
        yield GaugeMetricFamily(
            "jobsearch_empty_result_ratio", "Share of searches that found nothing.", value=ratio
        )


def forget_dead_workers(path: str) -> list[int]:
    """mark_process_dead for every worker whose live-gauge files outlived it (a worker that
    crashed never ran its shutdown): run by each worker at startup. Returns their pids."""
    dead = []
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        match = re.search(r"_(\d+)\.db$", name)
        if match and not pid_alive(int(match.group(1))):
            dead.append(int(match.group(1)))
    for pid in sorted(set(dead)):
        mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
    return sorted(set(dead))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_started() -> None:
    """At a worker's startup: clear what crashed workers left behind."""
    path = multiprocess_dir()
    if path:
        forget_dead_workers(path)


def worker_stopped() -> None:
    """At a worker's shutdown: its live gauges go (its counters stay in the sums)."""
    path = multiprocess_dir()
    if path:
        mark_process_dead(os.getpid(), path)  # type: ignore[no-untyped-call]
