"""Streamlit caching of the loaded data, keyed on the files' modification times so an edit shows at once."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.loader import data_dir, load, seeds_dir
from components.selection import Prepared, prepare


def _stamp(*folders: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every file in the folders: changes whenever a file does."""
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def _load(data: str, seeds: str, stamp: tuple[tuple[str, int, int], ...]) -> Prepared:
    """Load, validate and prepare once per version of the files (stamp is part of the cache key)."""
    return prepare(load(Path(data), Path(seeds)))


def load_dataset() -> Prepared:
    """The validated, prepared dataset; a file that cannot be read is among its file problems, never an exception."""
    data, seeds = data_dir(), seeds_dir()
    return _load(str(data), str(seeds), _stamp(data, seeds))
