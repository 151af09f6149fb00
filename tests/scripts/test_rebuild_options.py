"""`jobsearch rebuild --index-type ... --engine ...`: the choices reach the build and its manifest."""

from __future__ import annotations

import importlib.util
import re

import pytest

from index.settings import Settings
from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_rebuild

pytestmark = pytest.mark.slow


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
    done = run_rebuild(
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
    if engine == "ray":  # understood on Ray too, however small the input
        assert re.search(r"parsed .* [0-9]+ Ray workers?$", done.stdout, re.MULTILINE)
    manifest = read_manifest(current_build(tmp_path))
    assert manifest.index_type == "ivf-sq8" and manifest.index_params["nlist"] >= 1
    assert "in the model" in done.stdout
