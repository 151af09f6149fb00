"""Serving past one machine is replicas: a build directory never changes once made, so a copy
of it answers exactly as the original does. Two `jobsearch serve` processes, one on the
sample built with the real model and one on a copy shipped the way the README says (copy the
build directory, switch `current` with a rename, reload), give the same answers; a replica
still on the old build gives different ones until the new build is shipped to it."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.build.rebuild import rebuild
from index.storage.layout import BUILDS, current_build
from index.storage.manifest import MANIFEST_FILE
from tests.api.serve_process import Served, serving
from tests.paths import SAMPLE_POSTINGS

pytestmark = pytest.mark.subprocess

ADMIN_KEY = "replica-admin"
PER_PROCESS = {"took_ms", "stages_ms"}  # timings: the only fields that may differ
SEARCH = "/v1/search"
POSTING = "sample:ferrowind-rust-storage-engine"
# (method, path, query parameters or JSON body): filters, a typo, the listing, a posting, /similar
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", SEARCH, {"q": "rust storage engine"}),
    ("GET", SEARCH, {"q": "rust storage engine", "limit": 3, "offset": 3}),
    ("GET", SEARCH, {"q": "backend engineer", "workplace": "remote", "level": "senior"}),
    ("GET", SEARCH, {"q": "engineer", "team": ["Platform", "Storage"], "location": "DE"}),
    ("GET", SEARCH, {"q": "kubernetse reliabilty enginer"}),
    ("GET", SEARCH, {"limit": 50}),
    ("POST", SEARCH, {"q": "I want to build databases in Rust, remote in Europe"}),
    ("GET", "/v1/facets", {}),
    ("GET", f"/v1/postings/{POSTING}", {}),
    ("GET", f"/v1/postings/{POSTING}/similar", {}),
    ("GET", f"/v1/postings/{POSTING}/similar", {"location": "remote"}),
    ("GET", "/v1/postings/sample:no-such-posting", {}),
]


@dataclass
class Replicas:
    first: Served
    second: Served
    origin: Path  # the index root the builds are made in (the first replica serves it)
    copy: Path  # the second replica's index root: only shipped builds and `current`


def ship(build: Path, replica_root: Path) -> None:
    """The README's steps: copy the build directory, then point `current` at it with one
    rename (the shell commands as written there)."""
    shutil.copytree(build, replica_root / BUILDS / build.name)
    switch = f"ln -s {BUILDS}/{build.name} .current-new && mv -T .current-new current"
    subprocess.run(["sh", "-c", switch], cwd=replica_root, check=True)


def answer(url: str, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict]:
    """The status and the body without its per-process fields."""
    if method == "POST":
        response = httpx.post(f"{url}{path}", json=params, timeout=60)
    else:
        response = httpx.get(f"{url}{path}", params=params, timeout=60)
    body = response.json()
    return response.status_code, {k: v for k, v in body.items() if k not in PER_PROCESS}


def answers(served: Served) -> list[tuple[int, dict]]:
    return [answer(served.url, *request) for request in REQUESTS]


def reload(served: Served) -> str:
    response = httpx.post(
        f"{served.url}/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()["index_version"]


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, real_embedder) -> Iterator[Replicas]:
    tmp = tmp_path_factory.mktemp("replicas")
    origin, copy = tmp / "a" / "index", tmp / "b" / "index"
    built = rebuild([SAMPLE_POSTINGS], origin, real_embedder).build.directory
    copy.mkdir(parents=True)
    ship(built, copy)
    env = {"JOBSEARCH_RATE_LIMIT": "", "JOBSEARCH_ADMIN_API_KEY": ADMIN_KEY}
    with (
        serving(origin, tmp / "a", workers=1, **env) as first,
        serving(copy, tmp / "b", workers=1, **env) as second,
    ):
        yield Replicas(first, second, origin, copy)


def test_replicas_of_one_build_answer_alike(replicas):
    built = current_build(replicas.origin)
    shipped = current_build(replicas.copy)
    assert shipped != built and shipped.name == built.name
    assert (shipped / MANIFEST_FILE).read_bytes() == (built / MANIFEST_FILE).read_bytes()
    ready = [httpx.get(f"{s.url}/readyz").json() for s in (replicas.first, replicas.second)]
    assert ready[0]["index"] == ready[1]["index"] and ready[0]["index"]["version"] == built.name
    assert ready[0]["index"]["postings"] == 60

    first, second = answers(replicas.first), answers(replicas.second)
    for request, one, other in zip(REQUESTS, first, second, strict=True):
        assert one == other, f"the replicas disagree on {request}"
    # Not alike by being empty: each search found postings, its own, from the same build.
    searches = [body for (_, body) in first if "results" in body]
    assert len(searches) == 9 and all(body["total"] > 0 for body in searches)
    paths = [path for _, path, _ in REQUESTS]
    assert all(
        body["facets"] for path, (_, body) in zip(paths, first, strict=True) if path == SEARCH
    )
    assert {body["index_version"] for body in searches} == {built.name}
    assert len({json.dumps(body["results"]) for body in searches}) == len(searches)
    assert first[4][1]["corrected_query"] == "kubernetes reliability engineer"
    assert first[5][1]["total"] == 60  # the empty query lists every posting
    assert first[8][1]["id"] == POSTING and first[8][1]["sections"]
    assert [status for status, _ in first][-1] == 404


def test_replicas_differ_until_the_new_build_is_shipped(replicas, tmp_path, real_embedder):
    fewer = tmp_path / "fewer.jsonl"  # ten postings closed
    fewer.write_text("".join(SAMPLE_POSTINGS.read_text().splitlines(keepends=True)[:50]))
    new = rebuild([fewer], replicas.origin, real_embedder).build.directory
    assert reload(replicas.first) == new.name

    before = answers(replicas.second)  # still the old build
    after = answers(replicas.first)
    assert before[5][1]["total"] == 60 and after[5][1]["total"] == 50
    assert before[0][1]["index_version"] != after[0][1]["index_version"] == new.name
    assert before != after

    ship(new, replicas.copy)
    assert reload(replicas.second) == new.name
    for request, one, other in zip(REQUESTS, after, answers(replicas.second), strict=True):
        assert one == other, f"the replicas disagree on {request}"
