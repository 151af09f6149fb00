"""FastAPI dependencies: the app state and a ready search service (503 before an index loads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.state import AppState
from index.errors import IndexNotFoundError
from search.service import SearchService


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.jobsearch
    return state


def get_search_service(state: Annotated[AppState, Depends(get_state)]) -> SearchService:
    if state.service is None:
        raise IndexNotFoundError(state.load_error or "no index loaded")
    return state.service


StateDep = Annotated[AppState, Depends(get_state)]
SearchServiceDep = Annotated[SearchService, Depends(get_search_service)]
