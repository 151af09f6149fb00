"""`jobsearch evaluate --run NAME=FILE`: another system's ranking scored beside ours by the
same metrics, from a real subprocess."""

from __future__ import annotations

import json

from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_jobsearch


def test_a_run_file_is_scored_beside_the_configurations(tmp_path):
    ids = [json.loads(line)["id"] for line in SAMPLE_POSTINGS.read_text().splitlines()]
    index = tmp_path / "index"
    built = run_jobsearch(
        "rebuild", "--quiet", str(SAMPLE_POSTINGS), "--index", str(index), fake=True
    )
    assert built.returncode == 0, built.stderr
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tbackend engineer\nq2\tdata scientist\n")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text(f"q1 0 {ids[0]} 2\nq1 0 {ids[1]} 1\nq2 0 {ids[2]} 2\n")
    perfect, useless = tmp_path / "perfect.json", tmp_path / "useless.json"
    perfect.write_text(json.dumps({"q1": [ids[0], ids[1]], "q2": [ids[2]]}))
    useless.write_text(json.dumps({"q1": [ids[5]], "q2": []}))
    out = tmp_path / "scores.json"

    done = run_jobsearch(
        "evaluate",
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        "--index",
        str(index),
        "--config",
        "default",
        "--run",
        f"perfect={perfect}",
        "--run",
        f"useless={useless}",
        "--json",
        str(out),
        fake=True,
    )

    assert done.returncode == 0, done.stderr
    assert "| perfect |" in done.stdout and "| useless |" in done.stdout
    scores = json.loads(out.read_text())
    means = {name: report["mean"] for name, report in scores.items()}
    assert means["perfect"]["ndcg10"] == 1.0 and means["perfect"]["recall50"] == 1.0
    assert means["useless"]["ndcg10"] == 0.0


def test_a_run_without_a_name_or_a_missing_file_says_so(tmp_path):
    queries, qrels = tmp_path / "q.tsv", tmp_path / "r.txt"
    args = ("evaluate", "--queries", str(queries), "--qrels", str(qrels))
    missing = run_jobsearch(*args, fake=True)
    assert missing.returncode == 2 and f"no such file: {queries}, {qrels}" in missing.stderr
    assert "Traceback" not in missing.stderr
    queries.write_text("q1\tbackend engineer\n")
    qrels.write_text("q1 0 some-id 2\n")
    unnamed = run_jobsearch(*args, "--run", "just-a-file.json", fake=True)
    assert unnamed.returncode != 0 and "--run takes NAME=FILE" in unnamed.stderr
