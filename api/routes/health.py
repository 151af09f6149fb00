"""Liveness (the process is up) and readiness (an index is loaded, and which)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import StateDep
from api.timing import took_ms

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> dict[str, Any]:
    return {"status": "ok", "took_ms": took_ms(request)}


@router.get("/readyz")
def readyz(request: Request, state: StateDep) -> JSONResponse:
    if state.service is None:
        detail = f"index not loaded: {state.load_error or 'loading'}"
        return JSONResponse(
            {"status": "not ready", "detail": detail, "took_ms": took_ms(request)}, status_code=503
        )
    manifest = state.service.index.manifest
    body = {
        "status": "ready",
        "index": {
            "version": manifest.build_id,
            "model": manifest.model,
            "postings": manifest.postings,
            "chunks": manifest.chunks,
            "built_at": manifest.built_at,
            "index_type": manifest.index_type,
        },
        "took_ms": took_ms(request),
    }
    return JSONResponse(body)
