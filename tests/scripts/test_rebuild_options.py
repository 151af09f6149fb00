"""`jobsearch rebuild --index-type ... --engine ...`: the choices reach the build and its manifest."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from index.layout import current_build
from index.manifest import read_manifest
from index.settings import Settings
from tests.paths import REPO, SAMPLE_POSTINGS

pytestmark = pytest.mark.slow


def rebuild(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "rebuild_index.py"), "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "JOBSEARCH_TORCH_THREADS": "1"},
    )


@pytest.mark.parametrize(
    "engine",
    [
        "local",
        pytest.param(
            "ray",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("ray") is None, reason="Ray is the optional [ray] extra"
            ),
        ),
    ],
)
def test_rebuild_with_ivf_index_and_engine(tmp_path, engine):
    done = rebuild(
        str(SAMPLE_POSTINGS),
        "--index",
        str(tmp_path),
        "--index-type",
        "ivf-sq8",
        "--engine",
        engine,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"ivf-sq8, {Settings().backend} embeddings, {engine} engine" in done.stdout
    manifest = read_manifest(current_build(tmp_path))
    assert manifest.index_type == "ivf-sq8" and manifest.index_params["nlist"] >= 1
    assert "in the model" in done.stdout
