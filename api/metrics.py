"""Prometheus metrics, kept in process and written in the text exposition format.

Request counts and latency histograms per route template (not raw path, so ids don't explode
the label space) and status, per search stage, the share of searches that found nothing, and
the version of the index being served. Collection only: requests are recorded by the
middleware in api/observe.py, searches by the search routes, and GET /metrics
(api/routes/metrics.py) serves render().
"""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS_MS = (1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)


class Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS_MS) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, value_ms: float) -> None:
        index = next(
            (i for i, bound in enumerate(BUCKETS_MS) if value_ms <= bound), len(BUCKETS_MS)
        )
        self.counts[index] += 1
        self.total += value_ms
        self.n += 1

    def lines(self, name: str, labels: str) -> list[str]:
        out, running = [], 0
        for bound, count in zip((*BUCKETS_MS, "+Inf"), self.counts, strict=True):
            running += count
            out.append(f'{name}_bucket{{{labels}{"," if labels else ""}le="{bound}"}} {running}')
        out.append(f"{name}_sum{{{labels}}} {self.total:.3f}")
        out.append(f"{name}_count{{{labels}}} {self.n}")
        return out


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[tuple[str, str], Histogram] = defaultdict(Histogram)
        self.stages: dict[str, Histogram] = defaultdict(Histogram)
        self.searches = 0
        self.empty_searches = 0
        self.index_version = ""

    def record_request(self, method: str, route: str, status: int, ms: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            self.latency[(method, route)].observe(ms)

    def record_search(self, stages_ms: dict[str, float], results: int) -> None:
        with self._lock:
            self.searches += 1
            self.empty_searches += results == 0
            for stage, ms in stages_ms.items():
                self.stages[stage.removesuffix("_ms")].observe(ms)

    def render(self) -> str:
        with self._lock:
            lines = ["# TYPE jobsearch_requests_total counter"]
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(
                    f'jobsearch_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}'
                )
            lines.append("# TYPE jobsearch_request_duration_ms histogram")
            for (method, route), hist in sorted(self.latency.items()):
                lines += hist.lines(
                    "jobsearch_request_duration_ms", f'method="{method}",route="{route}"'
                )
            lines.append("# TYPE jobsearch_search_stage_duration_ms histogram")
            for stage, hist in sorted(self.stages.items()):
                lines += hist.lines("jobsearch_search_stage_duration_ms", f'stage="{stage}"')
            lines.append("# TYPE jobsearch_searches_total counter")
            lines.append(f"jobsearch_searches_total {self.searches}")
            lines.append("# TYPE jobsearch_empty_searches_total counter")
            lines.append(f"jobsearch_empty_searches_total {self.empty_searches}")
            lines.append("# TYPE jobsearch_empty_result_ratio gauge")
            lines.append(
                f"jobsearch_empty_result_ratio {self.empty_searches / self.searches if self.searches else 0.0:.6f}"
            )
            lines.append("# TYPE jobsearch_index_info gauge")
            lines.append(f'jobsearch_index_info{{version="{self.index_version}"}} 1')
        return "\n".join(lines) + "\n"
