"""`jobsearch rebuild --gate QUERIES QRELS`: a build whose nDCG@10 drops is kept aside, not served.
Real rebuilds (subprocesses, the real model) on the bundled sample."""

from __future__ import annotations

import json

import pytest

from index.storage.layout import builds_dir, current_build
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_rebuild

pytestmark = pytest.mark.slow

QUERIES = {
    "g1": "distributed key-value store in Rust",
    "g2": "customer support specialist",
    "g3": "data engineer building pipelines with Kafka and Spark",
}
QRELS = {
    "g1": {
        "sample:ferrowind-rust-distributed-kv-store": 2,
        "sample:ferrowind-rust-storage-engine": 1,
    },
    "g2": {
        "sample:ferrowind-customer-support-specialist": 2,
        "sample:brightmoor-member-support-specialist": 2,
        "sample:tidewater-customer-support-advocate": 2,
    },
    "g3": {
        "sample:harborview-kafka-spark-data-engineer": 2,
        "sample:orchard-scala-spark-data-engineer": 2,
    },
}


def test_rebuild_gate_refuses_a_build_that_ranks_worse(tmp_path):
    queries, qrels = tmp_path / "queries.tsv", tmp_path / "qrels.txt"
    queries.write_text("".join(f"{q}\t{text}\n" for q, text in QUERIES.items()))
    qrels.write_text(
        "".join(
            f"{q} 0 {doc} {grade}\n" for q, docs in QRELS.items() for doc, grade in docs.items()
        )
    )
    relevant = {doc for docs in QRELS.values() for doc, grade in docs.items() if grade == 2}
    lines = SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()
    worse = tmp_path / "worse.jsonl"  # an export that lost the postings these queries want
    kept_lines = [line for line in lines if json.loads(line)["id"] not in relevant]
    worse.write_text("\n".join(kept_lines) + "\n")
    root = tmp_path / "index"
    gate = ["--gate", str(queries), str(qrels), "--max-drop", "0.01"]

    first = run_rebuild(str(SAMPLE_POSTINGS), "--index", str(root), *gate)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "gate passed" in first.stdout and "no build serving" in first.stdout
    served = current_build(root)

    refused = run_rebuild(str(worse), "--index", str(root), *gate)
    assert refused.returncode == 3, refused.stdout + refused.stderr[-2000:]
    assert "NOT made current" in refused.stdout and "gate refused" in refused.stdout
    assert current_build(root) == served  # the better build keeps serving
    kept = [b for b in builds_dir(root).iterdir() if b != served and not b.name.startswith(".")]
    assert len(kept) == 1  # the refused build is kept aside for a look

    again = run_rebuild(str(SAMPLE_POSTINGS), "--index", str(root), *gate)
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    assert "gate passed" in again.stdout and current_build(root) != served
