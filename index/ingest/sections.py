"""Split a posting body into headed sections of clean text, whatever markup it came in.

Real parsers read the markup (selectolax's lexbor for HTML, markdown-it-py for Markdown), since
postings nest, escape and mis-nest tags in ways a regex over markup gets wrong. Each format is
first reduced to the same stream of blocks (heading, paragraph, list item, section break), and one
assembler turns that stream into sections, so the rules for what counts as a heading and what
becomes of an empty one are the same for every source.

Headings are explicit ones (h1-h6, `#`), a paragraph line that is all bold (`**Benefits**`,
`<p><strong>About Us:</strong></p>`, but not `**Stack:** Go`), a short line in capitals
("WHAT YOU'LL DO") and a short line ending with a colon ("Responsibilities:"); plain text adds a
short unpunctuated line that leads into a list or a longer line.
Greenhouse's content-intro, content-conclusion and pay-transparency blocks each open a section
of their own. A heading with no text under it is dropped (unless it is the last), but a
section whose own heading names no kind inherits the kind of the heading above it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from selectolax.lexbor import LexborHTMLParser, LexborNode

from index.ingest.blocks import (
    BOLD_LINE_LEVEL,
    HARD_BREAK,
    LABEL_LINE_LEVEL,
    MAX_PLAIN_HEADING_WORDS,
    SOFT_BREAK,
    SPACE_RE,
    Block,
    Run,
    blocks_from_runs,
    clean_inline,
    explicit_heading,
    heading_text,
)
from index.ingest.section_kinds import classify_section, kind_from_heading
from index.models import BodyFormat, Section

__all__ = ["classify_section", "clean_inline", "split_sections"]

MAX_LEAD_IN_CHARS = 200  # a parent heading with more text than this is a section, not a group

_GREENHOUSE_BLOCKS = ("content-intro", "content-conclusion", "content-pay-transparency")
_BLOCK_TAGS = frozenset(
    "p div section article header footer main aside nav blockquote figure figcaption form center"
    " table thead tbody tfoot tr caption dl dt dd pre hr address details summary".split()
)
_SKIP_TAGS = frozenset("script style noscript template head title iframe svg button select".split())
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)")


def split_sections(body: str, body_format: BodyFormat) -> list[Section]:
    """Sections in document order; text before the first heading has heading ""."""
    if body_format == "html":
        blocks = _html_blocks(_unescape_if_escaped(body))
    elif body_format == "markdown":
        blocks = _markdown_blocks(body)
    else:
        blocks = _text_blocks(body)
    return _assemble(blocks)


def _unescape_if_escaped(body: str) -> str:
    """Greenhouse's `content` is HTML escaped once (`&lt;div&gt;`); undo that, but only then."""
    head = body.lstrip()[:200]
    return html.unescape(body) if head.startswith("&lt;") and "<" not in head else body


# HTML


@dataclass
class _HtmlWalker:
    blocks: list[Block] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    list_depth: int = 0

    def walk(self, node: LexborNode, bold: bool) -> None:
        for child in node.iter(include_text=True):
            if child.is_text_node:
                self.runs.append((SPACE_RE.sub(" ", child.text_content or ""), bold))
            elif child.is_element_node:
                self._element(child, bold)

    def flush(self) -> None:
        if any(t.strip() for t, _ in self.runs):
            self.blocks.extend(blocks_from_runs(self.runs, in_list=self.list_depth > 0))
        self.runs = []

    def _element(self, node: LexborNode, bold: bool) -> None:
        tag = node.tag or ""
        classes = (node.attributes.get("class") or "").split()
        if tag in _SKIP_TAGS:
            return
        if tag == "br":
            self.runs.append((HARD_BREAK, False))
        elif tag in _HEADING_TAGS and not self.list_depth:
            self.flush()
            self.walk(node, True)
            text = "".join(t for t, _ in self.runs if t not in (HARD_BREAK, SOFT_BREAK))
            self.runs = []
            self.blocks.extend(explicit_heading(text, _HEADING_TAGS[tag]))
        elif tag == "div" and any(c in _GREENHOUSE_BLOCKS for c in classes):
            self.flush()
            self.blocks.append(Block("break"))
            self.walk(node, bold)
            self.flush()
            self.blocks.append(Block("break"))
        elif tag in ("ul", "ol", "li"):
            self.flush()
            self.list_depth += tag != "li"
            self.walk(node, bold)
            self.flush()
            self.list_depth -= tag != "li"
        elif tag in _BLOCK_TAGS or tag in _HEADING_TAGS or tag in ("td", "th"):
            if self.list_depth or tag in ("td", "th"):  # blocks inside a list item stay inline
                self.runs.append((" ", False))
                self.walk(node, bold)
                self.runs.append((" ", False))
            else:
                self.flush()
                self.walk(node, bold)
                self.flush()
        else:
            style = node.attributes.get("style") or ""
            self.walk(node, bold or tag in ("strong", "b") or bool(_BOLD_STYLE_RE.search(style)))


