"""Counting a text's word pieces, the chunker's one question to the model.

A counter is picklable (it travels as its tokenizer, a few hundred KB), so chunking can run in
another process or on another machine without the model: the Ray engine ships it to its
workers (index.build.engine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

COUNT_CACHE_SIZE = 200_000  # token counts remembered (strings of a few hundred characters)


class WordPieceCounter:
    """Word pieces of a text without special tokens, by `tokenizer` with truncation and
    padding off (it is copied), so counting sees every piece."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._counts: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        # The chunker asks about the same strings again and again: remember recent answers.
        count = self._counts.get(text)
        if count is None:
            if len(self._counts) >= COUNT_CACHE_SIZE:
                self._counts.clear()
            count = len(self._tokenizer.encode(text, add_special_tokens=False).ids)
            self._counts[text] = count
        return count

    def __reduce__(self) -> tuple[type[WordPieceCounter], tuple[Tokenizer]]:
        return (WordPieceCounter, (self._tokenizer,))  # the remembered counts stay behind
