"""The same job posted again is found from the per-posting keys the catalog keeps in memory, and
confirmed by company and title, so a key shared by two jobs never leaves the other one out."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.build.chunking import chunk_posting
from index.storage.catalog import Catalog
from index.storage.catalog_write import write_catalog
from index.storage.same_job import job_key
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

fake = FakeEmbedder(max_tokens=32)
JOBS = [  # (id, company, title)
    ("berlin", "Acme", "Data Engineer"),
    ("paris", "ACME", "data engineer"),
    ("lisbon", " acme ", "Data  Engineer"),
    ("other-company", "Globex", "Data Engineer"),
    ("other-title", "Acme", "Data Scientist"),
    ("alone", "Initech", "Site Reliability Engineer"),
]
REPOSTS = {"berlin", "paris", "lisbon"}


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    postings = [make_posting(pid, title, company=company) for pid, company, title in JOBS]
    chunks = [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]
    path = tmp_path / "catalog.sqlite"
    write_catalog(path, postings, chunks)
    return path


def same_jobs(catalog: Catalog) -> dict[str, set[str]]:
    """Each posting id's same-job postings, by id."""
    ids = [posting_id for posting_id, _, _ in JOBS]
    return {ids[pid]: {ids[p] for p in catalog.same_job(pid).tolist()} for pid in range(len(ids))}


def expected() -> dict[str, set[str]]:
    return {
        posting_id: REPOSTS if posting_id in REPOSTS else {posting_id} for posting_id, _, _ in JOBS
    }


def test_same_job_is_company_and_title_whatever_their_case_and_spacing(catalog_path):
    catalog = Catalog(catalog_path)
    assert same_jobs(catalog) == expected()
    assert catalog.same_job(0).dtype == np.int64
    assert catalog.same_job(0).tolist() == sorted(catalog.same_job(0).tolist())


def test_same_job_keys_are_stored_one_per_posting(catalog_path):
    catalog = Catalog(catalog_path)
    assert catalog.job_key.tolist() == [job_key(company, title) for _, company, title in JOBS]
    assert len(set(catalog.job_key[[0, 1, 2]].tolist())) == 1
    assert len(set(catalog.job_key.tolist())) == 4


def test_same_job_keys_shared_by_different_jobs_exclude_only_the_same_job(catalog_path):
    """Every posting given one key, as if every pair collided: still only the true reposts."""
    with sqlite3.connect(catalog_path) as db:
        zeros = np.zeros(len(JOBS), dtype=np.int64).tobytes()
        db.execute("UPDATE arrays SET data = ? WHERE name = 'job_key'", (zeros,))
    catalog = Catalog(catalog_path)
    assert not catalog.job_key.any()
    assert same_jobs(catalog) == expected()


def test_job_key_is_the_same_in_another_process_with_another_hash_seed():
    code = "from index.storage.same_job import job_key; print(job_key('Acme', 'Data Engineer'))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == job_key("Acme", "Data Engineer") == job_key("acme", "data engineer")
