"""manifest.json: what a build contains and how it was made. Written last, so a build
directory without one is incomplete; read first, so a mismatched index is refused early."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.errors import IndexMismatchError, InvalidIndexError

FORMAT_VERSION = 5  # 2: the BM25 term index is always there; 3: each text stored once;
# 4: hyphenated compounds also indexed joined, the term index keyed by token alone, a
# per-posting key of the job (index.storage.same_job); 5: record keys and boilerplate kept,
# so a later rebuild can update the build (index.storage.segments)
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Manifest:
    build_id: str
    model: str
    backend: str
    dimension: int
    max_tokens: int
    postings: int
    chunks: int
    sections: int
    skipped: int
    built_at: str
    chunk_tokens: int = 0
    index_type: str = "flat"  # "flat" (exact) or "ivf-sq8" (approximate), see index.store
    index_params: dict[str, Any] = field(default_factory=dict)  # e.g. nlist, nprobe for IVF
    format_version: int = FORMAT_VERSION
    inputs: list[InputFile] = field(default_factory=list)
    # a build made by an update (index.build.update): its base build's id, and the base
    # postings kept, the postings added and the base postings dead; empty for a full build
    update: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def write_manifest(directory: Path, manifest: Manifest) -> None:
    path = directory / MANIFEST_FILE
    path.write_text(json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8")


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        inputs = [InputFile(**item) for item in data.pop("inputs", [])]
        return Manifest(**data, inputs=inputs)
    except FileNotFoundError as exc:
        raise InvalidIndexError(f"{directory} has no {MANIFEST_FILE}: an incomplete build") from exc
    except (ValueError, TypeError) as exc:
        raise InvalidIndexError(
            f"{path} is unreadable ({exc}); rebuild with: jobsearch rebuild"
        ) from exc


def check_manifest(
    manifest: Manifest, model: str, directory: Path, backend: str | None = None
) -> None:
    """Refuse an index the running code, model or backend cannot serve, saying what to run."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index {directory} has format version {manifest.format_version}, this jobsearch reads "
            f"{FORMAT_VERSION}; rebuild it with: jobsearch rebuild PATH... --index {directory.parent.parent}"
        )
    if manifest.model != model:
        raise IndexMismatchError(
            f"index {directory} was built with model {manifest.model!r} but the configured model is "
            f"{model!r}; set JOBSEARCH_MODEL={manifest.model} or rebuild with: jobsearch rebuild PATH..."
        )
    if backend is not None and manifest.backend != backend:
        raise IndexMismatchError(
            f"index {directory} was embedded with backend {manifest.backend!r} but queries would "
            f"use {backend!r}; set JOBSEARCH_BACKEND={manifest.backend} or rebuild with: jobsearch rebuild PATH..."
        )
