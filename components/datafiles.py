"""The files the event store is derived from: the curated files and articles, and the dataset files kept under
data/sources/<format>/ with their sidecars. Their names, stamps and checksums, and how they differ from what the
store recorded, asked by the store (is it stale?) and by the importer (what changed?); nothing here opens the
database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from components.schema import Actors, Events, Places, Reviews

SOURCES = "sources"  # data/sources/<format>/<file>: the analyst's files, never edited
SIDECAR = ".meta.json"
CURATED = (Events.file, Actors.file, Places.file, Reviews.file)  # the decisions date the events they accepted
# Names of the store's own files: an imported file may not take them (it would hide or overwrite one).
RESERVED_SUFFIXES = (SIDECAR, ".tmp", ".lock")
RESERVED_NAMES = {"readme.md"}
MAX_NAME_BYTES = 160  # a kept name, its digest and ".meta.json" stay under the file system's 255 bytes


def sha256(path: Path) -> str:
    """The file's checksum, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def accepted(data: Path) -> pd.DataFrame:
    """The accepted events of data/reviews.csv and when each was decided (text; a cell that is not a time is read
    as none by the store). A damaged line is skipped here: the data page names it (components/review.py)."""
    path = data / Reviews.file
    if not path.exists():
        return pd.DataFrame({Reviews.event_id: pd.Series(dtype=str), Reviews.decided: pd.Series(dtype=str)})
    found = pd.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="skip", encoding="utf-8")
    if not {Reviews.decision, Reviews.event_id, Reviews.decided} <= set(found.columns):
        return pd.DataFrame({Reviews.event_id: pd.Series(dtype=str), Reviews.decided: pd.Series(dtype=str)})
    chosen = found[(found[Reviews.decision] == "accepted") & (found[Reviews.event_id] != "")]
    return chosen[[Reviews.event_id, Reviews.decided]].drop_duplicates(Reviews.event_id).reset_index(drop=True)


def curated_files(data: Path, seeds: Path) -> list[Path]:
    """The curated files and the articles: what the article's events are checked against."""
    articles = sorted(seeds.glob("*")) if seeds.is_dir() else []
    return [data / name for name in CURATED] + [p for p in articles if p.is_file() and p.name[0] != "."]


def curated_stamp(files: list[Path]) -> str:
    """Names, sizes and times of the curated files: cheap to compare at every rerun."""
    return json.dumps([(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists()])


def curated_digest(files: list[Path]) -> str:
    """Their checksum: a touched file with the same bytes is not a change."""
    return hashlib.sha256(repr(sorted((p.name, sha256(p)) for p in files if p.exists())).encode()).hexdigest()


def dataset_files(data: Path) -> list[Path]:
    """The imported files under data/sources/, the store's own files (sidecars, notes, temporaries) left out."""
    root = data / SOURCES
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*/*") if p.is_file() and not reserved(p.name))


def reserved(name: str) -> bool:
    """A name the store's own files use, or a hidden one: never an imported dataset."""
    low = name.lower()
    return low.startswith(".") or low in RESERVED_NAMES or low.endswith(RESERVED_SUFFIXES)


def kept_name(name: str) -> str:
    """A file's name as kept under data/sources/: not hidden, short enough for its sidecar's name to fit the file
    system (255 bytes), `dataset.csv` when nothing is left (the store's own names are refused before: `check`)."""
    name = name.lstrip(". ") or "dataset.csv"  # a hidden file would be passed over at the next refresh
    stem, suffix = Path(name).stem, Path(name).suffix
    suffix = suffix if len(suffix.encode()) <= 16 else ""
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def folders_key(data: Path, seeds: Path) -> str:
    """The folders a store is derived from: a store built from others is rebuilt, never mixed."""
    return json.dumps([str(data.resolve()), str(seeds.resolve())])


@dataclass(frozen=True)
class Curated:
    """The curated files and articles with a stamp the store has not recorded: their checksum, taken when first
    asked, tells an edit from a touch."""

    files: tuple[Path, ...]
    stamp: str

    @cached_property
    def digest(self) -> str:
        """Their checksum now."""
        return curated_digest(list(self.files))

    @property
    def seen(self) -> tuple[str, str]:
        """The files as found, for a set of those already seen to hold the recorded bytes."""
        return "curated", self.stamp


def curated_change(data: Path, seeds: Path, stamp: str | None, same: Container[tuple] = ()) -> Curated | None:
    """The curated files when their stamp is not the recorded `stamp` nor one in `same`; None when it is (nothing
    read, nothing hashed)."""
    files = curated_files(data, seeds)
    found = Curated(tuple(files), curated_stamp(files))
    return None if found.stamp == stamp or found.seen in same else found


@dataclass(frozen=True)
class Change:
    """A dataset file that is not as the store recorded it: gone, new, or of another size or time. Its checksum is
    taken when first asked, so that a comparison stopping at the first change hashes nothing more."""

    name: str  # its path under the data folder, as the store records it
    path: Path | None = None  # None: gone from data/sources/
    loaded: str | None = None  # the checksum it was loaded with; None: never loaded (new, or unreadable)
    size: int = 0
    mtime_ns: int = 0

    @cached_property
    def digest(self) -> str:
        """The file's checksum now."""
        return sha256(self.path)

    @property
    def seen(self) -> tuple[str, int, int]:
        """The file as found (name, size, time), for a set of those already seen to hold the loaded bytes."""
        return self.name, self.size, self.mtime_ns

    @property
    def touched(self) -> bool:
        """Still the bytes it was loaded with, under another size or time: nothing to read again."""
        return self.path is not None and self.loaded is not None and self.digest == self.loaded


def dataset_changes(
    data: Path, loaded: dict[str, tuple], unreadable: dict[str, tuple], same: Container[tuple] = ()
) -> Iterator[Change]:
    """How the dataset files differ from what the store recorded: `loaded` (name: size, mtime_ns, sha256) and
    `unreadable` (name: size, mtime_ns). Lazily, cheapest first: the files gone, the new ones, then those of
    another size or time than recorded, and not in `same`. A file whose size and time are as recorded is not read."""
    on_disk = {p.relative_to(data).as_posix(): p for p in dataset_files(data)}
    recorded = set(loaded) | set(unreadable)
    for name in sorted(recorded - set(on_disk)):
        yield Change(name)
    for name, path in on_disk.items():
        if name not in recorded:
            yield Change(name, path)
    for name, path in on_disk.items():
        stat = path.stat() if name in recorded else None
        if stat is None or (stat.st_size, stat.st_mtime_ns) in (loaded.get(name, ())[:2], unreadable.get(name, ())):
            continue  # new (given above), the usual restart, or a file that failed and did not change: nothing read
        found = Change(name, path, loaded[name][2] if name in loaded else None, stat.st_size, stat.st_mtime_ns)
        if found.seen not in same:
            yield found


README = """# Imported dataset files

The ACLED and UCDP files imported with `conflict-monitor import` (or the dashboard's data page), kept byte for byte,
one folder per format. Beside each, `<file>.meta.json` says what it gave: its sha256, the format found, rows read,
events and problem rows, when it was imported, its dates and countries.

These files are the analyst's data, not the project's: git ignores this folder. The event store
(`../.store/`) is derived from them: delete it and the dashboard rebuilds it from here.
"""
