"""Each posting's text stored once: its sections laid end to end in one compressed body, and
sections and chunks as character spans of it.

A chunk's passage is the section text it covers with its whitespace rejoined by the chunker
(paragraphs and sentences on lines of their own), so it is found in the body by its words: the
span from its first word to its last holds the same words, which is all a snippet shows (it
rejoins words with single spaces). A passage the body does not hold word for word (one stitched
from sections that are not adjacent, or a word cut in pieces) is stored as it is instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import zstandard

from index.models import Section

SECTION_GAP = "\n\n"
COMPRESSION_LEVEL = 3
# Which code points str.split() splits at (none lies above U+3000).
_SPACE = np.array([chr(code).isspace() for code in range(0x3001)], dtype=bool)

Span = tuple[int, int]  # [start, end) in characters of the body


@dataclass(frozen=True)
class SectionSpan:
    """Where a section lies in its posting's body: its heading, a newline, then its text."""

    start: int
    heading_chars: int
    end: int

    def heading(self, body: str) -> str:
        return body[self.start : self.start + self.heading_chars]

    def text(self, body: str) -> str:
        return body[self.start + self.heading_chars + (1 if self.heading_chars else 0) : self.end]


def lay_out(sections: Sequence[Section]) -> tuple[str, list[SectionSpan]]:
    """A posting's body (each section's heading and text, sections apart by a blank line) and
    where each section lies in it."""
    parts: list[str] = []
    spans: list[SectionSpan] = []
    at = 0
    for section in sections:
        block = f"{section.heading}\n{section.text}" if section.heading else section.text
        spans.append(SectionSpan(at, len(section.heading), at + len(block)))
        parts.append(block)
        at += len(block) + len(SECTION_GAP)
    return SECTION_GAP.join(parts), spans


def locate_passages(body: str, passages: Sequence[str]) -> list[Span | None]:
    """Each passage's span in `body` (passages in reading order, overlapping or not), or None
    for one the body does not hold word for word. Searched in the body's characters less its
    whitespace (str.find), then checked word by word."""
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    small = codes < len(_SPACE)
    inside = np.zeros(len(codes), dtype=bool)
    inside[small] = _SPACE[codes[small]]
    space = np.append(inside, True)  # one past the end counts as space
    position = np.flatnonzero(~space[:-1])  # body offset of each non-space character
    packed = "".join(body.split())
    spans: list[Span | None] = []
    cursor = 0  # in `packed`: passages come in reading order
    for passage in passages:
        wanted = passage.split()
        needle = "".join(wanted)
        at = packed.find(needle, cursor) if needle else -1
        span = None
        while at >= 0 and span is None:
            start, end = int(position[at]), int(position[at + len(needle) - 1]) + 1
            starts_word = start == 0 or space[start - 1]
            if starts_word and space[end] and body[start:end].split() == wanted:
                span, cursor = (start, end), at
            else:
                at = packed.find(needle, at + 1)
        spans.append(span)
    return spans


def compress(text: str) -> bytes:
    """A body as stored: Zstandard, which reads back about twice as fast as zlib at the same
    size (a page of results decompresses one body per hit)."""
    return _CODECS.compressor.compress(text.encode("utf-8"))


def decompress(blob: bytes) -> str:
    return _CODECS.decompressor.decompress(blob).decode("utf-8")


class _Codec(threading.local):
    """One compressor and decompressor per thread (a Zstandard context serves one at a time)."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()


_CODECS = _Codec()
