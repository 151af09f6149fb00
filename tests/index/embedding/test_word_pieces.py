"""The chunker's token counter counts every word piece and travels pickled (to a worker on
another machine) as its tokenizer alone."""

from __future__ import annotations

import pickle

from tokenizers import Tokenizer

from index.embedding.model_files import resolve_model_path
from index.embedding.word_pieces import WordPieceCounter


def test_a_pickled_counter_counts_every_word_piece_as_the_original_does():
    path = str(resolve_model_path("all-MiniLM-L6-v2") / "tokenizer.json")
    truncating = Tokenizer.from_file(path)
    truncating.enable_truncation(8)
    counter = WordPieceCounter(truncating)
    text = "Senior storage engineer, Rust and distributed consensus. " * 12
    reference = Tokenizer.from_file(path)
    reference.no_truncation()
    reference.no_padding()
    expected = len(reference.encode(text, add_special_tokens=False).ids)
    assert counter(text) == expected > 100  # truncation is off, and no special tokens
    shipped = pickle.loads(pickle.dumps(counter))
    assert shipped(text) == expected and shipped("") == 0
