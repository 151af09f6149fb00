"""`jobsearch bench`: paths are options checked up front, and the rebuild bench runs the library's
pipeline with the configured build options (a fake embedder here; the real model is for
`jobsearch bench` itself)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from index.settings import Settings
from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from scripts.bench.main import main, render_table
from scripts.bench.paths import CORPUS_ENV
from scripts.bench.rebuild import aggregate, measure_rebuild
from tests.fakes import FakeEmbedder
from tests.paths import REPO, SAMPLE_POSTINGS


def bench_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    return capsys.readouterr().err


def test_bench_missing_corpus_dir_fails_naming_the_option():
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "bench", "--corpus-dir", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode != 0
    assert "--corpus-dir /nonexistent: no such directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_bench_help_lists_the_path_options(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--sections", "--corpus-dir", "--work-dir", "--queries", CORPUS_ENV):
        assert option in out


def test_bench_corpus_from_environment_is_checked(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path / "gone"))
    err = bench_error(capsys, "--sections", "rebuild")
    assert f"--corpus-dir (from ${CORPUS_ENV})" in err and "no such directory" in err


def test_bench_corpus_without_the_needed_file_names_it(capsys, tmp_path):
    err = bench_error(capsys, "--sections", "incremental", "--corpus-dir", str(tmp_path))
    assert f"--corpus-dir {tmp_path} has no eval-postings.jsonl.gz" in err


def test_bench_serving_without_queries_names_the_option(capsys, tmp_path):
    err = bench_error(capsys, "--sections", "query", "--queries", str(tmp_path / "q.tsv"))
    assert "--queries" in err and "no such file" in err


def test_bench_unknown_section_is_an_error(capsys):
    assert "unknown section or corpus: rebiuld" in bench_error(capsys, "--sections", "rebiuld")


def test_measure_rebuild_uses_the_configured_build_options(tmp_path):
    root = tmp_path / "index"
    settings = Settings(index_type="ivf-sq8", ivf_nprobe=7, chunk_tokens=48)
    params = {"corpus": str(SAMPLE_POSTINGS), "root": str(root), "batch_size": 8}

    first = measure_rebuild(params, settings, FakeEmbedder)

    manifest = read_manifest(current_build(root))
    assert manifest.index_type == "ivf-sq8" and manifest.index_params["nprobe"] == 7
    assert manifest.chunk_tokens == 48 and manifest.inputs[0].path == str(SAMPLE_POSTINGS)
    assert first["postings"] == manifest.postings and first["chunks"] == manifest.chunks
    assert first["cache_hits"] == 0 and first["cache_misses"] == manifest.chunks
    assert first["read_understand_seconds"] >= 0 and first["embed_seconds"] >= 0


def test_measure_rebuild_incremental_embeds_only_the_edited_records(tmp_path):
    root = tmp_path / "index"
    params = {"corpus": str(SAMPLE_POSTINGS), "root": str(root), "batch_size": 8}
    measure_rebuild(params, Settings(), FakeEmbedder)

    edited = measure_rebuild({**params, "mutate": 0.1, "seed": 3}, Settings(), FakeEmbedder)

    assert 0 < edited["cache_misses"] < edited["cache_hits"]
    assert read_manifest(current_build(root)).inputs == []  # edited records: not the file


def test_aggregate_and_table_quote_medians():
    runs = [{"seconds": s, "chunks_per_s": c, "ok": True} for s, c in ((3, 10), (1, 30), (2, 20))]
    summary = aggregate(runs)
    assert summary["seconds"] == {"median": 2.0, "min": 1.0, "max": 3.0, "runs": 3}
    assert "ok" not in summary and summary["raw"] == runs
    table = render_table({"sections": {"rebuild": {"slice/x": summary}}})
    assert "| rebuild | slice/x | chunks_per_s | 20.0 | 10.0-30.0 | 3 |" in table


def test_bench_scale_e2e_without_real_postings_names_the_option(capsys, tmp_path):
    err = bench_error(
        capsys, "--sections", "scale-e2e", "--synth-from", str(tmp_path / "none.jsonl")
    )
    assert "scale-e2e: no real postings at" in err and "--synth-from" in err


@pytest.mark.slow
def test_bench_scale_e2e_synthesizes_builds_serves_and_queries(tmp_path):
    """The whole section on 150 postings recombined from 5 (the real model embeds those 5
    once, in the warm step; the build then embeds nothing)."""
    import json

    source = tmp_path / "five.jsonl"
    source.write_text("".join(SAMPLE_POSTINGS.read_text().splitlines(keepends=True)[:5]))
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tbackend engineer\nq2\trust storage\n")
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "bench", "--sections", "scale-e2e"]
        + ["--postings", "150", "--synth-from", str(source), "--queries", str(queries)]
        + ["--work-dir", str(tmp_path / "work"), "--repeat", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())["sections"]["scale-e2e"]
    assert result["build"]["postings"] == result["build"]["records_read"] == 150
    assert result["build"]["embedded"] == 0 and result["warm"]["postings"] == 5
    assert set(result["query"]) >= {"short queries", "similar postings", "facets endpoint"}
    assert "| scale-e2e, 150 postings | figure | value |" in done.stdout
    assert "| HTTP empty query, newest first | p50 / p95 / p99 ms |" in done.stdout
    changed = result["changed"]  # the closing rebuild: 1% replaced, nothing new to the model
    assert changed["postings"] == changed["records_read"] == 150 and changed["embedded"] == 0
    assert "| rebuild, 1% changed | seconds, peak RSS |" in done.stdout
