"""`jobsearch synth` as an operator runs it, then `rebuild` on what it wrote (the real model)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.paths import REPO, SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_rebuild

pytestmark = pytest.mark.slow


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )


def test_synth_cli_writes_a_corpus_rebuild_indexes_from_the_embedding_cache(tmp_path):
    source = tmp_path / "five.jsonl"
    source.write_text("".join(SAMPLE_POSTINGS.read_text().splitlines(keepends=True)[:5]))
    corpus, index = tmp_path / "synth.jsonl.gz", tmp_path / "index"

    made = run_cli("synth", "40", "--from", str(source), "--out", str(corpus), "--seed", "9")
    assert made.returncode == 0, made.stderr
    assert f"wrote 40 postings to {corpus}, recombined from 5 real ones (seed 9)" in made.stdout

    built = run_rebuild(str(corpus), "--index", str(index))
    assert built.returncode == 0, built.stderr
    assert "indexed        40 postings" in built.stdout and "skipped        0" in built.stdout
    # The 40 postings hold the 5 sources' texts only: rebuilding the sources embeds nothing
    # (and drops 35 postings, which the shrink guard is told to allow).
    again = run_rebuild(str(source), "--index", str(index), "--allow-shrink")
    assert again.returncode == 0, again.stderr
    assert "embedded       0 chunks" in again.stdout


def test_synth_cli_missing_source_fails_clearly(tmp_path):
    done = run_cli("synth", "5", "--from", str(tmp_path / "nope.jsonl"), "--out", "x.jsonl")
    assert done.returncode == 2 and "no such file" in done.stderr