def _html_blocks(markup: str) -> list[Block]:
    tree = LexborHTMLParser(markup)
    walker = _HtmlWalker()
    if tree.body is not None:
        walker.walk(tree.body, False)
    walker.flush()
    return walker.blocks


# Markdown

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_LIST_TOKENS = ("bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close")


# Bodies converted from HTML often break bold so that the parser leaves it literal: the closing
# `**` on a line of its own ("**Compensation\n**"), or spaces inside the delimiters ("** Note **").
# These repair only the delimiters, before parsing; any `**` still literal is dropped from text.
_DANGLING_CLOSE_RE = re.compile(r"\*\*([^*\n]*[^*\s])[ \t]*\n[ \t]*\*\*[ \t]*$", re.M)
_SPACED_OPEN_RE = re.compile(r"^([ \t]*)\*\*[ \t]+(?=[^*\s][^\n]*[^*\s]\*\*[ \t]*$)", re.M)
_SPACED_CLOSE_RE = re.compile(r"^([ \t]*\*\*[^*\n]*[^*\s])[ \t]+\*\*[ \t]*$", re.M)


def _repair_bold(source: str) -> str:
    source = _DANGLING_CLOSE_RE.sub(r"**\1**", source)
    source = _SPACED_OPEN_RE.sub(r"\1**", source)
    return _SPACED_CLOSE_RE.sub(r"\1**", source)


def _markdown_blocks(source: str) -> list[Block]:
    walker = _HtmlWalker()  # shares the run buffer, list depth and flushing with HTML
    for token in _MARKDOWN.parse(_repair_bold(source)):
        kind = token.type
        if kind in _LIST_TOKENS:
            walker.flush()
            walker.list_depth += 1 if kind.endswith("_open") else -1
        elif kind in ("list_item_open", "list_item_close", "tr_close", "hr", "blockquote_open"):
            walker.flush()
        elif kind in ("paragraph_open", "heading_open") and not walker.list_depth:
            walker.flush()
        elif kind == "paragraph_close" and not walker.list_depth:
            walker.flush()
        elif kind == "heading_close" and not walker.list_depth:
            text = "".join(t for t, _ in walker.runs if t not in (HARD_BREAK, SOFT_BREAK))
            walker.runs = []
            walker.blocks.extend(explicit_heading(text, int(token.tag[1:])))
        elif kind == "inline":
            walker.runs.extend(_inline_runs(token.children or []))
            walker.runs.append((" ", False))
        elif kind in ("fence", "code_block"):
            walker.flush()
            walker.runs.extend((line, False) for line in _lines_with_breaks(token.content))
            walker.flush()
        elif kind == "html_block":
            walker.flush()
            walker.blocks.extend(_html_blocks(token.content))
    walker.flush()
    return walker.blocks


