"""Property-based fuzzing of every endpoint from the OpenAPI schema: no 5xx, and every response
conforms to the schema (status codes, content types, bodies, Allow headers).

Two of schemathesis's checks are left out on purpose: the schema does not state the runtime
limits that come from settings (page size, query length, non-empty filter values), so a
schema-valid request may still get its 422 naming the limit; and pydantic accepts `false`
for an integer field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from api.main import create_app
from index.settings import Settings
from tests.api.server import running_server
from tests.fakes import FakeEmbedder


def fuzz_settings(index_root: Path) -> Settings:
    return Settings(
        index_dir=index_root,
        model="fake-hash",
        min_score=0.0,
        rate_limit="",
        max_query_chars=2000,
    )


# The schema is the app's own; building it needs no index, so it can be read at import time.
schema = schemathesis.openapi.from_dict(
    create_app(fuzz_settings(Path("unused")), embedder_factory=lambda s: FakeEmbedder()).openapi()
)


@pytest.fixture(scope="module")
def fuzz_server(index_root: Path) -> Iterator[str]:
    app = create_app(fuzz_settings(index_root), embedder_factory=lambda s: FakeEmbedder())
    with running_server(app) as http:
        yield str(http.base_url)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_every_endpoint_conforms_and_never_fails(case, fuzz_server):
    case.call_and_validate(
        base_url=fuzz_server, excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )
