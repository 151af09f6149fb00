"""Running the command line as an operator would: a subprocess, offline, quiet."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import REPO

ENV = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "JOBSEARCH_TORCH_THREADS": "2"}


def run_rebuild(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "rebuild_index.py"), "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env=ENV,
    )


def run_jobsearch(
    *args: str, fake: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.cli ARGS`; with `fake`, the same CLI on the fake embedder
    (tests/scripts/fake_cli.py), for tests where the model changes nothing but the time."""
    module = "tests.scripts.fake_cli" if fake else "scripts.cli"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**ENV, **(env or {})},
    )
