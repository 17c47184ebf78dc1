"""The audit log, data/audit.csv: who changed what and when (import, ingest, accept, reject), one CSV line each.

Each change appends one record under a lock, flushed to disk before the lock is released: two writers (tabs,
servers, the command line) never interleave and a crash loses at most the record being written. Every value is plain
text on one line, cut to a bounded length and neutralised as the events export is (components/exports.py), so that
the file opens safely in a spreadsheet. The page shows it latest first and offers it for download as it is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from components.exports import neutralise
from components.files import locked

FILE, LOCK = "audit.csv", ".audit.lock"
COLUMNS = ("when", "who", "action", "what", "sha256", "event_ids", "detail")
IMPORT, INGEST, ACCEPT, REJECT = "import", "ingest", "accept", "reject"
# Characters kept of each value: a record stays one readable line whatever a file name or an error says.
LIMITS = {"when": 32, "who": 200, "action": 40, "what": 300, "sha256": 64, "event_ids": 2000, "detail": 1000}
CUT = "…"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")  # line breaks and other controls: one record, one line
BOM = "\ufeff"  # Excel reads UTF-8 only with it, as the events export


@dataclass(frozen=True)
class Entry:
    """One record of the audit log."""

    when: str
    who: str
    action: str
    what: str
    sha256: str = ""
    event_ids: str = ""
    detail: str = ""


def path_of(data: Path) -> Path:
    """The audit log of this data folder."""
    return Path(data) / FILE


def clean(value: object, limit: int) -> str:
    """A value as one bounded line of plain text, safe in a spreadsheet."""
    flat = _CONTROL.sub(" ", str(value)).strip()
    if len(flat) > limit:
        flat = flat[: limit - len(CUT)] + CUT
    return str(neutralise(flat))


def line(values: Iterable[str]) -> str:
    """One CSV record, every value quoted as needed, CRLF as the exports end their lines."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(list(values))
    return out.getvalue()


def now() -> str:
    """The time of a change: UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(
    data: Path,
    who: str,
    action: str,
    what: str,
    sha256: str = "",
    event_ids: Iterable[str] = (),
    detail: str = "",
) -> Entry:
    """Append one change to data/audit.csv (created with its header), under the lock, synced to disk; return it."""
    ids = " ".join(str(i) for i in event_ids)
    raw = {"when": now(), "who": who, "action": action, "what": what, "sha256": sha256, "event_ids": ids,
           "detail": detail}  # fmt: skip
    entry = Entry(**{name: clean(raw[name], LIMITS[name]) for name in COLUMNS})
    path = path_of(data)
    with locked(Path(data) / LOCK), path.open("ab") as out:
        head = b""
        if out.tell() == 0:  # a new log: its header first
            head = (BOM + line(COLUMNS)).encode("utf-8")
        elif not _ends_with_newline(path):  # a record cut short by a crash stays alone on its line
            head = b"\r\n"
        out.write(head + line(getattr(entry, name) for name in COLUMNS).encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    return entry


def _ends_with_newline(path: Path) -> bool:
    """The file's last byte is a line break."""
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def read(data: Path) -> list[Entry]:
    """Every record, latest first (the file's order reversed); no log yet: none. A malformed line is skipped."""
    path = path_of(data)
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        rows = list(csv.reader(f))
    entries = [Entry(*row) for row in rows[1:] if len(row) == len(COLUMNS)]
    return entries[::-1]


def raw(data: Path) -> bytes:
    """The log as it is on disk, for the download button (empty with its header when nothing was recorded)."""
    path = path_of(data)
    return path.read_bytes() if path.exists() else (BOM + line(COLUMNS)).encode("utf-8")


def digest(path: Path) -> str:
    """A file's sha256, read in chunks (a dataset file may be hundreds of megabytes)."""
    sha = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def imported(data: Path, who: str, result: object, digest: str) -> Entry:
    """Record a dataset import (the page's and the command's): the file as kept, its checksum, what it changed."""
    again = "" if result.copied else "; the same bytes were imported before, nothing copied"
    detail = (f"{result.format}, {result.rows_read} rows read: {result.added} added, {result.updated} updated, "
              f"{result.unchanged} unchanged, {result.problem_rows} rows with problems{again}")  # fmt: skip
    return record(data, who, IMPORT, result.file, digest, detail=detail)


def ingested(data: Path, who: str, done: object, source: str) -> Entry | None:
    """Record an article stored in seeds/ (the page's and the command's); one already stored changed nothing."""
    if not done.stored:
        return None
    digest = done.meta.get("original_sha256") or done.meta.get("sha256", "")  # of the file as given (page or text)
    return record(data, who, INGEST, done.article, digest, detail=f"from {source}")
