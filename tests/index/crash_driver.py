"""Run one rebuild with the fake embedder; killed with SIGKILL by test_crash at random points."""

from __future__ import annotations

import sys
from pathlib import Path

from index.build import build_index
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

if __name__ == "__main__":
    root, count, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    build_index(synthetic_postings(count, seed=seed), FakeEmbedder(), root)
