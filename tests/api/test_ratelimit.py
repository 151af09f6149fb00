"""Rate limits (api/ratelimit.py, the `limits` library) through a real server: per address, per
API key, behind trusted proxies only; the settings' errors and the per-worker share."""

from __future__ import annotations

import pytest

from api.main import create_app
from api.ratelimit import RateLimits
from api.serve import proxy_options
from index.build.rebuild import build_index
from index.errors import ConfigError
from index.settings import Settings
from tests.api.server import free_port, running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

PATH, PARAMS = "/v1/search", {"q": "storage"}


def limited_app(tmp_path, **overrides: object):
    root = tmp_path / "index"
    build_index([make_posting("p-1"), make_posting("p-2")], FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0, **overrides)
    return create_app(settings, embedder_factory=lambda s: FakeEmbedder())


def codes(http, n: int, headers: dict[str, str] | None = None) -> list[int]:
    return [http.get(PATH, params=PARAMS, headers=headers).status_code for _ in range(n)]


def test_rate_limit_answers_429_with_retry_after_and_a_json_error(tmp_path):
    with running_server(limited_app(tmp_path, rate_limit="3/minute")) as http:
        assert codes(http, 5) == [200, 200, 200, 429, 429]
        limited = http.get(PATH, params=PARAMS)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        body = limited.json()
        assert set(body) == {"detail", "took_ms"}
        assert body["detail"].startswith("rate limit: more than 3 per minute from this address;")
        assert body["detail"].endswith(f"retry in {limited.headers['Retry-After']} s")
        assert http.get("/healthz").status_code == 200  # probes are never limited
        assert http.get("/metrics").status_code == 200


def test_rate_limit_checks_every_limit_of_a_combined_setting(tmp_path):
    with running_server(limited_app(tmp_path, rate_limit="100/minute;2/hour")) as http:
        assert codes(http, 3) == [200, 200, 429]
        assert "more than 2 per hour" in http.get(PATH, params=PARAMS).json()["detail"]


def test_rate_limit_gives_known_api_keys_their_own_quota(tmp_path):
    app = limited_app(tmp_path, rate_limit="2/minute", rate_limit_keys={"site-key": "5/minute"})
    with running_server(app) as http:
        site = {"X-API-Key": "site-key"}
        assert codes(http, 6, site) == [200] * 5 + [429]
        refused = http.get(PATH, params=PARAMS, headers=site)
        assert "more than 5 per minute from this API key" in refused.json()["detail"]
        # The address still has its own two; an unknown key is counted as its address.
        assert codes(http, 1) == [200]
        assert codes(http, 2, {"X-API-Key": "made-up"}) == [200, 429]


def test_rate_limit_counts_each_forwarded_client_of_a_trusted_proxy(tmp_path):
    app = limited_app(tmp_path, rate_limit="2/minute")
    with running_server(app, **proxy_options("127.0.0.1")) as http:
        first = {"X-Forwarded-For": "203.0.113.7"}
        second = {"X-Forwarded-For": "198.51.100.20, 203.0.113.8"}  # the proxy's last hop
        assert codes(http, 3, first) == [200, 200, 429]
        assert codes(http, 3, second) == [200, 200, 429]


def test_rate_limit_ignores_forwarded_for_from_an_untrusted_peer(tmp_path):
    app = limited_app(tmp_path, rate_limit="2/minute")
    with running_server(app, **proxy_options("")) as http:
        assert codes(http, 1, {"X-Forwarded-For": "203.0.113.7"}) == [200]
        assert codes(http, 2, {"X-Forwarded-For": "203.0.113.8"}) == [200, 429]


def test_rate_limit_lets_requests_through_when_its_storage_is_down(tmp_path, caplog):
    storage = f"redis://127.0.0.1:{free_port()}"  # nothing listens there
    app = limited_app(tmp_path, rate_limit="1/minute", rate_limit_storage=storage)
    with running_server(app) as http:
        assert codes(http, 3) == [200, 200, 200]
    assert "rate limit storage failed, request let through" in caplog.text


def test_rate_limit_off_when_the_setting_is_empty(tmp_path):
    assert RateLimits.from_settings(Settings(rate_limit="")) is None
    with running_server(limited_app(tmp_path, rate_limit="")) as http:
        assert set(codes(http, 5)) == {200}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rate_limit": "lots"}, "JOBSEARCH_RATE_LIMIT: cannot read 'lots' as rate limits"),
        ({"rate_limit": "0/minute"}, "JOBSEARCH_RATE_LIMIT: '0/minute' allows nothing"),
        ({"rate_limit_keys": {"abcdef": "x"}}, "JOBSEARCH_RATE_LIMIT_KEYS[abcd…]: cannot read"),
        ({"rate_limit_storage": "nosuch://x"}, "JOBSEARCH_RATE_LIMIT_STORAGE: 'nosuch://x'"),
    ],
)
def test_rate_limit_settings_errors_name_the_setting(overrides, message):
    with pytest.raises(ConfigError) as raised:
        RateLimits.from_settings(Settings(**overrides))
    assert message in str(raised.value)


def test_rate_limit_memory_storage_splits_each_limit_between_workers():
    """In-memory counts are per worker: each allows its share, so no client gets more in all."""
    split = RateLimits.from_settings(
        Settings(rate_limit="600/minute;5/second", workers=2, rate_limit_keys={"k": "7/minute"})
    )
    assert split is not None
    assert [item.amount for item in split.default] == [300, 3]
    assert [item.amount for items in split.per_key.values() for item in items] == [4]
    shared = RateLimits.from_settings(
        Settings(rate_limit="600/minute", workers=2, rate_limit_storage="redis://127.0.0.1:1")
    )
    assert shared is not None and [item.amount for item in shared.default] == [600]
