"""The files the event store is derived from: the curated files and articles, and the dataset files kept under
data/sources/<format>/ with their sidecars. Their names, stamps and checksums, read by the store (is it stale?) and
by the importer (what changed?); nothing here opens the database.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from components.schema import Actors, Events, Places

SOURCES = "sources"  # data/sources/<format>/<file>: the analyst's files, never edited
SIDECAR = ".meta.json"
CURATED = (Events.file, Actors.file, Places.file)
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


def source_files(data: Path) -> list[Path]:
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


def read_sidecar(path: Path) -> dict:
    """A source file's sidecar, or nothing when it has none (a file put there by hand) or it is not JSON."""
    meta = path.with_name(path.name + SIDECAR)
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


README = """# Imported dataset files

The ACLED and UCDP files imported with `conflict-monitor import` (or the dashboard's data page), kept byte for byte,
one folder per format. Beside each, `<file>.meta.json` says what it gave: its sha256, the format found, rows read,
events and problem rows, when it was imported, its dates and countries.

These files are the analyst's data, not the project's: git ignores this folder. The event store
(`../.store/`) is derived from them: delete it and the dashboard rebuilds it from here.
"""
