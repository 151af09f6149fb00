"""Turn one record of each input shape into a `RawPosting`, or raise ValueError saying why not.

Every field is type-checked: a record with a wrong type is rejected rather than half-read.
Ids: a JSON Lines posting keeps its id verbatim; an ATS record's id is "<ats>:<its id>".
"""

from __future__ import annotations

import html
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from index.ingest.workplace import workplace_value
from index.models import BodyFormat, RawPosting, Workplace


def from_jsonl(record: Any) -> RawPosting:
    rec = _require_object(record)
    body_html = _optional_str(rec, "content_html")
    body_text = _optional_str(rec, "content_text")
    body, fmt = _pick_body(
        [(body_html, "html"), (body_text, "markdown")], "content_html or content_text"
    )
    return RawPosting(
        id=_require_id(rec, "id"),
        title=_require_str(rec, "title"),
        body=body,
        body_format=fmt,
        source=_optional_str(rec, "source") or "jsonl",
        company=_optional_str(rec, "company") or "",
        team=_optional_str(rec, "team"),
        location=_optional_str(rec, "location"),
        url=_optional_str(rec, "url"),
        updated_at=_optional_str(rec, "updated_at"),
    )


def from_greenhouse(record: Any) -> RawPosting:
    rec = _require_object(record)
    content = _optional_str(rec, "content")
    body, fmt = _pick_body([(html.unescape(content) if content else None, "html")], "content")
    location = rec.get("location")
    location_name = _optional_str(location, "name") if isinstance(location, dict) else None
    return RawPosting(
        id="greenhouse:" + _require_id(rec, "id"),
        title=_require_str(rec, "title"),
        body=body,
        body_format=fmt,
        source="greenhouse",
        company=_optional_str(rec, "company_name") or "",
        team=_first_name(rec.get("departments"), "departments"),
        location=location_name or _first_name(rec.get("offices"), "offices"),
        url=_optional_str(rec, "absolute_url"),
        updated_at=_optional_str(rec, "updated_at"),
    )


def from_lever(record: Any) -> RawPosting:
    rec = _require_object(record)
    categories = rec.get("categories") or {}
    if not isinstance(categories, dict):
        raise ValueError("categories: expected an object")
    parts = [_optional_str(rec, "descriptionPlain") or ""]
    lists = rec.get("lists") or []
    if not isinstance(lists, list):
        raise ValueError("lists: expected a list")
    for entry in lists:
        if not isinstance(entry, dict):
            raise ValueError("lists: expected objects with text and content")
        items = HTMLParser(_optional_str(entry, "content") or "").css("li")
        lines = [f"- {item.text(separator=' ', strip=True)}" for item in items]
        parts.append(f"{_optional_str(entry, 'text') or ''}:\n" + "\n".join(lines))
    parts.append(_optional_str(rec, "additionalPlain") or "")
    body, fmt = _pick_body(
        [("\n\n".join(p for p in parts if p.strip()), "text")], "descriptionPlain"
    )
    created = rec.get("createdAt")
    return RawPosting(
        id="lever:" + _require_id(rec, "id"),
        title=_require_str(rec, "text"),
        body=body,
        body_format=fmt,
        source="lever",
        company=_optional_str(rec, "company") or "",
        team=_optional_str(categories, "team") or _optional_str(categories, "department"),
        location=_optional_str(categories, "location"),
        workplace_hint=_workplace_field(rec),
        url=_optional_str(rec, "hostedUrl"),
        updated_at=created if isinstance(created, str) else None,
    )


def from_ashby(record: Any) -> RawPosting:
    rec = _require_object(record)
    body, fmt = _pick_body(
        [
            (_optional_str(rec, "descriptionHtml"), "html"),
            (_optional_str(rec, "descriptionPlain"), "text"),
        ],
        "descriptionPlain or descriptionHtml",
    )
    hint = _workplace_field(rec)  # "Remote", "Hybrid", "OnSite"; else isRemote
    if hint is Workplace.UNKNOWN and rec.get("isRemote") is True:
        hint = Workplace.REMOTE
    return RawPosting(
        id="ashby:" + _require_id(rec, "id"),
        title=_require_str(rec, "title"),
        body=body,
        body_format=fmt,
        source="ashby",
        company=_optional_str(rec, "companyName") or "",
        team=_optional_str(rec, "team") or _optional_str(rec, "department"),
        location=_optional_str(rec, "location"),
        workplace_hint=hint,
        url=_optional_str(rec, "jobUrl"),
        updated_at=_optional_str(rec, "publishedAt"),
    )


def _workplace_field(rec: dict[str, Any]) -> Workplace:
    """An ATS's workplaceType ("remote", "on-site", "OnSite", "Hybrid"; "unspecified")."""
    value = _optional_str(rec, "workplaceType") or ""
    return workplace_value(value) or Workplace.UNKNOWN


def _require_object(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    return record


def _require_id(rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"missing or invalid {key} (expected a string)")
    text = str(value).strip()
    if not text:
        raise ValueError(f"empty {key}")
    return text


def _require_str(rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    if value is None:
        raise ValueError(f"missing {key}")
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"empty {key}")
    return value.strip()


def _optional_str(rec: dict[str, Any], key: str) -> str | None:
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip() or None


def _pick_body(
    candidates: list[tuple[str | None, BodyFormat]], fields: str
) -> tuple[str, BodyFormat]:
    for body, fmt in candidates:
        if body and body.strip():
            return body, fmt
    raise ValueError(f"missing body ({fields})")


def _first_name(entries: Any, key: str) -> str | None:
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise ValueError(f"{key}: expected a list")
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"].strip():
            return str(entry["name"]).strip()
    return None
