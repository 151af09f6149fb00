"""Settings under the test suite: nothing reaches them from the developer's environment or a
.env file (tests/conftest.py's clean_settings), while a variable a test sets still does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from index.errors import ConfigError
from index.settings import Settings, get_settings
from tests.paths import REPO


def test_only_the_test_index_dir_is_in_the_environment(tmp_path):
    names = [name for name in os.environ if name.upper().startswith("JOBSEARCH_")]
    assert names == ["JOBSEARCH_INDEX_DIR"]
    assert get_settings().index_dir == tmp_path / "index"


def test_a_dotenv_file_is_not_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("JOBSEARCH_PORT=1234\nJOBSEARCH_MODEL=from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert (settings.port, settings.model) == (8000, "all-MiniLM-L6-v2")


def test_a_variable_the_test_sets_is_read(monkeypatch):
    monkeypatch.setenv("JOBSEARCH_PORT", "9000")
    assert Settings().port == 9000


def test_a_removed_setting_is_an_error_naming_its_replacement(monkeypatch):
    monkeypatch.setenv("JOBSEARCH_RATE_LIMIT_PER_MINUTE", "0")
    with pytest.raises(
        ConfigError, match="JOBSEARCH_RATE_LIMIT_PER_MINUTE was removed: use JOBSEARCH_RATE_LIMIT"
    ):
        Settings()


@pytest.mark.subprocess
def test_the_cli_reports_a_removed_setting_without_a_traceback(monkeypatch):
    monkeypatch.setenv("JOBSEARCH_RATE_LIMIT_BURST", "20")
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "search", "rust"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "error: JOBSEARCH_RATE_LIMIT_BURST was removed: use JOBSEARCH_RATE_LIMIT" in done.stderr
    assert "Traceback" not in done.stderr
