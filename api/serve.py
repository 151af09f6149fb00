"""`jobsearch serve`: the app under uvicorn, in one process or several workers.

Workers are separate processes started by uvicorn from the factory `api.main:create_app`, so
what the command line sets reaches them through the environment (JOBSEARCH_*): each reads its
settings, loads the model and memory-maps the current build (the pages are shared). Each gets
its share of the cores: the model's threads (ONNX Runtime intra-op), BLAS and FAISS threads are
set so that workers × threads is about the cores. Several workers share their metrics through
PROMETHEUS_MULTIPROC_DIR (api/metrics.py) and each watches `current` for a new build
(api/main.py).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.metrics import MULTIPROC_ENV
from api.ratelimit import RateLimits
from api.workers import SPREAD_BY_KERNEL, run_workers
from index.settings import get_settings

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class ServeOptions:
    index_dir: Path
    host: str
    port: int
    workers: int = 1
    threads: int | None = None  # per worker; None: the cores divided between the workers
    forwarded_allow_ips: str = "127.0.0.1,::1"  # trusted proxies; empty: none
    access_log: bool = True  # a line per request on stderr


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def threads_per_worker(workers: int, threads: int | None = None) -> int:
    return threads if threads and threads > 0 else max(1, cores() // max(1, workers))


def prepare_environment(options: ServeOptions) -> dict[str, str]:
    """The variables the workers read, set in this process's environment (they inherit it)."""
    threads = str(threads_per_worker(options.workers, options.threads))
    env = {
        "JOBSEARCH_INDEX_DIR": str(options.index_dir.resolve()),
        "JOBSEARCH_HOST": options.host,
        "JOBSEARCH_PORT": str(options.port),
        "JOBSEARCH_WORKERS": str(options.workers),
        "JOBSEARCH_TORCH_THREADS": threads,
        **dict.fromkeys(THREAD_VARIABLES, threads),
    }
    metrics_dir = prepare_metrics_dir(options.workers)
    if metrics_dir is not None:
        env[MULTIPROC_ENV] = str(metrics_dir)
    os.environ.update(env)
    get_settings.cache_clear()
    return env


def prepare_metrics_dir(workers: int) -> Path | None:
    """PROMETHEUS_MULTIPROC_DIR emptied of a previous run's files (prometheus-client requires
    it), or with several workers and none given, a temporary one removed at exit."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return path
    if workers <= 1:
        return None
    path = Path(tempfile.mkdtemp(prefix="jobsearch-metrics-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def serve(options: ServeOptions) -> None:
    import uvicorn

    prepare_environment(options)
    RateLimits.from_settings(get_settings())  # a bad rate limit setting fails here, clearly
    settings: dict[str, Any] = {
        "factory": True,
        "host": options.host,
        "port": options.port,
        "workers": options.workers,
        "log_level": "info",
        "access_log": options.access_log,
        **proxy_options(options.forwarded_allow_ips),
    }
    if options.workers > 1 and options.port and SPREAD_BY_KERNEL:
        # a socket per worker, so connections spread evenly (api/workers.py)
        run_workers(uvicorn.Config("api.main:create_app", **settings))
    else:
        uvicorn.run("api.main:create_app", **settings)


def proxy_options(forwarded_allow_ips: str) -> dict[str, Any]:
    """uvicorn's proxy settings: X-Forwarded-For and -Proto are read only from these peers
    (the client address is then the last one before them), never when the list is empty."""
    if not forwarded_allow_ips.strip():
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
