"""Read postings from input files of any supported shape, detected by content, not by name.

Shapes: JSON Lines (our own fields), the Greenhouse job-board response, the Lever postings
response and an Ashby job-board response; any of them may be gzipped. A malformed record is
skipped and reported with its file, line or id and the reason; it never stops the others, and
neither does a record over the size cap. A gzip file cut short (a copy that stopped mid-way) is
read up to the cut: its complete records are kept and the report says where the file ended.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson

from index.errors import InputFormatError
from index.ingest.ats import from_ashby, from_greenhouse, from_jsonl, from_lever
from index.models import RawPosting

RecordParser = Callable[[Any], RawPosting]


@dataclass(frozen=True)
class SkippedRecord:
    """A record left out of the build, and why; shown in the rebuild summary."""

    file: str
    where: str  # "line 12" or "id 4242" or "record 3"
    reason: str


@dataclass
class ReadResult:
    postings: list[RawPosting] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # ids seen more than once (last wins)
    records_read: int = 0
    formats: dict[str, str] = field(default_factory=dict)  # file -> detected format
    truncated: list[SkippedRecord] = field(default_factory=list)  # files cut short, and where


def read_postings(paths: Iterable[Path], max_record_bytes: int = 0) -> ReadResult:
    """Read every file; later records win over earlier ones with the same id. A record whose
    body is over `max_record_bytes` (0: no cap) is skipped with that reason."""
    result = ReadResult()
    by_id: dict[str, RawPosting] = {}
    for path in paths:
        try:
            items = list(_read_file(path, result, max_record_bytes))
        except InputFormatError as exc:  # one unreadable file must not stop the others
            result.skipped.append(SkippedRecord(str(path), "whole file", str(exc)))
            continue
        for item in items:
            if isinstance(item, SkippedRecord):
                result.skipped.append(item)
                continue
            if item.id in by_id:
                result.duplicates.append(item.id)
                del by_id[item.id]  # re-insert so the order follows the winning record
            by_id[item.id] = item
    result.postings = list(by_id.values())
    return result


def _read_file(path: Path, result: ReadResult, cap: int) -> Iterator[RawPosting | SkippedRecord]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"cannot read {name}: {exc.strerror or exc}") from exc
    cut: str | None = None
    if data[:2] == b"\x1f\x8b":
        data, cut = gunzip(data)
        if cut is not None and not data:
            raise InputFormatError(f"{name}: not a valid gzip file ({cut})")
    document = _parse_whole_json(data)
    if document is None and cut is not None and data.lstrip()[:1] in (b"{", b"["):
        document = _salvage_document(data)  # a JSON document cut short: its complete records
    if document is None:
        result.formats[name] = "jsonl"
        yield from _read_jsonl(name, data, result, cap, cut)
        return
    fmt, records, parser = _detect_document(name, document)
    result.formats[name] = fmt
    for position, record in enumerate(records, start=1):
        result.records_read += 1
        yield _parse_record(name, parser, record, f"record {position}", cap)
    if cut is not None:
        where = f"record {len(records) + 1}"
        result.truncated.append(
            SkippedRecord(
                name, where, f"{cut}; the {len(records)} complete records before it are read"
            )
        )


def gunzip(data: bytes, block: int = 1 << 14) -> tuple[bytes, str | None]:
    """Decompress every gzip member, as far as the data allows: the bytes, and why they stop
    short (None when the file is whole). Fed in small blocks, so corrupt data loses at most one
    block's output."""
    out = io.BytesIO()
    rest = data
    while rest[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=31)
        start = 0
        try:
            while start < len(rest) and not inflater.eof:
                out.write(inflater.decompress(rest[start : start + block]))
                start += block
        except zlib.error as exc:
            return out.getvalue(), f"corrupt gzip data after {out.tell():,} bytes ({exc})"
        if not inflater.eof:
            return out.getvalue(), (
                f"the gzip stream stops after {out.tell():,} bytes, "
                "before its end marker (an incomplete copy?)"
            )
        rest = inflater.unused_data + rest[start:]  # the next member, if any
    return out.getvalue(), None


