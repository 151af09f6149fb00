"""What the running app holds: settings, the model, and the search service once an index loads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from index.embedder import Embedder
from index.errors import IndexNotFoundError, JobSearchError
from index.loaded import open_index
from index.settings import Settings
from search.ranking import RankingConfig
from search.service import SearchService

log = logging.getLogger("jobsearch.api")


@dataclass
class AppState:
    settings: Settings
    embedder: Embedder
    service: SearchService | None = None
    load_error: str | None = field(default=None)

    def load(self) -> None:
        """Open the current build; on failure keep serving what was loaded before."""
        try:
            index = open_index(self.settings.index_dir, self.embedder.name)
        except JobSearchError as exc:
            self.load_error = str(exc)
            level = logging.WARNING if isinstance(exc, IndexNotFoundError) else logging.ERROR
            log.log(level, "index not loaded: %s", exc)
            return
        if self.service is None:
            self.service = SearchService(
                self.embedder, index, RankingConfig.from_settings(self.settings)
            )
        else:
            self.service.swap(index)
        self.load_error = None
        log.info("serving index %s (%d postings)", index.version, index.manifest.postings)
