"""A rebuild that updates the serving build instead of making all of it again, when the inputs
differ from its base by little: the nightly export where a percent of the jobs opened or
closed. The base segment's files are hard-linked into the new build; only the new and changed
postings are understood, chunked, embedded and written (into its added segment), and the base
postings they replace or that are gone are marked dead (index.storage.segments).

What changed is found by record key: each base posting's key (what its record hashes to under
the understanding code) is stored with the build, and every input record is parsed and hashed
again, which costs a small share of understanding it. A change of understanding code, model,
chunk size or index options changes every key or the build's shape, and makes a full build;
so does a difference larger than `update_max_share` of the base, so dead postings and BM25
statistics that count them never pile up past it.

Each update is made against the base, not the previous update: the added segment holds every
posting that differs from the base, and a full build starts a new base.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.build.assemble import assemble
from index.build.caches import (
    UNDERSTOOD_CACHE_FILE,
    Understood,
    derived_key,
    understood_namespace,
)
from index.build.gates import Gate
from index.build.publish import build_lock, publish
from index.build.understood_cache import understand_all
from index.embedding.base import Embedder
from index.embedding.cache import CacheStats
from index.errors import IndexNotFoundError, InvalidIndexError
from index.ingest.boilerplate import CompanyLines, find_boilerplate
from index.ingest.readers import ReadResult, SkippedRecord, iter_sources, parse_source
from index.models import RawPosting
from index.storage.catalog import CATALOG_FILE, SQL_VARIABLES
from index.storage.layout import (
    TMP_PREFIX,
    builds_dir,
    current_build,
    new_build_id,
    remove_stale_temporaries,
)
from index.storage.manifest import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    InputFile,
    Manifest,
    read_manifest,
)
from index.storage.segments import (
    ADDED_DIR,
    DEAD_FILE,
    read_boilerplate,
    read_record_keys,
    write_dead,
)
from index.storage.vectors import ANN_MIN_CHUNKS, choose_index_type, index_vector_file
from index.timing import StageTimer


@dataclass
class UpdatePlan:
    """What an update builds: the records that differ from the base, and the base postings
    that are no longer served."""

    base: Path  # the serving build, whose base segment is kept
    manifest: Manifest  # its manifest
    read: ReadResult  # every record read; `postings` holds only the new and changed ones
    dead: np.ndarray  # base pids replaced or gone, ascending
    kept: int  # base postings served as they are
    boilerplate: CompanyLines = field(default_factory=dict)  # the base corpus's

    @property
    def changed(self) -> list[RawPosting]:
        return self.read.postings


def plan_update(
    paths: Sequence[Path],
    root: Path,
    embedder: Embedder,
    chunk_tokens: int,
    index_type: str,
    nprobe: int,
    max_share: float,
    max_record_bytes: int = 0,
) -> UpdatePlan | str:
    """The update that makes the build of `paths` from the serving one, or why a full build
    is needed instead."""
    if max_share <= 0:
        return "updates are off"
    try:
        base = current_build(root)
        manifest = read_manifest(base)
    except (IndexNotFoundError, InvalidIndexError):
        return "no build to update"
    reason = _incompatible(manifest, embedder, chunk_tokens, index_type, nprobe)
    keys = read_record_keys(base)
    boilerplate = read_boilerplate(base)
    if reason is None and (keys is None or boilerplate is None):
        reason = "the serving build has no record keys"
    if reason is not None:
        return reason
    assert keys is not None and boilerplate is not None
    base_pids = _base_pids(base / CATALOG_FILE)
    if len(base_pids) != len(keys):
        return "the serving build's record keys do not match its catalog"

    def unchanged(posting_id: str, key: bytes) -> bool:
        pid = base_pids.get(posting_id)
        return pid is not None and keys[pid] == key

    limit = int(max_share * max(len(keys), 1))
    keyed = _read_keyed(paths, max_record_bytes, unchanged, limit)
    if keyed is None:
        return f"more than {max_share:.0%} of the base's {len(keys)} postings differ: a full build"
    read, latest = keyed
    read.postings = [raw for raw in latest.values() if raw is not None]
    live = np.zeros(len(keys), dtype=bool)
    kept = [base_pids[posting_id] for posting_id, raw in latest.items() if raw is None]
    live[kept] = True
    dead = np.flatnonzero(~live).astype(np.int64)
    replaced = sum(raw.id in base_pids for raw in read.postings)
    difference = len(read.postings) + len(dead) - replaced  # new, changed and removed
    if not kept and not read.postings:
        return "nothing of the base is left"
    if difference > limit:
        return (
            f"{difference} of the base's {len(keys)} postings differ "
            f"(more than {max_share:.0%}): a full build"
        )
    return UpdatePlan(base, manifest, read, dead, len(kept), boilerplate)


def _incompatible(
    manifest: Manifest, embedder: Embedder, chunk_tokens: int, index_type: str, nprobe: int
) -> str | None:
    """Why the serving build cannot be the base of this one (None: it can)."""
    if manifest.format_version != FORMAT_VERSION:
        return "the serving build has an older format"
    if (manifest.model, manifest.backend) != (embedder.name, embedder.backend):
        return "the model or backend changed"
    if manifest.chunk_tokens != min(chunk_tokens, embedder.max_tokens):
        return "the chunk size changed"
    if index_type not in ("auto", manifest.index_type):
        return "the index type changed"
    if manifest.index_type != "flat" and manifest.index_params.get("nprobe") != nprobe:
        return "nprobe changed"
    return None


def _base_pids(catalog: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        return {posting_id: pid for pid, posting_id in db.execute("SELECT pid, id FROM postings")}
    finally:
        db.close()


def _read_keyed(
    paths: Sequence[Path],
    max_record_bytes: int,
    unchanged: Callable[[str, bytes], bool],
    limit: int,
) -> tuple[ReadResult, dict[str, RawPosting | None]] | None:
    """Every record parsed and keyed, the last of each id winning (as a full build reads them),
    in the order a full build keeps them: each id's record, or None where `unchanged` says the
    base holds it as it is (so a million unchanged records are not held). None as soon as more
    than `limit` records differ: a full build is due, and reading on would only delay it."""
    namespace = understood_namespace()
    read = ReadResult()
    latest: dict[str, RawPosting | None] = {}
    differ = 0
    for source in iter_sources(paths, read):
        parsed = parse_source(source, max_record_bytes)
        if isinstance(parsed, SkippedRecord):
            read.skipped.append(parsed)
            continue
        if parsed.id in latest:
            read.duplicates.append(parsed.id)
            del latest[parsed.id]  # the later record takes its place in the order
        same = unchanged(parsed.id, derived_key(namespace, parsed))
        latest[parsed.id] = None if same else parsed
        differ += not same
        if differ > limit:
            return None
    return read, latest


@dataclass(frozen=True)
class UpdateResult:
    manifest: Manifest
    directory: Path
    refused: str | None
    cache: CacheStats
    encode_seconds: float
    stages: dict[str, float]
    understood: Understood  # the new and changed records


def update_index(
    plan: UpdatePlan,
    root: Path,
    embedder: Embedder,
    *,
    inputs: Sequence[InputFile] = (),
    batch_size: int = 32,
    keep_builds: int = 2,
    progress: bool = False,
    workers: int = 0,
    ann_min_chunks: int = ANN_MIN_CHUNKS,
    gate: Gate | None = None,
    timer: StageTimer | None = None,
) -> UpdateResult:
    """Build the update `plan` describes and make it current unless `gate` refuses it."""
    timer = timer or StageTimer()
    with timer.stage("understand"):
        understood = understand_all(plan.changed, root / UNDERSTOOD_CACHE_FILE, progress)
    with build_lock(root):
        remove_stale_temporaries(root)
        build_id = new_build_id()
        staging = builds_dir(root) / f"{TMP_PREFIX}{build_id}"
        staging.mkdir()
        with timer.stage("link"):
            _link_base(plan.base, staging)
            write_dead(staging, plan.dead)
        chunks = sections = 0
        cache, encode_seconds = CacheStats(hits=0, misses=0), 0.0
        if understood.postings:
            added = staging / ADDED_DIR
            added.mkdir()
            with timer.stage("boilerplate"):
                boilerplate = _merged(plan.boilerplate, find_boilerplate(understood.postings))
            embedded = assemble(
                understood.postings,
                embedder,
                root,
                added,
                boilerplate,
                plan.manifest.chunk_tokens,
                batch_size,
                progress,
                timer,
                workers,
            )
            with timer.stage("store"):  # exact, unless the segment is as large as IVF's floor
                index_vector_file(added, choose_index_type("auto", embedded.chunks, ann_min_chunks))
            chunks, sections = embedded.chunks, embedded.sections
            cache, encode_seconds = embedded.cache, embedded.encode_seconds
        manifest = _manifest(plan, build_id, len(understood.postings), chunks, sections, inputs)
        manifest = replace(manifest, skipped=len(plan.read.skipped) + len(understood.skipped))
        with timer.stage("verify_switch"):
            final, refused = publish(root, staging, manifest, embedder, keep_builds, gate)
    return UpdateResult(
        manifest,
        final,
        refused,
        cache,
        encode_seconds,
        timer.rounded_seconds(),
        understood,
    )


def _manifest(
    plan: UpdatePlan,
    build_id: str,
    added: int,
    chunks: int,
    sections: int,
    inputs: Sequence[InputFile],
) -> Manifest:
    """The update's manifest: the base's model and index, the served counts, and `update`."""
    base = plan.manifest
    base_chunks, served_sections = _base_counts(plan)
    return replace(
        base,
        build_id=build_id,
        postings=plan.kept + added,
        chunks=base_chunks + chunks,
        sections=served_sections + sections,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        inputs=list(inputs),
        update={
            "base": base.update.get("base", base.build_id),
            "kept": plan.kept,
            "added": added,
            "dead": len(plan.dead),
            "base_chunks": base_chunks,
            "base_sections": base.update.get("base_sections", base.sections),
        },
    )


def _link_base(base: Path, staging: Path) -> None:
    """Hard links to the base segment's files (the serving build's own, never its added
    segment or its dead list): nothing is copied, and no file a reader has open changes."""
    for path in base.iterdir():
        if path.is_file() and path.name not in (MANIFEST_FILE, DEAD_FILE):
            os.link(path, staging / path.name)


def _merged(base: CompanyLines, added: CompanyLines) -> CompanyLines:
    merged = {company: set(lines) for company, lines in base.items()}
    for company, lines in added.items():
        merged.setdefault(company, set()).update(lines)
    return merged


def _base_counts(plan: UpdatePlan) -> tuple[int, int]:
    """The base segment's chunk ids (dead ones too: they keep their ids) and the sections of
    the base postings still served."""
    base = plan.manifest
    chunks = base.update.get("base_chunks", base.chunks)
    sections = base.update.get("base_sections", base.sections)
    db = sqlite3.connect(f"file:{plan.base / CATALOG_FILE}?mode=ro", uri=True)
    try:
        for start in range(0, len(plan.dead), SQL_VARIABLES):
            part = [int(p) for p in plan.dead[start : start + SQL_VARIABLES]]
            marks = ",".join("?" * len(part))
            (count,) = db.execute(
                f"SELECT count(*) FROM sections WHERE pid IN ({marks})", part
            ).fetchone()
            sections -= count
    finally:
        db.close()
    return int(chunks), int(sections)
