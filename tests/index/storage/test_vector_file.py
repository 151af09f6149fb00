"""The build's vectors file: written as blocks come, complete only when closed, read in blocks."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.errors import BuildError
from index.storage.scan_codes import CODES_FILE, quantization_steps, write_scan_codes
from index.storage.vector_file import VectorFileWriter, read_blocks, vector_count


def test_appended_blocks_load_as_one_array(tmp_path):
    rng = np.random.default_rng(3)
    blocks = [rng.standard_normal((n, 8)).astype(np.float32) for n in (5, 1, 12)]
    path = tmp_path / "vectors.npy"
    with VectorFileWriter(path, 8) as writer:
        for block in blocks:
            writer.append(block)
    expected = np.concatenate(blocks)
    assert np.array_equal(np.load(path), expected)
    assert vector_count(path) == (18, 8)
    read = list(read_blocks(path, 7))
    assert [start for start, _ in read] == [0, 7, 14]
    assert np.array_equal(np.concatenate([block for _, block in read]), expected)


def test_a_million_rows_fit_the_header_written_for_none(tmp_path):
    path = tmp_path / "vectors.npy"
    writer = VectorFileWriter(path, 2)
    writer.append(np.zeros((3, 2)))
    writer.rows = 12_000_000  # the header is rewritten in place: its size must not change
    writer.close()
    assert vector_count(path) == (12_000_000, 2)


def test_rows_of_another_width_are_refused(tmp_path):
    with VectorFileWriter(tmp_path / "vectors.npy", 8) as writer:
        with pytest.raises(BuildError, match="width 8"):
            writer.append(np.zeros((2, 4)))


def test_scan_codes_from_blocks_match_codes_trained_on_every_row(tmp_path, monkeypatch):
    from index.storage import scan_codes

    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((1_000, 16)).astype(np.float32)
    vectors[700, 3] = 9.0  # an extreme value in a late block sets the range
    np.save(tmp_path / "vectors.npy", vectors)
    monkeypatch.setattr(scan_codes, "BLOCK_ROWS", 300)
    assert write_scan_codes(tmp_path, tmp_path / "vectors.npy")
    blocks = faiss.read_index(str(tmp_path / CODES_FILE))

    whole = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(16), 16, 1, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    whole.by_residual = False
    whole.train(vectors)
    whole.add(vectors)
    assert np.array_equal(quantization_steps(blocks), quantization_steps(whole))
    query = vectors[:5]
    assert np.array_equal(blocks.search(query, 10)[1], whole.search(query, 10)[1])


def test_ivf_trained_from_blocks_is_trained_on_the_seeded_sample(tmp_path, monkeypatch):
    from index.storage import vectors as vectors_module

    rng = np.random.default_rng(8)
    vectors = rng.standard_normal((4_000, 16)).astype(np.float32)
    np.save(tmp_path / "vectors.npy", vectors)
    monkeypatch.setattr(vectors_module, "ADD_BLOCK", 300)  # the sample spans many blocks
    from_blocks = vectors_module.train_ivf(tmp_path / "vectors.npy", nlist=16, seed=5)

    rows = np.sort(np.random.default_rng(5).choice(4_000, 16 * 64, replace=False))
    in_memory = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(16), 16, 16, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    in_memory.cp.seed, in_memory.cp.niter = 5, vectors_module.KMEANS_ITERATIONS
    in_memory.train(vectors[rows])

    def centroids(ivf):
        return ivf.quantizer.reconstruct_n(0, ivf.nlist)

    assert np.array_equal(centroids(from_blocks), centroids(in_memory))


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="Linux's smaps shows advice")
def test_served_vectors_are_mapped_for_random_reads(tmp_path):
    from index.storage.vector_file import map_vectors

    path = tmp_path / "vectors.npy"
    vectors = np.random.default_rng(1).standard_normal((5_000, 8)).astype(np.float32)
    np.save(path, vectors)
    mapped = map_vectors(path)
    assert np.array_equal(mapped, vectors) and not mapped.flags.writeable
    flags = _smaps_flags(path)
    assert "rr" in flags.split()  # MADV_RANDOM: no read-ahead around each row read


def _smaps_flags(path):
    lines = Path("/proc/self/smaps").read_text().splitlines()
    inside = False
    for line in lines:
        if line.endswith(str(path)):
            inside = True
        elif inside and line.startswith("VmFlags:"):
            return line.removeprefix("VmFlags:")
    raise AssertionError(f"{path} is not mapped")
