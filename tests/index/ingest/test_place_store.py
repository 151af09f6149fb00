"""The place tables stored once and read back: a process that finds them builds nothing and
reads the same places; a bad or unwritable file only means building them again."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.ingest import cities, countries, place_names, place_store
from index.ingest.locations import normalize_location, resolve_location_filter

BUILT = (countries.country_tables, cities.tables, place_names.gazetteer)


def fresh_process() -> None:
    """As a new process starts: no table in memory, no folder to read them from."""
    place_store.forget()
    for built in BUILT:
        built.cache_clear()


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    fresh_process()
    yield
    fresh_process()


def refuse_to_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise AssertionError("built instead of read")

    monkeypatch.setattr(countries, "_build_country_tables", boom)
    monkeypatch.setattr(cities, "_build_tables", boom)
    monkeypatch.setattr(place_names, "_build_gazetteer", boom)


def readings() -> tuple[object, ...]:
    return (
        normalize_location("Santa Clara, CA or Remote, Kraków"),
        normalize_location("remote,Valencia, ESP"),
        resolve_location_filter("EMEA"),
        resolve_location_filter("nyc"),
    )


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[object, ...]]:
    """The tables built once and stored, and what they read."""
    folder = tmp_path_factory.mktemp("places")
    fresh_process()
    place_names.warm_places(folder)
    return folder, readings()


def copy_of(stored: tuple[Path, tuple[object, ...]], into: Path) -> Path:
    for path in stored[0].iterdir():
        shutil.copy(path, into / path.name)
    return into


def test_a_process_that_finds_the_files_reads_them_and_builds_nothing(
    stored, tmp_path, monkeypatch
):
    assert sorted(p.name.rsplit("-", 1)[1] for p in stored[0].iterdir()) == [
        "cities.pickle",
        "countries.pickle",
        "gazetteer.pickle",
    ]
    refuse_to_build(monkeypatch)
    place_names.warm_places(copy_of(stored, tmp_path))
    assert readings() == stored[1]


def test_a_server_reads_the_city_table_only_when_asked(stored, tmp_path):
    place_names.warm_places(copy_of(stored, tmp_path))
    resolve_location_filter("Berlin")
    assert place_store.preloaded("gazetteer") is not None
    assert "cities" not in place_store._loaded  # the gazetteer answers a query by itself


def test_a_damaged_file_is_built_again(stored, tmp_path):
    folder = copy_of(stored, tmp_path)
    place_store.table_file(folder, "gazetteer").write_bytes(b"not a pickle")
    place_names.warm_places(folder)
    assert readings() == stored[1]


def test_an_unwritable_folder_only_means_building(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    place_names.warm_places(blocked / "places")  # cannot be created: built in memory
    assert readings()[1].countries == ("ES",)


def test_new_data_or_code_is_a_new_key_and_the_old_files_go(stored, tmp_path, monkeypatch):
    folder = copy_of(stored, tmp_path)
    old = {p.name for p in folder.iterdir()}
    place_names.warm_places(folder)
    tables = {name: place_store.preloaded(name) for name in ("countries", "cities", "gazetteer")}
    place_store.table_key.cache_clear()
    monkeypatch.setattr(place_store, "data_version", lambda: "pycountry=99")
    try:
        assert place_store.missing(folder, tuple(tables))
        place_store.save(folder, tables)
        new = {p.name for p in folder.iterdir()}
    finally:
        place_store.table_key.cache_clear()
    assert len(new) == 3 and not new & old
