"""The stream every markup format is reduced to before sections are assembled: headings,
paragraphs, list items and breaks, and the one rule set that decides what line is a heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockType = Literal["heading", "para", "item", "break"]
Run = tuple[str, bool]  # a piece of inline text and whether it is bold

BOLD_LINE_LEVEL = 7  # a bold paragraph ranks below every h1-h6
LABEL_LINE_LEVEL = 8  # "Responsibilities:" on a line of its own ranks below a bold line
MAX_BOLD_HEADING_WORDS = 14  # a longer all-bold paragraph is emphasis, not a heading
MAX_LABEL_HEADING_WORDS = 6
MAX_PLAIN_HEADING_WORDS = 8
MAX_HEADING_WORDS = 25  # an "<h2>" longer than this is a paragraph someone made big

HARD_BREAK, SOFT_BREAK = (
    "\n",
    "\r",
)  # line breaks inside a run list: <br> or hard break / soft break
SPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_PUNCT_ONLY_RE = re.compile(r"[\s:.\-–—|*_•]*")


@dataclass(frozen=True)
class Block:
    type: BlockType
    text: str = ""
    level: int = 0  # for headings: 1-6 explicit, then BOLD_LINE_LEVEL, LABEL_LINE_LEVEL


def clean_inline(text: str) -> str:
    """One line of text: no invisible characters, every run of whitespace (nbsp too) one space."""
    return SPACE_RE.sub(" ", _INVISIBLE_RE.sub("", text)).strip()


# Runs → blocks: the one place that decides whether a paragraph opens with a heading.


def blocks_from_runs(runs: list[Run], in_list: bool) -> list[Block]:
    lines: list[list[Run]] = [[]]
    soft_after: list[bool] = []  # whether each line ended at a soft break (joins with a space)
    for text, bold in runs:
        if text in (HARD_BREAK, SOFT_BREAK):
            lines.append([])
            soft_after.append(text == SOFT_BREAK)
        else:
            lines[-1].append((text, bold))
    texts = [clean_inline("".join(t for t, _ in line)) for line in lines]
    if in_list:
        joined = clean_inline(" ".join(texts))
        return [Block("item", joined)] if joined else []
    blocks: list[Block] = []
    first = next((i for i, t in enumerate(texts) if t), None)
    if first is None:
        return []
    level = heading_level(lines[first], texts[first])
    if level:
        blocks.append(Block("heading", heading_text(texts[first]), level))
        lines, texts, soft_after = lines[first + 1 :], texts[first + 1 :], soft_after[first + 1 :]
    body = ""
    for index, text in enumerate(texts):
        if text:
            glue = " " if index and soft_after[index - 1] else "\n"
            body = f"{body}{glue}{text}" if body else text
    if body:
        blocks.append(Block("para", body))
    return blocks


def heading_level(line: list[Run], text: str) -> int:
    """BOLD_LINE_LEVEL for an all-bold short line, LABEL_LINE_LEVEL for "Short label:", else 0."""
    words = len(text.split())
    bold_text = "".join(t for t, bold in line if bold)
    plain_text = "".join(t for t, bold in line if not bold)
    if (
        any(c.isalnum() for c in bold_text)
        and _PUNCT_ONLY_RE.fullmatch(plain_text)
        and words <= MAX_BOLD_HEADING_WORDS
    ):
        return BOLD_LINE_LEVEL
    if re.search(r"[.!?;]\s", text) or not text[:1].isupper():
        return 0
    if text.endswith(":") and words <= MAX_LABEL_HEADING_WORDS:
        return LABEL_LINE_LEVEL
    shouting = text.isupper() and sum(c.isalpha() for c in text) >= 4 and text[-1] not in ".,;"
    return BOLD_LINE_LEVEL if shouting and words <= MAX_PLAIN_HEADING_WORDS else 0


def heading_text(text: str) -> str:
    return clean_inline(text.strip().strip("*_").rstrip(":").strip("*_ "))


def explicit_heading(text: str, level: int) -> list[Block]:
    """An h1-h6 or `#` heading; one that is really a paragraph in big type stays a paragraph."""
    text = clean_inline(text)
    if not text:
        return []
    if len(text.split()) > MAX_HEADING_WORDS:
        return [Block("para", text)]
    return [Block("heading", heading_text(text), level)]
