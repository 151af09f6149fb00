"""Where the benchmarks read their inputs and write their work: options, not a checkout's shape.

The corpus and the dev queries live beside a checkout (../shared) during development, but an
installed `jobsearch bench` has no checkout around it; so each input is an option whose default
is found (an environment variable, then the checkout's neighbour) rather than assumed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS_ENV = "JOBSEARCH_BENCH_CORPUS_DIR"
EVAL_CORPUS = "eval-postings.jsonl.gz"  # the judged 4,000 postings
FULL_CORPUS = "postings.jsonl.gz"  # the whole export, sliced for quick runs


@dataclass(frozen=True)
class BenchPaths:
    """The resolved inputs and the work directory (absolute, so child processes agree)."""

    corpus: Path | None  # None: no corpus found, fine for sections that need none
    work: Path
    queries: Path | None

    @property
    def eval_corpus(self) -> Path:
        return self._corpus_file(EVAL_CORPUS)

    @property
    def full_corpus(self) -> Path:
        return self._corpus_file(FULL_CORPUS)

    def _corpus_file(self, name: str) -> Path:
        if self.corpus is None:
            raise ValueError("no corpus directory")  # main() checks before any section runs
        return self.corpus / name


def default_corpus_dir() -> Path | None:
    """$JOBSEARCH_BENCH_CORPUS_DIR if set, else ../shared/corpus beside the checkout if there."""
    if os.environ.get(CORPUS_ENV):
        return Path(os.environ[CORPUS_ENV])
    beside = SHARED / "corpus"
    return beside if beside.is_dir() else None


def default_queries() -> Path | None:
    """The dev queries beside the checkout (../shared/eval/queries.tsv), if there."""
    beside = SHARED / "eval" / "queries.tsv"
    return beside if beside.is_file() else None
