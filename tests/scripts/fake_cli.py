"""`python -m tests.scripts.fake_cli ARGS...`: the real `jobsearch` command line with the fake
embedder in place of the model, for subprocess tests of what does not depend on the model
(reading, skipping, gates, reports, progress). Its indexes record model "fake-hash"."""

from __future__ import annotations

import os
import sys

import index.embedding.factory as factory
from scripts.cli import main
from tests.fakes import FakeEmbedder

if __name__ == "__main__":
    os.environ.setdefault("JOBSEARCH_MODEL", "fake-hash")  # so `search` opens these indexes
    os.environ.setdefault("JOBSEARCH_BACKEND", "fake")
    factory.configured_embedder = lambda settings: FakeEmbedder()
    sys.exit(main())
