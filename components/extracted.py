"""The candidate events of each article, extracted once per article checksum and kept: in memory for the pages of
this process, and on disk beside the event store (`<data>/.store/candidates/<sha256>.json`, or in the folder
$CONFLICT_MONITOR_STORE names).

The file is derived data, like the store: deleting it loses nothing, the next page extracts again. It records what
the candidates were extracted from (the extraction rules, the publication time, the headline, the actors and places
the rules look for): when any of these changes, the article is extracted again and the file replaced.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from components import clauses, dating, knowledge, mentions
from components import extract as rules
from components.config import store_path
from components.extract import Candidate
from components.files import write_atomic
from components.schema import Actors, Places

RULE_MODULES = (rules, dating, clauses, mentions, knowledge)  # what the candidates depend on, besides their inputs

FOLDER = "candidates"  # beside the store's database: the store's folder holds what is derived from data/ and seeds/
FORMAT = 1  # the file's layout: a file of another layout is extracted again, never misread
IN_MEMORY = 8  # articles whose candidates stay in memory: the few an analyst switches between
_memory: OrderedDict[tuple[str, str], tuple[Candidate, ...]] = OrderedDict()
_memory_lock = threading.Lock()  # the dashboard's sessions run in threads of one process


@functools.cache
def rules_digest() -> str:
    """The rules themselves are part of the key: a change to any module of the rules (extract.py and the modules it
    reads clauses, dates and names with) extracts every article again (read once, on first use, not at import)."""
    # The knowledge files (data/knowledge/) are rules too: a new alias or place extracts every article again.
    sources = [Path(m.__file__) for m in RULE_MODULES] + knowledge.files()
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources if p.is_file())).hexdigest()


def folder(data: Path) -> Path:
    """The folder of the cached candidates of this data folder: beside the event store's database."""
    return store_path(Path(data)).parent / FOLDER


def checksum(text: str) -> str:
    """The sha256 of an article's text as stored (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs(published: datetime, headline: str, actors: pd.DataFrame, places: pd.DataFrame,
           located: pd.DataFrame | None = None) -> str:  # fmt: skip
    """A digest of everything but the text that the candidates depend on (the datasets' places included)."""
    names = actors[[Actors.name, Actors.aliases]].to_csv(index=False)
    gazetteer = places[[Places.name, Places.aliases, Places.precision]].to_csv(index=False)
    kept = [c for c in ("location", "country", "finest") if located is not None and c in located]
    datasets = located[kept].to_csv(index=False) if located is not None and len(located) else ""
    parts = [str(FORMAT), rules_digest(), published.isoformat(), headline, names, gazetteer, datasets]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def candidates(
    text: str,
    published: datetime,
    actors: pd.DataFrame,
    places: pd.DataFrame,
    headline: str = "",
    data: Path | None = None,
    located: pd.DataFrame | None = None,
) -> list[Candidate]:
    """The article's candidates: from memory, else from the file under `data`'s store folder, else extracted (and
    kept in both). `located`: the places the imported datasets give a point (components/queries/datapage.py)."""
    key = (checksum(text), inputs(published, headline, actors, places, located))
    with _memory_lock:
        if key in _memory:
            _memory.move_to_end(key)
            return list(_memory[key])
    path = folder(data) / f"{key[0]}.json" if data is not None else None
    found = _read(path, key[1], text) if path is not None else None
    if found is None:
        found = rules.extract(text, published, actors, places, headline, located)
        if path is not None:
            _write(path, key[1], found)
    with _memory_lock:
        _memory[key] = tuple(found)
        _memory.move_to_end(key)
        while len(_memory) > IN_MEMORY:
            _memory.popitem(last=False)
    return list(found)


def forget() -> None:
    """Empty the in-memory cache (the files stay): as a new process starts."""
    with _memory_lock:
        _memory.clear()


def _write(path: Path, inputs_digest: str, found: list[Candidate]) -> None:
    """Keep the candidates on disk; a folder that cannot be written only costs the next process an extraction."""
    # A paragraph is kept once and named by its index: the clauses of one long paragraph share it, and writing it
    # once per candidate would multiply the file by the number of candidates.
    paragraphs: dict[str, int] = {}
    records = []
    for c in found:
        record = c.to_json()
        record["paragraph"] = paragraphs.setdefault(c.paragraph, len(paragraphs))
        records.append(record)
    content = {"format": FORMAT, "inputs": inputs_digest, "paragraphs": list(paragraphs), "candidates": records}
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps(content, ensure_ascii=False).encode("utf-8"))


def _read(path: Path, inputs_digest: str, text: str) -> list[Candidate] | None:
    """The candidates kept on disk for these inputs, or None (no file, another layout or inputs, or damaged)."""
    try:
        content = json.loads(path.read_bytes())
        if content.get("format") != FORMAT or content.get("inputs") != inputs_digest:
            return None
        paragraphs = content["paragraphs"]
        found = [
            Candidate(**{
                **r,
                "paragraph": paragraphs[r["paragraph"]],
                "start": date.fromisoformat(r["start"]),
                "end": date.fromisoformat(r["end"]),
                "actors": tuple(r["actors"]),
                "actor_words": tuple(r["actor_words"]),
            })
            for r in content["candidates"]
        ]  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):  # damaged: extract again
        return None
    # A quote is a verbatim span of the text: a file that says otherwise is not this article's.
    if any(text[c.offset : c.offset + len(c.quote)] != c.quote for c in found):
        return None
    return found