def _inline_runs(children: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = 0
    for child in children:
        if child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold = max(0, bold - 1)
        elif child.type in ("text", "code_inline"):
            runs.append((child.content.replace("**", ""), bold > 0))
        elif child.type == "softbreak":
            runs.append((SOFT_BREAK, False))
        elif child.type == "hardbreak" or (
            child.type == "html_inline" and child.content.startswith("<br")
        ):
            runs.append((HARD_BREAK, False))
        elif child.type == "image":
            runs.extend(_inline_runs(child.children or []))
    return runs


def _lines_with_breaks(text: str) -> Iterable[str]:
    for index, line in enumerate(text.splitlines()):
        if index:
            yield HARD_BREAK
        yield line


# Plain text (Lever's and Ashby's descriptionPlain): no markup, so headings are guessed from
# the shape of lines, conservatively.

_BULLET_RE = re.compile(r"^(?:[-*•·–◦▪●]|\d{1,2}[.)])\s+(?=\S)")


def _text_blocks(source: str) -> list[Block]:
    lines = [clean_inline(line) for line in source.splitlines()]
    blocks: list[Block] = []
    for index, line in enumerate(lines):
        if not line:
            continue
        if _BULLET_RE.match(line):
            blocks.append(Block("item", _BULLET_RE.sub("", line, count=1)))
        elif _is_plain_heading(line, _neighbour(lines, index, -1), _neighbour(lines, index, 1)):
            # Capitals rank above mixed case: "WHAT YOU'LL DO" above "Billing Operations".
            level = BOLD_LINE_LEVEL if line.isupper() else LABEL_LINE_LEVEL
            blocks.append(Block("heading", heading_text(line), level))
        else:
            blocks.append(Block("para", line))
    return blocks


def _neighbour(lines: list[str], index: int, step: int) -> str | None:
    index += step
    while 0 <= index < len(lines):
        if lines[index]:
            return lines[index]
        index += step
    return None


def _is_plain_heading(line: str, before: str | None, after: str | None) -> bool:
    """A short line, starting with a capital, that ends with a colon or is in capitals, or else
    has no closing punctuation and leads into a list or a longer line (but is not itself an
    item of a list introduced by a colon on the line before)."""
    words = line.split()
    if len(words) > MAX_PLAIN_HEADING_WORDS or not line[:1].isupper() or after is None:
        return False
    if "http" in line or "@" in line or re.search(r"[.!?;]\s", line) or line[-1] in ".,;!":
        return False
    if line.endswith(":") or (line.isupper() and sum(c.isalpha() for c in line) >= 4):
        return True
    if ": " in line or (before is not None and before.endswith(":")):
        return False
    return bool(_BULLET_RE.match(after)) or len(after.split()) > MAX_PLAIN_HEADING_WORDS


# Blocks → sections


@dataclass
class _Draft:
    heading: str
    parents: tuple[_Draft, ...]  # sections whose headings are above this one, nearest first
    parts: list[str] = field(default_factory=list)
    in_list: bool = False

    def add(self, block: Block) -> None:
        if block.type == "item":
            if self.in_list:
                self.parts[-1] += f"\n- {block.text}"
            else:
                self.parts.append(f"- {block.text}")
        else:
            self.parts.append(block.text)
        self.in_list = block.type == "item"

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)


def _assemble(blocks: list[Block]) -> list[Section]:
    drafts = [_Draft("", ())]
    stack: list[tuple[int, _Draft]] = []  # open headings as (level, section), outermost first
    for block in blocks:
        if block.type == "break":
            stack = []
            drafts.append(_Draft("", ()))
        elif block.type == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            drafts.append(_Draft(block.text, tuple(d for _, d in reversed(stack))))
            stack.append((block.level, drafts[-1]))
        else:
            drafts[-1].add(block)
    kept = [d for i, d in enumerate(drafts) if d.parts or (d.heading and i == len(drafts) - 1)]
    return [_section(draft, first=i == 0 and len(kept) > 1) for i, draft in enumerate(kept)]


def _section(draft: _Draft, *, first: bool) -> Section:
    kind = kind_from_heading(draft.heading)
    for parent in draft.parents:
        if kind is not None or len(parent.text) > MAX_LEAD_IN_CHARS:
            break  # only a heading that merely leads in to its sub-headings passes its kind on
        kind = kind_from_heading(parent.heading)
    if kind is None:
        kind = classify_section(draft.heading, draft.text, first=first)
    return Section(heading=draft.heading, kind=kind, text=draft.text)
