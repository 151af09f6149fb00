"""`jobsearch search` output a person reads: a posting listing a whole continent's countries
shows the region and a count, not the names."""

from __future__ import annotations

import json

from index.ingest.countries import REGION_COUNTRIES
from index.ingest.locations import country_name
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_jobsearch


def test_search_cli_shows_a_long_country_list_by_region(tmp_path):
    africa = REGION_COUNTRIES["Africa"]
    sample = json.loads(SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()[0])
    listed = {**sample, "id": "continent", "location": ",".join(map(country_name, africa))}
    listed["updated_at"] = "2030-01-01T00:00:00Z"  # the newest: listed first
    path = tmp_path / "postings.jsonl"
    path.write_text(json.dumps(sample) + "\n" + json.dumps(listed) + "\n")
    index = tmp_path / "index"
    built = run_jobsearch("rebuild", "--quiet", str(path), "--index", str(index), fake=True)
    assert built.returncode == 0, built.stdout + built.stderr

    found = run_jobsearch("search", "--index", str(index), fake=True)

    assert found.returncode == 0, found.stderr
    first, second = [line for line in found.stdout.splitlines() if line.startswith("     ")][:2]
    assert f" · Africa · {len(africa)} countries" in first and "Algeria" not in first
    assert sample["location"] in second  # a short location as written