def _salvage_document(data: bytes) -> Any | None:
    """The complete records at the start of a JSON document cut short, in the document's
    shape ({"jobs": [...]} or [...]), or None when not even one record is whole."""
    prefix = "jobs.item" if data.lstrip()[:1] == b"{" else "item"
    records: list[Any] = []
    try:
        for record in ijson.items(io.BytesIO(data), prefix, use_float=True):
            records.append(record)
    except ijson.JSONError:
        pass
    if not records:
        return None
    return {"jobs": records} if prefix == "jobs.item" else records


def _parse_whole_json(data: bytes) -> Any | None:
    """The file as one JSON document, or None when it is not one (then it is JSON Lines)."""
    head = data.lstrip()[:1]
    if head not in (b"{", b"["):
        return None
    try:
        return json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None


def _detect_document(name: str, document: Any) -> tuple[str, list[Any], RecordParser]:
    if isinstance(document, dict) and isinstance(document.get("jobs"), list):
        jobs: list[Any] = document["jobs"]
        if not jobs:
            return "empty job board", [], from_jsonl
        sample = next((job for job in jobs if isinstance(job, dict)), {})
        if "content" in sample or "absolute_url" in sample:
            return "greenhouse", jobs, from_greenhouse
        if any(key in sample for key in ("descriptionPlain", "descriptionHtml", "jobUrl")):
            return "ashby", jobs, from_ashby
        raise InputFormatError(
            f"{name}: a {{'jobs': [...]}} document, but neither Greenhouse (content) "
            "nor Ashby (descriptionPlain/descriptionHtml) records"
        )
    if isinstance(document, list):
        if not document:
            return "empty list", [], from_jsonl
        sample = next((item for item in document if isinstance(item, dict)), {})
        if "text" in sample and ("categories" in sample or "descriptionPlain" in sample):
            return "lever", document, from_lever
        if "id" in sample and "title" in sample:
            return "json-array", document, from_jsonl
    if isinstance(document, dict) and "id" in document and "title" in document:
        return "jsonl", [document], from_jsonl  # a JSON Lines file of one record
    raise InputFormatError(
        f"{name}: unrecognised format; expected JSON Lines of postings, or a Greenhouse, "
        "Lever or Ashby API response"
    )


def _read_jsonl(
    name: str, data: bytes, result: ReadResult, cap: int, cut: str | None
) -> Iterator[RawPosting | SkippedRecord]:
    lines = data.splitlines()
    last = len(lines)
    for number, raw_line in enumerate(lines, start=1):
        if not raw_line.strip():
            continue
        result.records_read += 1
        where = f"line {number}"
        if cut is not None and number == last and not data.endswith(b"\n"):
            record = _whole_json(raw_line)
            if record is None:
                yield SkippedRecord(name, where, "cut off: the file ends inside this record")
            else:
                yield _parse_record(name, from_jsonl, record, where, cap)
            continue
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield SkippedRecord(name, where, f"undecodable bytes (not UTF-8 at byte {exc.start})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedRecord(name, where, f"bad JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _parse_record(name, from_jsonl, record, where, cap)
    if cut is not None:
        complete = last - (0 if data.endswith(b"\n") else 1)
        result.truncated.append(
            SkippedRecord(name, f"line {last}", f"{cut}; lines 1-{complete} are read")
        )


def _whole_json(line: bytes) -> Any | None:
    try:
        return json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _parse_record(
    name: str, parser: RecordParser, record: Any, where: str, cap: int
) -> RawPosting | SkippedRecord:
    if isinstance(record, dict) and isinstance(record.get("id"), str | int):
        where = f"{where} (id {record['id']})"
    try:
        posting = parser(record)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return SkippedRecord(name, where, str(exc) or type(exc).__name__)
    size = len(posting.body.encode("utf-8"))
    if cap and size > cap:
        reason = f"body is {size:,} bytes, over the {cap:,}-byte cap (JOBSEARCH_MAX_RECORD_BYTES)"
        return SkippedRecord(name, where, reason)
    return posting
