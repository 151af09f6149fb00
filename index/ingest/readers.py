"""Read postings from input files of any supported shape, detected by content, not by name.

Shapes: JSON Lines (our own fields), the Greenhouse job-board response, the Lever postings
response and an Ashby job-board response; any of them may be gzipped. JSON Lines are streamed,
a line at a time (index.ingest.streams), so a file of any size is read in bounded memory; a
whole-document export is read whole. Reading yields each record unparsed (`RecordSource`, small
and picklable, so the parsing can happen in another process) and `parse_source` parses it.

A malformed record is skipped and reported with its file, line or id and the reason; it never
stops the others, and neither does a record over the size cap. A gzip file cut short (a copy
that stopped mid-way) is read up to the cut: its complete records are kept and the report says
where the file ended.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson

from index.errors import InputFormatError
from index.ingest.ats import from_ashby, from_greenhouse, from_jsonl, from_lever
from index.ingest.streams import FileStream
from index.models import RawPosting

RecordParser = Callable[[Any], RawPosting]
PARSERS: dict[str, RecordParser] = {
    "greenhouse": from_greenhouse,
    "ashby": from_ashby,
    "lever": from_lever,
    "json-array": from_jsonl,
    "jsonl": from_jsonl,
}
Line = tuple[bytes, bool]  # a line without its end, and whether a line end ended it


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


@dataclass(frozen=True)
class RecordSource:
    """One record as a file holds it, not yet parsed: a JSON Lines line (bytes) or one record
    of a whole-document export (`shape` names the format). "cut-line" is a file's last line
    when the file was cut short, so it may be a record cut off."""

    file: str
    where: str  # "line 12" or "record 3"
    payload: Any
    shape: str


def read_postings(paths: Iterable[Path], max_record_bytes: int = 0) -> ReadResult:
    """Read every file; later records win over earlier ones with the same id. A record whose
    body is over `max_record_bytes` (0: no cap) is skipped with that reason."""
    result = ReadResult()
    by_id: dict[str, RawPosting] = {}
    for source in iter_sources(paths, result):
        item = parse_source(source, max_record_bytes)
        if isinstance(item, SkippedRecord):
            result.skipped.append(item)
            continue
        if item.id in by_id:
            result.duplicates.append(item.id)
            del by_id[item.id]  # re-insert so the order follows the winning record
        by_id[item.id] = item
    result.postings = list(by_id.values())
    return result


def iter_sources(paths: Iterable[Path], result: ReadResult) -> Iterator[RecordSource]:
    """Every record of every file in order. Counts records, formats and files cut short into
    `result`; a file that cannot be read at all is recorded there as skipped."""
    for path in paths:
        try:
            yield from _file_sources(path, result)
        except InputFormatError as exc:  # one unreadable file must not stop the others
            result.skipped.append(SkippedRecord(str(path), "whole file", str(exc)))


def parse_source(source: RecordSource, cap: int = 0) -> RawPosting | SkippedRecord:
    """A record parsed into a RawPosting, or skipped with its place and the reason. A body over
    `cap` bytes (0: no cap) is skipped too."""
    name, where = source.file, source.where
    if source.shape not in ("line", "cut-line"):
        return _parse_record(name, PARSERS[source.shape], source.payload, where, cap)
    if source.shape == "cut-line":
        record = _whole_json(source.payload)
        if record is None:
            return SkippedRecord(name, where, "cut off: the file ends inside this record")
        return _parse_record(name, from_jsonl, record, where, cap)
    try:
        line = source.payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SkippedRecord(name, where, f"undecodable bytes (not UTF-8 at byte {exc.start})")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return SkippedRecord(name, where, f"bad JSON: {exc.msg} at column {exc.colno}")
    return _parse_record(name, from_jsonl, record, where, cap)


def _file_sources(path: Path, result: ReadResult) -> Iterator[RecordSource]:
    name = str(path)
    with FileStream(path) as stream:
        lines = stream.lines()
        head: list[Line] = []
        first = _next_record_line(lines, head)
        if first is None and stream.cut is not None:
            raise InputFormatError(f"{name}: not a valid gzip file ({stream.cut})")
        data = None
        if first is not None and first.lstrip()[:1] in (b"{", b"["):
            if _parse_whole_json(first) is None:  # a document over many lines, or a broken line
                head.extend(lines)
                data = b"\n".join(line for line, _ in head)
            elif _next_record_line(lines, head) is None:  # a file of one line
                data = first
        if data is None:  # JSON Lines: streamed from the lines read so far on
            result.formats[name] = "jsonl"
            yield from _line_sources(name, _chain(head, lines), stream, result)
            return
        document = _parse_whole_json(data)
        if document is None and stream.cut is not None and data.lstrip()[:1] in (b"{", b"["):
            document = _salvage_document(data)  # a JSON document cut short: its complete records
        if document is None:  # JSON Lines after all (its first line is broken)
            result.formats[name] = "jsonl"
            yield from _line_sources(name, iter(head), stream, result)
            return
    yield from _document_sources(name, document, stream.cut, result)


def _document_sources(
    name: str, document: Any, cut: str | None, result: ReadResult
) -> Iterator[RecordSource]:
    fmt, records, _ = _detect_document(name, document)
    result.formats[name] = fmt
    for position, record in enumerate(records, start=1):
        result.records_read += 1
        yield RecordSource(name, f"record {position}", record, fmt)
    if cut is not None:
        result.truncated.append(
            SkippedRecord(
                name,
                f"record {len(records) + 1}",
                f"{cut}; the {len(records)} complete records before it are read",
            )
        )


def _line_sources(
    name: str, lines: Iterator[Line], stream: FileStream, result: ReadResult
) -> Iterator[RecordSource]:
    """A JSON Lines file's records; the last line of a file cut short may be cut off."""
    number, ended = 0, True
    for number, (line, ended) in enumerate(lines, start=1):  # noqa: B007 - used below
        if not line.strip():
            continue
        result.records_read += 1
        cut_off = not ended and stream.cut is not None
        yield RecordSource(name, f"line {number}", line, "cut-line" if cut_off else "line")
    if stream.cut is not None:
        complete = number - (0 if ended else 1)
        result.truncated.append(
            SkippedRecord(name, f"line {number}", f"{stream.cut}; lines 1-{complete} are read")
        )


def _next_record_line(lines: Iterator[Line], head: list[Line]) -> bytes | None:
    """The next line that is not blank (None at the end), every line read kept in `head`."""
    for line, ended in lines:
        head.append((line, ended))
        if line.strip():
            return line
    return None


def _chain(head: list[Line], rest: Iterator[Line]) -> Iterator[Line]:
    yield from head
    yield from rest


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
