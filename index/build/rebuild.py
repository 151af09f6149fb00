"""The offline rebuild, one pipeline: read → understand → chunk → embed → write → verify → switch.

Everything is written into a temporary directory, flushed, opened and verified, then renamed
into place, and only then does `current` switch (one rename). A crash at any point before the
switch leaves the previous build serving; a lock keeps two rebuilds from racing. The CLI, the
benchmarks and the Ray engine all run this one pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.build.assemble import assemble
from index.build.caches import UNDERSTOOD_CACHE_FILE, Understood
from index.build.engine import Engine, LocalEngine
from index.build.gates import Gate
from index.build.publish import build_lock, publish
from index.build.understanding import understand_files
from index.build.understood_cache import understand_all
from index.build.update import UpdatePlan, plan_update, update_index
from index.embedding.base import Embedder
from index.embedding.cache import CacheStats
from index.errors import BuildError, NothingToIndexError
from index.ingest.boilerplate import CompanyLines, find_boilerplate
from index.ingest.readers import ReadResult
from index.models import Posting
from index.settings import Settings
from index.storage.layout import (
    TMP_PREFIX,
    builds_dir,
    new_build_id,
    remove_stale_temporaries,
)
from index.storage.manifest import InputFile, Manifest
from index.storage.segments import write_boilerplate, write_record_keys
from index.storage.vectors import (
    ANN_MIN_CHUNKS,
    DEFAULT_NPROBE,
    choose_index_type,
    index_vector_file,
)
from index.timing import StageTimer


@dataclass(frozen=True)
class BuildOptions:
    """How a build is made. `chunk_tokens` caps a chunk below the model's own limit: the model
    was trained on short inputs, and a long chunk dilutes the one paragraph a seeker's words
    match. `index_type` "auto" is exact ("flat") below `ann_min_chunks`, IVF-SQ8 from there on."""

    batch_size: int = 32
    chunk_tokens: int = 128
    keep_builds: int = 2
    index_type: str = "auto"
    ann_min_chunks: int = ANN_MIN_CHUNKS
    nprobe: int = DEFAULT_NPROBE
    progress: bool = False  # one bar per stage on stderr
    max_record_bytes: int = 200_000  # a record with a larger body is skipped; 0: no cap
    # inputs this close to the serving build's base update it (index.build.update); 0: never
    update_max_share: float = 0.1
    workers: int = 0  # processes understanding, chunking and making rows (0: one per core)
    # where understanding, chunking and making rows run (None: `workers` processes here)
    engine: Engine | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **changes: Any) -> BuildOptions:
        options = cls(
            batch_size=settings.batch_size,
            chunk_tokens=settings.chunk_tokens,
            keep_builds=settings.keep_builds,
            index_type=settings.index_type,
            ann_min_chunks=settings.ann_min_chunks,
            nprobe=settings.ivf_nprobe,
            max_record_bytes=settings.max_record_bytes,
            update_max_share=settings.update_max_share,
        )
        return replace(options, **changes)

    def build_fields(self) -> dict[str, Any]:
        """The options `build_index` takes (the rest apply to reading and updating)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("max_record_bytes", "update_max_share")
        }


@dataclass(frozen=True)
class BuildReport:
    manifest: Manifest
    directory: Path
    seconds: float
    embed_seconds: float  # the embedding step: cache look-ups plus the model
    cache: CacheStats
    encode_seconds: float = 0.0  # inside the model's embed_documents alone
    stages: dict[str, float] = field(default_factory=dict)  # seconds per build step
    refused: str | None = None  # why the gate kept this build from serving (None: it serves)

    @property
    def chunks_per_second(self) -> float:
        return self.manifest.chunks / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class RebuildReport:
    """A whole rebuild: what was read, understood and skipped, and the build made of it."""

    read: ReadResult
    understood: Understood
    build: BuildReport
    seconds: float
    understand_seconds: float = 0.0  # reading and understanding the records
    workers: int = 1  # processes that understood them
    full_because: str | None = None  # why the build is a full one (None: an update)

    @property
    def skipped(self) -> list[tuple[str, str, str]]:
        return skipped_records(self.read, self.understood)


