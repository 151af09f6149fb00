"""Split a posting into chunks that follow its sections and fit the model whole.

A chunk never crosses a section boundary (so a hit can say which section matched), never
exceeds the model's token limit (the model would silently cut the rest), and carries the
title and section heading as context. Long sections split at paragraphs, then lines, then
sentences, then words, with one unit of overlap; tiny sections join their neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.models import Chunk, Posting, SectionKind

TokenCounter = Callable[[str], int]

SPECIAL_TOKENS = 2  # [CLS] and [SEP]
MIN_SECTION_TOKENS = 24  # smaller sections join a neighbour instead of making a chunk alone
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


@dataclass
class _Piece:
    section_index: int
    heading: str
    kind: SectionKind
    text: str


def chunk_posting(posting: Posting, count_tokens: TokenCounter, max_tokens: int) -> list[Chunk]:
    """Chunks of `posting` in reading order; each one's `text` fits `max_tokens`."""
    chunks: list[Chunk] = []
    for piece in _merge_tiny_sections(posting, count_tokens):
        context = embedded_context(posting.title, piece.heading)
        budget = max_tokens - SPECIAL_TOKENS - count_tokens(context)
        if budget < 16:  # an absurdly long title or heading: keep the title only
            context = embedded_context(posting.title[:200], "")
            budget = max_tokens - SPECIAL_TOKENS - count_tokens(context)
        for passage in split_text(piece.text, count_tokens, budget):
            chunks.append(
                Chunk(
                    posting_id=posting.id,
                    section_index=piece.section_index,
                    ordinal=len(chunks),
                    heading=piece.heading,
                    kind=piece.kind,
                    text=f"{context}\n{passage}",
                    passage=passage,
                )
            )
    if not chunks:  # a posting whose body had no text still gets found by its title
        chunks.append(Chunk(posting.id, 0, 0, "", SectionKind.OTHER, posting.title, posting.title))
    return chunks


def embedded_context(title: str, heading: str) -> str:
    return f"{title}. {heading}:" if heading else f"{title}."


def _merge_tiny_sections(posting: Posting, count_tokens: TokenCounter) -> list[_Piece]:
    pieces: list[_Piece] = []
    carried = ""  # tiny leading sections wait for the next section
    for index, section in enumerate(posting.sections):
        text = section.text.strip()
        if not text:
            continue
        tiny = count_tokens(text) < MIN_SECTION_TOKENS
        labelled = f"{section.heading}\n{text}" if section.heading else text
        if tiny and pieces:
            pieces[-1].text += "\n\n" + labelled
        elif tiny:
            carried = f"{carried}\n\n{labelled}".strip()
        else:
            body = f"{carried}\n\n{text}".strip() if carried else text
            pieces.append(_Piece(index, section.heading, section.kind, body))
            carried = ""
    if carried:
        first = posting.sections[0] if posting.sections else None
        pieces.append(
            _Piece(
                0,
                first.heading if first else "",
                first.kind if first else SectionKind.OTHER,
                carried,
            )
        )
    return pieces


def split_text(text: str, count_tokens: TokenCounter, budget: int) -> list[str]:
    """Pack `text` into passages of at most `budget` tokens, at the coarsest boundaries that fit."""
    if count_tokens(text) <= budget:
        return [text]
    units = _units(text, count_tokens, budget)
    passages: list[str] = []
    current: list[str] = []
    used = 0
    for unit, size in units:
        if current and used + size > budget:
            passages.append(_join(current))
            overlap = current[-1]
            overlap_size = count_tokens(overlap)
            fits = overlap_size <= budget // 4 and overlap_size + size <= budget
            current, used = ([overlap], overlap_size) if fits else ([], 0)
        current.append(unit)
        used += size
    if current:
        passages.append(_join(current))
    return passages


def _units(text: str, count_tokens: TokenCounter, budget: int) -> list[tuple[str, int]]:
    """Paragraphs, lines, sentences or word windows, each within `budget`."""
    units: list[tuple[str, int]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        units.extend(_fit(paragraph.strip(), count_tokens, budget, level=0))
    return [(unit, size) for unit, size in units if unit]


def _fit(text: str, count_tokens: TokenCounter, budget: int, level: int) -> list[tuple[str, int]]:
    size = count_tokens(text)
    if size <= budget or not text:
        return [(text, size)]
    if level == 0:
        parts = text.split("\n")
    elif level == 1:
        parts = _SENTENCE_END.split(text)
    else:
        return _word_windows(text, count_tokens, budget)
    if len(parts) == 1:
        return _fit(text, count_tokens, budget, level + 1)
    out: list[tuple[str, int]] = []
    for part in parts:
        out.extend(_fit(part.strip(), count_tokens, budget, level + 1))
    return out


def _word_windows(text: str, count_tokens: TokenCounter, budget: int) -> list[tuple[str, int]]:
    windows: list[tuple[str, int]] = []
    words: list[str] = []
    used = 0
    for word in text.split():
        size = count_tokens(word)
        if size > budget:  # one "word" longer than the model reads: pieces of `budget` characters
            if words:
                windows.append((" ".join(words), used))
                words, used = [], 0
            for start in range(0, len(word), budget):
                piece = word[start : start + budget]
                windows.append((piece, count_tokens(piece)))
            continue
        if words and used + size > budget:
            windows.append((" ".join(words), used))
            words, used = [], 0
        words.append(word)
        used += size
    if words:
        windows.append((" ".join(words), used))
    return windows


def _join(units: list[str]) -> str:
    return "\n".join(units)
