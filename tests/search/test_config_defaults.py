"""Ranking defaults live once, in RankingConfig; Settings maps onto it field by field."""

from __future__ import annotations

import typing
from dataclasses import fields

from index.settings import RANKING_FIELDS, Settings
from search.ranking import RankingConfig


def test_every_ranking_field_has_a_setting_of_the_same_name_and_type():
    config = {f.name: f for f in fields(RankingConfig)}
    assert set(RANKING_FIELDS) == set(config)
    hints = typing.get_type_hints(RankingConfig)
    for name in RANKING_FIELDS:
        setting = Settings.model_fields[name]
        assert setting.default is None  # no second default: RankingConfig's applies
        assert hints[name] in typing.get_args(setting.annotation), name


def test_settings_override_only_the_fields_set(monkeypatch):
    monkeypatch.setenv("JOBSEARCH_MIN_SCORE", "0.25")
    monkeypatch.setenv("JOBSEARCH_DEMOTE_WRONG_LEVEL", "false")
    settings = Settings()
    assert settings.ranking_overrides() == {"min_score": 0.25, "demote_wrong_level": False}
    config = RankingConfig().with_overrides(**settings.ranking_overrides())
    assert config.min_score == 0.25 and config.demote_wrong_level is False
    assert config.rrf_k == RankingConfig().rrf_k
