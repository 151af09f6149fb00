"""Read postings from input files of any supported shape, detected by content, not by name.

Shapes: JSON Lines (our own fields), the Greenhouse job-board response, the Lever postings
response and an Ashby job-board response; any of them may be gzipped. A malformed record is
skipped and reported with its file, line or id and the reason; it never stops the others.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def read_postings(paths: Iterable[Path]) -> ReadResult:
    """Read every file; later records win over earlier ones with the same id."""
    result = ReadResult()
    by_id: dict[str, RawPosting] = {}
    for path in paths:
        try:
            items = list(_read_file(path, result))
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


def _read_file(path: Path, result: ReadResult) -> Iterator[RawPosting | SkippedRecord]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputFormatError(f"{name}: not a valid gzip file ({exc})") from exc
    document = _parse_whole_json(data)
    if document is None:
        result.formats[name] = "jsonl"
        yield from _read_jsonl(name, data, result)
        return
    fmt, records, parser = _detect_document(name, document)
    result.formats[name] = fmt
    for position, record in enumerate(records, start=1):
        result.records_read += 1
        yield _parse_record(name, parser, record, f"record {position}")


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


def _read_jsonl(name: str, data: bytes, result: ReadResult) -> Iterator[RawPosting | SkippedRecord]:
    for number, raw_line in enumerate(data.splitlines(), start=1):
        if not raw_line.strip():
            continue
        result.records_read += 1
        where = f"line {number}"
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
        yield _parse_record(name, from_jsonl, record, where)


def _parse_record(
    name: str, parser: RecordParser, record: Any, where: str
) -> RawPosting | SkippedRecord:
    if isinstance(record, dict) and isinstance(record.get("id"), str | int):
        where = f"{where} (id {record['id']})"
    try:
        return parser(record)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return SkippedRecord(name, where, str(exc) or type(exc).__name__)