def skipped_records(read: ReadResult, understood: Understood) -> list[tuple[str, str, str]]:
    """(file, where, reason) of every record left out, reading and understanding alike."""
    out = [(s.file, s.where, s.reason) for s in read.skipped]
    return out + [("", f"id {pid}", reason) for pid, reason in understood.skipped]


def rebuild(
    paths: Sequence[Path],
    root: Path,
    embedder: Embedder,
    options: BuildOptions = BuildOptions(),
    gate: Gate | None = None,
) -> RebuildReport:
    """Read the posting files and build a new current index from them under `root`: read as a
    stream and understood on every core (index.build.understanding), or on the Ray cluster
    `options.engine` names, which then chunks and makes the catalog's rows too."""
    timer = StageTimer()
    root.mkdir(parents=True, exist_ok=True)
    with timer.stage("plan"):
        plan = plan_update(
            paths,
            root,
            embedder,
            options.chunk_tokens,
            options.index_type,
            options.nprobe,
            options.update_max_share,
            options.max_record_bytes,
        )
    if isinstance(plan, UpdatePlan):
        return _update(plan, paths, root, embedder, options, gate, timer)
    options = replace(options, engine=options.engine or LocalEngine(options.workers))
    with timer.stage("understand"):
        files = understand_files(
            paths,
            root / UNDERSTOOD_CACHE_FILE,
            max_record_bytes=options.max_record_bytes,
            progress=options.progress,
            engine=options.engine,
        )
    build = _build(
        files.read,
        files.understood,
        root,
        embedder,
        options,
        describe_inputs(paths),
        gate,
        files.boilerplate,
    )
    return RebuildReport(
        files.read,
        files.understood,
        build,
        timer.elapsed(),
        timer.seconds["understand"],
        files.workers,
        full_because=plan,
    )


def _update(
    plan: UpdatePlan,
    paths: Sequence[Path],
    root: Path,
    embedder: Embedder,
    options: BuildOptions,
    gate: Gate | None,
    timer: StageTimer,
) -> RebuildReport:
    """The rebuild as an update of the serving build (index.build.update)."""
    updated = update_index(
        plan,
        root,
        embedder,
        inputs=describe_inputs(paths),
        batch_size=options.batch_size,
        keep_builds=options.keep_builds,
        progress=options.progress,
        workers=options.workers,
        ann_min_chunks=options.ann_min_chunks,
        gate=gate,
        timer=timer,
    )
    seconds = timer.elapsed()
    build = BuildReport(
        updated.manifest,
        updated.directory,
        seconds,
        timer.seconds.get("embed", 0.0),
        updated.cache,
        updated.encode_seconds,
        timer.rounded_seconds(),
        updated.refused,
    )
    understand_seconds = timer.seconds.get("plan", 0.0) + timer.seconds.get("understand", 0.0)
    return RebuildReport(plan.read, updated.understood, build, seconds, understand_seconds)


def rebuild_records(
    read: ReadResult,
    root: Path,
    embedder: Embedder,
    options: BuildOptions = BuildOptions(),
    inputs: Sequence[InputFile] = (),
    timer: StageTimer | None = None,
    gate: Gate | None = None,
) -> RebuildReport:
    """`rebuild` from records already read (a benchmark edits them in between)."""
    timer = timer or StageTimer()
    root.mkdir(parents=True, exist_ok=True)
    with timer.stage("understand"):
        understood = understand_all(read.postings, root / UNDERSTOOD_CACHE_FILE, options.progress)
    build = _build(read, understood, root, embedder, options, inputs, gate)
    return RebuildReport(read, understood, build, timer.elapsed(), timer.seconds["understand"])


