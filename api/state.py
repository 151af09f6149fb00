"""What the running app holds: settings, the model, metrics, and the search service once an
index loads. Reloading swaps the index under the service: requests already running finish on
the build they started with (they hold their own reference), new ones get the new build."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from api.metrics import Metrics
from index.embedding.base import Embedder
from index.errors import IndexNotFoundError, JobSearchError
from index.settings import Settings
from index.storage.layout import current_build
from index.storage.loaded import open_index
from search.ranking import RankingConfig
from search.service import SearchService

log = logging.getLogger("jobsearch.api")


@dataclass
class AppState:
    settings: Settings
    embedder: Embedder
    service: SearchService | None = None
    load_error: str | None = None
    metrics: Metrics = field(default_factory=Metrics)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> None:
        """Open the current build; on failure keep serving what was loaded before."""
        try:
            self.reload()
        except JobSearchError as exc:
            level = logging.WARNING if isinstance(exc, IndexNotFoundError) else logging.ERROR
            log.log(level, "index not loaded: %s", exc)

    def reload(self) -> str:
        """Open and verify the build `current` points at now and serve it; returns its version.
        A build that fails to open or verify raises, and the one being served stays."""
        with self._lock:
            try:
                index = open_index(
                    self.settings.index_dir, self.embedder.name, self.embedder.backend
                )
            except JobSearchError as exc:
                self.load_error = str(exc)
                raise
            if self.service is None:
                config = RankingConfig().with_overrides(**self.settings.ranking_overrides())
                self.service = SearchService(self.embedder, index, config)
            else:
                self.service.swap(index)
            self.load_error = None
            self.metrics.set_index_version(index.version)
            log.info("serving index %s (%d postings)", index.version, index.manifest.postings)
            return index.version

    def serving_directory(self) -> str | None:
        return None if self.service is None else str(self.service.index.directory)


class IndexWatcher:
    """Polls the `current` pointer and reloads when it moves to another build."""

    def __init__(self, state: AppState, interval: float) -> None:
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        refused: str | None = None  # a build that failed to load is not retried until replaced
        while not self._stop.wait(self.interval):
            try:
                pointed = str(current_build(self.state.settings.index_dir))
            except JobSearchError:
                continue
            if pointed in (self.state.serving_directory(), refused):
                continue
            try:
                self.state.reload()
                refused = None
            except JobSearchError as exc:
                refused = pointed
                log.error("new build %s refused, still serving the old one: %s", pointed, exc)