def _build(
    read: ReadResult,
    understood: Understood,
    root: Path,
    embedder: Embedder,
    options: BuildOptions,
    inputs: Sequence[InputFile],
    gate: Gate | None,
    boilerplate: CompanyLines | None = None,
) -> BuildReport:
    """The build of what was read and understood, or NothingToIndexError saying why not."""
    skipped = skipped_records(read, understood)
    if not understood.postings:
        raise NothingToIndexError(
            f"no postings to index: all {read.records_read} records were skipped"
            if read.records_read
            else "no postings to index: the inputs hold no records",
            skipped,
        )
    return build_index(
        understood.postings,
        embedder,
        root,
        inputs=inputs,
        skipped=len(skipped),
        gate=gate,
        boilerplate=boilerplate,
        record_keys=understood.keys,
        **options.build_fields(),
    )


def describe_inputs(paths: Sequence[Path]) -> list[InputFile]:
    """Checksums of the input files, so a manifest says exactly what it was built from."""
    described = []
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        described.append(InputFile(str(path), digest.hexdigest(), path.stat().st_size))
    return described


def build_index(
    postings: Sequence[Posting],
    embedder: Embedder,
    root: Path,
    *,
    inputs: Sequence[InputFile] = (),
    skipped: int = 0,
    batch_size: int = 32,
    chunk_tokens: int = 128,
    keep_builds: int = 2,
    progress: bool = False,
    index_type: str = "auto",
    ann_min_chunks: int = ANN_MIN_CHUNKS,
    nprobe: int = DEFAULT_NPROBE,
    gate: Gate | None = None,
    boilerplate: CompanyLines | None = None,
    workers: int = 0,
    engine: Engine | None = None,
    record_keys: Sequence[bytes] = (),
) -> BuildReport:
    """Build a new index from understood postings and make it current (see BuildOptions),
    unless `gate` refuses it: then it stays beside the current one, and the report says why."""
    if not postings:
        raise BuildError("no postings to index: every record was skipped or the inputs were empty")
    timer = StageTimer()
    root.mkdir(parents=True, exist_ok=True)
    builds_dir(root).mkdir(exist_ok=True)
    with build_lock(root):
        remove_stale_temporaries(root)
        build_id = new_build_id()
        staging = builds_dir(root) / f"{TMP_PREFIX}{build_id}"
        staging.mkdir()
        chunk_limit = min(chunk_tokens, embedder.max_tokens)
        with timer.stage("boilerplate"):
            boilerplate = find_boilerplate(postings) if boilerplate is None else boilerplate
        embedded = assemble(
            postings,
            embedder,
            root,
            staging,
            boilerplate,
            chunk_limit,
            batch_size,
            progress,
            timer,
            workers,
            engine,
        )
        with timer.stage("store"):
            index_type = choose_index_type(index_type, embedded.chunks, ann_min_chunks)
            index_params = _index_vectors(staging, index_type, nprobe)
        _keep_for_updates(staging, len(postings), record_keys, boilerplate)
        manifest = Manifest(
            build_id=build_id,
            model=embedder.name,
            backend=embedder.backend,
            dimension=embedder.dimension,
            max_tokens=embedder.max_tokens,
            chunk_tokens=chunk_limit,
            postings=len(postings),
            chunks=embedded.chunks,
            index_type=index_type,
            index_params=index_params,
            sections=embedded.sections,
            skipped=skipped,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            inputs=list(inputs),
        )
        with timer.stage("verify_switch"):
            final, refused = publish(root, staging, manifest, embedder, keep_builds, gate)
    return BuildReport(
        manifest,
        final,
        timer.elapsed(),
        timer.seconds["embed"],
        embedded.cache,
        embedded.encode_seconds,
        timer.rounded_seconds(),
        refused,
    )


def _index_vectors(staging: Path, index_type: str, nprobe: int) -> dict[str, Any]:
    """Index the build's vectors; returns the manifest's index parameters."""
    index_params = index_vector_file(staging, index_type)
    if index_type != "flat":
        index_params["nprobe"] = nprobe
    return index_params


def _keep_for_updates(
    staging: Path, postings: int, record_keys: Sequence[bytes], boilerplate: CompanyLines
) -> None:
    """Each posting's record key and the corpus's boilerplate, when every posting's key is
    known: with them, a later rebuild can update this build (index.build.update)."""
    if len(record_keys) != postings:
        return
    write_record_keys(staging, record_keys)
    write_boilerplate(staging, boilerplate)
